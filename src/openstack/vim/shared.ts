/**
 * What the VNF instances of one VNFM project share on OpenStack, made outside their Heat stacks: the NFV
 * flavors (one per vCPUs/RAM/disk/extra specs, named by their hash) and the management security group (one
 * per set of management ports and VNFM range). Found, or made once, then reused; a terminate leaves them in
 * place, so a shared flavor is never deleted while an instance uses it. Their names start with `clickvnfm-`,
 * not `vnf-<id>`: the leak check (leftovers.ts) does not count them.
 */
import { createHash } from 'node:crypto';
import type { VduSpec } from '../../ports/vim';
import { OpenStackConflictError } from '../client/errors';
import type { OpenStackClient } from '../index';
import type { Sig } from './vim-common';

export const SHARED_PREFIX = 'clickvnfm-';

const hash = (x: unknown): string => createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 16);

/** hw:* extra specs of a VDU's flavor, from virtual_compute. */
export function extraSpecs(v: VduSpec): Record<string, string> {
  const s: Record<string, string> = {};
  if (v.flavor.cpuPolicy !== undefined) s['hw:cpu_policy'] = v.flavor.cpuPolicy;
  if (v.flavor.memPageSize !== undefined) s['hw:mem_page_size'] = v.flavor.memPageSize;
  if (v.flavor.numaNodes !== undefined) s['hw:numa_nodes'] = String(v.flavor.numaNodes);
  return s;
}

/** The shared flavor's name: its size, then the hash of size and extra specs (sorted). */
export function flavorName(v: VduSpec): string {
  const { vcpus, memoryMb, diskGb } = v.flavor;
  const specs = Object.entries(extraSpecs(v)).sort(([a], [b]) => a.localeCompare(b));
  return `${SHARED_PREFIX}flavor-${vcpus}c${memoryMb}m${diskGb}g-${hash([vcpus, memoryMb, diskGb, specs])}`;
}

/** The management ports a VNF's VMs open to the VNFM: the API ports, and ControlSocket ones for osv-controlsocket. */
export function managementPorts(vdus: VduSpec[]): number[] {
  const ports = vdus.flatMap((v) => [
    v.managementPort,
    ...(v.controlSocketPort !== undefined && v.dialect === 'osv-controlsocket' ? [v.controlSocketPort] : []),
  ]);
  return [...new Set(ports)].sort((a, b) => a - b);
}

export function securityGroupName(ports: number[], vnfmCidr: string): string {
  return `${SHARED_PREFIX}mgmt-${hash([ports, vnfmCidr])}`;
}

/** Finds or makes the shared flavors and security group; what it has checked once per process it trusts. */
export class SharedResources {
  private readonly known = new Map<string, Promise<string>>();

  constructor(private readonly os: OpenStackClient) {}

  /** The flavor id per VDU that names no existing flavor. */
  async flavors(vdus: VduSpec[], s: Sig): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const v of vdus)
      if (v.flavor.existingFlavor === undefined) out[v.vduId] = await this.once(flavorName(v), () => this.flavor(v, s));
    return out;
  }

  securityGroup(vdus: VduSpec[], vnfmCidr: string, s: Sig): Promise<string> {
    const ports = managementPorts(vdus);
    return this.once(securityGroupName(ports, vnfmCidr), (name) => this.group(name, ports, vnfmCidr, s));
  }

  /** One lookup per name at a time; a failed one is forgotten (the next call tries again). */
  private once(name: string, make: (name: string) => Promise<string>): Promise<string> {
    let p = this.known.get(name);
    if (p === undefined) {
      p = make(name);
      this.known.set(name, p);
      p.catch(() => this.known.delete(name));
    }
    return p;
  }

  private async findFlavor(name: string, s: Sig): Promise<string | undefined> {
    return (await this.os.compute.listFlavors(s)).find((f) => f.name === name)?.id;
  }

  /**
   * Create-or-find: two workers (or processes) may both miss it and both create it; Nova refuses the second
   * name with a 409, and that one finds the first. Whoever finds it makes sure of its extra specs and the
   * project's access (both idempotent), in case its maker died half-way.
   */
  private async flavor(v: VduSpec, s: Sig): Promise<string> {
    const name = flavorName(v);
    let id = await this.findFlavor(name, s);
    if (id === undefined) {
      try {
        const f = { name, vcpus: v.flavor.vcpus, ram: v.flavor.memoryMb, disk: v.flavor.diskGb, isPublic: false };
        id = (await this.os.compute.createFlavor(f, s)).id;
      } catch (err) {
        if (!(err instanceof OpenStackConflictError)) throw err;
        id = await this.findFlavor(name, s);
        if (id === undefined) throw err;
      }
    }
    const want = extraSpecs(v);
    const have = await this.os.compute.getExtraSpecs(id, s);
    if (Object.entries(want).some(([k, x]) => have[k] !== x)) await this.os.compute.setExtraSpecs(id, want, s);
    if (this.os.projectId !== undefined)
      await this.os.compute.addFlavorAccess(id, this.os.projectId, s).catch((err: unknown) => {
        // 409: the project has access already
        if (!(err instanceof OpenStackConflictError)) throw err;
      });
    return id;
  }

  /**
   * Neutron lets two groups have one name: two workers that both miss it both make one; every later lookup
   * takes the lowest id, and neither is deleted (an instance may use either). Missing rules are added.
   */
  private async group(name: string, ports: number[], vnfmCidr: string, s: Sig): Promise<string> {
    const filters = { name, ...(this.os.projectId !== undefined ? { project_id: this.os.projectId } : {}) };
    const first = (await this.os.network.listSecurityGroups(filters, s)).sort((a, b) => a.id.localeCompare(b.id))[0];
    const sg =
      first ??
      (await this.os.network.createSecurityGroup(
        { name, description: 'click-osv-vnfm: the Click-on-OSv management API, open to the VNFM only' },
        s,
      ));
    for (const p of ports) {
      const has = (sg.security_group_rules ?? []).some(
        (r) => r.direction === 'ingress' && r.port_range_min === p && r.port_range_max === p && r.protocol === 'tcp',
      );
      if (has) continue;
      const rule = {
        security_group_id: sg.id,
        direction: 'ingress' as const,
        protocol: 'tcp',
        port_range_min: p,
        port_range_max: p,
        remote_ip_prefix: vnfmCidr,
      };
      await this.os.network.createSecurityGroupRule(rule, s).catch((err: unknown) => {
        // 409: the rule exists (another worker added it)
        if (!(err instanceof OpenStackConflictError)) throw err;
      });
    }
    return sg.id;
  }
}
