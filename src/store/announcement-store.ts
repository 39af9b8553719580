import type { Redis } from 'ioredis';
import type { Announcements, OwedAnnouncement } from '../ports/lcm';

/**
 * The owed creation and deletion notifications (src/ports/lcm.ts Announcements): `<prefix>:lcm:owed`, a hash
 * `<kind>:<instanceId>` -> JSON {at, identity?}. Only the few in flight live here: each is removed once published.
 */
export class RedisAnnouncements implements Announcements {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = `${prefix}:lcm:owed`;
  }

  async intend(kind: 'created' | 'deleted', vnfInstanceId: string, identity?: Record<string, unknown>): Promise<void> {
    const value = JSON.stringify({ at: this.now(), ...(identity !== undefined ? { identity } : {}) });
    await this.redis.hset(this.key, `${kind}:${vnfInstanceId}`, value);
  }

  async done(kind: 'created' | 'deleted', vnfInstanceId: string): Promise<void> {
    await this.redis.hdel(this.key, `${kind}:${vnfInstanceId}`);
  }

  async overdue(beforeMs: number): Promise<OwedAnnouncement[]> {
    const out: OwedAnnouncement[] = [];
    for (const [field, json] of Object.entries(await this.redis.hgetall(this.key))) {
      const [kind, ...rest] = field.split(':');
      const v = JSON.parse(json) as { at: number; identity?: Record<string, unknown> };
      if ((kind !== 'created' && kind !== 'deleted') || v.at >= beforeMs) continue;
      out.push({ kind, vnfInstanceId: rest.join(':'), ...(v.identity !== undefined ? { identity: v.identity } : {}) });
    }
    return out;
  }
}
