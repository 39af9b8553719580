import type { Redis } from 'ioredis';
import type { StoredIndicator } from '../domain/indicator';
import { matchesFilter } from '../domain/query';
import type { IndicatorStore } from '../ports/indicators';
import type { ListPage, ListQuery } from '../ports/store';
import { luaCommand, type LuaCommand } from './lua-command';

/**
 * One pass's values compared and set at once: an indicator no longer declared is dropped; a value read no later
 * than the stored one is left aside; a newer one is stored, and returned when it differs (or is the first).
 * KEYS: the instance's hash, the index. ARGV: the instance id, the declared ids (JSON), then each value (JSON).
 */
const RECORD_SCRIPT = `
local keep = {}
for _, id in ipairs(cjson.decode(ARGV[2])) do keep[id] = true end
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
  if not keep[f] then redis.call('HDEL', KEYS[1], f) end
end
local changed = {}
for i = 3, #ARGV do
  local new = cjson.decode(ARGV[i])
  local raw = redis.call('HGET', KEYS[1], new.id)
  local old = raw and cjson.decode(raw)
  if not old or old.at < new.at then
    redis.call('HSET', KEYS[1], new.id, ARGV[i])
    if not old or old.value ~= new.value then table.insert(changed, ARGV[i]) end
  end
end
if redis.call('HLEN', KEYS[1]) > 0 then redis.call('ZADD', KEYS[2], 0, ARGV[1])
else redis.call('ZREM', KEYS[2], ARGV[1]) end
return changed
`;

/** How many instances one step of a list reads. */
const BATCH = 100;

const byId = (a: StoredIndicator, b: StoredIndicator): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function encodeMarker(i: StoredIndicator): string {
  return Buffer.from(JSON.stringify([i.vnfInstanceId, i.id])).toString('base64url');
}

/** The (instance, indicator) a marker names, or undefined when it was not made here. */
function decodeMarker(marker: string): [string, string] | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(marker, 'base64url').toString());
    if (!Array.isArray(v) || v.length !== 2) return undefined;
    const [inst, id] = v as unknown[];
    return typeof inst === 'string' && typeof id === 'string' ? [inst, id] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The indicators' keys:
 * - `<prefix>:ind:v:<inst>`    hash indicator id -> JSON {id, name, value, vnfInstanceId, at}
 * - `<prefix>:ind:instances`   sorted set (all scores 0: by id) of the instances that have values
 */
export class RedisIndicatorStore implements IndicatorStore {
  private readonly recordScript: LuaCommand<string[]>;
  private readonly index: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.recordScript = luaCommand(redis, 'clickvnfmIndicatorRecord', 2, RECORD_SCRIPT);
    this.index = `${prefix}:ind:instances`;
  }

  private key(vnfInstanceId: string): string {
    return `${this.prefix}:ind:v:${vnfInstanceId}`;
  }

  async record(
    vnfInstanceId: string,
    values: StoredIndicator[],
    declared: readonly string[],
  ): Promise<StoredIndicator[]> {
    const args = values.map((v) => JSON.stringify(v));
    const changed = await this.recordScript(
      this.key(vnfInstanceId),
      this.index,
      vnfInstanceId,
      JSON.stringify(declared),
      ...args,
    );
    return changed.map((c) => JSON.parse(c) as StoredIndicator);
  }

  async ofInstance(vnfInstanceId: string): Promise<StoredIndicator[]> {
    const all = await this.redis.hvals(this.key(vnfInstanceId));
    return all.map((x) => JSON.parse(x) as StoredIndicator).sort(byId);
  }

  async list(query: ListQuery): Promise<ListPage<StoredIndicator>> {
    const after = query.marker !== undefined ? decodeMarker(query.marker) : undefined;
    const items: StoredIndicator[] = [];
    let start = after !== undefined ? `[${after[0]}` : '-';
    while (items.length <= query.limit) {
      const ids = await this.redis.zrangebylex(this.index, start, '+', 'LIMIT', 0, BATCH);
      if (ids.length === 0) break;
      const p = this.redis.pipeline();
      for (const id of ids) p.hvals(this.key(id));
      const answers = (await p.exec()) ?? [];
      for (const [err, vals] of answers) {
        if (err !== null) throw err;
        const of = (vals as string[]).map((x) => JSON.parse(x) as StoredIndicator).sort(byId);
        for (const i of of) {
          if (after !== undefined && i.vnfInstanceId === after[0] && i.id <= after[1]) continue;
          if (query.filter !== undefined && !matchesFilter(i, query.filter)) continue;
          items.push(i);
        }
      }
      start = `(${ids[ids.length - 1] as string}`;
    }
    if (items.length <= query.limit) return { items };
    const page = items.slice(0, query.limit);
    return { items: page, nextMarker: encodeMarker(page[page.length - 1] as StoredIndicator) };
  }

  async drop(vnfInstanceId: string): Promise<void> {
    await this.redis.multi().del(this.key(vnfInstanceId)).zrem(this.index, vnfInstanceId).exec();
  }
}
