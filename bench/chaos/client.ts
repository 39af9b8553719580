import { setTimeout as delay } from 'node:timers/promises';

/** An answer of the API, or `unknown`: the connection dropped or a 5xx came (the request may or may not have acted). */
export type Answer<T> =
  | { kind: 'answer'; status: number; body: T; location: string | null; link: string | null }
  | { kind: 'unknown'; why: string };

/**
 * The VNFM's API as an NFVO sees it during chaos: several API processes (any may be killed at any time), Basic
 * auth. `once` sends one request to one API process, chosen round-robin, and says `unknown` when it cannot tell
 * whether it acted; `get` retries reads until they answer.
 */
export class ChaosClient {
  private next = 0;
  private readonly auth: string;

  constructor(
    private readonly bases: () => string[],
    user: string,
    password: string,
  ) {
    this.auth = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
  }

  async once<T>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const bases = this.bases();
    const base = bases[this.next++ % bases.length] as string;
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: this.auth,
          version: '1.3.0',
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      if (res.status >= 500) return { kind: 'unknown', why: `${res.status} ${text.slice(0, 200)}` };
      return {
        kind: 'answer',
        status: res.status,
        body: (text ? JSON.parse(text) : undefined) as T,
        location: res.headers.get('location'),
        link: res.headers.get('link'),
      };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return { kind: 'unknown', why: cause ?? (err instanceof Error ? err.message : String(err)) };
    }
  }

  /** A read, asked again (another API process, after a pause) until it answers; throws after `deadlineMs`. */
  async get<T>(path: string, deadlineMs = 120_000): Promise<{ status: number; body: T; link: string | null }> {
    const until = Date.now() + deadlineMs;
    let last = '';
    while (Date.now() < until) {
      const a = await this.once<T>('GET', path);
      if (a.kind === 'answer') return a;
      last = a.why;
      await delay(200);
    }
    throw new Error(`GET ${path}: no answer within ${deadlineMs} ms (last: ${last})`);
  }

  /** Every item of a SOL013 paged list (follows the `Link: rel="next"` markers). */
  async list<T>(path: string): Promise<T[]> {
    const out: T[] = [];
    let marker: string | undefined;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const url = marker === undefined ? path : `${path}${sep}nextpage_opaque_marker=${encodeURIComponent(marker)}`;
      const page = await this.get<T[]>(url);
      if (page.status !== 200) throw new Error(`GET ${url}: ${page.status} ${JSON.stringify(page.body)}`);
      out.push(...page.body);
      const m = /nextpage_opaque_marker=([^&>]+)/.exec(page.link ?? '');
      marker = m?.[1] !== undefined ? decodeURIComponent(m[1]) : undefined;
    } while (marker !== undefined);
    return out;
  }
}
