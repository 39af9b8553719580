import type { Redis } from 'ioredis';
import { ConflictError, PreconditionFailedError } from '../errors';
import { decodeMarker } from '../domain/query';
import type { Filter } from '../domain/query';
import type { ListPage, ListQuery, Repository, Versioned } from '../ports/store';
import { luaCommand, type LuaCommand } from './lua-command';
import { CREATE_SCRIPT, DELETE_SCRIPT, PUT_SCRIPT } from './repository-scripts';
import { indexCandidates, listByBatches, listCandidates, type ListSource } from './repository-listing';
import { LeafCache, listBySearch, type SearchKeys } from './repository-search';
import { prepareSearch } from './repository-migration';

/**
 * How documents are turned into what is stored and back, e.g. credentials sealed at rest
 * (credentialCodec in src/store/secret-box.ts). `encode` runs before every write, `decode` after every read.
 * NOTE: list filters are matched against the stored (encoded) form, before `decode`, so a filter
 * can only see what is at rest; `checkFilter` may refuse a filter outright (throw a 400 error).
 */
export interface DocumentCodec<T> {
  encode(doc: T): T;
  decode(doc: T): T;
  /** The stored document as an answer shows it, without opening anything (credentials left out); default: decode. */
  strip?(doc: T): T;
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
  /**
   * Filters on any attribute are matched in this process on the documents' leaf texts, kept up to date from the
   * change set `<prefix>:<name>:chg` the writes keep (src/store/repository-search.ts); only matches are read.
   */
  searchable?: boolean;
  /** Index attributes an earlier version kept and this one does not: their keys are deleted by `prepare`. */
  droppedIndexes?: readonly string[];
  /** Stored form of the documents; the identity when absent. */
  codec?: DocumentCodec<T>;
  /** A key incremented after every create, put and delete (readers cache the collection until it changes). */
  generationKey?: string;
}

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
export class RedisRepository<T extends { id: string }> implements Repository<T> {
  protected readonly keys: { idx: string; doc: string; ver: string; seq: string } & SearchKeys;
  private readonly batchSize: number;
  protected readonly indexed: readonly string[];
  protected readonly indexedJson: string;
  private readonly scripts: { create: LuaCommand<number>; put: LuaCommand<number>; delete: LuaCommand<number> };
  private readonly listing: ListSource<T>;
  /** `listing` decoding as an answer shows a document (the codec's strip). */
  private readonly shownListing: ListSource<T>;
  private readonly leaves: LeafCache;
  private readonly changes: '1' | '';
  private prepared: Promise<void> | undefined;

  constructor(
    protected readonly redis: Redis,
    protected readonly options: RedisRepositoryOptions<T>,
  ) {
    const base = `${options.prefix}:${options.name}`;
    const seq = `${options.prefix}:seq`;
    const [chg, chgseq] = [`${base}:chg`, `${base}:chgseq`];
    this.keys = { idx: `${base}:idx`, doc: `${base}:doc`, ver: `${base}:ver`, seq, chg, chgseq };
    this.batchSize = options.batchSize ?? 1000;
    this.indexed = options.indexed ?? [];
    this.indexedJson = JSON.stringify(this.indexed);
    this.scripts = {
      create: luaCommand(redis, 'clickvnfmRepoCreate', 4, CREATE_SCRIPT),
      put: luaCommand(redis, 'clickvnfmRepoPut', 3, PUT_SCRIPT),
      delete: luaCommand(redis, 'clickvnfmRepoDelete', 3, DELETE_SCRIPT),
    };
    this.listing = {
      redis,
      keys: this.keys,
      byBase: `${base}:by:`,
      indexed: this.indexed,
      batchSize: this.batchSize,
      decode: (stored) => (options.codec ? options.codec.decode(stored) : stored),
    };
    const codec = options.codec;
    const shown = codec?.strip ?? codec?.decode;
    this.shownListing = { ...this.listing, decode: (stored) => (shown ? shown(stored) : stored) };
    // the leaf cache reads 200 documents per round trip: each batch is parsed in one synchronous stretch (1,000 took
    // 80 ms of a worker's event loop, and every operation on it waited that long)
    this.leaves = new LeafCache(redis, this.keys, Math.min(this.batchSize, 200));
    this.changes = options.searchable === true ? '1' : '';
  }

