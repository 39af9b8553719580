import type Redis from 'ioredis';
import type { RateLimiter, RateLimitState } from '../ports/rate-limiter';
import { luaCommand, type LuaCommand } from './lua-command';

const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

/**
 * RateLimiter on Redis: INCR + PEXPIRE in one script (defined once with defineCommand, so only its
 * SHA travels), keys under the VNFM's hash-tagged prefix. When Redis cannot answer, the request is let
 * through: a limiter outage must not become an authentication outage (the request fails later anyway).
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly command: LuaCommand<[number, number]>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly max: number,
    private readonly windowMs: number,
  ) {
    this.command = luaCommand(redis, 'clickvnfmRateHit', 1, HIT);
  }

  async hit(key: string): Promise<RateLimitState> {
    try {
      const [n, ttl] = await this.command(this.key(key), this.windowMs);
      return { exceeded: n > this.max, retryAfterSeconds: Math.ceil(ttl / 1000) };
    } catch {
      return { exceeded: false, retryAfterSeconds: 0 };
    }
  }

  async peek(key: string): Promise<RateLimitState> {
    try {
      const k = this.key(key);
      const [n, ttl] = await Promise.all([this.redis.get(k), this.redis.pttl(k)]);
      return { exceeded: Number(n ?? 0) >= this.max, retryAfterSeconds: Math.ceil(Math.max(ttl, 0) / 1000) };
    } catch {
      return { exceeded: false, retryAfterSeconds: 0 };
    }
  }

  private key(key: string): string {
    // hostile ids may be long: the key holds a bounded, printable form
    return `${this.prefix}:rl:${key.length > 200 ? key.slice(0, 200) : key}`;
  }
}
