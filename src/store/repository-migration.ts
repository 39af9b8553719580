/**
 * A collection an earlier version wrote, brought to this version's layout: the keys of indexes this version no
 * longer keeps are deleted (`<prefix>:<name>:by:<attr>:*`). Nothing else needs rewriting: documents without an
 * entry in the change set (`<prefix>:<name>:chg`, repository-search.ts) are read by every process's first
 * search, which loads the whole collection.
 */
import type { Redis } from 'ioredis';

/** The layout this version writes; `<prefix>:<name>:layout` holds it once a collection is migrated. */
export const SEARCH_LAYOUT = 'search-v1';

export async function prepareSearch(redis: Redis, keys: { idx: string }, dropped: readonly string[]): Promise<void> {
  const base = keys.idx.slice(0, -':idx'.length);
  const flag = `${base}:layout`;
  if ((await redis.get(flag)) === SEARCH_LAYOUT) return;
  for (const attr of dropped) {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${base}:by:${attr}:*`, 'COUNT', 1000);
      if (found.length > 0) await redis.unlink(...found);
      cursor = next;
    } while (cursor !== '0');
  }
  await redis.set(flag, SEARCH_LAYOUT);
}
