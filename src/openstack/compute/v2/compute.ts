import { ignore404 } from '../../client/errors';
import { collect, paginate } from '../../client/paginate';
import type { ServiceClient } from '../../client/service-client';

export interface Flavor {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  extra_specs?: Record<string, string>;
}

export interface Server {
  id: string;
  name: string;
  status: string;
  metadata: Record<string, string>;
  addresses?: Record<string, Array<{ addr: string; version: number; 'OS-EXT-IPS-MAC:mac_addr'?: string }>>;
  image?: { id: string } | string;
  flavor?: { id?: string; original_name?: string; extra_specs?: Record<string, string> };
  fault?: { message: string; code: number; details?: string };
  'OS-EXT-STS:task_state'?: string | null;
  'OS-EXT-STS:power_state'?: number;
  'OS-EXT-SRV-ATTR:host'?: string;
}

export interface CreateServerOpts {
  name: string;
  imageRef: string;
  flavorRef: string;
  networks: Array<{ port: string } | { uuid: string }>;
  metadata?: Record<string, string>;
}

export interface ServerTopology {
  nodes: Array<{
    cpu_pinning?: Record<string, number>;
    host_node?: number;
    memory_mb: number;
    pagesize_kb?: number;
    vcpu_set: number[];
  }>;
  pagesize_kb?: number;
}

type Sig = { signal?: AbortSignal };

/** Nova's compute API with a negotiated microversion (sent on every call). */
export class ComputeV2 {
  private microversion: string | undefined;

  constructor(
    private readonly c: ServiceClient,
    private readonly wanted = '2.79',
  ) {}

  /** The microversion in use: the wanted one, or the server's maximum if that is lower. */
  async version(s: Sig = {}): Promise<string> {
    if (this.microversion !== undefined) return this.microversion;
    const res = await this.c.request<{ version?: { version?: string } }>('GET', '', { ok: [200], ...s });
    const max = res.data.version?.version;
    this.microversion = max && compareMicro(max, this.wanted) < 0 ? max : this.wanted;
    return this.microversion;
  }

  private async h(s: Sig): Promise<{ headers: Record<string, string>; signal?: AbortSignal }> {
    const v = await this.version(s);
    return {
      headers: { 'OpenStack-API-Version': `compute ${v}`, 'X-OpenStack-Nova-API-Version': v },
      ...(s.signal ? { signal: s.signal } : {}),
    };
  }

  // --- flavors ---
  async createFlavor(
    o: { name: string; vcpus: number; ram: number; disk: number; isPublic?: boolean },
    s: Sig = {},
  ): Promise<Flavor> {
    const body = {
      flavor: {
        name: o.name,
        vcpus: o.vcpus,
        ram: o.ram,
        disk: o.disk,
        'os-flavor-access:is_public': o.isPublic ?? true,
      },
    };
    return (await this.c.request<{ flavor: Flavor }>('POST', '/flavors', { ok: [200], body, ...(await this.h(s)) }))
      .data.flavor;
  }
  async getFlavor(id: string, s: Sig = {}): Promise<Flavor> {
    return (
      await this.c.request<{ flavor: Flavor }>('GET', `/flavors/${encodeURIComponent(id)}`, {
        ok: [200],
        ...(await this.h(s)),
      })
    ).data.flavor;
  }
  async listFlavors(s: Sig = {}): Promise<Flavor[]> {
    return collect(
      paginate<Flavor>(this.c, '/flavors/detail', 'flavors', { query: { is_public: 'None' }, ...(await this.h(s)) }),
    );
  }
  async setExtraSpecs(id: string, specs: Record<string, string>, s: Sig = {}): Promise<Record<string, string>> {
    return (
      await this.c.request<{ extra_specs: Record<string, string> }>('POST', `/flavors/${id}/os-extra_specs`, {
        ok: [200],
        body: { extra_specs: specs },
        idempotent: true,
        ...(await this.h(s)),
      })
    ).data.extra_specs;
  }
  async getExtraSpecs(id: string, s: Sig = {}): Promise<Record<string, string>> {
    return (
      await this.c.request<{ extra_specs: Record<string, string> }>('GET', `/flavors/${id}/os-extra_specs`, {
        ok: [200],
        ...(await this.h(s)),
      })
    ).data.extra_specs;
  }
  /** Gives a project access to a private flavor; a 409 (it has it already) is left to the caller. */
  async addFlavorAccess(id: string, projectId: string, s: Sig = {}): Promise<void> {
    await this.c.request('POST', `/flavors/${id}/action`, {
      ok: [200],
      body: { addTenantAccess: { tenant: projectId } },
      ...(await this.h(s)),
    });
  }
  async deleteFlavor(id: string, o: Sig & { ignoreMissing?: boolean } = {}): Promise<void> {
    await ignore404(o.ignoreMissing, async () =>
      this.c.request('DELETE', `/flavors/${id}`, { ok: [202], ...(await this.h(o)) }),
    );
  }

