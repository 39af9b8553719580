import { createServer, type Server, type Socket } from 'node:net';
import type { ClickProcess } from './click-process';

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

  private globalRead(click: ClickProcess, name: string): string | undefined {
    if (name === 'version') return '2.1\n';
    if (name === 'list') {
      const names = click.elementNames();
      return `${names.length}\n${names.map((n) => `${n}\n`).join('')}`;
    }
    if (name === 'config') return click.config;
    if (name === 'handlers')
      return (
        ['version', 'list', 'config', 'handlers', 'stop', ...(this.host.allowReconfigure ? ['hotconfig'] : [])].join(
          '\n',
        ) + '\n'
      );
    return undefined;
  }

  private read(handler: string): Reply {
    const click = this.running();
    if (click === undefined) return '540 No router installed\r\n';
    const dot = handler.indexOf('.');
    let body: string;
    if (dot < 0) {
      if (handler === 'stop' || handler === 'hotconfig') return `511 Handler '${handler}' write-only\r\n`;
      const v = this.globalRead(click, handler);
      if (v === undefined) return `511 No handler named '${handler}'\r\n`;
      body = v;
    } else {
      const r = click.readHandler(handler.slice(0, dot), handler.slice(dot + 1));
      if (r.code !== 200) return `${r.code} ${r.body}\r\n`;
      body = `${r.body}\n`;
    }
    return `200 Read handler '${handler}' OK\r\nDATA ${Buffer.byteLength(body)}\r\n${body}`;
  }

  private write(handler: string, data: string): Reply {
    const click = this.running();
    if (click === undefined) return '540 No router installed\r\n';
    if (handler === 'hotconfig' && this.host.allowReconfigure) {
      const errors = this.host.hotconfig(data);
      if (errors !== undefined) return lines(520, [`Write handler '${handler}' error:`, ...errors]);
      return `200 Write handler '${handler}' OK\r\n`;
    }
    if (handler === 'stop') {
      // reply first: stopping ends Click, and with it this very socket
      setImmediate(() => this.host.stop());
      return `200 Write handler '${handler}' OK\r\n`;
    }
    const dot = handler.indexOf('.');
    if (dot < 0) {
      return this.globalRead(click, handler) !== undefined
        ? `530 Handler '${handler}' read-only\r\n`
        : `511 No handler named '${handler}'\r\n`;
    }
    const r = click.writeHandler(handler.slice(0, dot), handler.slice(dot + 1));
    return `${r.code} ${r.body}\r\n`;
  }

  private check(handler: string, write: boolean): Reply {
    const click = this.running();
    if (click === undefined) return '540 No router installed\r\n';
    const what = write ? 'Write' : 'Read';
    const dot = handler.indexOf('.');
    let ok: boolean;
    if (dot < 0) {
      ok = write
        ? handler === 'stop' || (handler === 'hotconfig' && this.host.allowReconfigure)
        : this.globalRead(click, handler) !== undefined;
    } else {
      const el = handler.slice(0, dot);
      const h = handler.slice(dot + 1);
      const cls = click.readHandler(el, 'class');
      if (cls.code === 510) return `510 ${cls.body}\r\n`;
      // NOTE: the only write handler the emulated elements have is a Counter's reset
      ok = write
        ? /Counter$/.test(cls.body) && (h === 'reset' || h === 'reset_counts')
        : click.readHandler(el, h).code === 200;
    }
    return ok
      ? `200 ${what} handler '${handler}' OK\r\n`
      : `511 No ${what.toLowerCase()} handler named '${handler}'\r\n`;
  }
}

/** Click's multi-line reply: `CODE-line` for every line but the last, `CODE line` for the last. */
function lines(code: number, text: string[]): Reply {
  return text.map((l, i) => `${code}${i < text.length - 1 ? '-' : ' '}${l}\r\n`).join('');
}
