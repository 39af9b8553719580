import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { accessSync, chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort, portIsFree } from '../net/free-port';

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
  /**
   * `requirepass`: clients (and our own readiness PING) must AUTH first. It goes into redis.conf,
   * which is therefore written 0600; it is never put on a command line (visible in `ps`).
   */
  password?: string;
}

/** How a redis-server child ended; `expected` when it was through stop(). */
export interface RedisExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  expected: boolean;
}

export class RedisServer {
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly dir: string,
    private readonly password: string | undefined,
    /** Settles once the child has exited, for whatever reason: a supervisor waits on it. Never rejects. */
    readonly exited: Promise<RedisExit>,
  ) {}

  /** The URL clients connect with; it carries the password when there is one, so never log it (log `address`). */
  get url(): string {
    return this.password === undefined ? this.address : `redis://:${this.password}@127.0.0.1:${this.port}`;
  }

  /** The URL without credentials: the one to show in logs and messages. */
  get address(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(options: RedisServerOptions): Promise<RedisServer> {
    mkdirSync(options.dir, { recursive: true });
    const port = options.port ?? (await freePort());
    // Whatever answers PING on the port would otherwise be taken for our child (an orphaned server
    // of an earlier run was silently adopted that way): the port must be free before we spawn.
    if (!(await portIsFree(port)))
      throw new Error(`port ${port} on 127.0.0.1 is already in use; redis-server not started`);
    const password = options.password;
    if (password !== undefined && !/^[A-Za-z0-9_-]+$/.test(password)) {
      // It is written into redis.conf unquoted: anything else could inject configuration.
      throw new Error('redis password must be base64url characters only');
    }
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
      ...(password === undefined ? [] : [`requirepass ${password}`]),
    ].join('\n');
    const confPath = join(options.dir, 'redis.conf');
    // 0600: it may hold the password. The mode option only applies on creation, hence the chmod.
    writeFileSync(confPath, conf + '\n', { mode: 0o600 });
    chmodSync(confPath, 0o600);
    // The AOF may hold credentials, so redis-server must create its files 0600 and directories 0700.
    // process.umask() is process-wide (and deprecated for worker threads): changing it around spawn()
    // would race with every other file the VNFM creates meanwhile. A shell sets the umask in the child
    // only, then exec's redis-server, so the child's pid stays redis-server's (signals reach it directly).
    const binary = options.binary ?? findRedisBinary();
    const child = spawn('/bin/sh', ['-c', 'umask 077 && exec "$@"', 'redis-server', binary, confPath], {
      stdio: 'ignore',
    });
    // The exit handler needs the server (was stop() called?), which exists only once PING answered.
    const ref: { server?: RedisServer } = {};
    const exited = new Promise<RedisExit>((resolve) => {
      child.once('error', () => resolve({ code: null, signal: null, expected: ref.server?.stopping ?? false }));
      child.once('exit', (code, signal) => resolve({ code, signal, expected: ref.server?.stopping ?? false }));
    });
    const failed = exited.then((e): never => {
      // 127 is the shell's "command not found" (exec of a missing binary): redis.log would not exist.
      if (e.code === 127) throw new Error(`redis-server could not be started: ${binary} not found`);
      throw new Error(
        `redis-server exited with ${e.signal ?? `code ${String(e.code)}`}; see ${join(options.dir, 'redis.log')}`,
      );
    });
    failed.catch(() => undefined);
    try {
      await Promise.race([waitForPing(port, options.startTimeoutMs ?? 10_000, password), failed]);
    } catch (err) {
      // A server that never answered must not outlive the failed start.
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      throw err;
    }
    ref.server = new RedisServer(child, port, options.dir, password, exited);
    return ref.server;
  }

  /** SHUTDOWN semantics: SIGTERM makes redis-server flush the AOF and exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exited;
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

async function waitForPing(port: number, timeoutMs: number, password: string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ping(port, password)) return;
    if (Date.now() > deadline)
      throw new Error(`redis-server on 127.0.0.1:${port} did not answer PING within ${timeoutMs} ms`);
    await delay(25);
  }
}

/**
 * One PING (after AUTH when there is a password) on a fresh connection. With a password both replies
 * must be positive: a server without that password answers AUTH with an error yet still PONGs.
 * -LOADING (the AOF is being replayed) also counts as not ready.
 */
export function ping(port: number, password?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    const expected = password === undefined ? ['+PONG'] : ['+OK', '+PONG'];
    let buf = '';
    sock.setTimeout(500);
    sock.on('connect', () => sock.write(password === undefined ? 'PING\r\n' : `AUTH ${password}\r\nPING\r\n`));
    sock.on('data', (d) => {
      buf += d.toString();
      const lines = buf.split('\r\n');
      if (lines.length > expected.length) {
        sock.destroy();
        resolve(expected.every((e, i) => lines[i] === e));
      }
    });
    sock.on('timeout', () => {
      sock.destroy();
      resolve(false);
    });
    sock.on('error', () => resolve(false));
  });
}
