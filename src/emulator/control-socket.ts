import { createServer, type Server, type Socket } from 'node:net';
import type { ClickProcess } from './click-process';
import { DRIVER_CONTROL_SOCKET, globalHandlers, handlersText } from './click-handlers';

/** What the ControlSocket needs from the VM it lives in. */
export interface ControlSocketHost {
  click(): ClickProcess | undefined;
  /** Hot-swaps the configuration; returns Click's error lines when it does not pass. */
  hotconfig(config: string): string[] | undefined;
  stop(): void;
  /** Click ran with `-R`: only then does the global `hotconfig` handler exist. */
  allowReconfigure: boolean;
  /** An injected `api-hang`: connections are accepted, nothing is answered (no greeting, no replies). */
  hung?(): boolean;
}

type Reply = string;

/**
 * Click's ControlSocket over TCP, as Click's userlevel driver speaks it: greeting
 * `Click::ControlSocket/1.3`; READ, WRITE, WRITEDATA, CHECKREAD, CHECKWRITE, QUIT; replies `CODE text`
 * (`CODE-text` for all but the last line), READ's data as `DATA n` and n bytes; codes 200, 500, 501,
 * 510 (no element), 511 (no handler), 520 (handler error), 530 (permission), 540 (no router).
 * Global handlers: version, list, classes, config, hotconfig (with -R), stop.
 */
