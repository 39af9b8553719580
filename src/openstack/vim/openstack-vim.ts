import crypto from 'node:crypto';
import type { ImageContent, SwImageSpec, Vim, VimCallOptions, VnfDeployment, VnfcResource, VnfcStatus, VnicType } from '../../ports/vim';
import { OpenStackConflictError, OpenStackError, OpenStackNotFoundError } from '../client/errors';
import { waitFor } from '../client/wait-for';
import type { OpenStackClient } from '../index';
import type { Server } from '../compute/v2/compute';
import type { Port } from '../network/v2/network';
import type { Stack, StackResource } from '../orchestration/v1/stacks';
import { buildStack, defaultTemplatesDir } from './heat-template';

export interface OpenStackVimOptions {
  /** The management network (name or id) where the VNFM reaches the VMs' API. */
  managementNetwork: string;
  /** Source range allowed to the VMs' management ports (the VNFM's addresses). */
  vnfmCidr: string;
  /** Where connection points bound to nothing go (optional). */
  defaultDataNetwork?: string;
  templatesDir?: string;
  /** Stack create/update/delete deadline. */
  stackTimeoutMs?: number;
  /** Polling of the stack: first pause and cap (completion is noticed within the cap). */
  pollInitialMs?: number;
  pollMaxMs?: number;
  /** Called with every stack wait (the benchmark measures Heat's time next to ours). */
  onStackWait?: (e: StackWait) => void;
}

/** One wait for Heat: how long it took, how many looks, and the gap between the last look that saw it busy and the one that saw it done. */
export interface StackWait {
  stack: string;
  action: string;
  status: string;
  heatMs: number;
  polls: number;
  noticeGapMs: number;
}

/** The stack (or a VIM call) failed; the message carries Heat's reason from the events. */
export class VimOperationError extends OpenStackError {}

const MANAGED = 'clickvnfm-managed';
const instanceTag = (id: string): string => `clickvnfm-vnf:${id}`;
const hashTag = (algo: string, hash: string): string => `clickvnfm-${algo.replace(/-/g, '')}:${hash.toLowerCase()}`;

function statusOf(s: Server): VnfcStatus {
  switch (s.status) {
    case 'ACTIVE':
    case 'SHUTOFF':
    case 'BUILD':
    case 'ERROR':
    case 'DELETED':
      return s.status;
    case 'HARD_REBOOT':
    case 'REBOOT':
    case 'REBUILD':
      return 'BUILD';
    default:
      return 'UNKNOWN';
  }
}

function hashOf(algorithm: string, bytes: Buffer): string {
  const algo = algorithm.toLowerCase().replace(/^sha-/, 'sha');
  return crypto.createHash(algo).update(bytes).digest('hex');
}

/**
 * The OpenStack infrastructure driver: a Heat stack `vnf-<instanceId>` per VNF instance, built from
 * heat-templates/ (see heat-template.ts); images in Glance once per checksum, tagged per instance that
 * uses them; Nova for power actions; heal by marking the server unhealthy and updating the stack (its
 * ports, so its addresses, stay). Every method is idempotent: a retried step finds what the last
 * attempt made.
 */
export class OpenStackVim implements Vim {
  readonly kind = 'openstack';
  readonly vimType = 'ETSINFV.OPENSTACK_KEYSTONE.v_3';
  readonly computeResourceType = 'OS::Nova::Server';
  private mgmtNetworkId: string | undefined;
  private readonly waitListeners: Array<(e: StackWait) => void> = [];

  /** Calls `listener` after every wait for Heat (the benchmark puts Heat's time next to ours). */
  observeStackWaits(listener: (e: StackWait) => void): void {
    this.waitListeners.push(listener);
  }

  constructor(
    private readonly os: OpenStackClient,
    private readonly o: OpenStackVimOptions,
  ) {}

  private stackName(id: string): string {
    return `vnf-${id}`;
  }

  private sig(options?: VimCallOptions): { signal?: AbortSignal } {
    return options?.signal ? { signal: options.signal } : {};
  }

