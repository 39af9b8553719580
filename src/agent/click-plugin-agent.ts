import type {
  CallOptions,
  ElementCounter,
  NormalizedMetrics,
  StartResult,
  VnfAgent,
  VnfIdentification,
  AgentStatus,
} from '../ports/vnf-agent';
import { BaseAgent } from './base-agent';
import { ControlSocketClient } from './control-socket-client';
import { readElementCounters } from './element-counters';
import { ClickConfigError } from './errors';
import { parseJson, type HttpAnswer } from './http';

/**
 * The 2017 platform's Click plugin (`/click_plugin/...`). Every answer is HTTP 200, so success is
 * read from the body: `"Sucess: PID n"`, `OK!!`, `true`; and after start, `running` and `log`
 * are checked, because a bad config makes Click exit at once behind a 200. The plugin's metrics have no
 * element counters: those are read over Click's ControlSocket (TCP 8001 once Click runs), as the other
 * dialect reads them.
 */
export class ClickPluginAgent extends BaseAgent implements VnfAgent {
  protected async probe(o: CallOptions): Promise<void> {
    const a = await this.http({ method: 'GET', path: '/click_plugin/version' }, o);
    if (a.status !== 200 || typeof parseJson(a, 'version') !== 'string')
      this.fail(`version answered HTTP ${a.status}`, a, 'GET', '/click_plugin/version');
  }

  private async getJson(path: string, o?: CallOptions): Promise<unknown> {
    const a = await this.get(path, o);
    if (a.status !== 200) this.fail(`GET ${path} answered HTTP ${a.status}`, a, 'GET', path);
    return parseJson(a, path);
  }

  private async running(o?: CallOptions): Promise<boolean> {
    const v = await this.getJson('/click_plugin/running', o);
    if (typeof v !== 'boolean') this.fail(`running answered ${JSON.stringify(v)}, not true or false`);
    return v;
  }

  async status(o?: CallOptions): Promise<AgentStatus> {
    const version = await this.getJson('/click_plugin/version', o);
    const running = await this.running(o);
    const uptime = await this.getJson('/os/uptime', o);
    return {
      reachable: true,
      running,
      version: String(version),
      ...(typeof uptime === 'number' ? { uptimeSeconds: uptime } : {}),
    };
  }

  private async post(path: string, o?: CallOptions, body?: string): Promise<HttpAnswer> {
    const a = await this.http(
      {
        method: 'POST',
        path,
        ...(body !== undefined ? { body, contentType: 'application/x-www-form-urlencoded' } : {}),
      },
      o,
    );
    if (a.status !== 200) this.fail(`POST ${path} answered HTTP ${a.status}`, a, 'POST', path);
    return a;
  }

  private async writeConfig(config: string, o?: CallOptions): Promise<void> {
    const body = new URLSearchParams({ path: '/func.click', content: config }).toString();
    const a = await this.post('/click_plugin/write_file', o, body);
    if (a.text.trim() !== 'OK!!')
      this.fail(
        `write_file answered ${JSON.stringify(a.text.slice(0, 200))} instead of OK!!`,
        a,
        'POST',
        '/click_plugin/write_file',
      );
  }

  async start(o?: CallOptions): Promise<StartResult> {
    const a = await this.post('/click_plugin/start', o);
    const said = parseJson(a, 'start');
    const text = typeof said === 'string' ? said : JSON.stringify(said);
    const pid = /^Suc+ess: PID (\d+)/.exec(text);
    if (pid === null && text !== 'Click is already running')
      this.fail(`start answered "${text}"`, a, 'POST', '/click_plugin/start');
    // HTTP 200 and "Sucess" do not prove that Click runs: `running` must say true (a bad config logs an error)
    const log = await this.proveClickRuns(
      () => this.running(o),
      () => this.log(o),
      o,
    );
    return { running: true, ...(pid !== null ? { pid: Number(pid[1]) } : {}), log };
  }

