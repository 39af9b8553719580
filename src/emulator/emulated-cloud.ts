import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { EmulatedVm, type EmulatedDialect } from './emulated-vm';
import { freePort } from './free-port';

/** Faults a test can inject, per VNF instance (and optionally per VDU). */
export type CloudFault = 'image-upload-refused' | 'stack-create-failed' | 'agent-never-ready';

export interface CloudVdu {
  vduId: string;
  name: string;
  count: number;
  dialect: EmulatedDialect;
  imageId?: string;
}

export interface CloudServer {
  id: string;
  name: string;
  vduId: string;
  instanceId: string;
  status: 'ACTIVE' | 'SHUTOFF' | 'ERROR';
  address: string;
  port: number;
  controlPort: number;
  dialect: EmulatedDialect;
  imageId?: string;
  fault?: string;
}

export interface EmulatedCloudOptions {
  host?: string;
  port?: number;
  /** How long each VM's API takes to come up after the server is ACTIVE. */
  vmReadyDelayMs?: number;
}

/**
 * A small emulated cloud in its own process (or in-process for `npm start`): it keeps the VNF
 * instances' servers and runs an EmulatedVm for each on 127.0.0.1. It lives apart from the LCM
 * worker, like a real VIM, so a worker that dies does not take the VMs with it.
 *
 * HTTP API (JSON): POST /images, PUT|GET|DELETE /stacks/{instanceId}, POST
 * /stacks/{id}/servers/{sid}/replace|power, GET /stacks/{id}/leftovers, GET /servers,
 * PUT|DELETE /faults.
 */
export class EmulatedCloud {
  private server: Server | undefined;
  private readonly servers = new Map<string, CloudServer & { vm: EmulatedVm }>();
  private readonly images = new Map<string, { id: string; name: string; checksum: string; users: Set<string> }>();
  private readonly faults: Array<{ instanceId: string; fault: CloudFault; vduId?: string }> = [];
  url = '';

