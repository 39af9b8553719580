import type {
  AgentStatus,
  CallOptions,
  ElementCounter,
  MetricsBaseline,
  MetricsOptions,
  NormalizedMetrics,
  PortMetrics,
  StartResult,
  VnfAgent,
  VnfIdentification,
} from '../ports/vnf-agent';
import { countingHandlers, parseVnfHeader } from '../click';
import { BaseAgent } from './base-agent';
import { ControlSocketClient, controlSocketAddress, type ControlReply } from './control-socket-client';
import { forgetRouter, readElementCounters, type ElementReadings } from './element-counters';
import { AgentError, ClickConfigError } from './errors';
import { parseJson, sleep } from './http';
import { AGENT_LAUNCHED, baselineOf, CLICK, IDLE, usable, type Sample } from './osv-samples';

const CONFIG = '/func.click';
const ERRORS = '/click_errors.txt';
/** Without a baseline, metrics() takes two samples this far apart for CPU % and per-port rates. */
const SAMPLE_GAP_MS = 200;
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
    // -p: the port inside the VM (the one reached may be forwarded); new_program: a fresh program namespace, else
    // a second Click finds the first one's port still bound in OSv's single address space
    const command = `/click -R -p ${this.endpoint.vmControlSocketPort ?? this.controlPort} ${CONFIG}`;
    const a = await this.http({ method: 'PUT', path: '/app/', query: { command, new_program: 'true' } }, o);
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

  /** OSv's threads (`/os/threads`): each one's name and CPU time, and the VM's clock. */
  private async threads(
    o?: CallOptions,
  ): Promise<{ list: Array<{ name?: unknown; cpu_ms?: unknown }>; timeMs: number }> {
    const v = parseJson(await this.get('/os/threads', o), 'threads') as {
      list?: Array<{ name?: unknown; cpu_ms?: unknown }>;
      time_ms?: unknown;
    };
    return {
      list: Array.isArray(v?.list) ? v.list : [],
      timeMs: typeof v?.time_ms === 'number' ? v.time_ms : Date.now(),
    };
  }

  /** How many of OSv's threads are Click's own (the program `/usr/bin/click` the image's launcher runs). */
  private async clickThreads(o?: CallOptions): Promise<number> {
    return (await this.threads(o)).list.filter((t) => typeof t.name === 'string' && CLICK.test(t.name)).length;
  }

  /**
   * Asks Click to stop (`WRITE stop`) and returns once it has exited: its threads gone from /os/threads. Not by
   * knocking at its ControlSocket meanwhile: a connection waiting on the listening socket while Click closes it
   * crashes OSv v0.57 (a page fault in soclose/soabort, seen on the real image). An image whose Click threads
   * cannot be told apart is asked at the ControlSocket, every 250 ms.
   */
  async stop(o?: CallOptions): Promise<void> {
    if (!(await this.clickRunning(o))) return;
    const byThreads = (await this.clickThreads(o)) > 0;
    const r = await this.control(o, (c) => c.write('stop'));
    if (r.code !== 200) throw this.controlError('WRITE stop', r);
    const deadlineMs = o?.timeoutMs ?? 5000;
    const started = Date.now();
    const runs = (): Promise<boolean> => (byThreads ? this.clickThreads(o).then((n) => n > 0) : this.clickRunning(o));
    for (let pause = byThreads ? 20 : 250; await runs(); pause = byThreads ? Math.min(200, pause * 2) : 250) {
      if (Date.now() - started + pause > deadlineMs)
        throw new AgentError(`${this.where}: Click still runs ${deadlineMs} ms after WRITE stop`);
      await sleep(pause, o?.signal);
    }
  }

  async deploy(config: string, o?: CallOptions): Promise<StartResult> {
    forgetRouter(controlSocketAddress(this.endpoint.address, this.controlPort));
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
    forgetRouter(controlSocketAddress(this.endpoint.address, this.controlPort));
    const r = await this.control(o, (c) => c.writeData('hotconfig', config, o?.timeoutMs ?? 10_000));
    if (r.code === 520)
      throw new ClickConfigError(this.where, r.message.replace(/^Write handler '[^']*' error:\n?/, ''));
    if (r.code === 511) {
      // Click runs without -R (started by someone else, or the image's own config at boot): no hot swap
      await this.deploy(config, o);
      return { hot: false };
    }
    if (r.code !== 200) throw this.controlError('WRITEDATA hotconfig', r);
    await this.writeFile(CONFIG, config, o);
    return { hot: true };
  }

  private controlError(command: string, r: ControlReply): AgentError {
    return new AgentError(`${this.where}: Click's ControlSocket answered ${command} with ${r.code} ${r.message}`, {
      method: command.split(' ')[0],
      url: `tcp://${controlSocketAddress(this.endpoint.address, this.controlPort)}`,
    });
  }

  async readConfig(o?: CallOptions): Promise<string> {
    return (await this.readFile(CONFIG, o)) ?? '';
  }

  async log(o?: CallOptions): Promise<string> {
    return (await this.readFile(ERRORS, o)) ?? '';
  }

  /** Click's element counters over one ControlSocket session; undefined when Click does not run. */
  private async counters(o: CallOptions | undefined): Promise<ElementReadings | undefined> {
    try {
      return await this.control(o, (c) => readElementCounters(c));
    } catch (err) {
      if (o?.signal?.aborted === true) throw err;
      if (err instanceof AgentError && /cannot reach/.test(err.message)) return undefined;
      throw err;
    }
  }

  /** One sample: Click's CPU time from /os/threads (every thread but OSv's idle ones) and its element counters. */
  private async sample(o: CallOptions | undefined): Promise<Sample> {
    const { list, timeMs } = await this.threads(o);
    const cpuMs = list
      .filter((t) => typeof t.name !== 'string' || !IDLE.test(t.name))
      .reduce((s, t) => s + (typeof t.cpu_ms === 'number' ? t.cpu_ms : 0), 0);
    const read = await this.counters(o);
    const names = list.map((t) => t.name);
    const bootClick = names.some((n) => typeof n === 'string' && CLICK.test(n)) && !names.includes(AGENT_LAUNCHED);
    return { timeMs, cpuMs, bootClick, values: read?.values ?? new Map(), classes: read?.classes ?? new Map() };
  }

  /**
   * CPU % (Click's cpu_ms over the VM's time_ms), memory from /os/memory, per-element counters over the
   * ControlSocket, per-port packets/bytes and rates from the device elements. Against the caller's baseline
   * (an earlier reading of this VM) when it is usable: one sample; else two, 200 ms apart.
   */
  async metrics(o?: MetricsOptions): Promise<NormalizedMetrics> {
    let b = await this.sample(o);
    let before: MetricsBaseline;
    if (usable(o?.baseline, b)) before = o.baseline;
    else {
      before = baselineOf(b);
      await sleep(SAMPLE_GAP_MS, o?.signal);
      b = await this.sample(o);
    }
    const seconds = Math.max(0.001, (b.timeMs - before.vmTimeMs) / 1000);
    const total = o?.baseline?.memoryTotal ?? Number(parseJson(await this.get('/os/memory/total', o), 'memory'));
    const free = Number(parseJson(await this.get('/os/memory/free', o), 'memory'));
    const elements: ElementCounter[] = [];
    const ports: PortMetrics[] = [];
    for (const [name, values] of b.values) {
      for (const [handler, value] of values) elements.push({ element: name, handler, value });
      const port = countingHandlers(b.classes.get(name) ?? '').port;
      if (port?.packets === undefined) continue;
      const tx = port.direction === 'tx';
      // a device without a byte counter (FromDevice) reports 0 bytes and no byte rate
      const bytes = (port.bytes === undefined ? undefined : values.get(port.bytes)) ?? 0;
      const rate = Math.round(Math.max(0, (bytes - (before.bytes[name] ?? bytes)) / seconds));
      const packets = values.get(port.packets) ?? 0;
      ports.push(
        tx
          ? { name, txPackets: packets, txBytes: bytes, txRate: rate }
          : { name, rxPackets: packets, rxBytes: bytes, rxRate: rate },
      );
    }
    const cpu = ((b.cpuMs - before.cpuMs) / Math.max(1, b.timeMs - before.vmTimeMs)) * 100;
    return {
      timeMs: b.timeMs,
      cpuPercent: Math.max(0, Math.min(100, Math.round(cpu))),
      memoryPercent: total > 0 ? Math.round(((total - free) / total) * 100) : 0,
      ports,
      elements,
      baseline: { ...baselineOf(b), ...(total > 0 ? { memoryTotal: total } : {}) },
      ...(b.bootClick ? { bootClick: true } : {}),
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