  // ---------------------------------------------------------------- images
  async ensureImages(vnfInstanceId: string, images: SwImageSpec[], options?: VimCallOptions & { content?: ImageContent }): Promise<Record<string, string>> {
    const s = this.sig(options);
    const out: Record<string, string> = {};
    for (const img of images) {
      if (out[img.name] !== undefined) continue;
      if (img.vimImageId !== undefined) {
        try {
          const existing = await this.os.image.get(img.vimImageId, s);
          if (existing.status !== 'active') throw new VimOperationError(`image ${img.vimImageId} named in the request is ${existing.status}, not active`);
        } catch (err) {
          if (err instanceof OpenStackNotFoundError) throw new VimOperationError(`image ${img.vimImageId} named in the request does not exist in Glance`, { cause: err });
          throw err;
        }
        out[img.name] = img.vimImageId;
        continue;
      }
      const tag = hashTag(img.checksum.algorithm, img.checksum.hash);
      const found = (await this.os.image.findByTag(tag, s)).find((i) => i.status === 'active');
      let id = found?.id;
      if (id === undefined) id = await this.upload(vnfInstanceId, img, tag, options?.content, s);
      await this.os.image.addTag(id, instanceTag(vnfInstanceId), s);
      out[img.name] = id;
    }
    return out;
  }

  private async upload(vnfInstanceId: string, img: SwImageSpec, tag: string, content: ImageContent | undefined, s: { signal?: AbortSignal }): Promise<string> {
    const bytes = content ? await content(img) : undefined;
    if (bytes === undefined) {
      throw new VimOperationError(
        `image '${img.name}' (${img.checksum.algorithm} ${img.checksum.hash}) is not in Glance and the package does not carry it: upload it (clickvnfm image upload) or name an existing image in additionalParams.vimImages`,
      );
    }
    const actual = hashOf(img.checksum.algorithm, bytes);
    if (actual !== img.checksum.hash.toLowerCase()) {
      throw new VimOperationError(`image '${img.name}': the package's file has ${img.checksum.algorithm} ${actual}, the VNFD says ${img.checksum.hash}; not uploaded`);
    }
    // a half-made image of an earlier attempt (queued, no data) is replaced
    for (const stale of await this.os.image.findByTag(tag, s)) if (stale.status !== 'active') await this.os.image.delete(stale.id, { ...s, ignoreMissing: true });
    const created = await this.os.image.create(
      {
        name: img.name,
        disk_format: img.diskFormat,
        container_format: img.containerFormat,
        min_disk: img.minDiskGb,
        min_ram: img.minRamMb,
        tags: [MANAGED, tag, instanceTag(vnfInstanceId)],
        properties: { ...img.properties, clickvnfm_image_version: img.version },
      },
      s,
    );
    try {
      await this.os.image.upload(created.id, bytes, { ...s, size: bytes.length });
      const after = await this.os.image.get(created.id, s);
      const md5 = crypto.createHash('md5').update(bytes).digest('hex');
      if (after.status !== 'active' || (after.checksum && after.checksum !== md5)) throw new VimOperationError(`image '${img.name}' upload ended ${after.status} with checksum ${String(after.checksum)} (sent ${md5})`);
    } catch (err) {
      await this.os.image.delete(created.id, { ignoreMissing: true }).catch(() => undefined);
      throw err;
    }
    return created.id;
  }

  // ---------------------------------------------------------------- stacks
  private async managementNetwork(s: { signal?: AbortSignal }): Promise<string> {
    if (this.mgmtNetworkId !== undefined) return this.mgmtNetworkId;
    const net = await this.os.network.findNetwork(this.o.managementNetwork, s);
    if (net === undefined) throw new VimOperationError(`the management network '${this.o.managementNetwork}' does not exist (CLICKVNFM_OS_MGMT_NETWORK)`);
    this.mgmtNetworkId = net.id;
    return net.id;
  }