export class ControlSocketServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly host: ControlSocketHost) {}

  async listen(address: string, port: number): Promise<number> {
    const server = createServer((sock) => this.session(sock));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => resolve());
    });
    const a = server.address();
    return typeof a === 'object' && a !== null ? a.port : port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private session(sock: Socket): void {
    this.sockets.add(sock);
    sock.on('close', () => this.sockets.delete(sock));
    sock.on('error', () => undefined);
    const hung = (): boolean => this.host.hung?.() === true;
    if (!hung()) sock.write('Click::ControlSocket/1.3\r\n');
    let buf = Buffer.alloc(0);
    let pending: { handler: string; n: number } | undefined;
    sock.on('data', (d: Buffer) => {
      if (hung()) return;
      buf = Buffer.concat([buf, d]);
      for (;;) {
        if (pending !== undefined) {
          if (buf.length < pending.n) return;
          const data = buf.subarray(0, pending.n).toString();
          buf = buf.subarray(pending.n);
          const h = pending.handler;
          pending = undefined;
          sock.write(this.write(h, data));
          continue;
        }
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        const line = buf.subarray(0, nl).toString().replace(/\r$/, '');
        buf = buf.subarray(nl + 1);
        const words = line.trim().split(/\s+/).filter(Boolean);
        if (words.length === 0) continue;
        const cmd = (words[0] as string).toUpperCase();
        const handler = words[1] ?? '';
        if (cmd === 'QUIT' || cmd === 'CLOSE') {
          sock.end('200 Goodbye!\r\n');
          return;
        }
        if (cmd === 'READ' || cmd === 'GET' || cmd === 'WRITE' || cmd === 'SET') {
          if (words.length < 2) sock.write('500 Wrong number of arguments\r\n');
          else if (cmd === 'READ' || cmd === 'GET') sock.write(this.read(handler));
          else sock.write(this.write(handler, line.trim().split(/\s+/).slice(2).join(' ')));
        } else if (cmd === 'WRITEDATA' || cmd === 'SETDATA') {
          const n = Number(words[2]);
          if (words.length !== 3) sock.write('500 Wrong number of arguments\r\n');
          else if (!Number.isInteger(n) || n < 0) sock.write(`500 Syntax error in '${cmd}'\r\n`);
          else pending = { handler, n };
        } else if (cmd === 'CHECKREAD' || cmd === 'CHECKWRITE') {
          sock.write(
            words.length !== 2 ? '500 Wrong number of arguments\r\n' : this.check(handler, cmd === 'CHECKWRITE'),
          );
        } else sock.write(`501 Command '${cmd}' unimplemented\r\n`);
      }
    });
  }

  private running(): ClickProcess | undefined {
    const c = this.host.click();
    return c?.running === true ? c : undefined;
  }

  /** A global handler's flags (undefined: no such handler). */
  private globalFlags(name: string): string | undefined {
    return globalHandlers(this.host.allowReconfigure).find(([n]) => n === name)?.[1];
  }

  private globalRead(click: ClickProcess, name: string): string {
    if (name === 'version') return '2.1';
    // the driver's ControlSocket for -p is an element of the router too, the last one
    if (name === 'list') {
      const names = [...click.elementNames(), DRIVER_CONTROL_SOCKET];
      return `${names.length}\n${names.map((n) => `${n}\n`).join('')}`;
    }
    if (name === 'config') return click.config;
    if (name === 'handlers') return handlersText(globalHandlers(this.host.allowReconfigure));
    if (name === 'driver') return 'userlevel';
    return '';
  }

  /** The driver's ControlSocket element: only its name and class are emulated. */
  private driverElement(handler: string): { code: number; body: string } {
    if (handler === 'name') return { code: 200, body: DRIVER_CONTROL_SOCKET };
    if (handler === 'class') return { code: 200, body: 'ControlSocket' };
    return { code: 511, body: `No handler named '${DRIVER_CONTROL_SOCKET}.${handler}'` };
  }

  private read(handler: string): Reply {
    const click = this.running();
    if (click === undefined) return '540 No router installed\r\n';
    const dot = handler.indexOf('.');
    let body: string;
    if (dot < 0) {
      const flags = this.globalFlags(handler);
      if (flags === undefined) return `511 No handler named '${handler}'\r\n`;
      if (!flags.includes('r')) return `530 Handler '${handler}' write-only\r\n`;
      body = this.globalRead(click, handler);
    } else {
      const [el, h] = [handler.slice(0, dot), handler.slice(dot + 1)];
      const r = el === DRIVER_CONTROL_SOCKET ? this.driverElement(h) : click.readHandler(el, h);
      if (r.code !== 200) return `${r.code} ${r.body}\r\n`;
      body = r.body;
    }
    // Click sends a handler's data as it is: no newline added
    return `200 Read handler '${handler}' OK\r\nDATA ${Buffer.byteLength(body)}\r\n${body}`;
  }

  private write(handler: string, data: string): Reply {
    const click = this.running();
    if (click === undefined) return '540 No router installed\r\n';
    const dot = handler.indexOf('.');
    if (dot < 0) {
      const flags = this.globalFlags(handler);
      if (flags === undefined) return `511 No handler named '${handler}'\r\n`;
      if (!flags.includes('w')) return `530 Handler '${handler}' read-only\r\n`;
      if (handler === 'hotconfig') {
        const errors = this.host.hotconfig(data);
        if (errors !== undefined) return lines(520, [`Write handler '${handler}' error:`, ...errors]);
      }
      // reply first: stopping ends Click, and with it this very socket
      if (handler === 'stop') setImmediate(() => this.host.stop());
      return `200 Write handler '${handler}' OK\r\n`;
    }
    const r = click.writeHandler(handler.slice(0, dot), handler.slice(dot + 1));
    return `${r.code} ${r.body}\r\n`;
  }

  /** CHECKREAD / CHECKWRITE as Click's check_command answers them. */
  private check(handler: string, write: boolean): Reply {
    const click = this.running();
    if (click === undefined) return '540 No router installed\r\n';
    const what = write ? 'Write' : 'Read';
    const dot = handler.indexOf('.');
    if (dot >= 0) {
      const r = click.checkHandler(handler.slice(0, dot), handler.slice(dot + 1), write);
      return `${r.code} ${r.body}\r\n`;
    }
    const flags = this.globalFlags(handler);
    if (flags === undefined) return `511 No handler named '${handler}'\r\n`;
    return flags.includes(write ? 'w' : 'r')
      ? `200 ${what} handler '${handler}' OK\r\n`
      : `511 Handler '${handler}' not ${write ? 'writable' : 'readable'}\r\n`;
  }
}

/** Click's multi-line reply: `CODE-line` for every line but the last, `CODE line` for the last. */
function lines(code: number, text: string[]): Reply {
  return text.map((l, i) => `${code}${i < text.length - 1 ? '-' : ' '}${l}\r\n`).join('');
}
