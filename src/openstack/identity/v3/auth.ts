import { ServiceClient, type RetryPolicy, type TokenSource } from '../../client/service-client';
import { OpenStackConfigError } from '../../client/errors';

export type Interface = 'public' | 'internal' | 'admin';

/** The identity v3 URL of an auth URL, with or without its `/v3`. */
export function identityV3Url(authUrl: string): string {
  return authUrl.replace(/\/+$/, '').replace(/\/v3$/, '') + '/v3';
}

/** How to authenticate (one of the two) and what to scope the token to. */
export interface AuthOptions {
  authUrl: string;
  /** password method */
  username?: string;
  userId?: string;
  password?: string;
  userDomainName?: string;
  userDomainId?: string;
  /** application_credential method */
  applicationCredentialId?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret?: string;
  /** scope: a project (by id, or by name + domain) or a domain */
  projectId?: string;
  projectName?: string;
  projectDomainName?: string;
  projectDomainId?: string;
  domainId?: string;
  domainName?: string;
}

export interface CatalogEndpoint {
  interface: string;
  region_id?: string;
  region?: string;
  url: string;
}
export interface CatalogEntry {
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

export interface Token {
  value: string;
  expiresAt: number;
  projectId?: string;
  userId?: string;
  catalog: CatalogEntry[];
}

function domain(name: string | undefined, id: string | undefined): { id: string } | { name: string } | undefined {
  if (id) return { id };
  if (name) return { name };
  return undefined;
}

/** The body of POST /v3/auth/tokens for these options. */
export function authBody(o: AuthOptions): Record<string, unknown> {
  if (o.applicationCredentialId || o.applicationCredentialName) {
    if (!o.applicationCredentialSecret)
      throw new OpenStackConfigError(
        'an application credential needs its secret (application_credential_secret / OS_APPLICATION_CREDENTIAL_SECRET)',
      );
    const cred: Record<string, unknown> = { secret: o.applicationCredentialSecret };
    if (o.applicationCredentialId) cred['id'] = o.applicationCredentialId;
    else {
      cred['name'] = o.applicationCredentialName;
      const user: Record<string, unknown> = o.userId
        ? { id: o.userId }
        : { name: o.username, domain: domain(o.userDomainName, o.userDomainId) ?? { id: 'default' } };
      cred['user'] = user;
    }
    return { auth: { identity: { methods: ['application_credential'], application_credential: cred } } };
  }
  if (!o.password)
    throw new OpenStackConfigError(
      'no credentials: set a password (OS_PASSWORD) or an application credential ' +
        '(OS_APPLICATION_CREDENTIAL_ID and _SECRET)',
    );
  if (!o.username && !o.userId)
    throw new OpenStackConfigError('password authentication needs a username (OS_USERNAME) or a user id (OS_USER_ID)');
  const user: Record<string, unknown> = o.userId
    ? { id: o.userId, password: o.password }
    : { name: o.username, password: o.password, domain: domain(o.userDomainName, o.userDomainId) ?? { id: 'default' } };
  const identity = { methods: ['password'], password: { user } };
  let scope: Record<string, unknown> | undefined;
  if (o.projectId) scope = { project: { id: o.projectId } };
  else if (o.projectName)
    scope = {
      project: {
        name: o.projectName,
        domain: domain(o.projectDomainName, o.projectDomainId) ??
          domain(o.userDomainName, o.userDomainId) ?? { id: 'default' },
      },
    };
  else if (o.domainId || o.domainName) scope = { domain: domain(o.domainName, o.domainId) };
  return { auth: { identity, ...(scope ? { scope } : {}) } };
}

/**
 * Keystone v3 tokens: authenticates on first use, caches the token and refreshes it `refreshBeforeMs`
 * before it expires, or at once after a 401 (`invalidate`). Concurrent callers share one request.
 */
export class TokenProvider implements TokenSource {
  private current: Token | undefined;
  private pending: Promise<Token> | undefined;
  private readonly keystone: ServiceClient;

  constructor(
    readonly options: AuthOptions,
    private readonly settings: {
      refreshBeforeMs?: number;
      now?: () => number;
      insecure?: boolean;
      /** How often and how long getting a token is tried (default: the client's, DEFAULT_RETRY and 60 s). */
      retry?: RetryPolicy;
      timeoutMs?: number;
    } = {},
  ) {
    this.keystone = new ServiceClient(identityV3Url(options.authUrl), undefined, {
      insecure: settings.insecure ?? false,
      ...(settings.retry !== undefined ? { retry: settings.retry } : {}),
      ...(settings.timeoutMs !== undefined ? { timeoutMs: settings.timeoutMs } : {}),
    });
  }

  private now(): number {
    return (this.settings.now ?? Date.now)();
  }

  async token(signal?: AbortSignal): Promise<string> {
    return (await this.current_(signal)).value;
  }

  /** The whole token (catalog, project), authenticating if needed. */
  async current_(signal?: AbortSignal): Promise<Token> {
    const refreshBefore = this.settings.refreshBeforeMs ?? 120_000;
    if (this.current && this.current.expiresAt - refreshBefore > this.now()) return this.current;
    this.pending ??= this.authenticate(signal).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  invalidate(token: string): void {
    if (this.current?.value === token) this.current = undefined;
  }

  private async authenticate(signal?: AbortSignal): Promise<Token> {
    const res = await this.keystone.request<{
      token?: { expires_at?: string; project?: { id?: string }; user?: { id?: string }; catalog?: CatalogEntry[] };
    }>('POST', '/auth/tokens', {
      ok: [201],
      body: authBody(this.options),
      idempotent: true, // asking for a token twice is harmless
      ...(signal ? { signal } : {}),
    });
    const value = res.headers['x-subject-token'];
    if (!value) throw new OpenStackConfigError(`Keystone at ${this.options.authUrl} gave no X-Subject-Token`);
    const t = res.data.token ?? {};
    const expiresAt = t.expires_at ? Date.parse(t.expires_at) : this.now() + 3600_000;
    this.current = {
      value,
      expiresAt,
      ...(t.project?.id ? { projectId: t.project.id } : {}),
      ...(t.user?.id ? { userId: t.user.id } : {}),
      catalog: t.catalog ?? [],
    };
    return this.current;
  }
}

/** The endpoint URL of a service type in the catalog, by interface and region. */
export function endpointFor(
  catalog: CatalogEntry[],
  type: string,
  o: { interface?: Interface; region?: string } = {},
): string {
  const iface = o.interface ?? 'public';
  const entries = catalog.filter((e) => e.type === type);
  if (entries.length === 0)
    throw new OpenStackConfigError(
      `the service catalog has no '${type}' service (it has: ${catalog.map((e) => e.type).join(', ') || 'nothing'})`,
    );
  const eps = entries
    .flatMap((e) => e.endpoints)
    .filter(
      (e) => e.interface === iface && (o.region === undefined || e.region_id === o.region || e.region === o.region),
    );
  const ep = eps[0];
  if (ep === undefined)
    throw new OpenStackConfigError(
      `the catalog's '${type}' service has no ${iface} endpoint${o.region ? ` in region ${o.region}` : ''}`,
    );
  return ep.url;
}