  async apply(d: VnfDeployment, options?: VimCallOptions): Promise<VnfcResource[]> {
    const s = this.sig(options);
    const name = this.stackName(d.vnfInstanceId);
    const imageIds: Record<string, string> = {};
    for (const v of d.vdus) {
      if (v.image.vimImageId !== undefined) imageIds[v.image.name] = v.image.vimImageId;
      else if (imageIds[v.image.name] === undefined) {
        // later operations (scale, heal, modify) find the image the instantiation put in Glance by its checksum tag
        const found = (await this.os.image.findByTag(hashTag(v.image.checksum.algorithm, v.image.checksum.hash), s)).find((i) => i.status === 'active');
        if (found === undefined) throw new VimOperationError(`VDU ${v.vduId}: image '${v.image.name}' (${v.image.checksum.algorithm} ${v.image.checksum.hash}) is no longer in Glance`);
        imageIds[v.image.name] = found.id;
      }
    }
    const mgmt = d.managementNetwork ?? (await this.managementNetwork(s));
    const t = buildStack(d, {
      templatesDir: this.o.templatesDir ?? defaultTemplatesDir(),
      managementNetwork: mgmt,
      vnfmCidr: this.o.vnfmCidr,
      imageIds,
      ...(this.o.defaultDataNetwork !== undefined ? { defaultDataNetwork: this.o.defaultDataNetwork } : {}),
    });
    const body = { template: t.template, files: t.files, parameters: t.parameters, timeout_mins: Math.ceil((this.o.stackTimeoutMs ?? 600_000) / 60_000), disable_rollback: true };
    let stack = await this.os.orchestration.find(name, s);
    if (stack !== undefined && stack.stack_status.endsWith('_IN_PROGRESS')) stack = await this.settle(name, stack.id, 'an earlier change', s);
    let action: string;
    if (stack === undefined || stack.stack_status === 'DELETE_COMPLETE') {
      action = 'CREATE';
      const created = await this.os.orchestration.create({ stack_name: name, ...body, tags: `clickvnfm,${d.vnfInstanceId}` }, s).catch(async (err: unknown) => {
        // a create that reached Heat before a crash: the stack exists now
        if (err instanceof OpenStackConflictError) return { id: (await this.os.orchestration.find(name, s))?.id ?? '' };
        throw err;
      });
      stack = { id: created.id, stack_name: name, stack_status: 'CREATE_IN_PROGRESS' };
    } else {
      action = 'UPDATE';
      await this.os.orchestration.update(name, stack.id, body, s);
    }
    const done = await this.settle(name, stack.id, action.toLowerCase(), s, action);
    if (!done.stack_status.endsWith('_COMPLETE')) throw await this.failure(name, done, s);
    return this.describe(d.vnfInstanceId, options);
  }

  /** Waits until the stack is no longer IN_PROGRESS (polling with a small, growing interval). */
  private async settle(name: string, id: string, what: string, s: { signal?: AbortSignal }, action?: string): Promise<Stack> {
    const t0 = Date.now();
    let polls = 0;
    let lastBusy = t0;
    let doneAt = t0;
    const st = await waitFor<Stack>(
      async () => {
        polls++;
        const asked = Date.now();
        const cur = await this.os.orchestration.get(name, id, s);
        // an update is IN_PROGRESS at once, but Heat may still show the previous COMPLETE for a moment
        const stale = action !== undefined && !cur.stack_status.startsWith(action);
        const done = !stale && !cur.stack_status.endsWith('_IN_PROGRESS');
        if (done) doneAt = Date.now();
        else lastBusy = asked;
        return { done, value: cur, state: cur.stack_status };
      },
      { timeoutMs: this.o.stackTimeoutMs ?? 600_000, initialDelayMs: this.o.pollInitialMs ?? 50, maxDelayMs: this.o.pollMaxMs ?? 200, factor: 1.5, what: `stack ${name} (${what})`, ...s },
    );
    const e: StackWait = { stack: name, action: action ?? 'WAIT', status: st.stack_status, heatMs: Date.now() - t0, polls, noticeGapMs: doneAt - lastBusy };
    this.o.onStackWait?.(e);
    for (const l of this.waitListeners) l(e);
    return st;
  }

