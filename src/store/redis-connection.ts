import Redis, { type RedisOptions } from 'ioredis';
import { formatHostPort, type HostPort } from '../net/host-port';
import { silentLogger, type Logger } from '../ports/logger';

/** One sentinel's address. */
export type SentinelAddress = HostPort;

/**
 * Where the VNFM's Redis is: one server by URL (the embedded one, or `redis.url`), or the primary of a
 * Sentinel master group (`redis.sentinels` + `redis.sentinelName`), found again after every failover.
 * It may carry passwords: log describeRedisTarget() instead.
 */
export type RedisTarget =
  | { kind: 'url'; url: string }
  | {
      kind: 'sentinel';
      sentinels: SentinelAddress[];
      /** The master group name (`sentinel monitor <name> ...`). */
      name: string;
      /** The data nodes' password (`requirepass`). */
      password?: string;
      /** The sentinels' own password (`requirepass` in sentinel.conf), when they have one. */
      sentinelPassword?: string;
    };

/** The target without secrets: for logs and messages. */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.kind === 'sentinel') {
    const list = target.sentinels.map(formatHostPort).join(',');
    return `Redis Sentinel master group '${target.name}' via ${list}`;
  }
  try {
    const u = new URL(target.url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'redis (unparsable URL)';
  }
}

/**
 * After a failover the old primary may come back as a replica while a client still talks to it: its writes
 * then fail with READONLY. Reconnecting (2: and resending the command) makes a Sentinel client ask the
 * sentinels for the current primary again.
 */
function reconnectOnReadonly(err: Error): 2 | false {
  return err.message.startsWith('READONLY') ? 2 : false;
}

/**
 * The one place the VNFM opens a Redis connection: the shared one of the repositories and the API, and
 * each of BullMQ's (queues, workers, the notifier). Commands wait across a reconnection or a failover
 * (`maxRetriesPerRequest: null`, which BullMQ's workers require) instead of failing after a few tries.
 * Connection errors go to `log` (a warning per distinct error, and when the connection is back), never to
 * the console; the messages carry addresses, no passwords.
 *
 * @example
 * const redis = createRedisClient({ kind: 'url', url: 'redis://127.0.0.1:6379' }, { log });
 */
export function createRedisClient(target: RedisTarget, options: { log?: Logger } = {}): Redis {
  const common: RedisOptions = { maxRetriesPerRequest: null, reconnectOnError: reconnectOnReadonly };
  const client =
    target.kind === 'url'
      ? new Redis(target.url, common)
      : new Redis({
          ...common,
          sentinels: target.sentinels.map((s) => ({ host: s.host, port: s.port })),
          name: target.name,
          role: 'master',
          // subscribes to the sentinels' +switch-master: a failover is followed at once, not at the next error
          failoverDetector: true,
          ...(target.password !== undefined ? { password: target.password } : {}),
          ...(target.sentinelPassword !== undefined ? { sentinelPassword: target.sentinelPassword } : {}),
        });
  superviseConnection(client, options.log ?? silentLogger);
  return client;
}

/** Logs a connection's errors (each distinct one once until it is back) and its return. */
function superviseConnection(client: Redis, log: Logger): void {
  const seen = new Set<string>();
  client.on('error', (err: Error) => {
    if (seen.has(err.message)) return;
    seen.add(err.message);
    log.warn(`Redis connection: ${err.message} (commands wait until it is back)`);
  });
  client.on('ready', () => {
    if (seen.size === 0) return;
    seen.clear();
    log.info('Redis connection: back');
  });
}
