import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { accessSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A redis-server child process: the embedded store of `npm start` (under ./var, AOF on) and the
 * private server of every test file (random port, temp directory). Debian's `redis-server` binary.
 *
 * @example
 * const redis = await RedisServer.start({ dir: '/tmp/x', appendOnly: true });
 * // ... use redis.url ...
 * await redis.stop();
 */
export interface RedisServerOptions {
  /** Working directory for the RDB/AOF files and the log. */
  dir: string;
  /** TCP port on 127.0.0.1; a free one is picked when absent. */
  port?: number;
  appendOnly?: boolean;
  binary?: string;
  /** How long to wait for the server to answer PING. */
  startTimeoutMs?: number;
}

export class RedisServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(options: RedisServerOptions): Promise<RedisServer> {
    mkdirSync(options.dir, { recursive: true });
    const port = options.port ?? (await freePort());
    const conf = [
      `bind 127.0.0.1`,
      `port ${port}`,
      `dir ${options.dir}`,
      `daemonize no`,
      `protected-mode yes`,
      `save ""`,
      `appendonly ${options.appendOnly === true ? 'yes' : 'no'}`,
      `appendfsync everysec`,
      `logfile ${join(options.dir, 'redis.log')}`,
      `pidfile ${join(options.dir, 'redis.pid')}`,
    ].join('\n');
    const confPath = join(options.dir, 'redis.conf');
    writeFileSync(confPath, conf + '\n');
    const child = spawn(options.binary ?? findRedisBinary(), [confPath], { stdio: 'ignore' });
    const exited = new Promise<never>((_, reject) => {
      child.once('error', (err) => reject(new Error(`redis-server could not be started: ${err.message}`)));
      child.once('exit', (code) => reject(new Error(`redis-server exited with code ${String(code)}; see ${join(options.dir, 'redis.log')}`)));
    });
    exited.catch(() => undefined);
    await Promise.race([waitForPing(port, options.startTimeoutMs ?? 10_000), exited]);
    return new RedisServer(child, port, options.dir);
  }

  /** SHUTDOWN semantics: SIGTERM makes redis-server flush the AOF and exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill(signal);
    await done;
  }
}

function findRedisBinary(): string {
  for (const p of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
    try {
      accessSync(p);
      return p;
    } catch {
      // try the next one
    }
  }
  return 'redis-server';
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ping(port)) return;
    if (Date.now() > deadline) throw new Error(`redis-server on 127.0.0.1:${port} did not answer PING within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    let buf = '';
    sock.setTimeout(500);
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) {
        sock.destroy();
        resolve(buf.startsWith('+PONG'));
      }
    });
    sock.on('timeout', () => {
      sock.destroy();
      resolve(false);
    });
    sock.on('error', () => resolve(false));
  });
}
