import axios, { type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import http from 'node:http';
import https from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';
import { Transform, type Readable } from 'node:stream';
import { OpenStackConnectionError, httpError } from './errors';

/** Gives a valid token; `invalidate` after a 401 makes the next call authenticate again. */
export interface TokenSource {
  token(signal?: AbortSignal): Promise<string>;
  invalidate(token: string): void;
}

export interface RetryPolicy {
  /** Attempts after the first one, for idempotent calls only. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 200, maxDelayMs: 5000 };

export interface RequestOptions {
  /** The statuses this call accepts; anything else is an OpenStackHttpError. */
  ok: number[];
  body?: unknown;
  /** A stream or buffer sent as application/octet-stream (Glance upload). */
  raw?: {
    data: Readable | Buffer;
    size?: number;
    contentType?: string;
    onProgress?: (sent: number, total?: number) => void;
  };
  query?: Record<string, string | number | boolean | string[] | undefined>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Overrides the method's default: GET, HEAD, PUT, DELETE are idempotent; POST and PATCH are not. */
  idempotent?: boolean;
  timeoutMs?: number;
}

export interface Response<T> {
  status: number;
  data: T;
  headers: Record<string, string>;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const RETRY_STATUS = new Set([500, 502, 503, 504]);
const RETRY_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'EAI_AGAIN',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

const keepAlive = {
  http: new http.Agent({ keepAlive: true, maxSockets: 16 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 16 }),
};

/** Waits `ms`; an abort ends the wait with the signal's reason (not timers/promises' generic AbortError). */
async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (err) {
    throw signal?.aborted === true ? (signal.reason as Error) : err;
  }
}

export function backoff(attempt: number, p: RetryPolicy): number {
  const exp = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** attempt);
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}

function connectionCode(err: unknown): string | undefined {
  if (axios.isAxiosError(err) && err.response === undefined)
    return err.code ?? (/socket hang up/i.test(err.message) ? 'ECONNRESET' : 'ECONNERROR');
  return undefined;
}

function headersOf(res: AxiosResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers as Record<string, unknown>))
    if (v !== undefined) out[k.toLowerCase()] = String(v);
  return out;
}

/**
 * One OpenStack service endpoint (gophercloud's ServiceClient): every call names the statuses it
 * accepts, takes an AbortSignal, sends the token, retries idempotent calls on 5xx and connection
 * errors with exponential backoff and jitter, and on a 401 authenticates again and retries once.
 */
export class ServiceClient {
  private readonly http: AxiosInstance;

  constructor(
    readonly endpoint: string,
    private readonly tokens: TokenSource | undefined,
    readonly options: {
      headers?: Record<string, string>;
      retry?: RetryPolicy;
      timeoutMs?: number;
      insecure?: boolean;
    } = {},
  ) {
    this.endpoint = endpoint.replace(/\/+$/, '');
    this.http = axios.create({
      validateStatus: () => true,
      maxRedirects: 0,
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
      httpAgent: keepAlive.http,
      httpsAgent: options.insecure ? new https.Agent({ keepAlive: true, rejectUnauthorized: false }) : keepAlive.https,
      timeout: options.timeoutMs ?? 60_000,
    });
  }

  /** The absolute URL of a path on this service (a full URL is kept as is: next links). */
  url(path: string): string {
    if (/^https?:\/\//.test(path)) return path;
    return `${this.endpoint}${path.startsWith('/') ? '' : '/'}${path}`;
  }

  async request<T = unknown>(method: Method, path: string, o: RequestOptions): Promise<Response<T>> {
    const m = method.toUpperCase();
    const idempotent = o.idempotent ?? IDEMPOTENT.has(m);
    const policy = this.options.retry ?? DEFAULT_RETRY;
    const url = this.url(path);
    let reauthenticated = false;
    for (let attempt = 0; ; attempt++) {
      const token = this.tokens ? await this.tokens.token(o.signal) : undefined;
      let res: AxiosResponse;
      try {
        res = await this.send(m, url, o, token);
      } catch (err) {
        if (o.signal?.aborted) throw err;
        const code = connectionCode(err);
        if (code === undefined) throw err;
        if (
          idempotent &&
          o.raw === undefined &&
          attempt < policy.retries &&
          (RETRY_CODES.has(code) || code === 'ECONNERROR')
        ) {
          await sleep(backoff(attempt, policy), o.signal);
          continue;
        }
        throw new OpenStackConnectionError(m, url, code, err);
      }
      if (res.status === 401 && token !== undefined && !reauthenticated && o.raw === undefined) {
        this.tokens?.invalidate(token);
        reauthenticated = true;
        attempt--;
        continue;
      }
      if (o.ok.includes(res.status)) return { status: res.status, data: res.data as T, headers: headersOf(res) };
      if (idempotent && RETRY_STATUS.has(res.status) && o.raw === undefined && attempt < policy.retries) {
        const retryAfter = Number(res.headers['retry-after']);
        await sleep(
          Number.isFinite(retryAfter) && retryAfter > 0
            ? Math.min(retryAfter * 1000, policy.maxDelayMs)
            : backoff(attempt, policy),
          o.signal,
        );
        continue;
      }
      const h = headersOf(res);
      throw httpError({
        method: m,
        url,
        expected: o.ok,
        actual: res.status,
        data: res.data as unknown,
        requestId: h['x-openstack-request-id'] ?? h['x-compute-request-id'] ?? '',
      });
    }
  }

  private send(method: string, url: string, o: RequestOptions, token: string | undefined): Promise<AxiosResponse> {
    const headers: Record<string, string> = { Accept: 'application/json', ...this.options.headers, ...o.headers };
    if (token !== undefined) headers['X-Auth-Token'] = token;
    let data: unknown = o.body;
    if (o.raw !== undefined) {
      headers['Content-Type'] = o.raw.contentType ?? 'application/octet-stream';
      if (o.raw.size !== undefined) headers['Content-Length'] = String(o.raw.size);
      data = o.raw.onProgress === undefined ? o.raw.data : counting(o.raw.data, o.raw.size, o.raw.onProgress);
    } else if (o.body !== undefined) {
      headers['Content-Type'] ??= 'application/json';
    }
    return this.http.request({
      method,
      url,
      data,
      headers,
      params: o.query,
      paramsSerializer: { indexes: null },
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.timeoutMs !== undefined ? { timeout: o.timeoutMs } : o.raw !== undefined ? { timeout: 0 } : {}),
    });
  }
}

/** A stream that reports how many bytes went through it. */
function counting(
  data: Readable | Buffer,
  total: number | undefined,
  onProgress: (sent: number, total?: number) => void,
): Readable {
  let sent = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      sent += chunk.length;
      onProgress(sent, total);
      cb(null, chunk);
    },
  });
  if (Buffer.isBuffer(data)) t.end(data);
  else data.on('error', (e) => t.destroy(e)).pipe(t);
  return t;
}