  async stop(o?: CallOptions): Promise<void> {
    const a = await this.post('/click_plugin/stop', o);
    const said = parseJson(a, 'stop');
    if (said !== 'Success' && said !== 'Click is not running')
      this.fail(`stop answered ${JSON.stringify(said)}`, a, 'POST', '/click_plugin/stop');
  }

  async deploy(config: string, o?: CallOptions): Promise<StartResult> {
    if (await this.running(o)) await this.stop(o);
    await this.writeConfig(config, o);
    return this.start(o);
  }

  /**
   * The plugin cannot hot-swap: stop, write, start (and prove it runs). When Click rejects the new
   * configuration, the previous one is written back and started again before the error is
   * reported, so a bad update does not leave the function down.
   */
  async reconfigure(config: string, o?: CallOptions): Promise<{ hot: boolean }> {
    const previous = await this.readConfig(o);
    const wasRunning = await this.running(o);
    try {
      await this.deploy(config, o);
    } catch (err) {
      if (err instanceof ClickConfigError && wasRunning && previous.trim() !== '') await this.deploy(previous, o);
      throw err;
    }
    return { hot: false };
  }

  async readConfig(o?: CallOptions): Promise<string> {
    const v = await this.getJson('/click_plugin/read_file', o);
    return typeof v === 'string' ? v : this.fail('read_file did not answer a string');
  }

  async log(o?: CallOptions): Promise<string> {
    const v = await this.getJson('/click_plugin/log', o);
    if (typeof v !== 'string') this.fail('log did not answer a string');
    return v === 'Click is not running' ? '' : v;
  }

  async metrics(o?: CallOptions): Promise<NormalizedMetrics> {
    const v = (await this.getJson('/click_plugin/metrics', o)) as {
      list?: Array<{ name?: unknown; value?: unknown }>;
      time_ms?: unknown;
    };
    if (!Array.isArray(v?.list)) this.fail('metrics did not answer {list: [...]}');
    const by = new Map(v.list.map((m) => [String(m.name), Number(m.value)]));
    return {
      timeMs: typeof v.time_ms === 'number' ? v.time_ms : Date.now(),
      cpuPercent: by.get('CPU Usage') ?? 0,
      memoryPercent: by.get('Memory Usage') ?? 0,
      ports: [{ name: 'dpdk', rxPercent: by.get('Net RX') ?? 0, txPercent: by.get('Net TX') ?? 0 }],
      elements: await this.elementCounters(o),
    };
  }

  /**
   * Every counting handler of Click's elements, read over its ControlSocket at the endpoint's port (the plugin
   * runs Click with `-p 8001`); none when the endpoint names no port or the ControlSocket does not answer.
   */
  private async elementCounters(o?: CallOptions): Promise<ElementCounter[]> {
    const port = this.endpoint.controlSocketPort;
    if (port === undefined) return [];
    let c: ControlSocketClient | undefined;
    try {
      c = await ControlSocketClient.open(this.endpoint.address, port, o?.timeoutMs ?? 5000, o?.signal);
      const { values } = await readElementCounters(c);
      return [...values].flatMap(([element, hs]) => [...hs].map(([handler, value]) => ({ element, handler, value })));
    } catch (err) {
      if (o?.signal?.aborted === true) throw err;
      return [];
    } finally {
      c?.close();
    }
  }

  async identification(o?: CallOptions): Promise<VnfIdentification> {
    const v = (await this.getJson('/click_plugin/vnf_identification', o)) as Record<string, unknown>;
    const s = (k: string): string => (typeof v?.[k] === 'string' ? (v[k] as string) : '');
    return {
      id: s('id'),
      version: s('version'),
      name: s('name'),
      description: s('description'),
      provider: s('provider'),
    };
  }

  async shutdown(o?: CallOptions): Promise<void> {
    await this.powerCall('/os/shutdown', o);
  }

  async reboot(o?: CallOptions): Promise<void> {
    await this.powerCall('/os/reboot', o);
  }
}
