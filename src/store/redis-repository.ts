import type { Redis } from 'ioredis';
import { ConflictError, PreconditionFailedError } from '../errors';
import { decodeMarker, encodeMarker, matchesFilter, textPrefilter } from '../domain/query';
import type { Filter } from '../domain/query';
import type { ListPage, ListQuery, Repository, Versioned } from '../ports/store';
import { luaCommand, type LuaCommand } from './lua-command';

/**
 * A collection of JSON documents in Redis.
 *
 * Keys (all under one hash tag, so multi-key scripts also run on Redis Cluster):
 * - `<prefix>:seq`             creation counter shared by every collection
 * - `<prefix>:<name>:idx`      sorted set id -> creation sequence (list order, paging marker)
 * - `<prefix>:<name>:doc`      hash id -> JSON document
 * - `<prefix>:<name>:ver`      hash id -> version (the ETag)
 *
 * NOTE: lists scan the index in creation order in batches and filter in this process, stopping as
 * soon as the page is full: an unfiltered or common filter reads one batch; a rare one reads all.
 * bench/store-list.ts measures it on 10,000 instances.
 */
/**
 * How documents are turned into what is stored and back, e.g. credentials sealed at rest
 * (credentialCodec in src/store/secret-box.ts). `encode` runs before every write, `decode` after every read.
 * NOTE: list filters are matched against the stored (encoded) form, before `decode`, so a filter
 * can only see what is at rest; `checkFilter` may refuse a filter outright (throw a 400 error).
 */
export interface DocumentCodec<T> {
  encode(doc: T): T;
  decode(doc: T): T;
  checkFilter?(filter: Filter): void;
}

export interface RedisRepositoryOptions<T = unknown> {
  /** Hash-tagged key prefix, e.g. `{vnfm}`. */
  prefix: string;
  /** Collection name, e.g. `inst`. */
  name: string;
  /** Documents read per round trip while listing. */
  batchSize?: number;
  /**
   * Top-level string attributes with a secondary index (`<prefix>:<name>:by:<attr>:<value>`, a
   * sorted set by creation sequence): an `eq`/`in` filter term on one of them reads only the
   * matching documents.
   */
  indexed?: readonly string[];
  /** Stored form of the documents; the identity when absent. */
  codec?: DocumentCodec<T>;
  /** A key incremented after every create, put and delete (readers cache the collection until it changes). */
  generationKey?: string;
}

// Index maintenance shared by the scripts: KEYS[1] is '<base>:idx', so '<base>:by:' is derived from it.
// NOTE: the index keys are derived inside the script, not passed in KEYS; they share the hash tag,
// so they live in the same Cluster slot as the declared keys.
const INDEX_FNS = `
local function index_base() return string.sub(KEYS[1], 1, -5) .. ':by:' end
local function reindex(id, oldjson, newjson, seq, attrs)
  local base = index_base()
  local old = oldjson and cjson.decode(oldjson) or {}
  local new = newjson and cjson.decode(newjson) or {}
  for _, a in ipairs(attrs) do
    local ov, nv = old[a], new[a]
    if type(ov) == 'string' and ov ~= nv then redis.call('ZREM', base .. a .. ':' .. ov, id) end
    if type(nv) == 'string' and (ov ~= nv or not oldjson) then redis.call('ZADD', base .. a .. ':' .. nv, seq, id) end
  end
end
`;

const CREATE =
  INDEX_FNS +
  `
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return -1 end
local seq = redis.call('INCR', KEYS[4])
redis.call('ZADD', KEYS[1], seq, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], 1)
reindex(ARGV[1], nil, ARGV[2], seq, cjson.decode(ARGV[3]))
return seq`;

const PUT =
  INDEX_FNS +
  `
local v = redis.call('HGET', KEYS[3], ARGV[1])
if not v then return -1 end
if ARGV[3] ~= '' and tonumber(ARGV[3]) ~= tonumber(v) then return -2 end
local attrs = cjson.decode(ARGV[4])
if #attrs > 0 then
  reindex(ARGV[1], redis.call('HGET', KEYS[2], ARGV[1]), ARGV[2], redis.call('ZSCORE', KEYS[1], ARGV[1]), attrs)
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return redis.call('HINCRBY', KEYS[3], ARGV[1], 1)`;

const DELETE =
  INDEX_FNS +
  `
local attrs = cjson.decode(ARGV[2])
if #attrs > 0 then reindex(ARGV[1], redis.call('HGET', KEYS[2], ARGV[1]), nil, 0, attrs) end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return redis.call('HDEL', KEYS[2], ARGV[1])`;

