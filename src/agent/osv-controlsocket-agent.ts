import type {
  AgentStatus,
  CallOptions,
  ElementCounter,
  NormalizedMetrics,
  PortMetrics,
  StartResult,
  VnfAgent,
  VnfIdentification,
} from '../ports/vnf-agent';
import { parseVnfHeader } from '../click';
import { BaseAgent } from './base-agent';
import { ControlSocketClient, type ControlReply } from './control-socket-client';
import { readElementCounters } from './element-counters';
import { AgentError, ClickConfigError } from './errors';
import { parseJson, sleep } from './http';

const CONFIG = '/func.click';
const ERRORS = '/click_errors.txt';
/** The two samples metrics() takes, this far apart, give CPU % and per-port rates. */
const SAMPLE_GAP_MS = 200;

interface Sample {
  timeMs: number;
  cpuMs: number;
  /** element -> handler -> value */
  values: Map<string, Map<string, number>>;
  classes: Map<string, string>;
}

/**
 * Stock OSv httpserver + Click's ControlSocket: the config goes through OSv's file API, Click is
 * launched by `PUT /app/` with a ControlSocket and reconfiguration on (`-R`), liveness and counters
 * come from the ControlSocket, reconfiguration is hot (`hotconfig`: same process, no restart).
 */
export class OsvControlSocketAgent extends BaseAgent implements VnfAgent {
  private get controlPort(): number {
    return this.endpoint.controlSocketPort ?? 8001;
  }

  protected async probe(o: CallOptions): Promise<void> {
    const a = await this.http({ method: 'GET', path: '/os/uptime' }, o);
    if (a.status !== 200 || typeof parseJson(a, 'uptime') !== 'number')
      this.fail(`/os/uptime answered HTTP ${a.status}`, a, 'GET', '/os/uptime');
  }

  private async control<T>(o: CallOptions | undefined, fn: (c: ControlSocketClient) => Promise<T>): Promise<T> {
    const c = await ControlSocketClient.open(this.endpoint.address, this.controlPort, o?.timeoutMs ?? 5000, o?.signal);
    try {
      return await fn(c);
    } finally {
      c.close();
    }
  }

  /** Click runs when its ControlSocket answers `READ version`; a refused connection means it does not. */
  private async clickRunning(o?: CallOptions): Promise<boolean> {
    try {
      const r = await this.control(o, (c) => c.read('version'));
      return r.code === 200;
    } catch (err) {
      if (o?.signal?.aborted === true) throw err;
      if (err instanceof AgentError && /cannot reach|closed/.test(err.message)) return false;
      throw err;
    }
  }

  async status(o?: CallOptions): Promise<AgentStatus> {
    const up = parseJson(await this.get('/os/uptime', o), 'uptime');
    const version = parseJson(await this.get('/os/version', o), 'version');
    return {
      reachable: true,
      running: await this.clickRunning(o),
      version: String(version),
      ...(typeof up === 'number' ? { uptimeSeconds: up } : {}),
    };
  }

  private async writeFile(path: string, content: string, o?: CallOptions): Promise<void> {
    const form = new FormData();
    form.set('file', new Blob([content]), path.slice(1));
    const url = `/file/${encodeURIComponent(path)}`;
    const a = await this.http({ method: 'POST', path: url, body: form }, o);
    if (a.status !== 200) this.fail(`upload of ${path} answered HTTP ${a.status}`, a, 'POST', url);
  }

  private async readFile(path: string, o?: CallOptions): Promise<string | undefined> {
    const url = `/file/${encodeURIComponent(path)}?op=GET`;
    const a = await this.get(url, o);
    if (a.status === 404) return undefined;
    if (a.status !== 200) this.fail(`read of ${path} answered HTTP ${a.status}`, a, 'GET', url);
    return a.text;
  }

  /**
   * Launches Click (`PUT /app/`), then proves it runs: its ControlSocket must answer (asked until it does);
   * an error in Click's log fails at once. The log of an earlier run is emptied first, so that it cannot
   * be taken for this run's.
   */
  async start(o?: CallOptions): Promise<StartResult> {
    await this.writeFile(ERRORS, '', o);
    const command = `/click -R -p ${this.controlPort} ${CONFIG}`;
    const a = await this.http({ method: 'PUT', path: '/app/', query: { command } }, o);
    if (a.status !== 200) this.fail(`PUT /app/ (${command}) answered HTTP ${a.status}`, a, 'PUT', '/app/');
    // OSv answers the new program's thread id(s) as a JSON string: "231" (or "231 232")
    const tids = parseJson(a, 'PUT /app/');
    const tid = /^\s*(\d+)/.exec(typeof tids === 'string' ? tids : String(tids));
    const log = await this.proveClickRuns(
      () => this.clickRunning(o),
      () => this.log(o),
      o,
    );
    return { running: true, ...(tid !== null ? { pid: Number(tid[1]) } : {}), log };
  }

  async stop(o?: CallOptions): Promise<void> {
    if (!(await this.clickRunning(o))) return;
    const r = await this.control(o, (c) => c.write('stop'));
    if (r.code !== 200) throw this.controlError('WRITE stop', r);
  }

  async deploy(config: string, o?: CallOptions): Promise<StartResult> {
    await this.stop(o);
    await this.writeFile(CONFIG, config, o);
    return this.start(o);
  }

