import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import Redis from 'ioredis';
import { startEmbeddedRedis, type EmbeddedRedis, type EmbeddedRedisOptions } from './embedded-redis';
import { freePort } from '../net/free-port';
import { ping } from './redis-server';
import { rawRedisCommand } from '../../test/support/redis';

const mode = (path: string): number => statSync(path).mode & 0o777;

/** Gone, or a zombie nobody reaped (pid 1 of a container may not): either way it serves nothing. */
function gone(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return true;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z';
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(25);
  }
}

describe('startEmbeddedRedis', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** A fresh varDir, removed after the test. */
  function varDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'clickvnfm-embedded-redis-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  /** Log lines by level, and onFatal's reasons. */
  function harness(dir: string, extra: Partial<EmbeddedRedisOptions> = {}) {
    const lines: string[] = [];
    const fatal: string[] = [];
    const options: EmbeddedRedisOptions = {
      varDir: dir,
      log: {
        info: (m) => lines.push(`info ${m}`),
        warn: (m) => lines.push(`warn ${m}`),
        error: (m) => lines.push(`error ${m}`),
      },
      onFatal: (reason) => fatal.push(reason),
      ...extra,
    };
    return { lines, fatal, options };
  }

  async function start(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
    const redis = await startEmbeddedRedis(options);
    cleanups.push(() => redis.stop());
    return redis;
  }

  function client(url: string): Redis {
    // Retries without limit: the commands wait while the supervisor restarts the server.
    const c = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
    // Only once: a second disconnect() arms ioredis' 2 s force-close timer, which nothing clears then.
    cleanups.push(() => {
      if (c.status !== 'end') c.disconnect();
    });
    return c;
  }

  it('requires its generated password, keeps it across restarts, and keeps its files private', async () => {
    const dir = varDir();
    const h = harness(dir);
    let redis = await startEmbeddedRedis(h.options);
    try {
      const password = readFileSync(join(dir, 'redis.secret'), 'utf8').trim();
      expect(Buffer.from(password, 'base64url')).toHaveLength(32);
      expect(redis.url).toBe(`redis://:${password}@127.0.0.1:${redis.port}`);
      expect(redis.address).toBe(`redis://127.0.0.1:${redis.port}`);
      expect(await rawRedisCommand(redis.port, 'GET k')).toMatch(/^-NOAUTH/);
      const c = client(redis.url);
      expect(await c.set('k', 'v')).toBe('OK');
      expect(await c.get('k')).toBe('v');
      c.disconnect();

      expect(mode(join(dir, 'redis.secret'))).toBe(0o600);
      expect(mode(redis.dir)).toBe(0o700);
      expect(mode(join(redis.dir, 'redis.conf'))).toBe(0o600);
      const aofDir = join(redis.dir, 'appendonlydir');
      expect(mode(aofDir)).toBe(0o700);
      const aofFiles = readdirSync(aofDir);
      expect(aofFiles.length).toBeGreaterThan(0);
      for (const f of aofFiles) expect([f, mode(join(aofDir, f))]).toEqual([f, 0o600]);

      await redis.stop();
      // As an earlier version left them: readable by everyone.
      chmodSync(redis.dir, 0o755);
      for (const f of aofFiles) chmodSync(join(aofDir, f), 0o644);
      chmodSync(join(dir, 'redis.secret'), 0o644);

      redis = await startEmbeddedRedis(h.options);
      expect(redis.url).toBe(`redis://:${password}@127.0.0.1:${redis.port}`);
      const c2 = client(redis.url);
      expect(await c2.get('k')).toBe('v');
      c2.disconnect();
      expect(mode(join(dir, 'redis.secret'))).toBe(0o600);
      expect(mode(redis.dir)).toBe(0o700);
      for (const f of readdirSync(aofDir)) expect([f, mode(join(aofDir, f))]).toEqual([f, 0o600]);

      // stop() is no death: nothing restarted, nothing reported; and the password was never logged.
      await redis.stop();
      expect(h.lines.filter((l) => l.startsWith('error'))).toEqual([]);
      expect(h.fatal).toEqual([]);
      expect(h.lines.join('\n')).not.toContain(password);
    } finally {
      await redis.stop();
    }
  });

  it('restarts a killed redis-server on the same port with its data', async () => {
    const h = harness(varDir());
    const redis = await start(h.options);
    const c = client(redis.url);
    await c.set('survivor', 'yes');
    // Deterministic without changing the fsync policy: a killed *process* loses only what it had not
    // write()n yet (everysec bounds what an OS crash loses, not this). Once the key is in the AOF file
    // it is in the kernel's page cache, which a SIGKILL cannot take away.
    const aofDir = join(redis.dir, 'appendonlydir');
    await until('the key in the AOF', () =>
      readdirSync(aofDir).some(
        (f) => f.endsWith('.incr.aof') && readFileSync(join(aofDir, f), 'utf8').includes('survivor'),
      ),
    );
    const killed = redis.pid as number;
    process.kill(killed, 'SIGKILL');

    expect(await c.get('survivor')).toBe('yes');
    await until('a new pid', () => redis.pid !== killed);
    expect(redis.url).toContain(`@127.0.0.1:${redis.port}`);
    expect(h.lines.some((l) => l.startsWith('error') && l.includes(`pid ${killed}`) && l.includes('SIGKILL'))).toBe(
      true,
    );
    expect(h.lines.some((l) => l.startsWith('warn') && l.includes('restarted'))).toBe(true);
    expect(h.fatal).toEqual([]);
  });

  it('gives up through onFatal when it keeps dying', async () => {
    const h = harness(varDir(), { maxRestarts: 2, restartWindowMs: 60_000 });
    const redis = await start(h.options);
    for (let i = 0; i < 2; i++) {
      const pid = redis.pid as number;
      process.kill(pid, 'SIGKILL');
      await until(`restart ${i + 1}`, () => redis.pid !== pid);
    }
    const last = redis.pid as number;
    process.kill(last, 'SIGKILL');
    await until('onFatal', () => h.fatal.length > 0);
    expect(h.fatal).toEqual([`embedded redis-server died 3 times in 60 s; see ${join(redis.dir, 'redis.log')}`]);
    // No fourth server: the store stays down and the VNFM is to exit.
    await delay(500);
    expect(redis.pid).toBe(last);
    expect(await ping(redis.port)).toBe(false);
  });

  it('stops the orphaned redis-server of a killed VNFM instead of adopting it, keeping its data', async () => {
    const dir = varDir();
    const h = harness(dir);
    const first = await startEmbeddedRedis(h.options);
    const c1 = client(first.url);
    await c1.set('before', '1');
    c1.disconnect();
    await first.stop();

    // What a SIGKILLed VNFM leaves: a redis-server on our conf, re-parented away from us (the shell
    // exits at once), its pidfile in place.
    const password = readFileSync(join(dir, 'redis.secret'), 'utf8').trim();
    const port = Number(readFileSync(join(dir, 'redis.port'), 'utf8').trim());
    const conf = join(dir, 'redis', 'redis.conf');
    spawn('/bin/sh', ['-c', `/usr/bin/redis-server '${conf}' &`], { stdio: 'ignore' });
    await until('the orphan', () => ping(port, password));
    const pidFile = join(dir, 'redis', 'redis.pid');
    await until('its pidfile', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '');
    const orphan = Number(readFileSync(pidFile, 'utf8').trim());
    cleanups.push(() => {
      if (!gone(orphan)) process.kill(orphan, 'SIGKILL');
    });
    const o = client(first.url);
    await o.set('orphaned', '2');
    o.disconnect();

    const redis = await start(h.options);
    expect(gone(orphan)).toBe(true);
    expect(redis.pid).not.toBe(orphan);
    expect(redis.port).toBe(port);
    const c = client(redis.url);
    expect(await c.get('before')).toBe('1');
    expect(await c.get('orphaned')).toBe('2');
    expect(h.lines.some((l) => l.startsWith('warn') && l.includes(`orphaned redis-server (pid ${orphan})`))).toBe(true);
  });

  it('refuses a kept port held by another process, naming the port and the file', async () => {
    const dir = varDir();
    const port = await freePort();
    writeFileSync(join(dir, 'redis.port'), `${port}\n`);
    const foreign: Server = createServer();
    await new Promise<void>((r) => foreign.listen(port, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => foreign.close(() => r())));

    const h = harness(dir);
    await expect(startEmbeddedRedis(h.options)).rejects.toThrow(
      `the embedded redis-server's port ${port} (kept in ${join(dir, 'redis.port')}) is in use by another process`,
    );
  });
});
