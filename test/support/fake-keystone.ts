/**
 * A small Keystone v3 for unit tests, on 127.0.0.1 and a random port: password and application-credential
 * tokens, token validation (X-Auth-Token the caller's, X-Subject-Token the one to check) and the catalog's
 * services and endpoints. It records every call and can revoke its service tokens or stop answering.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';

export interface UserToken {
  user: { id: string; name: string };
  project?: { id: string; name: string };
  roles: string[];
  /** ms since the epoch */
  expiresAt: number;
}

export interface FakeKeystone {
  /** e.g. http://127.0.0.1:1234/v3 */
  readonly authUrl: string;
  readonly calls: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders; body: string }>;
  readonly services: Array<{ id: string; type: string; name: string; enabled: boolean; description?: string }>;
  readonly endpoints: Array<{
    id: string;
    service_id: string;
    interface: string;
    url: string;
    region_id: string | null;
  }>;
  /** A user's token that GET /v3/auth/tokens knows; returns the token. */
  addUserToken(t: UserToken): string;
  /** Every token issued so far is refused with 401 from now on. */
  revokeIssuedTokens(): void;
  /** How many calls of `method` and path (without query) were made. */
  count(method: string, path: string): number;
  close(): Promise<void>;
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void =>
  void res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

const unauthorized = (res: http.ServerResponse): void =>
  json(res, 401, { error: { code: 401, message: 'The request you have made requires authentication.' } });

/** `users`: name -> password; `appCredentials`: id -> secret. */
export async function startFakeKeystone(o: {
  users?: Record<string, string>;
  appCredentials?: Record<string, string>;
}): Promise<FakeKeystone> {
  const calls: FakeKeystone['calls'] = [];
  const issued = new Set<string>();
  const userTokens = new Map<string, UserToken>();
  const services: FakeKeystone['services'] = [];
  const endpoints: FakeKeystone['endpoints'] = [];
  const id = (): string => randomBytes(8).toString('hex');

  const issue = (body: string, res: http.ServerResponse): void => {
    const identity = (JSON.parse(body) as { auth: { identity: Record<string, Record<string, unknown>> } }).auth
      .identity;
    const pw = identity['password']?.['user'] as { name?: string; password?: string } | undefined;
    const ac = identity['application_credential'] as { id?: string; secret?: string } | undefined;
    const ok =
      (pw?.name !== undefined && o.users?.[pw.name] !== undefined && o.users[pw.name] === pw.password) ||
      (ac?.id !== undefined && o.appCredentials?.[ac.id] !== undefined && o.appCredentials[ac.id] === ac.secret);
    if (!ok) return unauthorized(res);
    const token = `svc-${id()}`;
    issued.add(token);
    const expires = new Date(Date.now() + 3600_000).toISOString();
    json(res, 201, { token: { expires_at: expires, catalog: [] } }, { 'x-subject-token': token });
  };

  const validate = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const subject = String(req.headers['x-subject-token'] ?? '');
    const t = userTokens.get(subject);
    // older Keystones echoed the token in this message: the VNFM must never pass it on
    if (t === undefined) return json(res, 404, { error: { code: 404, message: `Could not find token: ${subject}` } });
    json(res, 200, {
      token: {
        expires_at: new Date(t.expiresAt).toISOString(),
        user: { ...t.user, domain: { id: 'default', name: 'Default' } },
        ...(t.project !== undefined ? { project: { ...t.project, domain: { id: 'default', name: 'Default' } } } : {}),
        roles: t.roles.map((name) => ({ id: `r-${name}`, name })),
      },
    });
  };

  const catalog = (
    req: http.IncomingMessage,
    path: string,
    q: URLSearchParams,
    body: string,
    res: http.ServerResponse,
  ) => {
    const m = req.method;
    const data = body === '' ? {} : (JSON.parse(body) as Record<string, Record<string, unknown>>);
    if (m === 'GET' && path === '/v3/services')
      return json(res, 200, { services: services.filter((s) => !q.has('type') || s.type === q.get('type')) });
    if (m === 'POST' && path === '/v3/services') {
      const s = { id: id(), enabled: true, ...data['service'] } as FakeKeystone['services'][number];
      services.push(s);
      return json(res, 201, { service: s });
    }
    if (m === 'GET' && path === '/v3/endpoints') {
      const sid = q.get('service_id');
      return json(res, 200, { endpoints: endpoints.filter((e) => sid === null || e.service_id === sid) });
    }
    if (m === 'POST' && path === '/v3/endpoints') {
      const e = { id: id(), region_id: null, ...data['endpoint'] } as FakeKeystone['endpoints'][number];
      endpoints.push(e);
      return json(res, 201, { endpoint: e });
    }
    const patch = /^\/v3\/(services|endpoints)\/([^/]+)$/.exec(path);
    if (m === 'PATCH' && patch !== null) {
      const kind = patch[1] === 'services' ? 'service' : 'endpoint';
      const list: Array<{ id: string }> = kind === 'service' ? services : endpoints;
      const item = list.find((x) => x.id === patch[2]);
      if (item === undefined) return json(res, 404, { error: { code: 404, message: 'not found' } });
      Object.assign(item, data[kind]);
      return json(res, 200, { [kind]: item });
    }
    json(res, 404, { error: { code: 404, message: `no route ${m ?? ''} ${path}` } });
  };

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://keystone');
      calls.push({ method: req.method ?? '', path: u.pathname, headers: req.headers, body });
      if (u.pathname === '/v3/auth/tokens' && req.method === 'POST') return issue(body, res);
      if (!issued.has(String(req.headers['x-auth-token'] ?? ''))) return unauthorized(res);
      if (u.pathname === '/v3/auth/tokens' && req.method === 'GET') return validate(req, res);
      catalog(req, u.pathname, u.searchParams, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    authUrl: `http://127.0.0.1:${port}/v3`,
    calls,
    services,
    endpoints,
    addUserToken(t) {
      const token = `gAAAAA${randomBytes(24).toString('base64url')}`;
      userTokens.set(token, t);
      return token;
    },
    revokeIssuedTokens: () => issued.clear(),
    count: (method, path) => calls.filter((c) => c.method === method && c.path === path).length,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
