import type { Redis } from 'ioredis';
import type { StoredReportRef } from '../domain/pm';
import type {
  AccumulatorKey,
  CrossingState,
  PmJobSchedule,
  PmStore,
  StoredReport,
  WindowAccumulator,
} from '../ports/pm';
import { luaCommand, type LuaCommand } from './lua-command';

/** The due jobs, each pushed `lease` ms ahead as it is taken: one atomic step, so no two workers take one. */
const CLAIM_SCRIPT = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local next = tonumber(ARGV[1]) + tonumber(ARGV[2])
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], 'XX', next, id) end
return ids
`;

/**
 * From report `expected` to `next`, only if the job is still at `expected` (another worker that did it first
 * wins): stores the report (newest `keep` kept, older ones deleted) as not yet notified, and the next due time.
 * KEYS: job hash, due set, reports hash, report id list. ARGV: expected, next, next due ('' none), report id
 * ('' none), ref JSON, report JSON, keep, job id.
 */
const COMMIT_SCRIPT = `
if redis.call('HGET', KEYS[1], 'next') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'next', ARGV[2])
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[3], 'ref:' .. ARGV[4], ARGV[5], 'doc:' .. ARGV[4], ARGV[6])
  redis.call('LPUSH', KEYS[4], ARGV[4])
  local keep = tonumber(ARGV[7])
  for _, old in ipairs(redis.call('LRANGE', KEYS[4], keep, -1)) do
    redis.call('HDEL', KEYS[3], 'ref:' .. old, 'doc:' .. old)
  end
  redis.call('LTRIM', KEYS[4], 0, keep - 1)
  redis.call('HSET', KEYS[1], 'unnotified', ARGV[4])
end
if ARGV[3] == '' then
  redis.call('ZREM', KEYS[2], ARGV[8])
else
  redis.call('ZADD', KEYS[2], 'XX', tonumber(ARGV[3]), ARGV[8])
