import type { AgentStatus, CallOptions, ElementCounter, NormalizedMetrics, StartResult, VnfAgent, VnfIdentification } from '../ports/vnf-agent';
import { parseVnfHeader } from '../click';
import { BaseAgent } from './base-agent';
import { ControlSocketClient } from './control-socket-client';
import { AgentError, ClickConfigError } from './errors';
import { parseJson, sleep } from './http';

const CONFIG = '/func.click';
const ERRORS = '/click_errors.txt';
const SETTLE_MS = 300;
const COUNTER_HANDLERS = ['count', 'byte_count', 'rate'];
const DEVICE_HANDLERS = ['count', 'in_bytes', 'out_bytes'];

/**
 * Stock OSv httpserver + Click's ControlSocket: the config goes through OSv's file API, Click is
 * launched by `PUT /app/` with a ControlSocket and reconfiguration on (`-R`), liveness and counters
 * come from the ControlSocket, reconfiguration is hot (`hotconfig`: no restart).
 */
export class OsvControlSocketAgent extends BaseAgent implements VnfAgent {
  private get controlPort(): number {
    return this.endpoint.controlSocketPort ?? 8001;
  }

  protected async probe(o: CallOptions): Promise<void> {
    const a = await this.http({ method: 'GET', path: '/os/uptime' }, o);
    if (a.status !== 200 || typeof parseJson(a, 'uptime') !== 'number') this.fail(`/os/uptime answered HTTP ${a.status}`, a, 'GET', '/os/uptime');
  }

  private async control<T>(o: CallOptions | undefined, fn: (c: ControlSocketClient) => Promise<T>): Promise<T> {
    const c = await ControlSocketClient.open(this.endpoint.address, this.controlPort, o?.timeoutMs ?? 5000);
    try {
      return await fn(c);
    } finally {
      c.close();
    }
  }

  private async clickRunning(o?: CallOptions): Promise<boolean> {
    try {
      const r = await this.control(o, (c) => c.read('version'));
      return r.code === 200;
    } catch (err) {
      if (err instanceof AgentError && /cannot reach|closed/.test(err.message)) return false;
      throw err;
    }
  }

  async status(o?: CallOptions): Promise<AgentStatus> {
    const up = parseJson(await this.get('/os/uptime', o), 'uptime');
    const version = parseJson(await this.get('/os/version', o), 'version');
    return { reachable: true, running: await this.clickRunning(o), version: String(version), ...(typeof up === 'number' ? { uptimeSeconds: up } : {}) };
  }

  private async writeFile(path: string, content: string, o?: CallOptions): Promise<void> {
    const form = new FormData();
    form.set('file', new Blob([content]), path.slice(1));
    const a = await this.http({ method: 'POST', path: `/file/${encodeURIComponent(path)}`, body: form }, o);
    if (a.status !== 200) this.fail(`upload of ${path} answered HTTP ${a.status}`, a, 'POST', `/file${path}`);
  }

  private async readFile(path: string, o?: CallOptions): Promise<string | undefined> {
    const a = await this.get(`/file/${encodeURIComponent(path)}?op=GET`, o);
    if (a.status === 404) return undefined;
    if (a.status !== 200) this.fail(`read of ${path} answered HTTP ${a.status}`, a, 'GET', `/file${path}`);
    return a.text;
  }

  async start(o?: CallOptions): Promise<StartResult> {
    const command = `/click -R -p ${this.controlPort} ${CONFIG}`;
    const a = await this.http({ method: 'PUT', path: '/app/', query: { command } }, o);
    if (a.status !== 200) this.fail(`PUT /app/ (${command}) answered HTTP ${a.status}`, a, 'PUT', '/app/');
    await sleep(SETTLE_MS, o?.signal);
    const log = (await this.readFile(ERRORS, o)) ?? '';
    if (!(await this.clickRunning(o))) throw new ClickConfigError(this.where, log.trim() || 'Click exited at once and logged nothing');
    const pid = parseJson(a, 'app');
    return { running: true, ...(typeof pid === 'number' ? { pid } : {}), log };
  }

