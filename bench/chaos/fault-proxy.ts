import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Random } from './random';

/** What the proxy did to one request. */
export type VimFault = 'delay' | 'error-before' | 'error-after' | 'drop-before' | 'drop-after';
const FAULTS: readonly VimFault[] = ['delay', 'error-before', 'error-after', 'drop-before', 'drop-after'];

export interface FaultProxyStats {
  requests: number;
  faults: Record<VimFault, number>;
}

/**
 * A small HTTP proxy between the workers and the emulated cloud. A fraction `rate` of the requests gets one
 * fault, drawn evenly: a delay (0.2 to 1.5 s, then forwarded), a 503 answered without forwarding, a 502 answered
 * after the cloud did the work (its answer thrown away), the connection dropped before forwarding, or dropped
 * after the cloud did the work. The "after" kinds are what a gateway timeout looks like to the VNFM: the VIM
 * acted, the caller does not know it.
 */
export class FaultProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  readonly stats: FaultProxyStats = {
    requests: 0,
    faults: { delay: 0, 'error-before': 0, 'error-after': 0, 'drop-before': 0, 'drop-after': 0 },
  };
  url = '';

  constructor(
    private readonly target: string,
    private readonly rate: number,
    private readonly random: Random,
  ) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    this.server = server;
    const a = server.address();
    this.url = `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.stats.requests++;
    const fault = this.random.chance(this.rate) ? this.random.pick(FAULTS) : undefined;
    if (fault !== undefined) this.stats.faults[fault]++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (fault === 'error-before') return void answer(res, 503, 'the VIM is unavailable (injected fault)');
      if (fault === 'drop-before') return void res.socket?.destroy();
      const wait = fault === 'delay' ? 200 + Math.floor(this.random.next() * 1300) : 0;
      setTimeout(() => this.forward(req, Buffer.concat(chunks), res, fault), wait);
    });
  }

  private forward(req: IncomingMessage, body: Buffer, res: ServerResponse, fault: VimFault | undefined): void {
    const out = request(
      `${this.target}${req.url ?? '/'}`,
      { method: req.method, headers: { ...req.headers, host: new URL(this.target).host } },
      (up) => {
        const parts: Buffer[] = [];
        up.on('data', (c: Buffer) => parts.push(c));
        up.on('end', () => {
          if (fault === 'drop-after') return void res.socket?.destroy();
          if (fault === 'error-after') return void answer(res, 502, 'the VIM timed out (injected fault)');
          res.writeHead(up.statusCode ?? 502, up.headers).end(Buffer.concat(parts));
        });
        up.on('error', () => res.socket?.destroy());
      },
    );
    out.on('error', () => res.socket?.destroy());
    out.end(body);
  }
}

function answer(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message }));
}
