import type { Redis } from 'ioredis';
import { ConflictError, PreconditionFailedError } from '../errors';
import { decodeMarker, encodeMarker, matchesFilter } from '../domain/query';
import type { ListPage, ListQuery, Repository, Versioned } from '../ports/store';

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
export interface RedisRepositoryOptions {
  /** Hash-tagged key prefix, e.g. `{vnfm}`. */
  prefix: string;
  /** Collection name, e.g. `inst`. */
  name: string;
  /** Documents read per round trip while listing. */
  batchSize?: number;
}

const CREATE = `
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return -1 end
local seq = redis.call('INCR', KEYS[4])
redis.call('ZADD', KEYS[1], seq, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], 1)
return seq`;

const PUT = `
local v = redis.call('HGET', KEYS[3], ARGV[1])
if not v then return -1 end
if ARGV[3] ~= '' and tonumber(ARGV[3]) ~= tonumber(v) then return -2 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return redis.call('HINCRBY', KEYS[3], ARGV[1], 1)`;

const DELETE = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return redis.call('HDEL', KEYS[2], ARGV[1])`;

export class RedisRepository<T extends { id: string }> implements Repository<T> {
  protected readonly keys: { idx: string; doc: string; ver: string; seq: string };
  private readonly batchSize: number;

  constructor(
    protected readonly redis: Redis,
    protected readonly options: RedisRepositoryOptions,
  ) {
    const base = `${options.prefix}:${options.name}`;
    this.keys = { idx: `${base}:idx`, doc: `${base}:doc`, ver: `${base}:ver`, seq: `${options.prefix}:seq` };
    this.batchSize = options.batchSize ?? 500;
  }

  async create(doc: T): Promise<Versioned<T>> {
    const k = this.keys;
    const res = (await this.redis.eval(CREATE, 4, k.idx, k.doc, k.ver, k.seq, doc.id, JSON.stringify(doc))) as number;
    if (res === -1) throw new ConflictError(`${this.options.name} ${doc.id} exists already`);
    return { doc, version: 1 };
  }

  async get(id: string): Promise<Versioned<T> | undefined> {
    const [[, json], [, ver]] = (await this.redis.multi().hget(this.keys.doc, id).hget(this.keys.ver, id).exec()) as [
      [null, string | null],
      [null, string | null],
    ];
    if (json === null || ver === null) return undefined;
    return { doc: JSON.parse(json) as T, version: Number(ver) };
  }

  async put(doc: T, options: { ifVersion?: number } = {}): Promise<Versioned<T>> {
    const k = this.keys;
    const res = (await this.redis.eval(PUT, 3, k.idx, k.doc, k.ver, doc.id, JSON.stringify(doc), options.ifVersion?.toString() ?? '')) as number;
    if (res === -1) throw new ConflictError(`${this.options.name} ${doc.id} does not exist`);
    if (res === -2) throw new PreconditionFailedError(`${this.options.name} ${doc.id} has changed since version ${String(options.ifVersion)}`);
    return { doc, version: res };
  }

  async update(id: string, mutate: (current: T) => T | undefined, options: { ifVersion?: number } = {}): Promise<Versioned<T> | undefined> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const cur = await this.get(id);
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
    return ((await this.redis.eval(DELETE, 3, k.idx, k.doc, k.ver, id)) as number) === 1;
  }

  async count(): Promise<number> {
    return this.redis.zcard(this.keys.idx);
  }

  async list(query: ListQuery): Promise<ListPage<T>> {
    const items: T[] = [];
    let after = query.marker === undefined ? 0 : (decodeMarker(query.marker) ?? 0);
    for (;;) {
      const batch = await this.redis.zrangebyscore(this.keys.idx, `(${after}`, '+inf', 'WITHSCORES', 'LIMIT', 0, this.batchSize);
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
        const doc = JSON.parse(json) as T;
        if (query.filter !== undefined && !matchesFilter(doc, query.filter)) continue;
        items.push(doc);
        if (items.length === query.limit) {
          const more = i < docs.length - 1 || (await this.redis.zcount(this.keys.idx, `(${after}`, '+inf')) > 0;
          return more ? { items, nextMarker: encodeMarker(after) } : { items };
        }
      }
      if (batch.length < this.batchSize * 2) return { items };
    }
  }
}
