import { createServer, type Server, type Socket } from 'node:net';
import type { ClickProcess } from './click-process';

/**
 * Click's ControlSocket (TCP) for the osv-controlsocket dialect: greeting `Click::ControlSocket/1.3`,
 * `READ`, `WRITE`, `WRITEDATA`, `CHECKREAD`, `CHECKWRITE`, `QUIT`; codes 200, 500, 501, 510, 511,
 * 520, 540. Global handlers: version, list, config, hotconfig (with reconfiguration allowed), stop.
 */
export interface ControlSocketHost {
  click(): ClickProcess | undefined;
  /** Hot-swaps the configuration; returns Click's errors when it does not pass. */
  hotconfig(config: string): string | undefined;
  stop(): void;
  allowReconfigure: boolean;
}

export class ControlSocketServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly host: ControlSocketHost) {}

  async listen(address: string, port: number): Promise<void> {
    this.server = createServer((sock) => this.session(sock));
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, address, () => resolve());
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  private session(sock: Socket): void {
    this.sockets.add(sock);
    sock.on('close', () => this.sockets.delete(sock));
    sock.on('error', () => undefined);
    sock.write('Click::ControlSocket/1.3\r\n');
    let buf = Buffer.alloc(0);
    let pendingData: { handler: string; n: number } | undefined;
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        if (pendingData !== undefined) {
          if (buf.length < pendingData.n) return;
          const data = buf.subarray(0, pendingData.n).toString();
          buf = buf.subarray(pendingData.n);
          const h = pendingData.handler;
          pendingData = undefined;
          sock.write(this.write(h, data));
          continue;
        }
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        const line = buf.subarray(0, nl).toString().replace(/\r$/, '');
        buf = buf.subarray(nl + 1);
        const m = /^(\S+)\s*(\S*)\s?(.*)$/.exec(line);
        const cmd = (m?.[1] ?? '').toUpperCase();
        const handler = m?.[2] ?? '';
        const rest = m?.[3] ?? '';
        if (cmd === 'QUIT') {
          sock.end('200 Goodbye!\r\n');
          return;
        }
        if (cmd === 'READ') sock.write(this.read(handler));
        else if (cmd === 'WRITE') sock.write(this.write(handler, rest));
        else if (cmd === 'WRITEDATA') {
          const n = Number(rest);
          if (!Number.isInteger(n) || n < 0) sock.write('500 Syntax error\r\n');
          else pendingData = { handler, n };
        } else if (cmd === 'CHECKREAD') sock.write(this.check(handler, 'read'));
        else if (cmd === 'CHECKWRITE') sock.write(this.check(handler, 'write'));
        else if (cmd === '') continue;
        else sock.write(`501 Unimplemented command '${cmd}'\r\n`);
      }
    });
  }

  private data(handler: string, body: string): string {
    return `200 Read handler '${handler}' OK\r\nDATA ${Buffer.byteLength(body)}\r\n${body}`;
  }

  private read(handler: string): string {
    const click = this.host.click();
    if (click === undefined || !click.running) return '540 No router installed\r\n';
    const dot = handler.lastIndexOf('.');
    if (dot < 0) {
      if (handler === 'version') return this.data(handler, '2.1\n');
      if (handler === 'list') {
        const names = click.elementNames();
        return this.data(handler, `${names.length}\n${names.join('\n')}\n`);
      }
      if (handler === 'config') return this.data(handler, click.config);
      return `511 No handler named '${handler}'\r\n`;
    }
    const r = click.readHandler(handler.slice(0, dot), handler.slice(dot + 1));
    return r.code === 200 ? this.data(handler, r.body + '\n') : `${r.code} ${r.body}\r\n`;
  }

  private write(handler: string, data: string): string {
    const click = this.host.click();
    if (click === undefined || !click.running) return '540 No router installed\r\n';
    if (handler === 'hotconfig') {
      if (!this.host.allowReconfigure) return "530 Permission denied for 'hotconfig' (run Click with -R)\r\n";
      const errors = this.host.hotconfig(data);
      if (errors !== undefined) return multiline(520, errors);
      return "200 Write handler 'hotconfig' OK\r\n";
    }
    if (handler === 'stop') {
      // reply first: stopping closes this very socket
      setImmediate(() => this.host.stop());
      return "200 Write handler 'stop' OK\r\n";
    }
    const dot = handler.lastIndexOf('.');
    if (dot < 0) return `511 No handler named '${handler}'\r\n`;
    const r = click.writeHandler(handler.slice(0, dot), handler.slice(dot + 1));
    return `${r.code} ${r.body}\r\n`;
  }

  private check(handler: string, mode: 'read' | 'write'): string {
    const click = this.host.click();
    if (click === undefined || !click.running) return '540 No router installed\r\n';
    if (['version', 'list', 'config'].includes(handler) && mode === 'read') return '200 OK\r\n';
    if (['hotconfig', 'stop'].includes(handler) && mode === 'write') return '200 OK\r\n';
    const dot = handler.lastIndexOf('.');
    const r = dot < 0 ? { code: 511 } : click.readHandler(handler.slice(0, dot), handler.slice(dot + 1));
    return r.code === 200 ? '200 OK\r\n' : `${r.code} No such handler '${handler}'\r\n`;
  }
}

/** Click's multi-line reply: `520-line` for every line but the last, `520 line` for the last. */
function multiline(code: number, text: string): string {
  const lines = text.split('\n');
  return lines.map((l, i) => `${code}${i < lines.length - 1 ? '-' : ' '}${l}\r\n`).join('');
}
