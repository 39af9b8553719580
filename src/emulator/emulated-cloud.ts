import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { ClickChecker } from './click-facade';
import { routeCloud } from './cloud-routes';
import { CloudError, type CloudFault, type CloudFaultRule, type CloudServer, type CloudVdu } from './cloud-model';
import type { VnfcFault } from './cloud-model';
import type { VmFaultInForce } from './vm-faults';
import type { EmulatedVm } from './emulated-vm';
import { CloudAddressPool, type VmAddress } from './cloud-addresses';
import {
  bootServerVm,
  newServerRecord,
  rejectingChecker,
  serverView,
  vduOfServer,
  type ServerRecord,
} from './cloud-servers';

export interface EmulatedCloudOptions {
  /** Where the cloud's own API listens (127.0.0.1, any free port by default). */
  host?: string;
  port?: number;
  /** How long each VM's API takes to come up after its server is ACTIVE (200 ms by default). */
  vmReadyDelayMs?: number;
  /**
   * `ports` (default): every VM on 127.0.0.1 with its own API and ControlSocket ports;
   * `loopback`: every VM on its own address `<loopbackPrefix>.x.y` at 8000 (ControlSocket 8001),
   * like the mini-cloud's servers.
   */
  addressing?: 'ports' | 'loopback';
  /** First two octets of the loopback addresses (default `127.24`: not the mini-cloud's 127.20). */
  loopbackPrefix?: string;
  /** Faults in force from the start (more can be added with injectFault or `PUT /faults`). */
  faults?: CloudFaultRule[];
  /** The Click check the VMs use (default: the Click toolkit's). */
  check?: ClickChecker;
}

/**
 * A small emulated cloud. It keeps the VNF instances' servers and runs an EmulatedVm for each.
 * It lives apart from the LCM workers (its own process, `clickvnfm emulate-cloud`, or in the
 * composition root's process), like a real VIM: a worker killed in the middle of an instantiate
 * does not take the VMs with it, and its retry finds them (create-or-update by instance id and VDU,
 * one operation per instance at a time). Its HTTP API is in cloud-routes.ts.
 *
 * @example
 * const cloud = new EmulatedCloud({ vmReadyDelayMs: 50 });
 * const vim = new EmulatedVim(await cloud.start());
 */
export class EmulatedCloud {
  private server: Server | undefined;
  private readonly servers = new Map<string, ServerRecord>();
  private readonly images = new Map<string, { id: string; name: string; checksum: string; users: Set<string> }>();
  private readonly faults: CloudFaultRule[];
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly addresses: CloudAddressPool;
  url = '';

  constructor(private readonly options: EmulatedCloudOptions = {}) {
    this.faults = [...(options.faults ?? [])];
    this.addresses = new CloudAddressPool(options);
  }

