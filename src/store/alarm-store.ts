import type { Redis } from 'ioredis';
import type { StoredAlarm } from '../domain/alarm';
import type { AlarmStore } from '../ports/fm';
import { RedisRepository } from './redis-repository';

/**
 * The alarms (`<prefix>:alarm:*`, a repository like the others, filters on any attribute) and, per instance,
 * the active one of each condition (`<prefix>:fm:active:<instanceId>`, a hash condition -> alarm id).
 * NOTE: one worker at a time watches an instance (the monitor's lease), so raise and clear of one condition
 * do not race; a field left by a worker that died between HSETNX and the create points at no alarm and is
 * taken over by the next raise.
 */
export class RedisAlarmStore extends RedisRepository<StoredAlarm> implements AlarmStore {
  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    super(redis, { prefix, name: 'alarm', searchable: true });
  }

  private activeKey(vnfInstanceId: string): string {
    return `${this.prefix}:fm:active:${vnfInstanceId}`;
  }

  async active(vnfInstanceId: string): Promise<Map<string, StoredAlarm>> {
    const fields = await this.redis.hgetall(this.activeKey(vnfInstanceId));
    const out = new Map<string, StoredAlarm>();
    for (const [condition, id] of Object.entries(fields)) {
      const a = (await this.get(id))?.doc;
      if (a !== undefined && a.alarmClearedTime === undefined) out.set(condition, a);
    }
    return out;
  }

  async raise(condition: string, alarm: StoredAlarm): Promise<{ alarm: StoredAlarm; raised: boolean }> {
    const key = this.activeKey(alarm.managedObjectId);
    if ((await this.redis.hsetnx(key, condition, alarm.id)) === 0) {
      const id = await this.redis.hget(key, condition);
      const existing = id === null ? undefined : (await this.get(id))?.doc;
      if (existing !== undefined && existing.alarmClearedTime === undefined) return { alarm: existing, raised: false };
      await this.redis.hset(key, condition, alarm.id);
    }
    await this.create(alarm);
    return { alarm, raised: true };
  }

  async clear(vnfInstanceId: string, condition: string, at: string): Promise<StoredAlarm | undefined> {
    const key = this.activeKey(vnfInstanceId);
    const id = await this.redis.hget(key, condition);
    if (id === null) return undefined;
    const updated = await this.update(id, (a) =>
      a.alarmClearedTime !== undefined
        ? undefined
        : { ...a, perceivedSeverity: 'CLEARED', alarmClearedTime: at, alarmChangedTime: at },
    );
    await this.redis.hdel(key, condition);
    return updated?.doc.alarmClearedTime === at ? updated.doc : undefined;
  }

  async clearById(alarmId: string, at: string): Promise<StoredAlarm | undefined> {
    const updated = await this.update(alarmId, (a) =>
      a.alarmClearedTime !== undefined
        ? undefined
        : { ...a, perceivedSeverity: 'CLEARED', alarmClearedTime: at, alarmChangedTime: at },
    );
    if (updated === undefined) return undefined;
    const key = this.activeKey(updated.doc.managedObjectId);
    for (const [condition, id] of Object.entries(await this.redis.hgetall(key)))
      if (id === alarmId) await this.redis.hdel(key, condition);
    return updated.doc.alarmClearedTime === at ? updated.doc : undefined;
  }
}