  /** The error of a failed stack, with the reasons of its failed resources (deepest first) from the events. */
  private async failure(name: string, st: Stack, s: { signal?: AbortSignal }): Promise<VimOperationError> {
    const reasons: string[] = [];
    try {
      const events = await this.os.orchestration.events(name, st.id, { ...s, nestedDepth: 3 });
      for (const e of events) {
        if (!e.resource_status.endsWith('_FAILED') || !e.resource_status_reason) continue;
        const r = `${e.resource_name}: ${e.resource_status_reason}`;
        if (!reasons.includes(r)) reasons.push(r);
      }
    } catch {
      // the stack's own reason is still there
    }
    const detail = reasons.length > 0 ? reasons.slice(0, 3).join('; ') : (st.stack_status_reason ?? 'no reason given');
    return new VimOperationError(`Heat stack ${name} is ${st.stack_status}: ${detail}`);
  }

  // ---------------------------------------------------------------- describe
  private async serverResources(name: string, stack: Stack, s: { signal?: AbortSignal }): Promise<{ servers: StackResource[]; ports: Map<string, string> }> {
    const res = await this.os.orchestration.resources(name, stack.id, { ...s, nestedDepth: 3 });
    const servers = res.filter((r) => r.resource_type === 'OS::Nova::Server' && r.physical_resource_id);
    // port id -> cpdId: port resources are named port_<cpdId> (heat-template.ts resName)
    const ports = new Map<string, string>();
    for (const r of res) if (r.resource_type === 'OS::Neutron::Port' && r.physical_resource_id) ports.set(r.physical_resource_id, r.resource_name.replace(/^port_/, ''));
    return { servers, ports };
  }

  async describe(vnfInstanceId: string, options?: VimCallOptions): Promise<VnfcResource[]> {
    const s = this.sig(options);
    const name = this.stackName(vnfInstanceId);
    const stack = await this.os.orchestration.find(name, s);
    if (stack === undefined || stack.stack_status === 'DELETE_COMPLETE') return [];
    const { servers, ports: cpOf } = await this.serverResources(name, stack, s);
    if (servers.length === 0) return [];
    const ids = servers.map((r) => r.physical_resource_id);
    const [nova, neutron] = await Promise.all([this.serversById(ids, vnfInstanceId, s), this.os.network.listPorts({ device_id: ids }, s)]);
    const mgmt = await this.managementNetwork(s).catch(() => undefined);
    const out: VnfcResource[] = [];
    for (const r of servers) {
      const srv = nova.get(r.physical_resource_id);
      if (srv === undefined) continue;
      const mine = neutron.filter((p) => p.device_id === srv.id);
      out.push(this.vnfc(srv, mine, cpOf, mgmt, r));
    }
    return out.sort((a, b) => a.vduId.localeCompare(b.vduId) || a.name.localeCompare(b.name));
  }

  private async serversById(ids: string[], vnfInstanceId: string, s: { signal?: AbortSignal }): Promise<Map<string, Server>> {
    const out = new Map<string, Server>();
    for await (const srv of this.os.compute.listServers({ name: `^${this.stackName(vnfInstanceId)}-` }, s)) out.set(srv.id, srv);
    for (const id of ids) {
      if (out.has(id)) continue;
      try {
        out.set(id, await this.os.compute.getServer(id, s));
      } catch (err) {
        if (!(err instanceof OpenStackNotFoundError)) throw err;
      }
    }
    return out;
  }

