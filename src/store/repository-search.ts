/**
 * Filtered listing without reading every document: each API process keeps the leaf text of every document
 * (`leafText`, src/domain/query/leaves.ts: one `<path>\t<type><value>` line per scalar leaf) in creation order,
 * and matches a filter on those texts in memory; only the matching documents are then read from Redis (and
 * matched in full once more). Redis stays the only store: before each search the cache reads what changed
 * since it last looked (`<prefix>:<name>:chg`, id -> number of its last change, written by the create and
 * put scripts) and reads those documents again; a deleted document is dropped when its read finds nothing.
 *
 * Why this and not an index per attribute: a filter may name any attribute at any depth (metadata,
 * extensions, instantiatedVnfInfo/...), with any operator (neq, cont, gt ...); one text per document serves
 * them all, the scan of 10,000 takes a few milliseconds in the process, and Redis keeps one sorted-set entry
 * per document for it (bench/store-list.ts). A scan inside Redis (Lua) was tried first: only turning 10,000
 * sorted-set members into Lua strings took longer than the 50 ms budget on the 2-core machine.
 */
import type { Redis } from 'ioredis';
import { encodeMarker, leafText, matchesFilter, UNSURE, type Filter } from '../domain/query';
import type { ListPage, ListQuery } from '../ports/store';
import { leafMatcher, type LeafMatcher } from './leaf-match';

interface Entry {
  id: string;
  seq: number;
  leaf: string;
}

/** The keys a search reads. */
export interface SearchKeys {
  idx: string;
  doc: string;
  /** `<prefix>:<name>:chg` and its counter `<prefix>:<name>:chgseq`. */
  chg: string;
  chgseq: string;
}