  // --- servers ---
  async createServer(o: CreateServerOpts, s: Sig = {}): Promise<{ id: string }> {
    return (
      await this.c.request<{ server: { id: string } }>('POST', '/servers', {
        ok: [202],
        body: { server: o },
        ...(await this.h(s)),
      })
    ).data.server;
  }
  async getServer(id: string, s: Sig = {}): Promise<Server> {
    return (await this.c.request<{ server: Server }>('GET', `/servers/${id}`, { ok: [200], ...(await this.h(s)) })).data
      .server;
  }
  /** Servers with details; filters as Nova takes them (name is a regular expression, all_tenants, ...). */
  async *listServers(filters: Record<string, string> = {}, s: Sig = {}): AsyncGenerator<Server> {
    yield* paginate<Server>(this.c, '/servers/detail', 'servers', { query: filters, ...(await this.h(s)) });
  }
  async deleteServer(id: string, o: Sig & { ignoreMissing?: boolean } = {}): Promise<void> {
    await ignore404(o.ignoreMissing, async () =>
      this.c.request('DELETE', `/servers/${id}`, { ok: [204], ...(await this.h(o)) }),
    );
  }
  /** start, stop, reboot (SOFT or HARD) or rebuild (with an image). */
  async action(
    id: string,
    a: { start: true } | { stop: true } | { reboot: 'SOFT' | 'HARD' } | { rebuild: { imageRef: string } },
    s: Sig = {},
  ): Promise<void> {
    const body =
      'start' in a
        ? { 'os-start': null }
        : 'stop' in a
          ? { 'os-stop': null }
          : 'reboot' in a
            ? { reboot: { type: a.reboot } }
            : { rebuild: a.rebuild };
    await this.c.request('POST', `/servers/${id}/action`, { ok: [202], body, ...(await this.h(s)) });
  }
  /** NUMA topology, CPU pinning and page size of a server (microversion 2.78 and later). */
  async topology(id: string, s: Sig = {}): Promise<ServerTopology> {
    return (await this.c.request<ServerTopology>('GET', `/servers/${id}/topology`, { ok: [200], ...(await this.h(s)) }))
      .data;
  }
  async interfaces(
    id: string,
    s: Sig = {},
  ): Promise<Array<{ port_id: string; mac_addr: string; net_id: string; fixed_ips: Array<{ ip_address: string }> }>> {
    return (
      await this.c.request<{
        interfaceAttachments: Array<{
          port_id: string;
          mac_addr: string;
          net_id: string;
          fixed_ips: Array<{ ip_address: string }>;
        }>;
      }>('GET', `/servers/${id}/os-interface`, { ok: [200], ...(await this.h(s)) })
    ).data.interfaceAttachments;
  }
}

export function compareMicro(a: string, b: string): number {
  const [a1 = 0, a2 = 0] = a.split('.').map(Number);
  const [b1 = 0, b2 = 0] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
}