export class RedisRepository<T extends { id: string }> implements Repository<T> {
  protected readonly keys: { idx: string; doc: string; ver: string; seq: string };
  private readonly batchSize: number;
  protected readonly indexed: readonly string[];
  protected readonly indexedJson: string;
  private readonly scripts: { create: LuaCommand<number>; put: LuaCommand<number>; delete: LuaCommand<number> };

  constructor(
    protected readonly redis: Redis,
    protected readonly options: RedisRepositoryOptions<T>,
  ) {
    const base = `${options.prefix}:${options.name}`;
    this.keys = { idx: `${base}:idx`, doc: `${base}:doc`, ver: `${base}:ver`, seq: `${options.prefix}:seq` };
    this.batchSize = options.batchSize ?? 1000;
    this.indexed = options.indexed ?? [];
    this.indexedJson = JSON.stringify(this.indexed);
    this.scripts = {
      create: luaCommand(redis, 'clickvnfmRepoCreate', 4, CREATE),
      put: luaCommand(redis, 'clickvnfmRepoPut', 3, PUT),
      delete: luaCommand(redis, 'clickvnfmRepoDelete', 3, DELETE),
    };
  }

  /** The JSON text stored for `doc`. */
  protected encode(doc: T): string {
    return JSON.stringify(this.options.codec ? this.options.codec.encode(doc) : doc);
  }

  /** The document from stored JSON text. */
  protected decode(json: string): T {
    const stored = JSON.parse(json) as T;
    return this.options.codec ? this.options.codec.decode(stored) : stored;
  }

  async create(doc: T): Promise<Versioned<T>> {
    const k = this.keys;
    const res = await this.scripts.create(k.idx, k.doc, k.ver, k.seq, doc.id, this.encode(doc), this.indexedJson);
    if (res === -1) throw new ConflictError(`${this.options.name} ${doc.id} exists already`);
    await this.bumpGeneration();
    return { doc, version: 1 };
  }

  async get(id: string): Promise<Versioned<T> | undefined> {
    const [[, json], [, ver]] = (await this.redis.multi().hget(this.keys.doc, id).hget(this.keys.ver, id).exec()) as [
      [null, string | null],
      [null, string | null],
    ];
    if (json === null || ver === null) return undefined;
    return { doc: this.decode(json), version: Number(ver) };
  }

  async put(doc: T, options: { ifVersion?: number } = {}): Promise<Versioned<T>> {
    const k = this.keys;
    const res = await this.scripts.put(
      k.idx,
      k.doc,
      k.ver,
      doc.id,
      this.encode(doc),
      options.ifVersion?.toString() ?? '',
      this.indexedJson,
    );
    if (res === -1) throw new ConflictError(`${this.options.name} ${doc.id} does not exist`);
    if (res === -2)
      throw new PreconditionFailedError(
        `${this.options.name} ${doc.id} has changed since version ${String(options.ifVersion)}`,
      );
    await this.bumpGeneration();
    return { doc, version: res };
  }

