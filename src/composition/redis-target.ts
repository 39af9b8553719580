/** Which Redis the configuration names: a URL, a Sentinel master group, or none (the embedded server). */
import type { Config } from '../config';
import { parseHostPort } from '../net/host-port';
import type { RedisTarget } from '../store';

/** The target of `redis.*` (checked by loadConfig already); undefined: start the embedded redis-server. */
export function redisTargetOf(redis: Config['redis']): RedisTarget | undefined {
  if (redis.sentinels !== undefined) {
    return {
      kind: 'sentinel',
      sentinels: redis.sentinels.map(parseHostPort),
      name: redis.sentinelName ?? '',
      ...(redis.password !== undefined ? { password: redis.password } : {}),
      ...(redis.sentinelPassword !== undefined ? { sentinelPassword: redis.sentinelPassword } : {}),
    };
  }
  return redis.url === undefined ? undefined : { kind: 'url', url: redis.url };
}
