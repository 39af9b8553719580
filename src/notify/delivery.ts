import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AppError, redactText } from '../errors';
import type { SubscriptionAuthentication } from '../domain/subscription';
import { isIP } from 'node:net';
import {
  checkOutboundUrl,
  DEFAULT_OUTBOUND_POLICY,
  DisallowedDestinationError,
  hostOf,
  parseOutboundUrl,
  pinnedLookup,
  resolveAllowed,
  type OutboundPolicy,
} from './url-guard';

/** The consumer did not take a notification (or the callback test); retried with backoff. */
export class DeliveryError extends AppError {
  readonly status = 422;
  readonly title = 'Unprocessable Entity';
}

const TOKEN_ENDPOINT_FIELD = 'authentication.paramsOauth2ClientCredentials.tokenEndpoint';
/** The most of a token endpoint's answer that is read (a token response is a few hundred bytes). */
const MAX_TOKEN_ANSWER = 64 * 1024;

interface Answer {
  status: number;
  body: Buffer;
}

/**
 * One request to a consumer-named URL: scheme, userinfo and an IP literal host are checked against
 * the policy first; a host name is resolved by pinnedLookup when the socket connects (every address
 * checked, the one checked is the one used). Redirects are not followed. Resolves with the status and
 * at most `maxBody` bytes.
 */
async function send(
  method: 'GET' | 'POST',
  url: string,
  field: string,
  headers: Record<string, string>,
  body: string | undefined,
  policy: OutboundPolicy,
  timeoutMs: number,
  maxBody: number,
): Promise<Answer> {
  const u = parseOutboundUrl(url, field);
  const host = hostOf(u);
  // an IP literal is checked here (Node connects to it without a lookup); a name, by pinnedLookup
  if (isIP(host) !== 0) await resolveAllowed(host, policy, field);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      u,
      {
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
        lookup: pinnedLookup(policy, field),
        // a fresh connection each time: a pooled socket would skip the pinned lookup
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size >= maxBody) return;
          chunks.push(c);
          size += c.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).subarray(0, maxBody) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** What went wrong with a request, for errors and logs: an error code or name, never a body. */
export function causeOf(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  return code ?? (err instanceof Error ? err.name : 'error');
}

/**
 * The Authorization header for a consumer, from the subscription's authentication. The token
 * endpoint is checked against `policy` like the callback.
 */
export async function authorizationFor(
  auth: SubscriptionAuthentication | undefined,
  timeoutMs: number,
  policy: OutboundPolicy = DEFAULT_OUTBOUND_POLICY,
): Promise<Record<string, string>> {
  if (auth === undefined) return {};
  if (
    auth.authType.includes('OAUTH2_CLIENT_CREDENTIALS') &&
    auth.paramsOauth2ClientCredentials?.tokenEndpoint !== undefined
  ) {
    const p = auth.paramsOauth2ClientCredentials;
    const endpoint = p.tokenEndpoint as string;
    let res: Answer;
    try {
      res = await send(
        'POST',
        endpoint,
        TOKEN_ENDPOINT_FIELD,
        {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          authorization:
            'Basic ' +
            Buffer.from(
              `${encodeURIComponent(p.clientId ?? '')}:${encodeURIComponent(p.clientPassword ?? '')}`,
            ).toString('base64'),
        },
        'grant_type=client_credentials',
        policy,
        timeoutMs,
        MAX_TOKEN_ANSWER,
      );
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new DeliveryError(`POST to the consumer's token endpoint ${redactText(endpoint)} failed: ${causeOf(err)}`, {
        field: TOKEN_ENDPOINT_FIELD,
      });
    }
    let token: unknown;
    try {
      token = (JSON.parse(res.body.toString('utf8')) as { access_token?: unknown }).access_token;
    } catch {
      token = undefined;
    }
    if (res.status < 200 || res.status > 299 || typeof token !== 'string') {
      throw new DeliveryError(
        `the consumer's token endpoint ${redactText(endpoint)} answered ${res.status} without an access_token`,
        { field: TOKEN_ENDPOINT_FIELD },
      );
    }
    return { authorization: `Bearer ${token}` };
  }
  if (auth.authType.includes('BASIC') && auth.paramsBasic !== undefined) {
    return {
      authorization:
        'Basic ' +
        Buffer.from(`${auth.paramsBasic.userName ?? ''}:${auth.paramsBasic.password ?? ''}`).toString('base64'),
    };
  }
  return {};
}

/**
 * Sends one request to a consumer (a notification, or the callback test): the callback URI and the
 * token endpoint are checked against `policy` (default: link-local and metadata refused) and the
 * connection is pinned to the checked address; redirects are not followed. A refused destination
 * is a DisallowedDestinationError; anything else but the expected status is a DeliveryError
 * (URLs redacted). Both are AppErrors.
 */
export async function callConsumer(
  method: 'GET' | 'POST',
  url: string,
  auth: SubscriptionAuthentication | undefined,
  body: unknown,
  expected: number[],
  policy: OutboundPolicy = DEFAULT_OUTBOUND_POLICY,
  timeoutMs = 5000,
): Promise<void> {
  // the callback is checked before any token is asked for: a refused callback costs no request
  await checkOutboundUrl(url, policy, 'callbackUri');
  const headers = {
    ...(await authorizationFor(auth, timeoutMs, policy)),
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
  };
  let res: Answer;
  try {
    res = await send(
      method,
      url,
      'callbackUri',
      headers,
      body !== undefined ? JSON.stringify(body) : undefined,
      policy,
      timeoutMs,
      0,
    );
  } catch (err) {
    if (err instanceof DisallowedDestinationError) throw err;
    throw new DeliveryError(`${method} ${redactText(url)} failed: ${causeOf(err)}`, { field: 'callbackUri' });
  }
  if (!expected.includes(res.status))
    throw new DeliveryError(`${method} ${redactText(url)} answered ${res.status}, not ${expected.join(' or ')}`, {
      field: 'callbackUri',
    });
}
