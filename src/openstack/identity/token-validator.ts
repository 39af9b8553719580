/**
 * Validates the Keystone tokens OpenStack's own clients send (X-Auth-Token), as keystonemiddleware does:
 * `GET /v3/auth/tokens` with the VNFM's own service token in X-Auth-Token and the caller's in
 * X-Subject-Token. The service token comes from the configured service credentials (password or
 * application credential) and is renewed before it expires and after Keystone answers 401 to it.
 */
import { createHash } from 'node:crypto';
import { KeystoneUnavailableError, redactText } from '../../errors';
import type { KeystoneIdentity, KeystoneValidator } from '../../ports/keystone';
import { OpenStackConnectionError, OpenStackHttpError } from '../client/errors';
import { ServiceClient, type RetryPolicy } from '../client/service-client';
import { TokenProvider, identityV3Url, type AuthOptions } from './v3/auth';
import { IdentityV3, type ValidatedToken } from './v3/identity';

export interface TokenValidatorOptions {
  /** The VNFM's own service credentials (its user needs Keystone's `service` or `admin` role to validate). */
  auth: AuthOptions;
  insecure?: boolean;
  /** The longest a validated token is believed without asking Keystone again (default 5 minutes). */
  cacheMs?: number;
  /** How many validated tokens are kept (default 10,000; the oldest goes first). */
  cacheSize?: number;
  /** One call to Keystone (default 10 s): a request waits for it. */
  timeoutMs?: number;
  /** Retries of a call Keystone did not answer (default: one, after 100-200 ms). */
  retry?: RetryPolicy;
  now?: () => number;
}

const RETRY: RetryPolicy = { retries: 1, baseDelayMs: 200, maxDelayMs: 1000 };

/** The identity of a validated token's body; undefined when it lacks a user or an expiry. */
export function identityOf(t: ValidatedToken): KeystoneIdentity | undefined {
  const expiresAt = Date.parse(t.expires_at);
  if (t.user?.name === undefined || !Number.isFinite(expiresAt)) return undefined;
  const named = (n: { id: string; name: string; domain?: { id?: string; name?: string } }) => ({
    id: n.id,
    name: n.name,
    ...(n.domain?.name !== undefined || n.domain?.id !== undefined
      ? { domain: (n.domain.name ?? n.domain.id) as string }
      : {}),
  });
  return {
    user: named(t.user),
    ...(t.project !== undefined ? { project: named(t.project) } : {}),
    roles: (t.roles ?? []).map((r) => r.name),
    expiresAt,
  };
}

/** Why Keystone could not be asked, in words a caller may read (no token, no credential, no body). */
function why(err: unknown): string {
  if (err instanceof OpenStackConnectionError) return `did not answer (${err.code})`;
  if (err instanceof OpenStackHttpError) {
    const status = err.httpStatus;
    if (status === 401) return "refused the VNFM's service credentials (401)";
    if (status === 403) return "refused to validate tokens for the VNFM's service user (403: it needs role service)";
    return `answered ${status}`;
  }
  return `could not be used (${redactText(err instanceof Error ? err.message : String(err)).slice(0, 200)})`;
}

export class KeystoneTokenValidator implements KeystoneValidator {
  readonly authUrl: string;
  private readonly tokens: TokenProvider;
  private readonly identity: IdentityV3;
  /** By SHA-256 of the token: nothing another process needs (a miss just validates again). */
  private readonly cache = new Map<string, { identity: KeystoneIdentity; until: number }>();
  private readonly pending = new Map<string, Promise<KeystoneIdentity | undefined>>();

  constructor(private readonly o: TokenValidatorOptions) {
    this.authUrl = o.auth.authUrl;
    const http = { insecure: o.insecure ?? false, retry: o.retry ?? RETRY, timeoutMs: o.timeoutMs ?? 10_000 };
    this.tokens = new TokenProvider(o.auth, { ...http, ...(o.now !== undefined ? { now: o.now } : {}) });
    this.identity = new IdentityV3(new ServiceClient(identityV3Url(o.auth.authUrl), this.tokens, http));
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** Gets the service token (the start-up check of the service credentials); throws as validate does. */
  async check(): Promise<void> {
    try {
      await this.tokens.token();
    } catch (err) {
      throw new KeystoneUnavailableError(this.authUrl, why(err));
    }
  }

  async validate(token: string): Promise<KeystoneIdentity | undefined> {
    const key = createHash('sha256').update(token).digest('hex');
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      if (hit.until > this.now()) return hit.identity;
      this.cache.delete(key);
    }
    // concurrent requests with one token share one call to Keystone
    const known = this.pending.get(key);
    if (known !== undefined) return known;
    const asking = this.ask(token, key).finally(() => this.pending.delete(key));
    this.pending.set(key, asking);
    return asking;
  }

  private async ask(token: string, key: string): Promise<KeystoneIdentity | undefined> {
    let body: ValidatedToken | undefined;
    try {
      body = await this.identity.validateToken(token);
    } catch (err) {
      // NOTE: a fresh error with a fixed text: the client's error holds the request (its headers carry tokens)
      throw new KeystoneUnavailableError(this.authUrl, why(err));
    }
    const identity = body === undefined ? undefined : identityOf(body);
    const now = this.now();
    if (identity === undefined || identity.expiresAt <= now) return undefined;
    const max = this.o.cacheSize ?? 10_000;
    while (this.cache.size >= max) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    this.cache.set(key, { identity, until: Math.min(identity.expiresAt, now + (this.o.cacheMs ?? 300_000)) });
    return identity;
  }
}