  async update(
    id: string,
    mutate: (current: T) => T | undefined,
    options: { ifVersion?: number; known?: Versioned<T> } = {},
  ): Promise<Versioned<T> | undefined> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const cur = attempt === 0 && options.known !== undefined ? options.known : await this.get(id);
      if (cur === undefined) return undefined;
      if (options.ifVersion !== undefined && cur.version !== options.ifVersion) {
        throw new PreconditionFailedError(`${this.options.name} ${id} has changed since version ${options.ifVersion}`);
      }
      const next = mutate(structuredClone(cur.doc));
      if (next === undefined) return cur;
      try {
        return await this.put(next, { ifVersion: cur.version });
      } catch (err) {
        if (!(err instanceof PreconditionFailedError)) throw err;
        // a concurrent writer won: read again and re-apply
      }
    }
    throw new ConflictError(`${this.options.name} ${id} is being changed concurrently; try again`);
  }

  async delete(id: string): Promise<boolean> {
    const k = this.keys;
    const deleted = (await this.scripts.delete(k.idx, k.doc, k.ver, id, this.indexedJson)) === 1;
    if (deleted) await this.bumpGeneration();
    return deleted;
  }

  private async bumpGeneration(): Promise<void> {
    if (this.options.generationKey !== undefined) await this.redis.incr(this.options.generationKey);
  }

  async count(): Promise<number> {
    return this.redis.zcard(this.keys.idx);
  }

  async list(query: ListQuery): Promise<ListPage<T>> {
    if (query.filter !== undefined) this.options.codec?.checkFilter?.(query.filter);
    const after = query.marker === undefined ? 0 : (decodeMarker(query.marker) ?? 0);
    const candidates = await this.indexCandidates(query, after);
    if (candidates !== undefined) return this.listCandidates(query, candidates);
    return this.listByBatches(query, after);
  }

  /**
   * The ids (in creation order, after the marker) that the most selective indexed `eq`/`in` term
   * allows, or undefined when no term is indexed or the best one is not selective (a scan is then
   * as good).
   */
  private async indexCandidates(query: ListQuery, after: number): Promise<Array<[string, number]> | undefined> {
    const terms = (query.filter ?? []).filter(
      (t) => (t.op === 'eq' || t.op === 'in') && t.path.length === 1 && this.indexed.includes(t.path[0] as string),
    );
    if (terms.length === 0) return undefined;
    const base = `${this.options.prefix}:${this.options.name}:by:`;
    let best: { keys: string[]; count: number } | undefined;
    for (const t of terms) {
      const keys = t.values.map((v) => `${base}${t.path[0] as string}:${v}`);
      const counts = await Promise.all(keys.map((k) => this.redis.zcount(k, `(${after}`, '+inf')));
      const count = counts.reduce((a, b) => a + b, 0);
      if (best === undefined || count < best.count) best = { keys, count };
    }
    if (best === undefined || best.count > 5 * this.batchSize) return undefined;
    const lists = await Promise.all(
      best.keys.map((k) => this.redis.zrangebyscore(k, `(${after}`, '+inf', 'WITHSCORES')),
    );
    const merged = new Map<string, number>();
    for (const l of lists) for (let i = 0; i < l.length; i += 2) merged.set(l[i] as string, Number(l[i + 1]));
    return [...merged.entries()].sort((a, b) => a[1] - b[1]);
  }

  private async listCandidates(query: ListQuery, candidates: Array<[string, number]>): Promise<ListPage<T>> {
    const items: T[] = [];
    for (let start = 0; start < candidates.length; start += this.batchSize) {
      const chunk = candidates.slice(start, start + this.batchSize);
      const docs = await this.redis.hmget(this.keys.doc, ...chunk.map((c) => c[0]));
      for (let i = 0; i < docs.length; i++) {
        const json = docs[i];
        if (json === null || json === undefined) continue;
        const stored = JSON.parse(json) as T;
        if (query.filter !== undefined && !matchesFilter(stored, query.filter)) continue;
        items.push(this.options.codec ? this.options.codec.decode(stored) : stored);
        if (items.length === query.limit) {
          const more = start + i < candidates.length - 1;
          return more ? { items, nextMarker: encodeMarker((chunk[i] as [string, number])[1]) } : { items };
        }
      }
    }
    return { items };
  }

  private async listByBatches(query: ListQuery, start: number): Promise<ListPage<T>> {
    const items: T[] = [];
    let after = start;
    const pre = query.filter === undefined ? undefined : textPrefilter(query.filter);
    for (;;) {
      const batch = await this.redis.zrangebyscore(
        this.keys.idx,
        `(${after}`,
        '+inf',
        'WITHSCORES',
        'LIMIT',
        0,
        this.batchSize,
      );
      if (batch.length === 0) return { items };
      const ids: string[] = [];
      const seqs: number[] = [];
      for (let i = 0; i < batch.length; i += 2) {
        ids.push(batch[i] as string);
        seqs.push(Number(batch[i + 1]));
      }
      const docs = await this.redis.hmget(this.keys.doc, ...ids);
      for (let i = 0; i < docs.length; i++) {
        const json = docs[i];
        after = seqs[i] as number;
        if (json === null || json === undefined) continue; // deleted between the two reads
        if (pre !== undefined && !pre(json)) continue;
        const stored = JSON.parse(json) as T;
        if (query.filter !== undefined && !matchesFilter(stored, query.filter)) continue;
        items.push(this.options.codec ? this.options.codec.decode(stored) : stored);
        if (items.length === query.limit) {
          const more = i < docs.length - 1 || (await this.redis.zcount(this.keys.idx, `(${after}`, '+inf')) > 0;
          return more ? { items, nextMarker: encodeMarker(after) } : { items };
        }
      }
      if (batch.length < this.batchSize * 2) return { items };
    }
  }
}