  /** The ids whose indexed attribute `attr` is `value`, in creation order, `pageSize` at a time (no document read). */
  protected async *indexedIds(attr: string, value: string, pageSize: number): AsyncGenerator<string[]> {
    if (!this.indexed.includes(attr)) throw new Error(`${this.options.name}: ${attr} has no index`);
    const key = `${this.listing.byBase}${attr}:${value}`;
    let after = '-inf';
    for (;;) {
      const page = await this.redis.zrangebyscore(key, after, '+inf', 'WITHSCORES', 'LIMIT', 0, pageSize);
      if (page.length > 0) yield page.filter((_, i) => i % 2 === 0);
      if (page.length < 2 * pageSize) return;
      after = `(${page[page.length - 1] as string}`;
    }
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
    const json = this.encode(doc);
    const res = await this.scripts.create(k.idx, k.doc, k.ver, k.seq, doc.id, json, this.indexedJson, this.changes);
    if (res === -1) throw new ConflictError(`${this.options.name} ${doc.id} exists already`);
    await this.bumpGeneration();
    return { doc, version: 1 };
  }

  async get(id: string): Promise<Versioned<T> | undefined> {
    const found = await this.read(id);
    return found && { doc: this.decode(found.json), version: found.version };
  }

  /** The document as an answer shows it (the codec's `strip`: credentials left out, none opened). */
  async getShown(id: string): Promise<Versioned<T> | undefined> {
    const found = await this.read(id);
    if (found === undefined) return undefined;
    return { doc: this.shownListing.decode(JSON.parse(found.json) as T), version: found.version };
  }

  private async read(id: string): Promise<{ json: string; version: number } | undefined> {
    const [[, json], [, ver]] = (await this.redis.multi().hget(this.keys.doc, id).hget(this.keys.ver, id).exec()) as [
      [null, string | null],
      [null, string | null],
    ];
    return json === null || ver === null ? undefined : { json, version: Number(ver) };
  }

  async put(doc: T, options: { ifVersion?: number } = {}): Promise<Versioned<T>> {
    const k = this.keys;
    const [json, ifVersion] = [this.encode(doc), options.ifVersion?.toString() ?? ''];
    const res = await this.scripts.put(k.idx, k.doc, k.ver, doc.id, json, ifVersion, this.indexedJson, this.changes);
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
    const listing = query.shown === true ? this.shownListing : this.listing;
    if (query.filter !== undefined) this.options.codec?.checkFilter?.(query.filter);
    const after = query.marker === undefined ? 0 : (decodeMarker(query.marker) ?? 0);
    const searchable = this.options.searchable === true && query.filter !== undefined && query.filter.length > 0;
    // a searchable collection reads an index only for a rare value (a page's worth): else the search reads less
    const candidates = await indexCandidates(listing, query, after, searchable ? query.limit : undefined);
    if (candidates !== undefined) return listCandidates(listing, query, candidates);
    if (searchable && query.filter !== undefined) {
      await this.prepare();
      return listBySearch(this.leaves, { ...listing, keys: this.keys }, { ...query, filter: query.filter }, after);
    }
    return listByBatches(listing, query, after);
  }

  /**
   * Brings data an earlier version wrote to this version's layout (the keys of dropped indexes deleted), once
   * per Redis (a flag key) and then once per process. Safe to run from several processes at once.
   */
  prepare(): Promise<void> {
    this.prepared ??= prepareSearch(this.redis, this.keys, this.options.droppedIndexes ?? []).catch((err: unknown) => {
      this.prepared = undefined;
      throw err;
    });
    return this.prepared;
  }
}
