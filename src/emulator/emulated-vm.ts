import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { toolkitChecker, type ClickChecker } from './click-facade';
import { BIND_FAILURE, driverClash } from './click-clash';
import { ClickProcess } from './click-process';
import { ControlSocketServer } from './control-socket';
import { handleClickPlugin } from './click-plugin-routes';
import { handleOsv } from './osv-routes';
import { readBody } from './http-util';
import { handleVmFaults, VmFaults, VM_FAULTS_PATH } from './vm-faults';
import type { EmulatedDialect, EmulatedVmOptions } from './vm-options';

export type { EmulatedDialect, EmulatedVmOptions } from './vm-options';

const MB = 1024 * 1024;
/** What OSv, the httpserver and DPDK's pools take before Click starts. */
const BASE_USED_BYTES = 96 * MB;
/** What each Click start takes (2 to 4 MB on the real image); the platform never gives it back until a reboot. */
const CLICK_START_BYTES = 3 * MB;
/** How long OSv takes to power off after `/os/shutdown` (its API drops connections meanwhile). */
const SHUTDOWN_MS = 100;

/**
 * An emulated Click-on-OSv VM: OSv's httpserver on `host:port` with the 2017 Click plugin
 * (`click-plugin`) or stock OSv + Click's ControlSocket (`osv-controlsocket`), quirks included
 * (HTTP 200 on failure, JSON-quoted strings, raw `OK!!`, stateful metrics, a late API, memory that
 * Click never gives back). See docs/emulator.md.
 *
 * @example
 * const vm = new EmulatedVm({ dialect: 'click-plugin', host: '127.0.0.1', port: 0 });
 * await vm.boot();
 * console.log(`http://127.0.0.1:${vm.address?.port}/click_plugin/version`);
 */
export class EmulatedVm {
  readonly files: Map<string, string>;
  click: ClickProcess | undefined;
  /** The Click the image's boot command started (bootConfig), until another one is. */
  bootClick: ClickProcess | undefined;
  bootedAt: number;
  readonly now: () => number;
  readonly check: ClickChecker;
  /** Previous metrics sample (the endpoint computes deltas, so two pollers disturb each other). */
  lastMetrics: { timeMs: number; cpuMs: number; rxBytes: number; txBytes: number } | undefined;
  /** Memory Click took and never gave back (freed by a reboot). */
  private clickBytes = 0;
  private server: Server | undefined;
  private control: ControlSocketServer | undefined;
  private readonly sockets = new Set<Socket>();
  private nextPid = 200;
  /** Cuts short a Click start still waiting for clickStartDelayMs (stop, power off). */
  private clickStartWait: AbortController | undefined;
  /** Cuts short a boot's readiness delay. */
  private readyWait: AbortController | undefined;
  private state: 'booting' | 'up' | 'off' = 'booting';
  /** Bumped by every boot and shutdown: a boot whose delay ends after a newer event gives up. */
  private generation = 0;
  address: { host: string; port: number } | undefined;
  controlPort: number | undefined;
  /** The ControlSocket ports a Click of this boot bound (OSv never gives a program's static ports back). */
  private readonly boundControlPorts = new Set<number>();
  allowReconfigure = false;
  /** Between `POST /os/shutdown` and power off: every request's connection is dropped. */
  private shuttingDown = false;
  /** Faults injected into the running VM (`/_emulator/faults`); a reboot or power off clears them. */
  readonly faults: VmFaults = new VmFaults(this);

  constructor(readonly options: EmulatedVmOptions) {
    this.now = options.now ?? Date.now;
    this.check = options.check ?? toolkitChecker;
    this.bootedAt = this.now();
    this.files = options.files ?? new Map();
    if (!this.files.has('/func.click')) this.files.set('/func.click', options.bootConfig ?? '');
  }

  get dialect(): EmulatedDialect {
    return this.options.dialect;
  }

  get memoryBytes(): number {
    return this.options.memoryBytes ?? 512 * MB;
  }

  get usedMemoryBytes(): number {
    return Math.min(this.memoryBytes, BASE_USED_BYTES + this.clickBytes);
  }

