/** How RedisRepository lists a page: by a selective secondary index, else by scanning the index in batches. */
import type { Redis } from 'ioredis';
import { encodeMarker, matchesFilter, textPrefilter } from '../domain/query';
import type { ListPage, ListQuery } from '../ports/store';

/** What listing reads: the collection's keys, its indexed attributes and how stored documents are decoded. */
export interface ListSource<T> {
  redis: Redis;
  /** `<prefix>:<name>:idx` and `<prefix>:<name>:doc`. */
  keys: { idx: string; doc: string };
  /** `<prefix>:<name>:by:`, the start of every secondary index key. */
  byBase: string;
  indexed: readonly string[];
  batchSize: number;
  /** The document from its stored (parsed) form. */
  decode(stored: T): T;
}

/**
 * The ids (in creation order, after the marker) that the most selective indexed `eq`/`in` term
 * allows, or undefined when no term is indexed or the best one is not selective (a scan is then
 * as good).
 */
export async function indexCandidates<T>(
  src: ListSource<T>,
  query: ListQuery,
  after: number,
  most = 5 * src.batchSize,
): Promise<Array<[string, number]> | undefined> {
  const terms = (query.filter ?? []).filter(
    (t) =>
      (t.op === 'eq' || t.op === 'in') &&
      t.path.length === 1 &&
      (t.path[0] === 'id' || src.indexed.includes(t.path[0] as string)),
  );
  if (terms.length === 0) return undefined;
  // an id is its own index: the documents are kept by id, their sequence is in idx
  const byId = terms.find((t) => t.path[0] === 'id');
  if (byId !== undefined) {
    const ids = [...new Set(byId.values)];
    const pipe = src.redis.pipeline();
    for (const id of ids) pipe.zscore(src.keys.idx, id);
    const seqs = ((await pipe.exec()) ?? []).map(([, seq]) => seq as string | null);
    return ids
      .map((id, i): [string, number] => [id, seqs[i] === null || seqs[i] === undefined ? -1 : Number(seqs[i])])
      .filter(([, seq]) => seq > after)
      .sort((a, b) => a[1] - b[1]);
  }
  let best: { keys: string[]; count: number } | undefined;
  for (const t of terms) {
    const keys = t.values.map((v) => `${src.byBase}${t.path[0] as string}:${v}`);
    const counts = await Promise.all(keys.map((k) => src.redis.zcount(k, `(${after}`, '+inf')));
    const count = counts.reduce((a, b) => a + b, 0);
    if (best === undefined || count < best.count) best = { keys, count };
  }
  if (best === undefined || best.count > most) return undefined;
  const lists = await Promise.all(best.keys.map((k) => src.redis.zrangebyscore(k, `(${after}`, '+inf', 'WITHSCORES')));
  const merged = new Map<string, number>();
  for (const l of lists) for (let i = 0; i < l.length; i += 2) merged.set(l[i] as string, Number(l[i + 1]));
  return [...merged.entries()].sort((a, b) => a[1] - b[1]);
}

/** A page of the candidate ids' documents that match the query's filter. */
export async function listCandidates<T>(
  src: ListSource<T>,
  query: ListQuery,
  candidates: Array<[string, number]>,
): Promise<ListPage<T>> {
  const items: T[] = [];
  for (let start = 0; start < candidates.length; start += src.batchSize) {
    const chunk = candidates.slice(start, start + src.batchSize);
    const docs = await src.redis.hmget(src.keys.doc, ...chunk.map((c) => c[0]));
    for (let i = 0; i < docs.length; i++) {
      const json = docs[i];
      if (json === null || json === undefined) continue;
      const stored = JSON.parse(json) as T;
      if (query.filter !== undefined && !matchesFilter(stored, query.filter)) continue;
      items.push(src.decode(stored));
      if (items.length === query.limit) {
        const more = start + i < candidates.length - 1;
        return more ? { items, nextMarker: encodeMarker((chunk[i] as [string, number])[1]) } : { items };
      }
    }
  }
  return { items };
}

/** A page of the documents created after sequence `start` that match the query's filter, read in batches. */
export async function listByBatches<T>(src: ListSource<T>, query: ListQuery, start: number): Promise<ListPage<T>> {
  const items: T[] = [];
  let after = start;
  const pre = query.filter === undefined ? undefined : textPrefilter(query.filter);
  // without a filter every document is a match: one page (and one more id, to know whether more follow)
  const batchSize = query.filter === undefined || query.filter.length === 0 ? query.limit + 1 : src.batchSize;
  for (;;) {
    const batch = await src.redis.zrangebyscore(src.keys.idx, `(${after}`, '+inf', 'WITHSCORES', 'LIMIT', 0, batchSize);
    if (batch.length === 0) return { items };
    const ids: string[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < batch.length; i += 2) {
      ids.push(batch[i] as string);
      seqs.push(Number(batch[i + 1]));
    }
    const docs = await src.redis.hmget(src.keys.doc, ...ids);
    for (let i = 0; i < docs.length; i++) {
      const json = docs[i];
      after = seqs[i] as number;
      if (json === null || json === undefined) continue; // deleted between the two reads
      if (pre !== undefined && !pre(json)) continue;
      const stored = JSON.parse(json) as T;
      if (query.filter !== undefined && !matchesFilter(stored, query.filter)) continue;
      items.push(src.decode(stored));
      if (items.length === query.limit) {
        const more = i < docs.length - 1 || (await src.redis.zcount(src.keys.idx, `(${after}`, '+inf')) > 0;
        return more ? { items, nextMarker: encodeMarker(after) } : { items };
      }
    }
    if (batch.length < batchSize * 2) return { items };
  }
}