  /** Starts the cloud's API; resolves to its base URL (`http://127.0.0.1:<port>`). */
  async start(): Promise<string> {
    const server = createServer((req, res) => void routeCloud(this, req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
    const a = server.address();
    this.url = `http://${this.options.host ?? '127.0.0.1'}:${typeof a === 'object' && a !== null ? a.port : 0}`;
    return this.url;
  }

  /** Powers every VM off and closes the API. */
  async stop(): Promise<void> {
    await Promise.all([...this.servers.values()].map((s) => s.vm?.powerOff()));
    this.servers.clear();
    const server = this.server;
    this.server = undefined;
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  }

  injectFault(rule: CloudFaultRule): void {
    this.faults.push(rule);
  }

  /** Clears the faults of one instance, or all. */
  clearFaults(instanceId?: string): void {
    const keep = this.faults.filter((f) => instanceId !== undefined && f.instanceId !== instanceId);
    this.faults.splice(0, this.faults.length, ...keep);
  }

  private has(instanceId: string, vduId: string | undefined, ...kinds: CloudFault[]): boolean {
    return this.faults.some(
      (f) => f.instanceId === instanceId && kinds.includes(f.fault) && (f.vduId === undefined || f.vduId === vduId),
    );
  }

  /** One operation per instance at a time: a retried request waits for the first and finds its work. */
  async withLock<T>(instanceId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(instanceId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(instanceId, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(instanceId) === tail) this.locks.delete(instanceId);
    }
  }

  list(instanceId: string): CloudServer[] {
    return this.mine(instanceId).map(serverView);
  }

  all(): CloudServer[] {
    return [...this.servers.values()].map(serverView);
  }

  private mine(instanceId: string, vduId?: string): ServerRecord[] {
    return [...this.servers.values()]
      .filter((s) => s.instanceId === instanceId && (vduId === undefined || s.vduId === vduId))
      .sort((a, b) => a.vduId.localeCompare(b.vduId) || a.index - b.index);
  }

  /** Uploads an image once per checksum and records the instance as its user. */
  ensureImage(instanceId: string, name: string, checksum: string): { id: string } {
    if (this.has(instanceId, undefined, 'image-upload-refused'))
      throw new CloudError(403, `image upload of ${name} refused (injected fault)`);
    let img = this.images.get(checksum);
    if (img === undefined) this.images.set(checksum, (img = { id: randomUUID(), name, checksum, users: new Set() }));
    img.users.add(instanceId);
    return { id: img.id };
  }

  private async remove(s: ServerRecord): Promise<void> {
    await s.vm?.powerOff();
    this.servers.delete(s.id);
    this.addresses.release(s);
  }

  private startVm(s: ServerRecord): EmulatedVm | undefined {
    if (s.status !== 'ACTIVE') return undefined;
    const rejects = this.has(s.instanceId, s.vduId, 'click-rejects-config');
    return bootServerVm(s, {
      readyDelayMs: this.options.vmReadyDelayMs ?? 200,
      neverReady: this.has(s.instanceId, s.vduId, 'agent-never-ready'),
      check: rejects ? rejectingChecker : this.options.check,
    });
  }

  private async boot(instanceId: string, vdu: CloudVdu, index: number, at?: VmAddress): Promise<ServerRecord> {
    const where = at ?? (await this.addresses.allocate());
    const failed = this.has(instanceId, vdu.vduId, 'server-error', 'stack-create-failed');
    const s = newServerRecord(instanceId, vdu, index, where, failed);
    s.vm = this.startVm(s);
    this.servers.set(s.id, s);
    return s;
  }

  /**
   * Create-or-update: brings each VDU to its count (scale-out adds the lowest free indexes,
   * scale-in removes the highest), replaces servers in ERROR, and removes VDUs no longer listed.
   */
  async apply(instanceId: string, vdus: CloudVdu[]): Promise<CloudServer[]> {
    return this.withLock(instanceId, async () => {
      for (const s of this.mine(instanceId)) if (!vdus.some((v) => v.vduId === s.vduId)) await this.remove(s);
      for (const vdu of vdus) {
        for (const s of this.mine(instanceId, vdu.vduId)) if (s.status === 'ERROR') await this.remove(s);
        const mine = this.mine(instanceId, vdu.vduId);
        for (const extra of mine.slice(vdu.count).reverse()) await this.remove(extra);
        const taken = new Set(mine.slice(0, vdu.count).map((s) => s.index));
        for (let index = 0, have = taken.size; have < vdu.count; index++) {
          if (taken.has(index)) continue;
          await this.boot(instanceId, vdu, index);
          have++;
        }
      }
      return this.list(instanceId);
    });
  }

  private get(instanceId: string, serverId: string): ServerRecord {
    const s = this.servers.get(serverId);
    if (s === undefined || s.instanceId !== instanceId)
      throw new CloudError(404, `no server ${serverId} in VNF instance ${instanceId}`);
    return s;
  }

  /**
   * Heal: a new server (new id, fresh disk) in place of the old one, at the same address; from `imageId` when
   * given (as apply, any id: an NFVO may grant an image this cloud did not upload; one it did, the instance then
   * uses too), else from the old server's image.
   */
  async replace(instanceId: string, serverId: string, to: { imageId?: string } = {}): Promise<CloudServer> {
    return this.withLock(instanceId, async () => {
      const old = this.get(instanceId, serverId);
      for (const img of this.images.values()) if (img.id === to.imageId) img.users.add(instanceId);
      await old.vm?.powerOff();
      this.servers.delete(old.id);
      const vdu = { ...vduOfServer(old), ...(to.imageId !== undefined ? { imageId: to.imageId } : {}) };
      return serverView(
        await this.boot(instanceId, vdu, old.index, {
          address: old.address,
          port: old.port,
          controlPort: old.controlPort,
        }),
      );
    });
  }

  /** Deletes one server behind the VNFM's back, as an operator may (`openstack server delete`): nothing replaces it. */
  async deleteServer(instanceId: string, serverId: string): Promise<void> {
    await this.withLock(instanceId, () => this.remove(this.get(instanceId, serverId)));
  }

  /**
   * Powers a server off (its VM ends) or on (boots again from its disk). Powering off a server already off
   * (or on one already on) does nothing, unless `strict`: then it is refused (409), as Nova's os-stop/os-start.
   */
  async power(instanceId: string, serverId: string, state: 'on' | 'off', strict = false): Promise<void> {
    await this.withLock(instanceId, async () => {
      const s = this.get(instanceId, serverId);
      if (strict && s.status !== (state === 'off' ? 'ACTIVE' : 'SHUTOFF'))
        throw new CloudError(409, `cannot power ${state} server ${s.name} while it is ${s.status}`);
      if (state === 'off' && s.status === 'ACTIVE') {
        await s.vm?.powerOff();
        s.vm = undefined;
        s.status = 'SHUTOFF';
      } else if (state === 'on' && s.status === 'SHUTOFF') {
        s.status = 'ACTIVE';
        s.vm = this.startVm(s);
      } else if (s.status === 'ERROR')
        throw new CloudError(409, `server ${s.name} is in ERROR; it cannot be powered ${state}`);
    });
  }

  /**
   * Breaks one running VNFC by server id (Day-2 tests): `shutoff` (SHUTOFF, VM powered off), `start` (ACTIVE,
   * VM booted again, Click not running), or a fault in its VM (`nf-crash`, `api-hang`, `drops`: VmFaults).
   * Resolves to the VM's faults in force. @throws CloudError 404 / 409, VmFaultError for a refused VM fault.
   */
  async injectVnfcFault(serverId: string, f: VnfcFault): Promise<VmFaultInForce[]> {
    const s = this.byId(serverId);
    if (f.fault !== 'shutoff' && f.fault !== 'start') return this.runningVm(serverId).faults.inject(f);
    await this.power(s.instanceId, s.id, f.fault === 'shutoff' ? 'off' : 'on', true);
    return this.vnfcFaults(serverId);
  }

  /** Clears the faults in one VNFC's VM (a crashed Click stays down until started again). */
  clearVnfcFaults(serverId: string): VmFaultInForce[] {
    const vm = this.runningVm(serverId);
    vm.faults.clear();
    return vm.faults.list();
  }

  /** The faults in force in one VNFC's VM (none while it is off). */
  vnfcFaults(serverId: string): VmFaultInForce[] {
    return this.byId(serverId).vm?.faults.list() ?? [];
  }

  private byId(serverId: string): ServerRecord {
    const s = this.servers.get(serverId);
    if (s === undefined) throw new CloudError(404, `no server ${serverId}`);
    return s;
  }

  private runningVm(serverId: string): EmulatedVm {
    const s = this.byId(serverId);
    if (s.vm === undefined) throw new CloudError(409, `server ${s.name} is ${s.status}: its VM does not run`);
    return s.vm;
  }

  /** Deletes every server of the instance and its use of images (idempotent). */
  async destroy(instanceId: string): Promise<void> {
    await this.withLock(instanceId, async () => {
      for (const s of this.mine(instanceId)) await this.remove(s);
      for (const [k, img] of this.images) {
        img.users.delete(instanceId);
        if (img.users.size === 0) this.images.delete(k);
      }
    });
  }

  /** What is still tagged with the instance id: `server <name>` and `image <name>` entries. */
  leftovers(instanceId: string): string[] {
    const names = this.mine(instanceId).map((s) => `server ${s.name}`);
    for (const img of this.images.values()) if (img.users.has(instanceId)) names.push(`image ${img.name}`);
    return names;
  }

  /** The emulated VM of a server (tests look inside it). */
  vmOf(serverId: string): EmulatedVm | undefined {
    return this.servers.get(serverId)?.vm;
  }
}
