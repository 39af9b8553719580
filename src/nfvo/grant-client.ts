import { setTimeout as delay } from 'node:timers/promises';
import { Value } from '@sinclair/typebox/value';
import { AppError, GrantRefusedError, redactText } from '../errors';
import { GrantSchema, type Grant, type GrantRequest } from '../domain/schemas/grant';
import type { Granter } from '../ports/granter';
import { textHttpClient } from '../net/text-http';

/** The NFVO did not answer as the Grant interface says (no Location, a body that is not a Grant, no answer). */
export class NfvoError extends AppError {
  readonly status = 502;
  readonly title = 'Bad Gateway';
}

export interface NfvoAuth {
  basic?: { user: string; password: string };
  /** OAuth 2.0 client credentials (SOL013 8.3.2): a token from `tokenUrl`, kept until it expires. */
  oauth2?: { tokenUrl: string; clientId: string; clientSecret: string };
}

export interface NfvoClientOptions {
  /** The NFVO's API root, e.g. `https://nfvo.example:8443` (the Grant interface is at /grant/v1). */
  url: string;
  /** The VNFM's own public URL: the grant request links the op-occ and the instance with it. */
  vnfmUrl: string;
  auth?: NfvoAuth;
  /** The NFVO's HTTP side shared with the other NFVO clients (one OAuth token for all); else one of its own. */
  http?: NfvoHttp;
  /** How often an asynchronous grant is asked for (SOL003 9.4.3.3.2: 202 while the NFVO decides). */
  pollIntervalMs?: number;
  /** How long a grant may take, asynchronous ones included. */
  timeoutMs?: number;
}

const client = textHttpClient();

/** One answer of the NFVO: its status, its body (text, or bytes when asked for) and its Location. */
export interface NfvoAnswer {
  status: number;
  text: string;
  bytes?: Buffer;
  location?: string;
}

/**
 * The NFVO's HTTP side as every VNFM-side client uses it: `Version: 1.3.0`, Basic or OAuth 2.0 client
 * credentials (the token kept until it expires, fetched again once on a 401). Credentials go in the
 * Authorization header only, never in a message.
 */
export class NfvoHttp {
  private token: { value: string; expiresAt: number } | undefined;

  constructor(private readonly auth: NfvoAuth | undefined) {}

  async call(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    signal: AbortSignal,
    body?: unknown,
    binary = false,
  ): Promise<NfvoAnswer> {
    for (let attempt = 0; ; attempt++) {
      const accept = binary ? 'application/zip, application/octet-stream, application/json' : 'application/json';
      const headers: Record<string, string> = { accept, version: '1.3.0' };
      const authorization = await this.authorization(signal);
      if (authorization !== undefined) headers['authorization'] = authorization;
      if (body !== undefined) headers['content-type'] = 'application/json';
      let res;
      try {
        res = await client.request<string | ArrayBuffer>({
          method,
          url,
          headers,
          data: body === undefined ? undefined : JSON.stringify(body),
          signal,
          // a 303 to a POST (an existing subscription) is the caller's to read, not to follow
          ...(method === 'GET' ? {} : { maxRedirects: 0 }),
          ...(binary ? { responseType: 'arraybuffer' as const } : {}),
        });
      } catch (err) {
        if (signal.aborted) throw new NfvoError(`no answer from the NFVO in time (${method} ${url})`);
        throw new NfvoError(
          `the NFVO did not answer ${method} ${url}: ${redactText(err instanceof Error ? err.message : String(err))}`,
        );
      }
      // an expired or revoked token: a new one, once
      if (res.status === 401 && this.auth?.oauth2 !== undefined && attempt === 0) {
        this.token = undefined;
        continue;
      }
      const location = res.headers['location'] as string | undefined;
      if (binary && res.status === 200)
        return { status: res.status, text: '', bytes: Buffer.from(res.data as ArrayBuffer) };
      const text = binary ? Buffer.from(res.data as ArrayBuffer).toString('utf8') : String(res.data ?? '');
      return { status: res.status, text, ...(location !== undefined ? { location } : {}) };
    }
  }

