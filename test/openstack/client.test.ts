/**
 * The OpenStack client against a fake HTTP server (unit tests; the deployment suite runs it against
 * the real mini-cloud): auth and catalog, token refresh, retries for idempotent calls only, typed and
 * redacted errors, pagination, microversions, Heat's redirect, streamed upload, waitFor, clouds.yaml.
 */
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  OpenStackClient,
  OpenStackConnectionError,
  OpenStackHttpError,
  OpenStackNotFoundError,
  OpenStackConfigError,
  OpenStackTimeoutError,
  ServiceClient,
  TokenProvider,
  authBody,
  collect,
  endpointFor,
  paginate,
  resolveCloud,
  waitFor,
} from '../../src/openstack';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;
interface Fake {
  url: string;
  calls: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }>;
  on(method: string, path: RegExp, h: Handler): void;
  close(): Promise<void>;
}

async function fake(): Promise<Fake> {
  const routes: Array<{ method: string; path: RegExp; h: Handler }> = [];
  const calls: Fake['calls'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('latin1')));
    req.on('end', () => {
      calls.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const r = [...routes].reverse().find((x) => x.method === req.method && x.path.test(req.url ?? ''));
      if (!r) {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ itemNotFound: { message: `no route ${req.url}`, code: 404 } }));
        return;
      }
      r.h(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    on: (method, path, h) => void routes.push({ method, path, h }),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void =>
  void res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

function keystone(f: Fake, o: { expiresInMs?: number; tokens?: string[] } = {}): void {
  let n = 0;
  f.on('POST', /^\/v3\/auth\/tokens$/, (_req, _body, res) => {
    const token = o.tokens?.[n] ?? `tok-${n}`;
    n++;
    json(
      res,
      201,
      {
        token: {
          expires_at: new Date(Date.now() + (o.expiresInMs ?? 3600_000)).toISOString(),
          project: { id: 'p1' },
          catalog: [
            {
              type: 'compute',
              endpoints: [
                { interface: 'public', region_id: 'RegionOne', url: `${f.url}/compute/v2.1` },
                { interface: 'internal', region_id: 'RegionOne', url: `${f.url}/internal-compute` },
              ],
            },
            { type: 'image', endpoints: [{ interface: 'public', region_id: 'RegionOne', url: `${f.url}/image` }] },
            { type: 'network', endpoints: [{ interface: 'public', region_id: 'RegionOne', url: `${f.url}/network` }] },
            {
              type: 'orchestration',
              endpoints: [{ interface: 'public', region_id: 'RegionOne', url: `${f.url}/heat/v1/p1` }],
            },
          ],
        },
      },
      { 'x-subject-token': token },
    );
  });
}

const cloud = (f: Fake) => ({
  source: 'test',
  auth: {
    authUrl: `${f.url}/v3`,
    username: 'u',
    password: 's3cret-pw',
    projectName: 'p',
    userDomainName: 'Default',
    projectDomainName: 'Default',
  },
  interface: 'public' as const,
  regionName: 'RegionOne',
  insecure: false,
});

let f: Fake;
beforeEach(async () => {
  f = await fake();
});
afterEach(async () => f.close());

describe('identity v3', () => {
  it('password auth scoped to a project, then the catalog by interface and region', async () => {
    keystone(f);
    const tp = new TokenProvider(cloud(f).auth);
    const t = await tp.current_();
    expect(t.value).toBe('tok-0');
    const body = JSON.parse(f.calls[0]!.body) as { auth: { identity: { methods: string[] }; scope: unknown } };
    expect(body.auth.identity.methods).toEqual(['password']);
    expect(body.auth.scope).toEqual({ project: { name: 'p', domain: { name: 'Default' } } });
    expect(endpointFor(t.catalog, 'compute', { interface: 'internal', region: 'RegionOne' })).toBe(
      `${f.url}/internal-compute`,
    );
    expect(() => endpointFor(t.catalog, 'volumev3')).toThrow(
      /no 'volumev3' service \(it has: compute, image, network, orchestration\)/,
    );
    expect(() => endpointFor(t.catalog, 'image', { interface: 'admin' })).toThrow(/no admin endpoint/);
  });

  it('application credentials; a missing secret is a clear configuration error', () => {
    expect(authBody({ authUrl: 'x', applicationCredentialId: 'ac1', applicationCredentialSecret: 's' })).toEqual({
      auth: { identity: { methods: ['application_credential'], application_credential: { id: 'ac1', secret: 's' } } },
    });
    expect(() => authBody({ authUrl: 'x', applicationCredentialId: 'ac1' })).toThrow(OpenStackConfigError);
    expect(() => authBody({ authUrl: 'x', username: 'u' })).toThrow(/no credentials/);
  });

  it('refreshes the token before it expires, and once after a 401', async () => {
    keystone(f, { expiresInMs: 60_000 });
    const tp = new TokenProvider(cloud(f).auth, { refreshBeforeMs: 120_000 });
    expect(await tp.token()).toBe('tok-0');
    expect(await tp.token()).toBe('tok-1'); // expires within the refresh window: a new one
    const tp2 = new TokenProvider(cloud(f).auth);
    let seen: string[] = [];
    f.on('GET', /^\/svc\/thing$/, (req, _b, res) => {
      seen.push(String(req.headers['x-auth-token']));
      if (req.headers['x-auth-token'] === 'tok-2')
        json(res, 401, { error: { message: 'The request you have made requires authentication.' } });
      else json(res, 200, { ok: true });
    });
    const svc = new ServiceClient(`${f.url}/svc`, tp2);
    expect((await svc.request('GET', '/thing', { ok: [200] })).data).toEqual({ ok: true });
    expect(seen).toEqual(['tok-2', 'tok-3']);
    seen = [];
  });
});

describe('ServiceClient', () => {
  it('retries a GET on 503 and on a reset connection, but never a POST', async () => {
    let n = 0;
    f.on('GET', /^\/flaky$/, (_req, _b, res) => {
      n++;
      if (n === 1) json(res, 503, { message: 'busy' });
      else if (n === 2) res.socket?.destroy();
      else json(res, 200, { n });
    });
    let posts = 0;
    f.on('POST', /^\/flaky$/, (_req, _b, res) => {
      posts++;
      json(res, 503, { message: 'busy' });
    });
    const svc = new ServiceClient(f.url, undefined, { retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20 } });
    expect((await svc.request('GET', '/flaky', { ok: [200] })).data).toEqual({ n: 3 });
    await expect(svc.request('POST', '/flaky', { ok: [201], body: {} })).rejects.toThrow(OpenStackHttpError);
    expect(posts).toBe(1);
    const dead = new ServiceClient('http://127.0.0.1:1', undefined, {
      retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 5 },
    });
    await expect(dead.request('GET', '/x', { ok: [200] })).rejects.toThrow(OpenStackConnectionError);
  });

  it(
    'errors carry method, URL, expected and actual status,' + ' the service message and request id, and no secret',
    async () => {
      f.on('POST', /^\/fail$/, (_req, _b, res) =>
        json(
          res,
          400,
          {
            badRequest: { message: 'Invalid flavorRef provided.', code: 400 },
            password: 'hunter2',
            token: 'gAAAAsecret',
          },
          { 'x-openstack-request-id': 'req-42' },
        ),
      );
      f.on('GET', /^\/gone$/, (_req, _b, res) =>
        json(res, 404, { itemNotFound: { message: 'Flavor 9 could not be found.' } }),
      );
      const svc = new ServiceClient(f.url, { token: async () => 'tok-abc', invalidate: () => undefined });
      const err = (await svc
        .request('POST', '/fail', { ok: [202], body: { password: 'x' } })
        .catch((e: unknown) => e)) as OpenStackHttpError;
      expect(err).toBeInstanceOf(OpenStackHttpError);
      expect(err.message).toBe(`POST ${f.url}/fail answered 400 (expected 202): Invalid flavorRef provided. [req-42]`);
      expect(err.details).toMatchObject({ method: 'POST', expected: [202], actual: 400, requestId: 'req-42' });
      const all = JSON.stringify({ m: err.message, d: err.details, p: err.toProblemDetails() });
      expect(all).not.toMatch(/hunter2|gAAAAsecret|tok-abc/);
      await expect(svc.request('GET', '/gone', { ok: [200] })).rejects.toBeInstanceOf(OpenStackNotFoundError);
      expect(f.calls.every((c) => c.headers['x-auth-token'] === 'tok-abc')).toBe(true);
    },
  );

  it('an aborted call stops at once', async () => {
    f.on('GET', /^\/slow$/, (_req, _b, res) => setTimeout(() => json(res, 200, {}), 2000));
    const ac = new AbortController();
    const p = new ServiceClient(f.url, undefined).request('GET', '/slow', { ok: [200], signal: ac.signal });
    setTimeout(() => ac.abort(new Error('stop')), 50);
    const t0 = Date.now();
    await expect(p).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe('services', () => {
  it('paginates Nova, Neutron and Glance lists across pages; Heat by marker', async () => {
    f.on('GET', /^\/n\/servers\/detail/, (req, _b, res) => {
      const page = Number(new URL(req.url ?? '', f.url).searchParams.get('page') ?? '1');
      json(res, 200, {
        servers: [{ id: `s${page}` }],
        ...(page < 3 ? { servers_links: [{ rel: 'next', href: `${f.url}/n/servers/detail?page=${page + 1}` }] } : {}),
      });
    });
    f.on('GET', /^\/image\/v2\/images/, (req, _b, res) => {
      const m = new URL(req.url ?? '', f.url).searchParams.get('marker');
      const page = m === null ? 1 : Number(m) + 1;
      json(res, 200, {
        images: [{ id: `i${page}` }],
        ...(page < 3 ? { next: `/image/v2/images?marker=${page}` } : {}),
      });
    });
    f.on('GET', /^\/heat\/stacks/, (req, _b, res) => {
      const m = new URL(req.url ?? '', f.url).searchParams.get('marker');
      json(res, 200, { stacks: m === null ? [{ id: 'a' }, { id: 'b' }] : m === 'b' ? [{ id: 'c' }] : [] });
    });
    const svc = new ServiceClient(f.url, undefined);
    expect((await collect(paginate<{ id: string }>(svc, '/n/servers/detail', 'servers'))).map((x) => x.id)).toEqual([
      's1',
      's2',
      's3',
    ]);
    expect(
      (
        await collect(paginate<{ id: string }>(new ServiceClient(`${f.url}/image`, undefined), '/v2/images', 'images'))
      ).map((x) => x.id),
    ).toEqual(['i1', 'i2', 'i3']);
    expect(
      (
        await collect(
          paginate<{ id: string }>(svc, '/heat/stacks', 'stacks', { markerPaging: { limit: 2, id: (x) => x.id } }),
        )
      ).map((x) => x.id),
    ).toEqual(['a', 'b', 'c']);
  });

  it(
    'connect: compute microversion negotiated and sent;' + ' Heat 302 followed; streamed upload with progress',
    async () => {
      keystone(f);
      f.on('GET', /^\/compute\/v2\.1\/?$/, (_req, _b, res) =>
        json(res, 200, { version: { version: '2.60', min_version: '2.1' } }),
      );
      f.on('GET', /^\/compute\/v2\.1\/servers\/s1\/topology$/, (req, _b, res) =>
        json(res, 200, {
          nodes: [{ cpu_pinning: { 0: 4 }, memory_mb: 512, vcpu_set: [0] }],
          v: req.headers['openstack-api-version'],
        }),
      );
      f.on(
        'GET',
        /^\/heat\/v1\/p1\/stacks\/vnf-x$/,
        (_req, _b, res) => void res.writeHead(302, { location: `${f.url}/heat/v1/p1/stacks/vnf-x/id1` }).end(),
      );
      f.on('GET', /^\/heat\/v1\/p1\/stacks\/vnf-x\/id1$/, (_req, _b, res) =>
        json(res, 200, { stack: { id: 'id1', stack_name: 'vnf-x', stack_status: 'CREATE_COMPLETE' } }),
      );
      f.on(
        'PUT',
        /^\/image\/v2\/images\/img1\/file$/,
        (_req, body, res) => void res.writeHead(body.length === 300_000 ? 204 : 400).end(),
      );
      const os = await OpenStackClient.connect(cloud(f));
      expect(os.projectId).toBe('p1');
      expect(await os.compute.version()).toBe('2.60'); // the server's maximum is below the wanted 2.79
      const topo = (await os.compute.topology('s1')) as unknown as { v: string };
      expect(topo.v).toBe('compute 2.60');
      expect((await os.orchestration.find('vnf-x'))?.id).toBe('id1');
      expect(await os.orchestration.find('vnf-none')).toBeUndefined();
      const seen: number[] = [];
      const data = Readable.from([Buffer.alloc(100_000), Buffer.alloc(100_000), Buffer.alloc(100_000)]);
      await os.image.upload('img1', data, { size: 300_000, onProgress: (sent) => seen.push(sent) });
      expect(seen[seen.length - 1]).toBe(300_000);
      expect(seen.length).toBeGreaterThan(1);
    },
  );
});

describe('waitFor', () => {
  it(
    'polls with a growing interval, returns the value,' + ' times out naming the last state, and stops on abort',
    async () => {
      const times: number[] = [];
      const v = await waitFor(
        async () => {
          times.push(Date.now());
          return times.length < 5 ? { done: false, state: `n=${times.length}` } : { done: true, value: 'ok' };
        },
        { timeoutMs: 5000, initialDelayMs: 20, factor: 2, maxDelayMs: 1000 },
      );
      expect(v).toBe('ok');
      const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
      expect(gaps[3]!).toBeGreaterThan(gaps[0]!);
      await expect(
        waitFor(async () => ({ done: false, state: 'CREATE_IN_PROGRESS' }), {
          timeoutMs: 100,
          initialDelayMs: 10,
          what: 'stack s',
        }),
      ).rejects.toThrow(
        new OpenStackTimeoutError('gave up waiting for stack s after 0 s (last state: CREATE_IN_PROGRESS)'),
      );
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error('aborted!')), 30);
      await expect(
        waitFor(async () => ({ done: false }), { timeoutMs: 5000, initialDelayMs: 1000, signal: ac.signal }),
      ).rejects.toThrow('aborted!');
    },
  );
});

describe('cloud configuration', () => {
  it(
    'clouds.yaml with OS_CLOUD (secure.yaml merged,' + ' OS_* overriding single values), else OS_* alone; clear errors',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'clouds-'));
      writeFileSync(
        join(dir, 'clouds.yaml'),
        'clouds:\n  lab:\n    auth:\n      auth_url: http://k:5000/v3\n' +
          '      username: admin\n      project_name: admin\n    region_name: R1\n    interface: internal\n',
      );
      writeFileSync(join(dir, 'secure.yaml'), 'clouds:\n  lab:\n    auth:\n      password: from-secure\n');
      const env = { OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml'), OS_CLOUD: 'lab' };
      const c = resolveCloud(env, { home: dir, cwd: dir });
      expect(c).toMatchObject({
        interface: 'internal',
        regionName: 'R1',
        auth: { authUrl: 'http://k:5000/v3', username: 'admin', password: 'from-secure', projectName: 'admin' },
      });
      expect(resolveCloud({ ...env, OS_PASSWORD: 'from-env' }, { home: dir, cwd: dir }).auth.password).toBe('from-env');
      const e = resolveCloud(
        {
          OS_AUTH_URL: 'http://x/v3',
          OS_APPLICATION_CREDENTIAL_ID: 'id',
          OS_APPLICATION_CREDENTIAL_SECRET: 's',
          OS_REGION_NAME: 'R2',
        },
        { home: dir, cwd: '/nonexistent' },
      );
      expect(e).toMatchObject({ source: 'env', regionName: 'R2', auth: { applicationCredentialId: 'id' } });
      expect(() => resolveCloud({ ...env, OS_CLOUD: 'other' }, { home: dir, cwd: dir })).toThrow(
        /has no cloud 'other' \(it has: lab\)/,
      );
      expect(() => resolveCloud({}, { home: dir, cwd: '/nonexistent' })).toThrow(/no auth_url/);
    },
  );
});
