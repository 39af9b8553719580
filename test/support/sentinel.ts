import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import Redis from 'ioredis';
import { freePort } from '../../src/net/free-port';
import type { RedisTarget } from '../../src/store';
import { ping, RedisServer } from '../../src/store/redis-server';

export const MASTER_NAME = 'mymaster';

/**
 * A private Redis Sentinel deployment on 127.0.0.1 for one test file: a primary, one replica (`replicaof`),
 * and three sentinels (Debian's redis-sentinel, quorum 2, down after 1 s), in a temp directory.
 *
 * @example
 * const s = await startSentinelDeployment();
 * const h = await buildLcmHarness(s.target);
 * await s.primary.stop('SIGKILL'); await s.waitForFailover();
 */
export interface SentinelDeployment {
  /** The master group, as the VNFM's configuration names it (redis.sentinels + redis.sentinelName). */
  readonly target: RedisTarget;
  readonly primary: RedisServer;
  readonly replica: RedisServer;
  readonly sentinelPorts: number[];
  /** The primary's port as the sentinels report it now. */
  masterPort(): Promise<number>;
  /** Waits until the sentinels name the replica as the primary (after the primary died); returns how long it took. */
  waitForFailover(timeoutMs?: number): Promise<number>;
  /** WAIT on the primary: the replicas that acknowledged every write so far. */
  syncReplica(): Promise<number>;
  /**
   * Makes the writes from now on miss the replica, as async replication may: the replica is stopped (SIGSTOP)
   * and its link closed by the primary, so nothing more reaches it; resumeReplica() lets it run again.
   */
  cutReplication(): Promise<void>;
  resumeReplica(): void;
  stop(): Promise<void>;
}

function sentinelConf(dir: string, port: number, masterPort: number, password: string | undefined): string {
  return [
    `bind 127.0.0.1`,
    `port ${port}`,
    `dir ${dir}`,
    `daemonize no`,
    `logfile ${join(dir, 'sentinel.log')}`,
    `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
    `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
    `sentinel failover-timeout ${MASTER_NAME} 5000`,
    `sentinel parallel-syncs ${MASTER_NAME} 1`,
    ...(password === undefined ? [] : [`sentinel auth-pass ${MASTER_NAME} ${password}`]),
  ].join('\n');
}

/** SENTINEL replies come as flat [key, value, ...] arrays. */
function fields(flat: unknown): Record<string, string> {
  const list = flat as string[];
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i] as string] = list[i + 1] as string;
  return out;
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`sentinel deployment: ${what} within ${timeoutMs} ms did not happen`);
    await delay(100);
  }
}

/** `password`: requirepass of the primary and the replica (masterauth, the sentinels' auth-pass follow). */
export async function startSentinelDeployment(options: { password?: string } = {}): Promise<SentinelDeployment> {
  const password = options.password;
  const dir = mkdtempSync(join(tmpdir(), 'clickvnfm-sentinel-'));
  const children: ChildProcess[] = [];
  const clients: Redis[] = [];
  const servers: RedisServer[] = [];
  const stop = async (): Promise<void> => {
    for (const c of clients) c.disconnect();
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGKILL');
          }),
      ),
    );
    for (const s of servers) await s.stop('SIGKILL'); // SIGKILL ends a stopped (SIGSTOP) one too
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const auth = password === undefined ? {} : { password };
    const primary = await RedisServer.start({ dir: join(dir, 'primary'), ...auth });
    servers.push(primary);
    const replica = await RedisServer.start({ dir: join(dir, 'replica'), ...auth });
    servers.push(replica);
    const toReplica = new Redis(replica.port, '127.0.0.1', { lazyConnect: true, ...auth });
    clients.push(toReplica);
    if (password !== undefined) await toReplica.config('SET', 'masterauth', password);
    await toReplica.call('REPLICAOF', '127.0.0.1', String(primary.port));
    await until('the replica in sync', 10_000, async () =>
      /master_link_status:up/.test(await toReplica.info('replication')),
    );
    const sentinelPorts: number[] = [];
    const sentinels: Redis[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const sdir = join(dir, `sentinel-${i}`);
      mkdirSync(sdir);
      // sentinel rewrites its configuration file (the state it learns): it must be writable
      const conf = join(sdir, 'sentinel.conf');
      writeFileSync(conf, sentinelConf(sdir, port, primary.port, password) + '\n', { mode: 0o600 });
      const child = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore', cwd: sdir });
      children.push(child);
      await until(`sentinel ${port} answering PING`, 10_000, () => ping(port));
      sentinelPorts.push(port);
      const client = new Redis(port, '127.0.0.1');
      clients.push(client);
      sentinels.push(client);
    }
    // a failover needs every sentinel to know the replica and the two other sentinels (hello messages, ~2 s)
    await until('the sentinels seeing the replica and each other', 20_000, async () => {
      for (const s of sentinels) {
        const replicas = ((await s.call('SENTINEL', 'REPLICAS', MASTER_NAME)) as unknown[]).map(fields);
        if (replicas.length !== 1 || replicas[0]?.flags !== 'slave') return false;
        if (((await s.call('SENTINEL', 'SENTINELS', MASTER_NAME)) as unknown[]).length !== 2) return false;
      }
      return true;
    });
    const first = sentinels[0] as Redis;
    const masterPort = async (): Promise<number> =>
      Number(((await first.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)) as string[])[1]);
    const toPrimary = new Redis(primary.port, '127.0.0.1', { lazyConnect: true, ...auth });
    clients.push(toPrimary);
    return {
      target: {
        kind: 'sentinel',
        sentinels: sentinelPorts.map((port) => ({ host: '127.0.0.1', port })),
        name: MASTER_NAME,
        ...auth,
      },
      primary,
      replica,
      sentinelPorts,
      masterPort,
      async waitForFailover(timeoutMs = 20_000) {
        const started = Date.now();
        await until('the failover to the replica', timeoutMs, async () => (await masterPort()) === replica.port);
        return Date.now() - started;
      },
      syncReplica: async () => Number(await toPrimary.call('WAIT', '1', '2000')),
      async cutReplication() {
        process.kill(replica.pid ?? 0, 'SIGSTOP');
        await toPrimary.call('CLIENT', 'KILL', 'TYPE', 'replica');
      },
      resumeReplica: () => void process.kill(replica.pid ?? 0, 'SIGCONT'),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