  private async authorization(signal: AbortSignal): Promise<string | undefined> {
    const auth = this.auth;
    if (auth?.basic !== undefined)
      return 'Basic ' + Buffer.from(`${auth.basic.user}:${auth.basic.password}`).toString('base64');
    if (auth?.oauth2 === undefined) return undefined;
    if (this.token !== undefined && this.token.expiresAt > Date.now()) return `Bearer ${this.token.value}`;
    const o = auth.oauth2;
    const res = await client.request<string>({
      method: 'POST',
      url: o.tokenUrl,
      headers: {
        authorization: 'Basic ' + Buffer.from(`${o.clientId}:${o.clientSecret}`).toString('base64'),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      data: 'grant_type=client_credentials',
      signal,
    });
    const token = (() => {
      try {
        return JSON.parse(String(res.data)) as { access_token?: unknown; expires_in?: unknown };
      } catch {
        return {};
      }
    })();
    if (res.status !== 200 || typeof token.access_token !== 'string') {
      throw new NfvoError(`the NFVO's token endpoint refused the VNFM's client credentials (HTTP ${res.status})`);
    }
    const ttl = typeof token.expires_in === 'number' ? token.expires_in : 300;
    // renewed a little before it expires
    this.token = { value: token.access_token, expiresAt: Date.now() + Math.max(1, ttl - 10) * 1000 };
    return `Bearer ${this.token.value}`;
  }
}

/**
 * The Grant interface, client side (SOL003 9.4.2.3.1, 9.4.3.3.2): `POST /grant/v1/grants` answered 201 with
 * the grant, or 202 with its Location, polled until 200; any other answer is the NFVO's refusal, kept as it
 * sent it. Credentials go in the Authorization header only, never in a message.
 */
export class HttpGranter implements Granter {
  private readonly http: NfvoHttp;

  constructor(private readonly options: NfvoClientOptions) {
    this.http = options.http ?? new NfvoHttp(options.auth);
  }

  async grant(ask: Omit<GrantRequest, '_links'>, options: { signal?: AbortSignal } = {}): Promise<Grant> {
    const lcm = `${this.options.vnfmUrl.replace(/\/+$/, '')}/vnflcm/v1`;
    const request: GrantRequest = {
      ...ask,
      _links: {
        vnfLcmOpOcc: { href: `${lcm}/vnf_lcm_op_occs/${ask.vnfLcmOpOccId}` },
        vnfInstance: { href: `${lcm}/vnf_instances/${ask.vnfInstanceId}` },
      },
    };
    const deadline = AbortSignal.timeout(this.options.timeoutMs ?? 600_000);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const base = this.options.url.replace(/\/+$/, '');
    let res = await this.http.call('POST', `${base}/grant/v1/grants`, signal, request);
    if (res.status === 201) return this.parse(res.text);
    if (res.status !== 202) throw refusal(res);
    const location = res.location;
    if (location === undefined) throw new NfvoError('the NFVO accepted the grant request (202) but sent no Location');
    const url = new URL(location, `${base}/`).toString();
    for (;;) {
      await delay(this.options.pollIntervalMs ?? 1000, undefined, { signal });
      res = await this.http.call('GET', url, signal);
      if (res.status === 200) return this.parse(res.text);
      if (res.status !== 202) throw refusal(res);
    }
  }

  private parse(text: string): Grant {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new NfvoError('the NFVO answered the grant with a body that is not JSON');
    }
    if (!Value.Check(GrantSchema, body)) {
      const first = [...Value.Errors(GrantSchema, body)][0];
      throw new NfvoError(`the NFVO's grant is not a SOL003 Grant: ${first?.path ?? ''} ${first?.message ?? ''}`);
    }
    return body;
  }
}

/** The NFVO's answer as a refusal: its ProblemDetails when it sent them, else its status. */
function refusal(res: { status: number; text: string }): GrantRefusedError {
  let pd: { status?: number; title?: string; detail?: string } = {};
  try {
    pd = JSON.parse(res.text) as typeof pd;
  } catch {
    // not ProblemDetails
  }
  return new GrantRefusedError({
    status: res.status,
    title: pd.title ?? 'Forbidden',
    detail: pd.detail ?? `HTTP ${res.status}`,
  });
}
