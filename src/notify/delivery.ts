import { AppError, redactText } from '../errors';
import type { SubscriptionAuthentication } from '../domain/subscription';

/** The consumer did not take a notification (or the callback test); retried with backoff. */
export class DeliveryError extends AppError {
  readonly status = 422;
  readonly title = 'Unprocessable Entity';
}

/** The Authorization header for a consumer, from the subscription's authentication. */
export async function authorizationFor(auth: SubscriptionAuthentication | undefined, timeoutMs: number): Promise<Record<string, string>> {
  if (auth === undefined) return {};
  if (auth.authType.includes('OAUTH2_CLIENT_CREDENTIALS') && auth.paramsOauth2ClientCredentials?.tokenEndpoint !== undefined) {
    const p = auth.paramsOauth2ClientCredentials;
    const res = await fetch(p.tokenEndpoint as string, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'Basic ' + Buffer.from(`${encodeURIComponent(p.clientId ?? '')}:${encodeURIComponent(p.clientPassword ?? '')}`).toString('base64'),
      },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string };
    if (!res.ok || typeof body.access_token !== 'string') throw new DeliveryError(`the consumer's token endpoint ${p.tokenEndpoint as string} answered ${res.status} without an access_token`);
    return { authorization: `Bearer ${body.access_token}` };
  }
  if (auth.authType.includes('BASIC') && auth.paramsBasic !== undefined) {
    return { authorization: 'Basic ' + Buffer.from(`${auth.paramsBasic.userName ?? ''}:${auth.paramsBasic.password ?? ''}`).toString('base64') };
  }
  return {};
}

/** Sends one request to a consumer; anything but the expected status is a DeliveryError (secrets redacted). */
export async function callConsumer(method: 'GET' | 'POST', url: string, auth: SubscriptionAuthentication | undefined, body: unknown, expected: number[], timeoutMs = 5000): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { ...(await authorizationFor(auth, timeoutMs)), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    if (err instanceof DeliveryError) throw err;
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err instanceof Error ? err.name : String(err));
    throw new DeliveryError(`${method} ${redactText(url)} failed: ${cause}`);
  }
  await res.arrayBuffer().catch(() => undefined);
  if (!expected.includes(res.status)) throw new DeliveryError(`${method} ${redactText(url)} answered ${res.status}, not ${expected.join(' or ')}`);
}