/** One collection's leaf texts in this process, brought up to date from Redis before each search. */
export class LeafCache {
  private entries: Entry[] = [];
  private byId = new Map<string, Entry>();
  /** The last change number read; undefined: nothing loaded yet. */
  private seen: number | undefined;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly keys: SearchKeys,
    private readonly batch: number,
  ) {}

  /** Brings the cache up to date: everything on first use (or when too many deleted ones linger), then the changes. */
  async sync(): Promise<void> {
    // one load at a time; whoever joins it still reads the changes after it (a write it may have missed)
    if (this.seen === undefined) {
      this.loading ??= this.load().finally(() => (this.loading = undefined));
      await this.loading;
    }
    const seen = this.seen ?? 0;
    const [[, changed], [, count]] = (await this.redis
      .multi()
      .zrangebyscore(this.keys.chg, `(${seen}`, '+inf', 'WITHSCORES')
      .zcard(this.keys.idx)
      .exec()) as [[null, string[]], [null, number]];
    const ids: string[] = [];
    for (let i = 0; i < changed.length; i += 2) {
      ids.push(changed[i] as string);
      this.seen = Math.max(this.seen ?? 0, Number(changed[i + 1]));
    }
    for (let i = 0; i < ids.length; i += this.batch) await this.refresh(ids.slice(i, i + this.batch));
    // deleted documents are dropped as searches meet them; when too many linger, load again
    if (this.entries.length > count * 1.1 + 100) this.seen = undefined;
  }

  private async load(): Promise<void> {
    // the change number first: a change made while loading is read again at the next sync
    const seen = Number((await this.redis.get(this.keys.chgseq)) ?? 0);
    // filled aside and swapped in at the end: a search meanwhile goes on with the texts it had
    const fresh = { entries: [] as Entry[], byId: new Map<string, Entry>() };
    let after = '-inf';
    for (;;) {
      const batch = await this.redis.zrangebyscore(this.keys.idx, after, '+inf', 'WITHSCORES', 'LIMIT', 0, this.batch);
      if (batch.length === 0) break;
      after = `(${batch[batch.length - 1] as string}`;
      const ids = batch.filter((_, i) => i % 2 === 0);
      const docs = await this.redis.hmget(this.keys.doc, ...ids);
      ids.forEach((id, i) => {
        const json = docs[i];
        // appended in creation order
        if (json !== null && json !== undefined) {
          const entry = { id, seq: Number(batch[2 * i + 1]), leaf: leafOf(json) };
          fresh.entries.push(entry);
          fresh.byId.set(id, entry);
        }
      });
    }
    [this.entries, this.byId] = [fresh.entries, fresh.byId];
    this.seen = seen;
  }

  private async refresh(ids: string[]): Promise<void> {
    const pipe = this.redis.pipeline().hmget(this.keys.doc, ...ids);
    for (const id of ids) pipe.zscore(this.keys.idx, id);
    const res = (await pipe.exec()) ?? [];
    const docs = (res[0]?.[1] ?? []) as Array<string | null>;
    ids.forEach((id, i) => {
      const json = docs[i];
      const seq = res[i + 1]?.[1] as string | null | undefined;
      if (json === null || json === undefined || seq === null || seq === undefined) this.drop(id);
      else this.put(id, Number(seq), json);
    });
  }

  private put(id: string, seq: number, json: string): void {
    const leaf = leafOf(json);
    const cur = this.byId.get(id);
    if (cur !== undefined && cur.seq === seq) {
      cur.leaf = leaf;
      return;
    }
    if (cur !== undefined) this.drop(id);
    const entry = { id, seq, leaf };
    this.byId.set(id, entry);
    const last = this.entries[this.entries.length - 1];
    if (last === undefined || last.seq < seq) this.entries.push(entry);
    else this.entries.splice(this.firstAfter(seq), 0, entry);
  }

  /** Forgets a document (deleted). */
  drop(id: string): void {
    const cur = this.byId.get(id);
    if (cur === undefined) return;
    this.byId.delete(id);
    const at = this.firstAfter(cur.seq - 1);
    if (this.entries[at] === cur) this.entries.splice(at, 1);
  }

  /** The index of the first entry created after `seq`. */
  firstAfter(seq: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.entries[mid] as Entry).seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Up to `want` entries created after `seq` whose leaf text matches, and where the look stopped. */
  find(match: LeafMatcher, seq: number, want: number): { found: Entry[]; next: number } {
    const found: Entry[] = [];
    let i = this.firstAfter(seq);
    for (; i < this.entries.length && found.length < want; i++) {
      const e = this.entries[i] as Entry;
      if (e.leaf === UNSURE || match(e.leaf)) found.push(e);
    }
    return { found, next: i };
  }

  /** Whether there is an entry at or after index `i`. */
  has(i: number): boolean {
    return i < this.entries.length;
  }
}

function leafOf(json: string): string {
  try {
    return leafText(JSON.parse(json));
  } catch {
    return UNSURE;
  }
}

/** A page of the documents created after sequence `start` that match the query's (non-empty) filter. */
export async function listBySearch<T>(
  cache: LeafCache,
  src: { redis: Redis; keys: SearchKeys; decode(stored: T): T },
  query: ListQuery & { filter: Filter },
  start: number,
): Promise<ListPage<T>> {
  await cache.sync();
  const match = leafMatcher(query.filter);
  const items: T[] = [];
  let after = start;
  for (;;) {
    const { found, next } = cache.find(match, after, query.limit - items.length);
    const docs = found.length === 0 ? [] : await src.redis.hmget(src.keys.doc, ...found.map((e) => e.id));
    for (let i = 0; i < found.length; i++) {
      const e = found[i] as Entry;
      after = e.seq;
      const json = docs[i];
      if (json === null || json === undefined) {
        cache.drop(e.id); // deleted
        continue;
      }
      const stored = JSON.parse(json) as T;
      if (!matchesFilter(stored, query.filter)) continue;
      items.push(src.decode(stored));
      if (items.length === query.limit) {
        const more = i < found.length - 1 || cache.has(next);
        return more ? { items, nextMarker: encodeMarker(e.seq) } : { items };
      }
    }
    if (!cache.has(next) || found.length === 0) return { items };
  }
}