  constructor(private readonly options: EmulatedCloudOptions = {}) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => void this.route(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    const a = server.address();
    this.url = `http://${this.options.host ?? '127.0.0.1'}:${typeof a === 'object' && a !== null ? a.port : 0}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.servers.values()].map((s) => s.vm.powerOff()));
    this.servers.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private fault(instanceId: string, fault: CloudFault, vduId?: string): boolean {
    return this.faults.some((f) => f.instanceId === instanceId && f.fault === fault && (f.vduId === undefined || f.vduId === vduId));
  }

  private list(instanceId: string): CloudServer[] {
    return [...this.servers.values()].filter((s) => s.instanceId === instanceId).map(({ vm: _vm, ...s }) => s);
  }

  private async boot(instanceId: string, vdu: CloudVdu, index: number): Promise<CloudServer> {
    const port = await freePort();
    const controlPort = await freePort();
    const failed = this.fault(instanceId, 'stack-create-failed', vdu.vduId);
    const vm = new EmulatedVm({
      dialect: vdu.dialect,
      host: '127.0.0.1',
      port,
      controlPort,
      readyDelayMs: this.options.vmReadyDelayMs ?? 200,
      neverReady: failed || this.fault(instanceId, 'agent-never-ready', vdu.vduId),
    });
    void vm.bootInBackground();
    const s: CloudServer & { vm: EmulatedVm } = {
      id: randomUUID(),
      name: `vnf-${instanceId}-${vdu.vduId}-${index}`,
      vduId: vdu.vduId,
      instanceId,
      status: failed ? 'ERROR' : 'ACTIVE',
      address: '127.0.0.1',
      port,
      controlPort,
      dialect: vdu.dialect,
      ...(vdu.imageId !== undefined ? { imageId: vdu.imageId } : {}),
      ...(failed ? { fault: `No valid host was found for ${vdu.vduId} (injected fault)` } : {}),
      vm,
    };
    this.servers.set(s.id, s);
    const { vm: _vm, ...record } = s;
    return record;
  }

  /** Create-or-update: brings each VDU to its count (adds or removes the newest servers). */
  private async apply(instanceId: string, vdus: CloudVdu[]): Promise<CloudServer[]> {
    for (const vdu of vdus) {
      const mine = [...this.servers.values()].filter((s) => s.instanceId === instanceId && s.vduId === vdu.vduId);
      for (let i = mine.length; i < vdu.count; i++) await this.boot(instanceId, vdu, i);
      for (const extra of mine.slice(vdu.count).reverse()) {
        await extra.vm.powerOff();
        this.servers.delete(extra.id);
      }
    }
    return this.list(instanceId);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body?: unknown): void => {
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(text);
    };
    try {
      const url = new URL(req.url ?? '/', 'http://cloud');
      const parts = url.pathname.split('/').filter(Boolean);
      const body = await readJson(req);
      const [root, id, sub, sid, action] = parts;
      if (root === 'images' && req.method === 'POST') {
        const b = body as { name: string; checksum: string; instanceId: string };
        if (this.fault(b.instanceId, 'image-upload-refused')) return send(403, { message: `image upload of ${b.name} refused (injected fault)` });
        let img = [...this.images.values()].find((i) => i.checksum === b.checksum);
        if (img === undefined) this.images.set(b.checksum, (img = { id: randomUUID(), name: b.name, checksum: b.checksum, users: new Set() }));
        img.users.add(b.instanceId);
        return send(200, { id: img.id });
      }
      if (root === 'servers' && req.method === 'GET') return send(200, [...this.servers.values()].map(({ vm: _vm, ...s }) => s));
      if (root === 'faults') {
        if (req.method === 'PUT') this.faults.push(body as { instanceId: string; fault: CloudFault; vduId?: string });
        else this.faults.length = 0;
        return send(204);
      }
      if (root === 'stacks' && id !== undefined) {
        if (sub === undefined && req.method === 'PUT') return send(200, await this.apply(id, (body as { vdus: CloudVdu[] }).vdus));
        if (sub === undefined && req.method === 'GET') return send(200, this.list(id));
        if (sub === undefined && req.method === 'DELETE') {
          for (const s of [...this.servers.values()].filter((x) => x.instanceId === id)) {
            await s.vm.powerOff();
            this.servers.delete(s.id);
          }
          for (const [k, img] of this.images) {
            img.users.delete(id);
            if (img.users.size === 0) this.images.delete(k);
          }
          return send(204);
        }
        if (sub === 'leftovers') {
          const names = this.list(id).map((s) => `server ${s.name}`);
          for (const img of this.images.values()) if (img.users.has(id)) names.push(`image ${img.name}`);
          return send(200, names);
        }
        const target = sid === undefined ? undefined : this.servers.get(sid);
        if (sub === 'servers' && target !== undefined && target.instanceId === id) {
          if (action === 'replace') {
            await target.vm.powerOff();
            this.servers.delete(target.id);
            const index = Number(target.name.split('-').pop());
            return send(200, await this.boot(id, { vduId: target.vduId, name: target.vduId, count: 1, dialect: target.dialect, ...(target.imageId ? { imageId: target.imageId } : {}) }, index));
          }
          if (action === 'power') {
            const on = (body as { state: 'on' | 'off' }).state === 'on';
            if (!on) {
              await target.vm.powerOff();
              target.status = 'SHUTOFF';
            } else if (target.status === 'SHUTOFF') {
              target.vm = new EmulatedVm({ ...target.vm.options, neverReady: false, readyDelayMs: this.options.vmReadyDelayMs ?? 200 });
              void target.vm.bootInBackground();
              target.status = 'ACTIVE';
            }
            return send(204);
          }
        }
        return send(404, { message: `no such server ${sid ?? ''} in ${id}` });
      }
      send(404, { message: `no route ${req.method ?? ''} ${url.pathname}` });
    } catch (err) {
      send(500, { message: String(err) });
    }
  }
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      try {
        resolve(text === '' ? undefined : (JSON.parse(text) as unknown));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    req.on('error', reject);
  });
}
