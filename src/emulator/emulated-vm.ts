import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ClickProcess } from './click-process';
import { ControlSocketServer } from './control-socket';
import { handleClickPlugin } from './click-plugin-routes';
import { handleOsv } from './osv-routes';
export { json } from './http-util';

export type EmulatedDialect = 'click-plugin' | 'osv-controlsocket';

export interface EmulatedVmOptions {
  dialect: EmulatedDialect;
  host: string;
  /** OSv httpserver port (8000 on real images; 0 = any free port). */
  port: number;
  /** ControlSocket port for osv-controlsocket (8001 on real images; 0 = any free port). */
  controlPort?: number;
  /** The API does not listen until this long after boot, like a real VM after ACTIVE. */
  readyDelayMs?: number;
  /** Never become ready (failure injection). */
  neverReady?: boolean;
  memoryBytes?: number;
  now?: () => number;
  /** Called when the VM powers off (`/os/shutdown`, `/os/poweroff`). */
  onPowerOff?: () => void;
}

/**
 * An emulated Click-on-OSv VM: OSv's httpserver on `host:port` with the 2017 Click plugin
 * (`click-plugin`) or stock OSv + Click's ControlSocket (`osv-controlsocket`), quirks included
 * (HTTP 200 on failure, JSON-quoted strings, raw `OK!!`, stateful metrics). See docs/emulator.md.
 */
export class EmulatedVm {
  readonly files = new Map<string, string>();
  click: ClickProcess | undefined;
  readonly bootedAt: number;
  readonly now: () => number;
  /** Previous metrics sample (the endpoint computes deltas, so two pollers disturb each other). */
  lastMetrics: { timeMs: number; cpuMs: number; rxBytes: number; txBytes: number } | undefined;
  private server: Server | undefined;
  private control: ControlSocketServer | undefined;
  private readonly sockets = new Set<Socket>();
  private nextPid = 200;
  private readyTimer: NodeJS.Timeout | undefined;
  private state: 'booting' | 'up' | 'off' = 'booting';
  address: { host: string; port: number } | undefined;
  controlPort: number | undefined;
  allowReconfigure = false;

  constructor(readonly options: EmulatedVmOptions) {
    this.now = options.now ?? Date.now;
    this.bootedAt = this.now();
    this.files.set('/func.click', '');
  }

  get dialect(): EmulatedDialect {
    return this.options.dialect;
  }

  get memoryBytes(): number {
    return this.options.memoryBytes ?? 512 * 1024 * 1024;
  }

  /** Boots: the API listens after the readiness delay. Resolves once listening (or at once if never). */
  async boot(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    if (this.options.neverReady === true) return;
    const delay = this.options.readyDelayMs ?? 0;
    if (delay > 0) await new Promise<void>((r) => (this.readyTimer = setTimeout(r, delay)));
    if (this.state === 'off') return;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    const a = server.address();
    this.address = { host: this.options.host, port: typeof a === 'object' && a !== null ? a.port : this.options.port };
    this.state = 'up';
  }

  /** Boots without waiting for the readiness delay (the cloud hands out the address at once). */
  bootInBackground(): Promise<void> {
    const p = this.boot();
    p.catch(() => undefined);
    return p;
  }

  get isUp(): boolean {
    return this.state === 'up';
  }

  /** Powers off: closes the API and the ControlSocket, ends Click. */
  async powerOff(): Promise<void> {
    if (this.state === 'off') return;
    this.state = 'off';
    if (this.readyTimer) clearTimeout(this.readyTimer);
    if (this.click) this.click.running = false;
    await this.control?.close();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server?.listening ? this.server.close(() => r()) : r()));
    this.options.onPowerOff?.();
  }

  // ---- what both dialects share: the Click process ----

  startClick(configPath = '/func.click'): ClickProcess {
    const config = this.files.get(configPath) ?? '';
    const file = configPath.replace(/^\//, '');
    this.click = ClickProcess.start(config, file, this.now, this.nextPid++);
    this.files.set('/click_errors.txt', this.click.errors);
    return this.click;
  }

  stopClick(): boolean {
    if (this.click?.running !== true) return false;
    this.click.running = false;
    void this.control?.close();
    this.control = undefined;
    return true;
  }

  /** osv-controlsocket: `PUT /app/` with a Click command line; opens the ControlSocket when Click runs. */
  async launchClick(port: number, configPath: string, allowReconfigure: boolean): Promise<ClickProcess> {
    this.allowReconfigure = allowReconfigure;
    const click = this.startClick(configPath);
    if (click.running) {
      this.control = new ControlSocketServer({
        click: () => this.click,
        allowReconfigure,
        stop: () => void this.stopClick(),
        hotconfig: (config) => {
          const next = ClickProcess.start(config, configPath.replace(/^\//, ''), this.now, this.click?.pid ?? this.nextPid++);
          if (!next.running) return next.errors;
          // NOTE: Click's hotswap keeps the process (same pid) and installs the new router
          Object.assign(next, { startedAt: this.click?.startedAt ?? next.startedAt });
          this.click = next;
          this.files.set(configPath, config);
          return undefined;
        },
      });
      await this.control.listen(this.options.host, port);
      this.controlPort = port;
    }
    return click;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://vm');
      const body = await readBody(req);
      if (this.dialect === 'click-plugin' && url.pathname.startsWith('/click_plugin/')) {
        if (await handleClickPlugin(this, req.method ?? 'GET', url, body, res)) return;
      }
      if (await handleOsv(this, req.method ?? 'GET', url, body, req.headers['content-type'] ?? '', res)) return;
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `Not found: ${url.pathname}`, code: 404 }));
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: String(err), code: 500 }));
    }
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