  private vnfc(srv: Server, ports: Port[], cpOf: Map<string, string>, mgmtNet: string | undefined, r: StackResource): VnfcResource {
    const vnfcPorts = ports.map((p) => ({
      cpdId: cpOf.get(p.id) ?? p.name,
      portId: p.id,
      vnicType: (p['binding:vnic_type'] ?? 'normal') as VnicType,
      macAddress: p.mac_address,
      ipAddresses: p.fixed_ips.map((f) => f.ip_address),
    }));
    const mgmtPort = ports.find((p) => p.network_id === mgmtNet) ?? ports.find((p) => (p.security_groups ?? []).length > 0);
    const stackLink = r.links.find((l) => l.rel === 'stack')?.href ?? '';
    return {
      resourceId: srv.id,
      vduId: srv.metadata['clickvnfm_vdu_id'] ?? '',
      name: srv.name,
      status: statusOf(srv),
      ...(mgmtPort?.fixed_ips[0] ? { managementAddress: mgmtPort.fixed_ips[0].ip_address } : {}),
      ports: vnfcPorts,
      ...(typeof srv.image === 'object' && srv.image?.id ? { imageId: srv.image.id } : {}),
      ...(srv.flavor?.id ? { flavorId: srv.flavor.id } : {}),
      metadata: {
        heatStack: stackLink.replace(/^.*\/stacks\//, ''),
        heatResource: r.resource_name,
        ...(srv.flavor?.original_name ? { flavor: srv.flavor.original_name } : {}),
        ...(srv.fault?.message ? { fault: srv.fault.message } : {}),
      },
    };
  }

  // ---------------------------------------------------------------- heal, power
  async heal(vnfInstanceId: string, resourceId: string, options?: VimCallOptions): Promise<VnfcResource> {
    const s = this.sig(options);
    const name = this.stackName(vnfInstanceId);
    const stack = await this.os.orchestration.find(name, s);
    if (stack === undefined) throw new VimOperationError(`VNF instance ${vnfInstanceId} has no stack ${name}`);
    const { servers } = await this.serverResources(name, stack, s);
    const r = servers.find((x) => x.physical_resource_id === resourceId);
    if (r === undefined) {
      // a heal retried after Heat replaced the server: the old id is gone, the new server stands in its place
      throw new VimOperationError(`server ${resourceId} is not part of stack ${name}`);
    }
    const nested = (r.links.find((l) => l.rel === 'stack')?.href ?? '').replace(/^.*\/stacks\//, '').split('/');
    const [nestedName, nestedId] = [nested[0] ?? name, nested[1] ?? stack.id];
    await this.os.orchestration.markUnhealthy(decodeURIComponent(nestedName), nestedId, r.resource_name, 'healed by click-osv-vnfm', s);
    await this.os.orchestration.patch(name, stack.id, {}, s);
    const done = await this.settle(name, stack.id, 'heal', s, 'UPDATE');
    if (!done.stack_status.endsWith('_COMPLETE')) throw await this.failure(name, done, s);
    const after = await this.describe(vnfInstanceId, options);
    const replaced = after.find((v) => v.metadata?.['heatStack'] === `${nestedName}/${nestedId}`) ?? after.find((v) => v.resourceId !== resourceId && v.managementAddress !== undefined);
    if (replaced === undefined) throw new VimOperationError(`after healing, stack ${name} has no server in place of ${resourceId}`);
    return replaced;
  }

  async power(vnfInstanceId: string, resourceId: string, state: 'on' | 'off', options?: VimCallOptions): Promise<void> {
    const s = this.sig(options);
    const want = state === 'on' ? 'ACTIVE' : 'SHUTOFF';
    const cur = await this.os.compute.getServer(resourceId, s);
    if (cur.metadata['clickvnfm_vnf_instance_id'] !== vnfInstanceId) throw new VimOperationError(`server ${resourceId} does not belong to VNF instance ${vnfInstanceId}`);
    if (cur.status !== want) {
      try {
        await this.os.compute.action(resourceId, state === 'on' ? { start: true } : { stop: true }, s);
      } catch (err) {
        // 409: already in (or going to) that state
        if (!(err instanceof OpenStackConflictError)) throw err;
      }
    }
    await waitFor(
      async () => {
        const srv = await this.os.compute.getServer(resourceId, s);
        if (srv.status === 'ERROR') throw new VimOperationError(`server ${resourceId} went to ERROR: ${srv.fault?.message ?? 'no fault given'}`);
        return { done: srv.status === want && !srv['OS-EXT-STS:task_state'], state: srv.status };
      },
      { timeoutMs: 120_000, initialDelayMs: 100, maxDelayMs: 500, what: `server ${resourceId} to be ${want}`, ...s },
    );
  }

  // ---------------------------------------------------------------- destroy, leftovers
  async destroy(vnfInstanceId: string, options?: VimCallOptions): Promise<void> {
    const s = this.sig(options);
    const name = this.stackName(vnfInstanceId);
    for (let attempt = 0; attempt < 3; attempt++) {
      let stack = await this.os.orchestration.find(name, s);
      if (stack === undefined || stack.stack_status === 'DELETE_COMPLETE') break;
      if (stack.stack_status.endsWith('_IN_PROGRESS') && !stack.stack_status.startsWith('DELETE')) stack = await this.settle(name, stack.id, 'an earlier change', s);
      await this.os.orchestration.delete(name, stack.id, s);
      const gone = await waitFor<Stack | undefined>(
        async () => {
          const cur = await this.os.orchestration.find(name, s).catch((err: unknown) => (err instanceof OpenStackNotFoundError ? undefined : Promise.reject(err)));
          const done = cur === undefined || cur.stack_status === 'DELETE_COMPLETE' || cur.stack_status === 'DELETE_FAILED';
          return { done, value: cur, state: cur?.stack_status ?? 'GONE' };
        },
        { timeoutMs: this.o.stackTimeoutMs ?? 600_000, initialDelayMs: this.o.pollInitialMs ?? 50, maxDelayMs: this.o.pollMaxMs ?? 200, what: `stack ${name} to be deleted`, ...s },
      );
      if (gone === undefined || gone.stack_status === 'DELETE_COMPLETE') break;
      if (attempt === 2) throw await this.failure(name, gone, s);
    }
    // images: drop this instance's tag; an image we uploaded that no instance uses any more goes
    for (const img of await this.os.image.findByTag(instanceTag(vnfInstanceId), s)) {
      await this.os.image.removeTag(img.id, instanceTag(vnfInstanceId), s);
      const users = img.tags.filter((t) => t.startsWith('clickvnfm-vnf:') && t !== instanceTag(vnfInstanceId));
      if (users.length === 0 && img.tags.includes(MANAGED)) await this.os.image.delete(img.id, { ...s, ignoreMissing: true });
    }
  }

  async leftovers(vnfInstanceId: string, options?: VimCallOptions): Promise<string[]> {
    const s = this.sig(options);
    const prefix = this.stackName(vnfInstanceId);
    const out: string[] = [];
    const stack = await this.os.orchestration.find(prefix, s);
    if (stack !== undefined && stack.stack_status !== 'DELETE_COMPLETE') out.push(`stack ${prefix} (${stack.stack_status})`);
    for await (const srv of this.os.compute.listServers({ name: `^${prefix}` }, s)) out.push(`server ${srv.name} (${srv.id})`);
    const [ports, nets, sgs] = await Promise.all([this.os.network.listPorts({}, s), this.os.network.listNetworks({}, s), this.os.network.listSecurityGroups({}, s)]);
    for (const p of ports) if (p.name.startsWith(prefix)) out.push(`port ${p.name} (${p.id})`);
    for (const n of nets) if (n.name.startsWith(prefix)) out.push(`network ${n.name} (${n.id})`);
    for (const g of sgs) if (g.name.startsWith(prefix)) out.push(`security group ${g.name} (${g.id})`);
    for (const f of await this.os.compute.listFlavors(s)) if (f.name.startsWith(prefix)) out.push(`flavor ${f.name} (${f.id})`);
    for (const img of await this.os.image.findByTag(instanceTag(vnfInstanceId), s)) out.push(`image ${img.name ?? ''} (${img.id}) still tagged for the instance`);
    return out;
  }
}
