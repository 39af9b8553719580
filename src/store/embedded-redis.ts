import { existsSync, mkdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { keptRandomSecret, restrictToOwner } from './private-files';
import { freePort, portIsFree } from '../net/free-port';
import { RedisServer } from './redis-server';

/**
 * The VNFM's own redis-server when no external Redis is configured (`npm start`): data under
 * `<varDir>/redis` (AOF), a port kept in `<varDir>/redis.port` and a password kept in
 * `<varDir>/redis.secret`, both reused across VNFM restarts so that clients and data stay valid.
 *
 * It is supervised: a redis-server that dies is restarted on the same port and directory (its state
 * is in the AOF); one that keeps dying is reported through onFatal, on which the VNFM exits, rather
 * than leaving requests hanging on a dead store. An orphaned redis-server of a VNFM that was killed
 * (its pidfile names a live redis-server working in our directory) is stopped, never adopted.
 *
 * @example
 * const redis = await startEmbeddedRedis({ varDir, log, onFatal: (reason) => exit(reason) });
 * const client = new Redis(redis.url); // redis.url holds the password: log redis.address instead
 * await redis.stop();
 */
export interface EmbeddedRedisOptions {
  varDir: string;
  log: { info(m: string): void; warn(m: string): void; error(m: string): void };
  /** The server died more than maxRestarts times within restartWindowMs: the store is gone. Called once. */
  onFatal(reason: string): void;
  /** Restarts allowed within restartWindowMs; default 5. */
  maxRestarts?: number;
  /** Default 60 s. */
  restartWindowMs?: number;
  /** The redis-server binary; Debian's by default. */
  binary?: string;
}

export interface EmbeddedRedis {
  /** redis://:password@127.0.0.1:port: give it to clients, never to a log. */
  readonly url: string;
  /** redis://127.0.0.1:port: the form to log. */
  readonly address: string;
  readonly port: number;
  /** The data directory, `<varDir>/redis`. */
  readonly dir: string;
  /** The pid of the redis-server currently serving (changes when the supervisor restarts it). */
  readonly pid: number | undefined;
  /** Stops supervising, then stops the server (SIGTERM: it flushes its AOF). */
  stop(): Promise<void>;
}

/** How long an orphan gets to flush its AOF on SIGTERM before it is killed. */
const ORPHAN_TERM_TIMEOUT_MS = 5_000;

export async function startEmbeddedRedis(opts: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const { log } = opts;
  const maxRestarts = opts.maxRestarts ?? 5;
  const restartWindowMs = opts.restartWindowMs ?? 60_000;
  const varDir = resolve(opts.varDir);
  mkdirSync(varDir, { recursive: true });
  const dir = join(varDir, 'redis');
  const logFile = join(dir, 'redis.log');
  const password = keptSecret(join(varDir, 'redis.secret'));
  const portFile = join(varDir, 'redis.port');
  const port = await keptPort(portFile);

  await stopOrphan(dir, log);
  if (!(await portIsFree(port))) {
    throw new Error(
      `the embedded redis-server's port ${port} (kept in ${portFile}) is in use by another process, ` +
        `not by a redis-server of ${dir}; ` +
        `stop that process, or delete ${portFile} to have a new port picked`,
    );
  }

  const start = (): Promise<RedisServer> => {
    // Every start, not just the first: files left by an earlier version (0644) or by an orphan
    // started without our umask get tightened before the server reads them again.
    restrictToOwner(dir);
    return RedisServer.start({
      dir,
      port,
      appendOnly: true,
      password,
      ...(opts.binary === undefined ? {} : { binary: opts.binary }),
    });
  };

  let current = await start();
  const address = current.address;
  log.info(`embedded redis-server (AOF, pid ${String(current.pid)}) on ${address}, data in ${dir}`);

  let stopped = false;
  let fatal = false;
  let restarting: Promise<void> | undefined;
  /** When the server died, within the window: the restart budget. */
  const deaths: number[] = [];

  const restart = async (): Promise<void> => {
    for (;;) {
      const now = Date.now();
      deaths.push(now);
      while (deaths.length > 0 && (deaths[0] as number) <= now - restartWindowMs) deaths.shift();
      if (deaths.length > maxRestarts) {
        fatal = true;
        const windowS = Math.round(restartWindowMs / 1000);
        const reason = `embedded redis-server died ${deaths.length} times in ${windowS} s; see ${logFile}`;
        log.error(reason);
        try {
          opts.onFatal(reason);
        } catch (err) {
          // Nobody awaits the supervisor: a throwing handler would be an unhandled rejection.
          log.error(`onFatal failed: ${err instanceof Error ? err.message : String(err)}`);
        }
        return;
      }
      // A short, growing pause: a server that dies at once on start (disk full, broken AOF) must not
      // spin; the budget above ends it within the window anyway.
      await delay(Math.min(2_000, 100 * 2 ** (deaths.length - 1)));
      if (stopped) return;
      try {
        const server = await start();
        if (stopped) {
          await server.stop();
          return;
        }
        current = server;
        watch(server);
        log.warn(`embedded redis-server restarted (pid ${String(server.pid)}) on ${address}`);
        return;
      } catch (err) {
        // A failed start is one more death: counted, then retried while the budget lasts.
        log.error(`embedded redis-server could not be restarted: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };

  const watch = (server: RedisServer): void => {
    void server.exited.then((exit) => {
      if (exit.expected || stopped || fatal) return;
      const how = exit.signal ?? `exit code ${String(exit.code)}`;
      log.error(
        `embedded redis-server (pid ${String(server.pid)}) died (${how}); restarting it on ${address}; see ${logFile}`,
      );
      restarting = restart().finally(() => {
        restarting = undefined;
      });
    });
  };
  watch(current);

  return {
    url: current.url,
    address,
    port,
    dir,
    get pid() {
      return current.pid;
    },
    async stop() {
      // Supervision first: the exit that stop() causes must not be taken for a death.
      stopped = true;
      await restarting;
      await current.stop();
    },
  };
}

/** The password: 32 random bytes, base64url, created once (0600) and reused after. */
function keptSecret(file: string): string {
  const secret = keptRandomSecret(file, 32, 'base64url');
  if (!/^[A-Za-z0-9_-]{32,}$/.test(secret)) {
    throw new Error(
      `${file} does not hold a redis password (32 or more base64url characters); delete it to have one generated`,
    );
  }
  return secret;
}

/** The port clients and the console keep using across restarts; picked once. */
async function keptPort(file: string): Promise<number> {
  if (existsSync(file)) {
    const port = Number(readFileSync(file, 'utf8').trim());
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new Error(`${file} does not hold a TCP port; delete it to have one picked`);
    return port;
  }
  const port = await freePort();
  writeFileSync(file, `${port}\n`);
  return port;
}

/**
 * A redis-server still serving `dir` though no VNFM owns it: the VNFM that started it was killed
 * (SIGKILL leaves the child running). Adopting it would leave it unsupervised, and it may run an
 * older configuration (no password), so it is stopped: SIGTERM lets it flush the AOF.
 */
async function stopOrphan(dir: string, log: EmbeddedRedisOptions['log']): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dir, 'redis.pid'), 'utf8').trim());
  } catch {
    return; // No pidfile: redis removes it on a clean shutdown.
  }
  if (!Number.isInteger(pid) || pid <= 1 || !servesDir(pid, dir)) return; // Stale: dead, or the pid was reused.
  log.warn(
    `an orphaned redis-server (pid ${pid}) of an earlier VNFM that did not stop cleanly still serves ${dir}; ` +
      'stopping it before starting our own',
  );
  process.kill(pid, 'SIGTERM');
  if (await exitedWithin(pid, ORPHAN_TERM_TIMEOUT_MS)) return;
  log.warn(
    `the orphaned redis-server (pid ${pid}) did not exit within ${ORPHAN_TERM_TIMEOUT_MS / 1000} s ` +
      'of SIGTERM; killing it',
  );
  process.kill(pid, 'SIGKILL');
  if (!(await exitedWithin(pid, ORPHAN_TERM_TIMEOUT_MS)))
    throw new Error(`the orphaned redis-server (pid ${pid}) of ${dir} could not be stopped`);
}

/**
 * Whether pid is a live redis-server working in dir. redis-server rewrites its argv to
 * "redis-server 127.0.0.1:port" once started, so the conf path is gone from the arguments; but it
 * chdir()s to its `dir`, so its cwd names our directory. The arguments are checked too, for a server
 * caught before it renamed itself.
 */
function servesDir(pid: number, dir: string): boolean {
  if (!isAlive(pid)) return false;
  let args: string;
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return false;
  }
  if (!args.includes('redis-server')) return false;
  const real = realpathSync(dir);
  try {
    if (readlinkSync(`/proc/${pid}/cwd`) === real) return true;
  } catch {
    // Not ours to inspect (another user): only the arguments can tell.
  }
  return args.includes(dir) || args.includes(real);
}

/**
 * kill(pid, 0) alone is not enough: an orphan is re-parented to pid 1, and in a container pid 1 may
 * never reap it, leaving a zombie that still "exists" although it serves nothing.
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function exitedWithin(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await delay(50);
  }
  return !isAlive(pid);
}
