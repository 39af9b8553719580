import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { KeptPkgmSubscription, NotificationClaim, PkgmSubscriptionStore } from '../ports/nfvo-subscription-store';
import { luaCommand, type LuaCommand } from './lua-command';
import type { SecretBox } from './secret-box';

/** Deletes KEYS[1] only when it still holds ARGV[1] (the holder's token): a lock released by its holder only. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * The VNFM's subscription to the NFVO's package notifications, in Redis (every API and worker process
 * shares it):
 * - `<prefix>:nfvo:pkgm-sub`           the subscription (JSON; the callback password sealed with the SecretBox)
 * - `<prefix>:nfvo:pkgm-sub:lock`      the creation lock (a token, with a TTL)
 * - `<prefix>:nfvo:pkgm-seen:<id>`     a notification id: `pending` while applied, then `done` (with a TTL)
 * - `<prefix>:nfvo:kept-content`       ids of packages deleted at the NFVO whose content instances still use
 */
export class RedisPkgmSubscriptionStore implements PkgmSubscriptionStore {
  private readonly key: string;
  private readonly release: LuaCommand<number>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly box: SecretBox,
  ) {
    this.key = `${prefix}:nfvo:pkgm-sub`;
    this.release = luaCommand(redis, 'clickvnfmReleaseToken', 1, RELEASE);
  }

  async get(): Promise<KeptPkgmSubscription | undefined> {
    const json = await this.redis.get(this.key);
    if (json === null) return undefined;
    const stored = JSON.parse(json) as KeptPkgmSubscription;
    return { ...stored, password: this.box.open(stored.password) };
  }

  async put(subscription: KeptPkgmSubscription): Promise<void> {
    await this.redis.set(this.key, JSON.stringify({ ...subscription, password: this.box.seal(subscription.password) }));
  }

  async lock(ttlMs: number): Promise<{ release(): Promise<void> } | undefined> {
    const key = `${this.key}:lock`;
    const token = randomUUID();
    if ((await this.redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
    return { release: async () => void (await this.release(key, token)) };
  }

  private seenKey(id: string): string {
    return `${this.prefix}:nfvo:pkgm-seen:${id}`;
  }

  async claimNotification(id: string, pendingTtlMs: number): Promise<NotificationClaim> {
    const key = this.seenKey(id);
    if ((await this.redis.set(key, 'pending', 'PX', pendingTtlMs, 'NX')) === 'OK') return 'claimed';
    const state = await this.redis.get(key);
    // expired between the two calls: the next delivery claims it
    return state === 'done' ? 'done' : 'pending';
  }

  async finishNotification(id: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.seenKey(id), 'done', 'EX', ttlSeconds);
  }

  async releaseNotification(id: string): Promise<void> {
    await this.redis.del(this.seenKey(id));
  }

  async keepContent(vnfPkgId: string): Promise<void> {
    await this.redis.sadd(`${this.prefix}:nfvo:kept-content`, vnfPkgId);
  }

  async keptContents(): Promise<string[]> {
    return this.redis.smembers(`${this.prefix}:nfvo:kept-content`);
  }

  async forgetContent(vnfPkgId: string): Promise<void> {
    await this.redis.srem(`${this.prefix}:nfvo:kept-content`, vnfPkgId);
  }
}
