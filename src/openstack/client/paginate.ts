import type { ServiceClient } from './service-client';

type Query = Record<string, string | number | boolean | string[] | undefined>;

export interface PageOptions<T> {
  query?: Query;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Heat-style paging: ask `limit` items at a time and pass the last one's id as `marker`. */
  markerPaging?: { limit: number; id: (item: T) => string };
}

/**
 * A paginated list as an async iterator: follows the service's `next` link (Nova and Neutron
 * `<key>_links`, Glance `next`) until there is none, or pages by marker (Heat).
 */
export async function* paginate<T>(
  client: ServiceClient,
  path: string,
  key: string,
  o: PageOptions<T> = {},
): AsyncGenerator<T> {
  const get = async (url: string, query: Query | undefined): Promise<Record<string, unknown>> =>
    (
      await client.request<Record<string, unknown>>('GET', url, {
        ok: [200],
        ...(query ? { query } : {}),
        ...(o.headers ? { headers: o.headers } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      })
    ).data;

  if (o.markerPaging) {
    const { limit, id } = o.markerPaging;
    let marker: string | undefined;
    for (;;) {
      const data = await get(path, { ...o.query, limit, ...(marker !== undefined ? { marker } : {}) });
      const items = (data[key] ?? []) as T[];
      for (const item of items) yield item;
      if (items.length < limit) return;
      const last = id(items[items.length - 1] as T);
      if (last === marker) return;
      marker = last;
    }
  }

  let next: string | undefined = path;
  let query: Query | undefined = o.query;
  const seen = new Set<string>();
  while (next !== undefined) {
    const key_ = `${next}?${JSON.stringify(query ?? {})}`;
    if (seen.has(key_)) return; // a service that links to the same page must not loop forever
    seen.add(key_);
    const data = await get(next, query);
    for (const item of (data[key] ?? []) as T[]) yield item;
    const links = data[`${key}_links`] as Array<{ rel?: string; href?: string }> | undefined;
    const link = Array.isArray(links) ? links.find((l) => l.rel === 'next')?.href : undefined;
    const glanceNext = typeof data['next'] === 'string' ? (data['next'] as string) : undefined;
    next = link ?? (glanceNext !== undefined ? rootOf(client.endpoint) + glanceNext : undefined);
    query = undefined; // a next link carries its own query
  }
}

/** Glance's `next` is a path from the service root (`/v2/images?marker=...`). */
function rootOf(endpoint: string): string {
  const u = new URL(endpoint);
  return `${u.protocol}//${u.host}`;
}

/** Collects an async iterator (for small lists). */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
