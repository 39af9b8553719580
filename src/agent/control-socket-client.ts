import { connect, type Socket } from 'node:net';
import { AgentError } from './errors';

/** One reply of Click's ControlSocket: the code, the message lines, and the DATA body of a READ. */
export interface ControlReply {
  code: number;
  message: string;
  data?: string;
}

/** How a ControlSocket is named (its sessions' `where`, the key of what is known of its router). */
export const controlSocketAddress = (host: string, port: number): string => `${host}:${port}`;

/**
 * A Click ControlSocket session over TCP (`Click::ControlSocket/1.3`). Commands are sent one at a time (or
 * READs pipelined, `readMany`); a reply is `CODE message` (multi-line `CODE-`), then `DATA n` and n bytes for READ.
 */
export class ControlSocketClient {
  private buf = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private closed: Error | undefined;

  private constructor(
    private readonly sock: Socket,
    readonly where: string,
  ) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.waiter?.();
    });
    sock.on('close', () => {
      this.closed ??= new AgentError(`the ControlSocket at ${where} closed`);
      this.waiter?.();
    });
    sock.on('error', (err) => {
      this.closed = new AgentError(`the ControlSocket at ${where} failed: ${err.message}`, {}, err);
      this.waiter?.();
    });
  }

  /** Connects and reads the greeting; the signal, when it fires, ends the session at once. */
  static async open(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<ControlSocketClient> {
    const where = controlSocketAddress(host, port);
    if (signal?.aborted === true) throw new AgentError(`the ControlSocket call to ${where} was cancelled`);
    const sock = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host, port });
      const t = setTimeout(() => {
        s.destroy();
        reject(new AgentError(`the ControlSocket at ${where} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(t);
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(t);
        reject(
          new AgentError(
            `cannot reach the ControlSocket at ${where}: ${(err as NodeJS.ErrnoException).code ?? err.message}`,
            {},
            err,
          ),
        );
      });
    });
    const client = new ControlSocketClient(sock, where);
    if (signal !== undefined) {
      const onAbort = (): void => {
        client.closed = new AgentError(`the ControlSocket call to ${where} was cancelled`);
        sock.destroy();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      sock.once('close', () => signal.removeEventListener('abort', onAbort));
    }
    const greeting = await client.line(timeoutMs);
    if (!greeting.startsWith('Click::ControlSocket/')) {
      client.close();
      throw new AgentError(`${where} is not a Click ControlSocket (greeting ${JSON.stringify(greeting)})`);
    }
    return client;
  }

  close(): void {
    this.sock.destroy();
  }

  private async waitFor(pred: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (this.closed) throw this.closed;
      const left = deadline - Date.now();
      if (left <= 0) throw new AgentError(`the ControlSocket at ${this.where} did not reply within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  private async line(timeoutMs: number): Promise<string> {
    await this.waitFor(() => this.buf.includes('\n'), timeoutMs);
    const nl = this.buf.indexOf('\n');
    const l = this.buf.subarray(0, nl).toString().replace(/\r$/, '');
    this.buf = this.buf.subarray(nl + 1);
    return l;
  }

  private async reply(timeoutMs: number, expectData: boolean): Promise<ControlReply> {
    const lines: string[] = [];
    let code = 0;
    for (;;) {
      const l = await this.line(timeoutMs);
      const m = /^(\d{3})([ -])(.*)$/.exec(l);
      if (m === null) throw new AgentError(`the ControlSocket at ${this.where} sent ${JSON.stringify(l)}`);
      code = Number(m[1]);
      lines.push(m[3] as string);
      if (m[2] === ' ') break;
    }
    const out: ControlReply = { code, message: lines.join('\n') };
    if (expectData && code === 200) {
      const d = await this.line(timeoutMs);
      const n = /^DATA (\d+)$/.exec(d);
      if (n === null)
        throw new AgentError(`the ControlSocket at ${this.where} sent ${JSON.stringify(d)} instead of DATA n`);
      const len = Number(n[1]);
      await this.waitFor(() => this.buf.length >= len, timeoutMs);
      out.data = this.buf.subarray(0, len).toString();
      this.buf = this.buf.subarray(len);
    }
    return out;
  }

  async read(handler: string, timeoutMs = 5000): Promise<ControlReply> {
    this.sock.write(`READ ${handler}\r\n`);
    return this.reply(timeoutMs, true);
  }

  /**
   * Several READs in one write (pipelined: Click answers them in order), so a look at many handlers costs one
   * round trip instead of one each.
   */
  async readMany(handlers: string[], timeoutMs = 5000): Promise<ControlReply[]> {
    if (handlers.length === 0) return [];
    this.sock.write(handlers.map((h) => `READ ${h}\r\n`).join(''));
    const out: ControlReply[] = [];
    for (let i = 0; i < handlers.length; i++) out.push(await this.reply(timeoutMs, true));
    return out;
  }

  async write(handler: string, args = '', timeoutMs = 5000): Promise<ControlReply> {
    this.sock.write(`WRITE ${handler}${args ? ` ${args}` : ''}\r\n`);
    return this.reply(timeoutMs, false);
  }

  async writeData(handler: string, data: string, timeoutMs = 10000): Promise<ControlReply> {
    this.sock.write(`WRITEDATA ${handler} ${Buffer.byteLength(data)}\r\n`);
    this.sock.write(data);
    return this.reply(timeoutMs, false);
  }
}