end
return 1
`;

/** Sets a field only if it still holds `expected` ('' for none). */
const CAS_SCRIPT = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if (old or '') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;

/** Clears the job's `unnotified` if it still names the report. */
const NOTIFIED_SCRIPT = `
if redis.call('HGET', KEYS[1], 'unnotified') == ARGV[1] then redis.call('HDEL', KEYS[1], 'unnotified') end
return 1
`;

/**
 * The PM keys (next to the PM jobs' and thresholds' repositories):
 * - `<prefix>:pm:due`                   sorted set job id -> when its next report is due (ms)
 * - `<prefix>:pm:job:<job>`             hash: start (ms), next (report number), unnotified (report id)
 * - `<prefix>:pm:acc:<job>:<window>`    hash `<instance>/<vnfc>` -> the window's accumulator (JSON); expires
 * - `<prefix>:pm:rep:<job>`             hash `ref:<report>` -> its listing, `doc:<report>` -> the report (JSON)
 * - `<prefix>:pm:rl:<job>`              list of report ids, newest first, cut to the newest N
 * - `<prefix>:pm:thr:<threshold>`       hash `<instance>/<vnfc>[/<port>]` -> the last crossing state (JSON)
 */
export class RedisPmStore implements PmStore {
  private readonly claim: LuaCommand<string[]>;
  private readonly commit: LuaCommand<number>;
  private readonly cas: LuaCommand<number>;
  private readonly clearUnnotified: LuaCommand<number>;
  private readonly due: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.claim = luaCommand(redis, 'clickvnfmPmClaim', 1, CLAIM_SCRIPT);
    this.commit = luaCommand(redis, 'clickvnfmPmCommit', 4, COMMIT_SCRIPT);
    this.cas = luaCommand(redis, 'clickvnfmPmCas', 1, CAS_SCRIPT);
    this.clearUnnotified = luaCommand(redis, 'clickvnfmPmNotified', 1, NOTIFIED_SCRIPT);
    this.due = `${prefix}:pm:due`;
  }

  private key(what: 'job' | 'rep' | 'rl' | 'thr', id: string): string {
    return `${this.prefix}:pm:${what}:${id}`;
  }

  private accKey(jobId: string, window: number): string {
    return `${this.prefix}:pm:acc:${jobId}:${window}`;
  }

  async schedule(jobId: string, startMs: number, firstDueMs: number): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key('job', jobId), 'start', startMs, 'next', 1)
      .zadd(this.due, firstDueMs, jobId)
      .exec();
  }

  async scheduleOf(jobId: string): Promise<PmJobSchedule | undefined> {
    const h = await this.redis.hgetall(this.key('job', jobId));
    if (h['start'] === undefined || h['next'] === undefined) return undefined;
    return {
      startMs: Number(h['start']),
      next: Number(h['next']),
      ...(h['unnotified'] !== undefined ? { unnotified: h['unnotified'] } : {}),
    };
  }

  claimDue(nowMs: number, leaseMs: number, max: number): Promise<string[]> {
    return this.claim(this.due, nowMs, leaseMs, max);
  }

  async forget(jobId: string): Promise<void> {
    await this.redis
      .multi()
      .zrem(this.due, jobId)
      .del(this.key('job', jobId), this.key('rep', jobId), this.key('rl', jobId))
      .exec();
  }

  async readAccumulators(keys: AccumulatorKey[]): Promise<Array<WindowAccumulator | undefined>> {
    if (keys.length === 0) return [];
    const p = this.redis.pipeline();
    for (const k of keys) p.hget(this.accKey(k.jobId, k.window), k.vnfc);
    const out = (await p.exec()) ?? [];
    return out.map(([err, v]) =>
      err === null && typeof v === 'string' ? (JSON.parse(v) as WindowAccumulator) : undefined,
    );
  }

  async writeAccumulators(items: Array<[AccumulatorKey, WindowAccumulator]>, ttlMs: number): Promise<void> {
    if (items.length === 0) return;
    const m = this.redis.multi();
    for (const [k, acc] of items) {
      const key = this.accKey(k.jobId, k.window);
      m.hset(key, k.vnfc, JSON.stringify(acc)).pexpire(key, ttlMs);
    }
    await m.exec();
  }

  async window(jobId: string, window: number): Promise<Map<string, WindowAccumulator>> {
    const h = await this.redis.hgetall(this.accKey(jobId, window));
    return new Map(Object.entries(h).map(([k, v]) => [k, JSON.parse(v) as WindowAccumulator]));
  }

  async commitReport(
    jobId: string,
    expected: number,
    next: number,
    nextDueMs: number | undefined,
    report: StoredReport | undefined,
    keep: number,
  ): Promise<boolean> {
    const ref: StoredReportRef | undefined =
      report === undefined
        ? undefined
        : { id: report.id, readyTime: report.readyTime, expiryTime: report.expiryTime, fileSize: report.fileSize };
    const done = await this.commit(
      this.key('job', jobId),
      this.due,
      this.key('rep', jobId),
      this.key('rl', jobId),
      String(expected),
      String(next),
      nextDueMs === undefined ? '' : String(nextDueMs),
      report?.id ?? '',
      ref === undefined ? '' : JSON.stringify(ref),
      report === undefined ? '' : JSON.stringify(report),
      Math.max(1, keep),
      jobId,
    );
    return done === 1;
  }

  async reports(jobId: string): Promise<StoredReportRef[]> {
    const ids = await this.redis.lrange(this.key('rl', jobId), 0, -1);
    if (ids.length === 0) return [];
    const refs = await this.redis.hmget(this.key('rep', jobId), ...ids.map((id) => `ref:${id}`));
    return refs.flatMap((r) => (r === null ? [] : [JSON.parse(r) as StoredReportRef]));
  }

  async report(jobId: string, reportId: string): Promise<StoredReport | undefined> {
    const doc = await this.redis.hget(this.key('rep', jobId), `doc:${reportId}`);
    return doc === null ? undefined : (JSON.parse(doc) as StoredReport);
  }

  async notified(jobId: string, reportId: string): Promise<void> {
    await this.clearUnnotified(this.key('job', jobId), reportId);
  }

  async crossings(thresholdId: string): Promise<Map<string, CrossingState>> {
    const h = await this.redis.hgetall(this.key('thr', thresholdId));
    return new Map(Object.entries(h).map(([k, v]) => [k, JSON.parse(v) as CrossingState]));
  }

  async setCrossing(
    thresholdId: string,
    key: string,
    expected: CrossingState | undefined,
    next: CrossingState,
  ): Promise<boolean> {
    const old = expected === undefined ? '' : JSON.stringify(expected);
    return (await this.cas(this.key('thr', thresholdId), key, old, JSON.stringify(next))) === 1;
  }

  async forgetThreshold(thresholdId: string): Promise<void> {
    await this.redis.del(this.key('thr', thresholdId));
  }
}
