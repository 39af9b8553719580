import { textRequest } from '../net/text-http';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { AgentError } from './errors';

export interface HttpCall {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  query?: Record<string, string>;
  body?: string | FormData;
  contentType?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Retries with backoff; only for idempotent reads. */
  retries?: number;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/**
 * One HTTP call to a VM's management API with a timeout and the caller's AbortSignal. Network
 * errors and 5xx become AgentError; the caller decides what a 200 means (the API answers 200 on
 * failure too).
 */
export async function call(base: string, c: HttpCall): Promise<HttpAnswer> {
  const url = new URL(c.path, base);
  for (const [k, v] of Object.entries(c.query ?? {})) url.searchParams.set(k, v);
  const attempts = 1 + (c.method === 'GET' ? (c.retries ?? 0) : 0);
  let last: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(100 * 2 ** (attempt - 1), c.signal);
    // one deadline for the whole call, body included
    const signal = AbortSignal.any([AbortSignal.timeout(c.timeoutMs), ...(c.signal ? [c.signal] : [])]);
    try {
      const headers: Record<string, string> = {};
      if (c.contentType !== undefined) headers['content-type'] = c.contentType;
      const res = await textRequest({
        url: url.toString(),
        method: c.method,
        ...(c.body !== undefined ? { body: c.body } : {}),
        headers,
        signal,
      });
      const text = res.text;
      if (res.status >= 500 && attempt < attempts - 1) {
        last = new AgentError(`${c.method} ${url.pathname} answered ${res.status}`, {
          method: c.method,
          url: url.toString(),
          httpStatus: res.status,
          body: text,
        });
        continue;
      }
      return { status: res.status, text };
    } catch (err) {
      if (c.signal?.aborted === true)
        throw new AgentError(`${c.method} ${url} was cancelled`, { method: c.method, url: url.toString() }, err);
      // an aborted call rejects with the signal's reason, which says why (TimeoutError)
      last = signal.aborted ? (signal.reason as unknown) : err;
    }
  }
  if (last instanceof AgentError) throw last;
  // NOTE: read by shape, not by instanceof: a timeout is the signal's DOMException, the rest are Errors whose
  // cause is the socket's error (code ECONNREFUSED, ECONNRESET...)
  const name = typeof last === 'object' && last !== null ? (last as { name?: unknown }).name : undefined;
  const reason = name === 'TimeoutError' ? `no answer within ${c.timeoutMs} ms` : causeText(last);
  throw new AgentError(`${c.method} ${url} failed: ${reason}`, { method: c.method, url: url.toString() }, last);
}

function causeText(err: unknown): string {
  const e = err as { message?: unknown; cause?: { code?: unknown; message?: unknown } } | undefined;
  const pick = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  return pick(e?.cause?.code) ?? pick(e?.cause?.message) ?? pick(e?.message) ?? String(err);
}

/** Waits `ms`; the signal, when it fires, ends the wait with AgentError('cancelled'). */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (err) {
    throw new AgentError('cancelled', {}, err);
  }
}

/** Parses a JSON answer; a non-JSON body is an AgentError naming the call. */
export function parseJson(answer: HttpAnswer, what: string): unknown {
  try {
    return JSON.parse(answer.text) as unknown;
  } catch {
    throw new AgentError(`${what}: the answer is not JSON`, { httpStatus: answer.status, body: answer.text });
  }
}

/** Resolves when a TCP connection to host:port opens (and closes it at once); rejects otherwise. */
export function tcpOpen(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    const done = (err?: Error): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      if (err === undefined) resolve();
      else reject(err);
    };
    const onAbort = (): void => done(new AgentError(`connecting to ${host}:${port} was cancelled`));
    const timer = setTimeout(
      () => done(new AgentError(`TCP ${host}:${port}: no connection within ${timeoutMs} ms`)),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.once('connect', () => done());
    sock.once('error', (err: NodeJS.ErrnoException) =>
      done(new AgentError(`TCP ${host}:${port}: ${err.code ?? err.message}`)),
    );
  });
}