  async stop(o?: CallOptions): Promise<void> {
    if (!(await this.clickRunning(o))) return;
    const r = await this.control(o, (c) => c.write('stop'));
    if (r.code !== 200) throw new AgentError(`${this.where}: Click refused to stop: ${r.code} ${r.message}`);
  }

  async deploy(config: string, o?: CallOptions): Promise<StartResult> {
    await this.stop(o);
    await this.writeFile(CONFIG, config, o);
    return this.start(o);
  }

  /** Hot: the running router is replaced through the `hotconfig` handler; Click keeps running. */
  async reconfigure(config: string, o?: CallOptions): Promise<{ hot: boolean }> {
    if (!(await this.clickRunning(o))) {
      await this.deploy(config, o);
      return { hot: false };
    }
    const r = await this.control(o, (c) => c.writeData('hotconfig', config));
    if (r.code !== 200) throw new ClickConfigError(this.where, r.message);
    await this.writeFile(CONFIG, config, o); // the next boot starts from the new config
    return { hot: true };
  }

  async readConfig(o?: CallOptions): Promise<string> {
    return (await this.readFile(CONFIG, o)) ?? '';
  }

  async log(o?: CallOptions): Promise<string> {
    return (await this.readFile(ERRORS, o)) ?? '';
  }

  async metrics(o?: CallOptions): Promise<NormalizedMetrics> {
    // CPU % from two /os/threads samples (cpu_ms deltas over time_ms), memory from /os/memory
    const threads = async (): Promise<{ cpu: number; time: number }> => {
      const v = parseJson(await this.get('/os/threads', o), 'threads') as { list?: Array<{ name?: string; cpu_ms?: number }>; time_ms?: number };
      const cpu = (v.list ?? []).filter((t) => t.name !== 'idle').reduce((s, t) => s + (t.cpu_ms ?? 0), 0);
      return { cpu, time: v.time_ms ?? Date.now() };
    };
    const a = await threads();
    await sleep(200, o?.signal);
    const b = await threads();
    const total = Number(parseJson(await this.get('/os/memory/total', o), 'memory'));
    const free = Number(parseJson(await this.get('/os/memory/free', o), 'memory'));
    const elements: ElementCounter[] = [];
    const ports: NormalizedMetrics['ports'] = [];
    if (await this.clickRunning(o)) {
      await this.control(o, async (c) => {
        const list = await c.read('list');
        const names = (list.data ?? '').split('\n').slice(1).filter(Boolean);
        for (const name of names) {
          for (const h of [...COUNTER_HANDLERS, ...DEVICE_HANDLERS]) {
            const r = await c.read(`${name}.${h}`);
            if (r.code === 200 && r.data !== undefined && !elements.some((e) => e.element === name && e.handler === h)) elements.push({ element: name, handler: h, value: Number(r.data.trim()) });
          }
        }
      });
      for (const e of elements.filter((x) => x.handler === 'in_bytes' || x.handler === 'out_bytes')) {
        ports.push({ name: e.element, ...(e.handler === 'in_bytes' ? { rxBytes: e.value } : { txBytes: e.value }) });
      }
    }
    return {
      timeMs: b.time,
      cpuPercent: Math.min(100, Math.round(((b.cpu - a.cpu) / Math.max(1, b.time - a.time)) * 100)),
      memoryPercent: total > 0 ? Math.round(((total - free) / total) * 100) : 0,
      ports,
      elements,
    };
  }

  async identification(o?: CallOptions): Promise<VnfIdentification> {
    const empty = { id: '', version: '', name: '', description: '', provider: '' };
    if (!(await this.clickRunning(o))) return empty;
    const h = parseVnfHeader(await this.readConfig(o)).header;
    return h === undefined ? empty : { id: h.id, version: h.version, name: h.name, description: h.description, provider: h.provider };
  }

  async shutdown(o?: CallOptions): Promise<void> {
    await this.powerCall('/os/shutdown', o);
  }

  async reboot(o?: CallOptions): Promise<void> {
    await this.powerCall('/os/reboot', o);
  }
}