  /**
   * Hot: `WRITEDATA hotconfig` installs the new router in the running Click (same process); a
   * rejected config leaves the old router running and fails with Click's messages. The file is
   * written afterwards so that a later start runs the same router.
   */
  async reconfigure(config: string, o?: CallOptions): Promise<{ hot: boolean }> {
    if (!(await this.clickRunning(o))) {
      await this.deploy(config, o);
      return { hot: false };
    }
    const r = await this.control(o, (c) => c.writeData('hotconfig', config, o?.timeoutMs ?? 10_000));
    if (r.code === 520)
      throw new ClickConfigError(this.where, r.message.replace(/^Write handler '[^']*' error:\n?/, ''));
    if (r.code !== 200) throw this.controlError('WRITEDATA hotconfig', r);
    await this.writeFile(CONFIG, config, o);
    return { hot: true };
  }

  private controlError(command: string, r: ControlReply): AgentError {
    return new AgentError(`${this.where}: Click's ControlSocket answered ${command} with ${r.code} ${r.message}`, {
      method: command.split(' ')[0],
      url: `tcp://${this.endpoint.address}:${this.controlPort}`,
    });
  }

  async readConfig(o?: CallOptions): Promise<string> {
    return (await this.readFile(CONFIG, o)) ?? '';
  }

  async log(o?: CallOptions): Promise<string> {
    return (await this.readFile(ERRORS, o)) ?? '';
  }

  /** One sample: Click's CPU time from /os/threads and every element handler that counts. */
  private async sample(o: CallOptions | undefined, classes?: Map<string, string>): Promise<Sample> {
    const v = parseJson(await this.get('/os/threads', o), 'threads') as {
      list?: Array<{ name?: unknown; cpu_ms?: unknown }>;
      time_ms?: unknown;
    };
    const list = Array.isArray(v?.list) ? v.list : [];
    const cpuMs = list
      .filter((t) => t.name !== 'idle')
      .reduce((s, t) => s + (typeof t.cpu_ms === 'number' ? t.cpu_ms : 0), 0);
    const out: Sample = {
      timeMs: typeof v?.time_ms === 'number' ? v.time_ms : Date.now(),
      cpuMs,
      values: new Map(),
      classes: classes ?? new Map(),
    };
    if (!(await this.clickRunning(o))) return out;
    const read = await this.control(o, (c) => readElementCounters(c, classes));
    return { ...out, classes: read.classes, values: read.values };
  }

  /**
   * CPU % from two /os/threads samples (cpu_ms over time_ms), memory from /os/memory, per-element
   * counters over the ControlSocket, per-port packets/bytes and rates from the device elements.
   * Stateless: both samples are taken within this call.
   */
  async metrics(o?: CallOptions): Promise<NormalizedMetrics> {
    const a = await this.sample(o);
    const t0 = Date.now();
    await sleep(SAMPLE_GAP_MS, o?.signal);
    const b = await this.sample(o, a.classes);
    const seconds = Math.max(0.001, (Date.now() - t0) / 1000);
    const total = Number(parseJson(await this.get('/os/memory/total', o), 'memory'));
    const free = Number(parseJson(await this.get('/os/memory/free', o), 'memory'));
    const elements: ElementCounter[] = [];
    const ports: PortMetrics[] = [];
    for (const [name, values] of b.values) {
      const cls = b.classes.get(name) ?? '';
      for (const [handler, value] of values) elements.push({ element: name, handler, value });
      if (!/Device$/.test(cls)) continue;
      const before = a.values.get(name);
      const rate = (h: string): number =>
        Math.max(0, ((values.get(h) ?? 0) - (before?.get(h) ?? values.get(h) ?? 0)) / seconds);
      const tx = cls.startsWith('To');
      ports.push(
        tx
          ? {
              name,
              txPackets: values.get('count') ?? 0,
              txBytes: values.get('out_bytes') ?? 0,
              txRate: Math.round(rate('out_bytes')),
            }
          : {
              name,
              rxPackets: values.get('count') ?? 0,
              rxBytes: values.get('in_bytes') ?? 0,
              rxRate: Math.round(rate('in_bytes')),
            },
      );
    }
    return {
      timeMs: b.timeMs,
      cpuPercent: Math.max(
        0,
        Math.min(100, Math.round(((b.cpuMs - a.cpuMs) / Math.max(1, b.timeMs - a.timeMs)) * 100)),
      ),
      memoryPercent: total > 0 ? Math.round(((total - free) / total) * 100) : 0,
      ports,
      elements,
    };
  }

  /** The VNF header of the running configuration (stock OSv has no vnf_identification). */
  async identification(o?: CallOptions): Promise<VnfIdentification> {
    const empty = { id: '', version: '', name: '', description: '', provider: '' };
    if (!(await this.clickRunning(o))) return empty;
    const h = parseVnfHeader(await this.readConfig(o)).header;
    return h === undefined
      ? empty
      : { id: h.id, version: h.version, name: h.name, description: h.description, provider: h.provider };
  }

  async shutdown(o?: CallOptions): Promise<void> {
    await this.powerCall('/os/shutdown', o);
  }

  async reboot(o?: CallOptions): Promise<void> {
    await this.powerCall('/os/reboot', o);
  }
}
