import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CloudBadRequest,
  CloudError,
  parseFault,
  parseImage,
  parsePower,
  parseReplace,
  parseServerAction,
  parseVdus,
  parseVnfcFault,
} from './cloud-model';
import type { EmulatedCloud } from './emulated-cloud';
import { VmFaultError } from './vm-faults';

/**
 * The emulated cloud's HTTP API (JSON in and out):
 *
 * | call | does |
 * |---|---|
 * | `POST /images` `{name, checksum, instanceId}` | upload once per checksum -> `{id}` |
 * | `PUT /stacks/{instanceId}` `{vdus: [{vduId, count, dialect, imageId?, cps?}]}` | create-or-update -> servers |
 * | `GET /stacks/{instanceId}` | the instance's servers |
 * | `DELETE /stacks/{instanceId}` | delete them (idempotent) -> 204 |
 * | `POST /stacks/{instanceId}/servers/{id}/replace` `{imageId?}` | heal: a new server in its place -> server |
 * | `POST /stacks/{instanceId}/servers/{id}/power` `{state: on|off}` | -> 204 |
 * | `DELETE /stacks/{instanceId}/servers/{id}` | one server deleted out of band (nothing replaces it) -> 204 |
 * | `GET /stacks/{instanceId}/leftovers` | names still tagged with the instance |
 * | `GET /servers` | every server |
 * | `PUT /servers/{id}/faults` `{fault: nf-crash|api-hang|drops|shutoff|start, ...}` | break one VNFC -> `{faults}` |
 * | `GET /servers/{id}/faults` / `DELETE /servers/{id}/faults` | its VM's faults / clear them -> `{faults}` |
 * | `POST /servers/{id}/action` `{"os-stop": null}` / `{"os-start": null}` | Nova's names for shutoff/start -> 202 |
 * | `PUT /faults` `{instanceId, fault, vduId?}` / `DELETE /faults[?instanceId=]` | failure injection |
 * | `GET /healthz` | `{"ok":true}` |
 *
 * A VDU may name an `availabilityZone`: its new servers are placed there and carry it (as Nova reports a
 * server's zone); servers already running keep theirs.
 */
export async function routeCloud(cloud: EmulatedCloud, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const send = (status: number, body?: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(body === undefined ? '' : JSON.stringify(body));
  };
  try {
    const url = new URL(req.url ?? '/', 'http://cloud');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    const body = await readJson(req);
    const [root, id, sub, sid, action] = parts;
    if (root === 'healthz' && method === 'GET') return send(200, { ok: true });
    if (root === 'images' && method === 'POST') {
      const b = parseImage(body);
      return send(200, cloud.ensureImage(b.instanceId, b.name, b.checksum));
    }
    if (root === 'servers' && id === undefined && method === 'GET') return send(200, cloud.all());
    if (root === 'servers' && id !== undefined && sub === 'faults' && sid === undefined) {
      if (method === 'PUT') return send(200, { faults: await cloud.injectVnfcFault(id, parseVnfcFault(body)) });
      if (method === 'GET') return send(200, { faults: cloud.vnfcFaults(id) });
      if (method === 'DELETE') return send(200, { faults: cloud.clearVnfcFaults(id) });
    }
    if (root === 'servers' && id !== undefined && sub === 'action' && sid === undefined && method === 'POST')
      return (await cloud.injectVnfcFault(id, parseServerAction(body)), send(202));
    if (root === 'faults' && method === 'PUT') return (cloud.injectFault(parseFault(body)), send(204));
    if (root === 'faults' && method === 'DELETE')
      return (cloud.clearFaults(url.searchParams.get('instanceId') ?? undefined), send(204));
    if (root === 'stacks' && id !== undefined) {
      if (sub === undefined && method === 'PUT') return send(200, await cloud.apply(id, parseVdus(body)));
      if (sub === undefined && method === 'GET') return send(200, cloud.list(id));
      if (sub === undefined && method === 'DELETE') return (await cloud.destroy(id), send(204));
      if (sub === 'leftovers' && method === 'GET') return send(200, cloud.leftovers(id));
      if (sub === 'servers' && sid !== undefined && method === 'POST' && action === 'replace')
        return send(200, await cloud.replace(id, sid, parseReplace(body)));
      if (sub === 'servers' && sid !== undefined && method === 'POST' && action === 'power')
        return (await cloud.power(id, sid, parsePower(body)), send(204));
      if (sub === 'servers' && sid !== undefined && method === 'DELETE' && action === undefined)
        return (await cloud.deleteServer(id, sid), send(204));
    }
    send(404, { message: `no route ${method} ${url.pathname}` });
  } catch (err) {
    if (err instanceof CloudError || err instanceof VmFaultError) return send(err.status, { message: err.message });
    if (err instanceof CloudBadRequest || err instanceof SyntaxError) return send(400, { message: err.message });
    send(500, { message: err instanceof Error ? err.message : String(err) });
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