  /** Boots: the API listens after the readiness delay (not before: early calls fail at TCP level). */
  async boot(): Promise<void> {
    this.state = 'booting';
    this.bootedAt = this.now();
    this.boundControlPorts.clear();
    const generation = ++this.generation;
    if (this.options.neverReady === true) return;
    const delay = this.options.readyDelayMs ?? 0;
    if (delay > 0) {
      const wait = (this.readyWait = new AbortController());
      // an abort (closeApi) only ends the wait early; the state check below decides
      await sleep(delay, undefined, { signal: wait.signal }).catch(() => undefined);
      if (this.readyWait === wait) this.readyWait = undefined;
    }
    if (this.state !== 'booting' || generation !== this.generation) return;
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.address?.port ?? this.options.port, this.options.host, () => resolve());
    });
    this.server = server;
    const a = server.address();
    this.address = { host: this.options.host, port: typeof a === 'object' && a !== null ? a.port : this.options.port };
    this.state = 'up';
    // the boot command's -p 8001 (here the port inside the VM when there is a forward)
    const bootPort = this.options.vmControlPort ?? this.options.controlPort ?? 8001;
    if (this.options.bootConfig !== undefined) this.bootClick = await this.launchClick(bootPort, '/func.click', true);
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

  private async closeApi(): Promise<void> {
    this.generation++;
    // a boot still waiting for its delay gives up (it sees the new state)
    this.readyWait?.abort();
    this.readyWait = undefined;
    this.stopClick();
    this.faults.clear();
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (server?.listening === true ? server.close(() => r()) : r()));
  }

  /** Powers off: closes the API and the ControlSocket, ends Click. The disk (files) stays. */
  async powerOff(): Promise<void> {
    if (this.state === 'off') return;
    this.state = 'off';
    this.shuttingDown = false;
    await this.closeApi();
    this.options.onPowerOff?.();
  }

  /**
   * `POST /os/shutdown`: OSv powers off without answering; for a moment the API still accepts connections and drops
   * them (a client's retry sees the same), then the VM is off.
   */
  shutDown(): void {
    this.shuttingDown = true;
    setTimeout(() => void this.powerOff(), SHUTDOWN_MS).unref();
  }

  /** Reboots: Click ends, the API goes away and comes back after the readiness delay, memory is freed. */
  async reboot(): Promise<void> {
    if (this.state === 'off') return;
    this.state = 'booting';
    await this.closeApi();
    this.click = undefined;
    this.clickBytes = 0;
    this.lastMetrics = undefined;
    await this.boot();
  }

  // ---- what both dialects share: the Click process ----

  /**
   * Starts Click on a file; `ready` runs once it has read the configuration (at once, or after
   * clickStartDelayMs unless it was stopped meanwhile).
   */
  startClick(
    configPath = '/func.click',
    ready?: (click: ClickProcess) => Promise<void>,
    failure?: string,
    commandLine = false,
  ): ClickProcess {
    const config = this.files.get(configPath) ?? '';
    // Click names the file in its errors as its command line does (OSv's launcher: /func.click)
    const file = commandLine ? configPath : configPath.replace(/^\//, '');
    const click = ClickProcess.launch(file, this.now, this.newClickPid(), this.check, this.faults.dropped);
    click.parseErrorsAbort = commandLine;
    this.click = click;
    const initialize = async (): Promise<void> => {
      click.initialize(config, failure);
      this.files.set('/click_errors.txt', click.errors);
      await ready?.(click);
    };
    const delay = this.options.clickStartDelayMs ?? 0;
    this.files.set('/click_errors.txt', '');
    if (delay <= 0) {
      void initialize();
      return click;
    }
    const wait = (this.clickStartWait = new AbortController());
    void sleep(delay, undefined, { signal: wait.signal }).then(
      () => (this.click === click ? initialize() : undefined),
      () => undefined,
    );
    return click;
  }

  /** A new Click program's thread id; the memory it takes is not given back until a reboot. */
  newClickPid(): number {
    this.clickBytes += CLICK_START_BYTES;
    return this.nextPid++;
  }

  stopClick(): boolean {
    this.clickStartWait?.abort();
    this.clickStartWait = undefined;
    if (this.click?.starting === true) this.click.starting = false;
    else if (this.click?.running !== true) return false;
    this.click.running = false;
    void this.control?.close();
    this.control = undefined;
    return true;
  }

  /**
   * click-plugin: `POST /click_plugin/start` runs Click on /func.click with a ControlSocket (`-p 8001`, no
   * reconfiguration), opened once Click runs.
   */
  startPluginClick(): ClickProcess {
    this.allowReconfigure = false;
    const port = this.options.controlPort ?? 8001;
    // NOTE: the start answers at once, whether or not the ControlSocket could listen (as the plugin's does)
    return this.startClick('/func.click', async (c) => {
      if (!c.running) return;
      driverClash(this, c, '/func.click', port);
      await this.openControl(port).catch(() => undefined);
    });
  }

  /**
   * The port a ControlSocket bound to `vmPort` inside the VM is reached at from outside: with a forward
   * (`vmControlPort`), only the forwarded port is (undefined: no one outside reaches it); without, the port itself.
   */
  reachableControlPort(vmPort: number): number | undefined {
    const inside = this.options.vmControlPort;
    if (inside === undefined) return vmPort;
    return vmPort === inside ? (this.options.controlPort ?? inside) : undefined;
  }

  /**
   * osv-controlsocket: `PUT /app/` with a Click command line; opens the ControlSocket once Click runs. OSv runs every
   * program in one address space: unless started as a new program (`new_program=true`), a Click finds the ports an
   * earlier Click of this boot bound still in its static list and fails `bind: Address in use` (seen on real OSv).
   */
  async launchClick(
    port: number,
    configPath: string,
    allowReconfigure: boolean,
    newProgram = false,
  ): Promise<ClickProcess> {
    this.allowReconfigure = allowReconfigure;
    const failure = !newProgram && this.boundControlPorts.has(port) ? BIND_FAILURE : undefined;
    let opened: Promise<void> = Promise.resolve();
    const click = this.startClick(
      configPath,
      (c) => {
        // bound inside the VM either way (and never given back this boot); opened here where the outside reaches it
        if (c.running) {
          this.boundControlPorts.add(port);
          driverClash(this, c, configPath, port);
        }
        const at = this.reachableControlPort(port);
        opened = c.running && at !== undefined ? this.openControl(at) : opened;
        return opened;
      },
      failure,
      true,
    );
    // without a start delay Click is initialized now: the answer comes once its ControlSocket listens
    await opened;
    return click;
  }

  private async openControl(port: number): Promise<void> {
    const control = new ControlSocketServer({
      click: () => this.click,
      allowReconfigure: this.allowReconfigure,
      hung: () => this.faults.hung,
      stop: () => {
        const delay = this.options.clickStopDelayMs ?? 0;
        const click = this.click;
        if (delay <= 0) return void this.stopClick();
        setTimeout(() => void (this.click === click ? this.stopClick() : undefined), delay).unref();
      },
      hotconfig: (config) => {
        const current = this.click;
        if (current === undefined) return ['no router installed'];
        const r = current.hotswap(config);
        if (!r.ok) return r.errors.split('\n');
        // NOTE: hotconfig does not write the file; the agent writes it so a restart runs the same router
        return undefined;
      },
    });
    this.control = control;
    this.controlPort = await control.listen(this.options.host, port);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (this.shuttingDown) return void req.socket.destroy();
      const url = new URL(req.url ?? '/', 'http://vm');
      if (url.pathname === VM_FAULTS_PATH) return handleVmFaults(this.faults, req, res, await readBody(req));
      // api-hang: accepted, never answered (the socket stays open until the client gives up)
      if (this.faults.hung) return;
      const body = await readBody(req);
      const method = req.method ?? 'GET';
      if (this.dialect === 'click-plugin' && url.pathname.startsWith('/click_plugin/')) {
        if (await handleClickPlugin(this, method, url, body, res)) return;
      }
      if (await handleOsv(this, method, url, body, req.headers['content-type'] ?? '', res)) return;
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: `Not found: ${url.pathname}`, code: 404 }));
    } catch (err) {
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: err instanceof Error ? err.message : String(err), code: 500 }));
    }
  }
}
