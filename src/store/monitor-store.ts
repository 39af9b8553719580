import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { MonitorStore, VnfcSample, VnfcSampleOf } from '../ports/monitoring';
import { luaCommand, type LuaCommand } from './lua-command';

/** The due instances, each pushed `lease` ms ahead as it is taken: one atomic step, so no two workers take one. */
const CLAIM_SCRIPT = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local next = tonumber(ARGV[1]) + tonumber(ARGV[2])
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], next, id) end
return ids
`;

/**
 * A rebuild of the alarm list asked for: every watched instance pending (KEYS[2]) and due at once (KEYS[1]),
 * in chunks (Lua's unpack limit); answers how many.
 */
const REBUILD_SCRIPT = `
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[2])
for i = 1, #ids, 500 do
  local chunk, scores = {}, {}
  for j = i, math.min(i + 499, #ids) do
    chunk[#chunk + 1] = ids[j]
    scores[#scores + 1] = 0
    scores[#scores + 1] = ids[j]
  end
  redis.call('SADD', KEYS[2], unpack(chunk))
  redis.call('ZADD', KEYS[1], 'XX', unpack(scores))
end
return #ids
`;

/** One instance looked at again: 1 only for the removal that leaves none pending. */
const REBUILT_SCRIPT = `
if redis.call('SREM', KEYS[1], ARGV[1]) == 1 and redis.call('SCARD', KEYS[1]) == 0 then return 1 end
return 0
`;

/** A sample as stored: the handler values without their names (`ev`), and the key of the name list (`ek`). */
type StoredSample = Omit<VnfcSample, 'el'> & { ek?: string; ev?: number[] };

/**
 * The monitor's keys:
 * - `<prefix>:mon:due`                 sorted set instance id -> when it is due (ms)
 * - `<prefix>:mon:s:<inst>:<vnfc>`     list of samples, newest first, cut to the newest N (compact JSON)
 * - `<prefix>:mon:auto:<inst>`         hash slot -> JSON list of the automatic operations' times (heal, scale)
 * - `<prefix>:mon:latest`              hash `<inst>/<vnfc>` -> {vduId, sample}: every VNFC's newest sample
 * - `<prefix>:mon:names`               hash -> JSON [element, handler][]: the handler names of a sample's values
 * - `<prefix>:mon:lock:<name>`         a lock (SET NX PX) for work one process does for all
 * - `<prefix>:mon:rebuild`             set of the instances a rebuild of the alarm list still waits for
 *
 * A sample's element handlers are stored as their values only (`ev`) and the key of their names (`ek`, a hash of
 * the name list, written once: every VNFC of one Click configuration shares it), a third of the bytes of a sample
 * that repeats every name (bench/monitor-scale.ts).
 */
export class RedisMonitorStore implements MonitorStore {
  private readonly claim: LuaCommand<string[]>;
  private readonly rebuild: LuaCommand<number>;
  private readonly rebuiltOne: LuaCommand<number>;
  private readonly pendingKey: string;
  private readonly due: string;
  private readonly latestKey: string;
  private readonly namesKey: string;
  /** Name lists by key: content-addressed, so kept for the process's life (one per Click configuration). */
  private readonly names = new Map<string, Array<[string, string]>>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.claim = luaCommand(redis, 'clickvnfmMonitorClaim', 1, CLAIM_SCRIPT);
    this.rebuild = luaCommand(redis, 'clickvnfmMonitorRebuild', 2, REBUILD_SCRIPT);
    this.rebuiltOne = luaCommand(redis, 'clickvnfmMonitorRebuilt', 1, REBUILT_SCRIPT);
    this.pendingKey = `${prefix}:mon:rebuild`;
    this.due = `${prefix}:mon:due`;
    this.latestKey = `${prefix}:mon:latest`;
    this.namesKey = `${prefix}:mon:names`;
  }

  private series(vnfInstanceId: string, vnfcId: string): string {
    return `${this.prefix}:mon:s:${vnfInstanceId}:${vnfcId}`;
  }

  claimDue(nowMs: number, leaseMs: number, max: number): Promise<string[]> {
    return this.claim(this.due, nowMs, leaseMs, max);
  }

  async watch(firstLooks: { vnfInstanceId: string; atMs: number }[]): Promise<void> {
    if (firstLooks.length === 0) return;
    await this.redis.zadd(this.due, 'NX', ...firstLooks.flatMap((l) => [l.atMs, l.vnfInstanceId]));
  }

  async unwatch(vnfInstanceId: string, vnfcIds: string[]): Promise<void> {
    const m = this.redis.multi().zrem(this.due, vnfInstanceId).del(`${this.prefix}:mon:auto:${vnfInstanceId}`);
    for (const v of vnfcIds) m.del(this.series(vnfInstanceId, v)).hdel(this.latestKey, `${vnfInstanceId}/${v}`);
    await m.exec();
  }

  requestRebuild(): Promise<number> {
    return this.rebuild(this.due, this.pendingKey);
  }

  async rebuilt(vnfInstanceId: string): Promise<boolean> {
    return (await this.rebuiltOne(this.pendingKey, vnfInstanceId)) === 1;
  }

  rebuildPending(): Promise<number> {
    return this.redis.scard(this.pendingKey);
  }

  watched(): Promise<number> {
    return this.redis.zcard(this.due);
  }

  async append(vnfInstanceId: string, samples: VnfcSampleOf[], keep: number): Promise<void> {
    if (samples.length === 0) return;
    const m = this.redis.multi();
    for (const { vnfcId, vduId, sample } of samples) {
      const key = this.series(vnfInstanceId, vnfcId);
      const stored = this.encode(sample, m);
      m.lpush(key, JSON.stringify(stored)).ltrim(key, 0, keep - 1);
      m.hset(this.latestKey, `${vnfInstanceId}/${vnfcId}`, JSON.stringify({ vduId, sample: stored }));
    }
    await m.exec();
  }

  async latest(nowMs: number, maxAgeMs: number): Promise<Array<VnfcSampleOf & { vnfInstanceId: string }>> {
    const all = await this.redis.hgetall(this.latestKey);
    const kept: Array<{ vnfInstanceId: string; vnfcId: string; vduId: string; sample: StoredSample }> = [];
    const gone: string[] = [];
    for (const [field, json] of Object.entries(all)) {
      const slash = field.indexOf('/');
      const v = JSON.parse(json) as { vduId: string; sample: StoredSample };
      if (nowMs - v.sample.t > maxAgeMs) gone.push(field);
      else kept.push({ vnfInstanceId: field.slice(0, slash), vnfcId: field.slice(slash + 1), ...v });
    }
    if (gone.length > 0) await this.redis.hdel(this.latestKey, ...gone);
    const samples = await this.decode(kept.map((k) => k.sample));
    return kept.map((k, i) => ({ ...k, sample: samples[i] as VnfcSample }));
  }

  async recent(vnfInstanceId: string, vnfcId: string, n: number): Promise<VnfcSample[]> {
    const items = await this.redis.lrange(this.series(vnfInstanceId, vnfcId), 0, n - 1);
    return this.decode(items.map((x) => JSON.parse(x) as StoredSample));
  }

  /** The sample as stored: its handler names replaced by the key of their list (written once, in `m`). */
  private encode(sample: VnfcSample, m: ReturnType<Redis['multi']>): StoredSample {
    const { el, ...rest } = sample;
    if (el === undefined) return rest;
    const names = el.map(([e, h]): [string, string] => [e, h]);
    const json = JSON.stringify(names);
    const ek = createHash('sha256').update(json).digest('base64url').slice(0, 16);
    if (!this.names.has(ek)) {
      m.hsetnx(this.namesKey, ek, json);
      this.names.set(ek, names);
    }
    return { ...rest, ek, ev: el.map(([, , v]) => v) };
  }

  private async decode(stored: StoredSample[]): Promise<VnfcSample[]> {
    const missing = [...new Set(stored.flatMap((s) => (s.ek !== undefined && !this.names.has(s.ek) ? [s.ek] : [])))];
    if (missing.length > 0) {
      const found = await this.redis.hmget(this.namesKey, ...missing);
      missing.forEach((k, i) => {
        const json = found[i];
        if (json !== null && json !== undefined) this.names.set(k, JSON.parse(json) as Array<[string, string]>);
      });
    }
    return stored.map(({ ek, ev, ...rest }) => {
      const names = ek !== undefined ? this.names.get(ek) : undefined;
      if (names === undefined || ev === undefined) return rest;
      return { ...rest, el: names.map(([e, h], i): [string, string, number] => [e, h, ev[i] ?? 0]) };
    });
  }

  async exclusive(name: string, ttlMs: number, fn: () => Promise<void>): Promise<boolean> {
    const key = `${this.prefix}:mon:lock:${name}`;
    const token = randomUUID();
    if ((await this.redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return false;
    try {
      await fn();
      return true;
    } finally {
      if ((await this.redis.get(key)) === token) await this.redis.del(key);
    }
  }

  async automaticRuns(vnfInstanceId: string, vnfcId: string): Promise<number[]> {
    const v = await this.redis.hget(`${this.prefix}:mon:auto:${vnfInstanceId}`, vnfcId);
    return v === null ? [] : (JSON.parse(v) as number[]);
  }

  async recordAutomaticRun(vnfInstanceId: string, vnfcId: string, atMs: number, keepSinceMs: number): Promise<void> {
    const kept = (await this.automaticRuns(vnfInstanceId, vnfcId)).filter((t) => t >= keepSinceMs);
    await this.redis.hset(`${this.prefix}:mon:auto:${vnfInstanceId}`, vnfcId, JSON.stringify([...kept, atMs]));
  }
}
