import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { lookup as dnsLookup } from 'node:dns/promises';
import { Socket, type AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import Redis from 'ioredis';
import { useRedis } from '../support/redis';
import { basicAdmin, buildTestApi, type TestApi } from '../support/api';
import { subscriptionRoutes } from '../../src/api/routes/vnflcm/subscriptions';
import { callConsumer, checkOutboundUrl, type OutboundPolicy, type ResolvedAddress } from '../../src/notify';
import { RedisRepository } from '../../src/store';
import type { StoredSubscription } from '../../src/domain/subscription';
import { loadConfig } from '../../src/config';

/**
 * Subscription callbacks and consumer token endpoints are not an SSRF oracle: a refused destination
 * is never connected to, and a failed callback test tells the client nothing the target answered.
 */
const redis = useRedis();

/** A target on 127.0.0.1 that records every request and answers as `handler` says. */
class Target {
  readonly hits: Array<{ method: string; url: string }> = [];
  handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.writeHead(204).end();
  private server: Server | undefined;
  port = 0;
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.hits.push({ method: req.method ?? '', url: req.url ?? '' });
      req.resume();
      req.on('end', () => this.handler(req, res));
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
  }
  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }
}

const target = new Target();
const lookups: string[] = [];
/** `meta.nfvo.test` resolves to the target's loopback AND the metadata address; other names as usual. */
const fakeNames: Record<string, ResolvedAddress[]> = {
  'meta.nfvo.test': [
    { address: '127.0.0.1', family: 4 },
    { address: '169.254.169.254', family: 4 },
  ],
  'nfvo.test': [{ address: '127.0.0.1', family: 4 }],
};
const policy: OutboundPolicy = {
  lookup: async (host) => {
    lookups.push(host);
    return fakeNames[host] ?? dnsLookup(host, { all: true });
  },
};
const logs: string[] = [];
let api: TestApi;
let subRedis: Redis;

beforeAll(async () => {
  await target.start();
  subRedis = new Redis(redis.url, { maxRetriesPerRequest: 3 });
  const subscriptions = new RedisRepository<StoredSubscription>(subRedis, {
    prefix: `{s${randomBytes(4).toString('hex')}}`,
    name: 'sub',
  });
  api = await buildTestApi(redis.url, {
    routes: [
      subscriptionRoutes({
        subscriptions,
        testCallback: (sub) => callConsumer('GET', sub.callbackUri, sub.authentication, undefined, [204], policy),
      }),
    ],
    logger: {
      level: 'debug',
      stream: new Writable({
        write(chunk: Buffer, _enc, done) {
          logs.push(chunk.toString());
          done();
        },
      }),
    },
  });
});
afterAll(async () => {
  await api.close();
  subRedis.disconnect();
  await target.stop();
});
beforeEach(() => {
  target.hits.length = 0;
  lookups.length = 0;
  logs.length = 0;
  target.handler = (_req, res) => void res.writeHead(204).end();
});
afterEach(() => jest.restoreAllMocks());

const subscribe = (payload: Record<string, unknown>) =>
  api.app.inject({ method: 'POST', url: '/vnflcm/v1/subscriptions', headers: { authorization: basicAdmin }, payload });
const local = (path = '/notify', host = '127.0.0.1') => `http://${host}:${target.port}${path}`;

describe('SSRF: subscription callbacks', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data/'],
    ['http://2852039166/'],
    ['http://0xA9FEA9FE/'],
    ['http://0251.0376.0251.0376/'],
    ['http://[::ffff:a9fe:a9fe]/'],
  ])(
    'a callback on the metadata address (%s) is 422 naming the rule, and no connection is attempted',
    async (callbackUri) => {
      const connect = jest.spyOn(Socket.prototype, 'connect');
      const res = await subscribe({ callbackUri });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({
        field: 'callbackUri',
        detail: 'the callback URI is not an allowed destination: cloud metadata address',
      });
      expect(connect).not.toHaveBeenCalled();
    },
  );

  it(
    'a name resolving to loopback AND link-local is refused' + ' before connecting (the loopback target is never hit)',
    async () => {
      const connect = jest.spyOn(Socket.prototype, 'connect');
      const res = await subscribe({ callbackUri: local('/notify', 'meta.nfvo.test') });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({
        field: 'callbackUri',
        detail: 'the callback URI is not an allowed destination: cloud metadata address',
      });
      expect(lookups).toEqual(['meta.nfvo.test']);
      expect(connect).not.toHaveBeenCalled();
      expect(target.hits).toEqual([]);
    },
  );

  it('link-local and credentials in the URL are refused with their rule', async () => {
    expect((await subscribe({ callbackUri: 'http://[fe80::1]:8080/' })).json()).toMatchObject({
      detail: 'the callback URI is not an allowed destination: link-local address',
    });
    const creds = await subscribe({ callbackUri: `http://nfvo:pw-abc123@127.0.0.1:${target.port}/` });
    expect(creds.statusCode).toBe(422);
    expect(creds.json()).toMatchObject({
      field: 'callbackUri',
      detail:
        'the callback URI is not an allowed destination: credentials in the URL are not allowed (use authentication)',
    });
    expect(creds.body).not.toContain('abc123');
    expect(target.hits).toEqual([]);
  });

  it(
    'a loopback callback answering 500 with a body gives the fixed message:' + ' not the status, not the body',
    async () => {
      target.handler = (_req, res) =>
        void res.writeHead(500, { 'content-type': 'text/plain' }).end('internal-secret-body ECONNREFUSED');
      const res = await subscribe({ callbackUri: local() });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toEqual({
        status: 422,
        title: 'Unprocessable Entity',
        detail: 'the callback URI did not answer the test GET with 204',
        field: 'callbackUri',
        instance: expect.any(String) as string,
      });
      expect(res.body).not.toMatch(/500|internal-secret-body|ECONNREFUSED/);
      expect(target.hits).toEqual([{ method: 'GET', url: '/notify' }]);
      // the real cause is in the debug log
      expect(logs.join('')).toMatch(
        /the callback test failed.*answered 500, not 204|answered 500, not 204.*the callback test failed/,
      );
    },
  );

  it('a closed port and a redirect give the same fixed message; the redirect is not followed', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await subscribe({ callbackUri: `http://127.0.0.1:${closedPort}/` });
    expect(refused.json()).toMatchObject({
      field: 'callbackUri',
      detail: 'the callback URI did not answer the test GET with 204',
    });
    expect(refused.body).not.toContain('ECONNREFUSED');

    target.handler = (req, res) =>
      void (req.url === '/notify' ? res.writeHead(302, { location: '/elsewhere' }).end() : res.writeHead(204).end());
    const redirected = await subscribe({ callbackUri: local() });
    expect(redirected.json()).toMatchObject({ detail: 'the callback URI did not answer the test GET with 204' });
    expect(target.hits).toEqual([{ method: 'GET', url: '/notify' }]);
  });

  it('a good loopback callback answering 204 is 201 (by IP and by a name resolving to loopback)', async () => {
    const connect = jest.spyOn(Socket.prototype, 'connect');
    const byIp = await subscribe({ callbackUri: local('/ok') });
    expect(byIp.statusCode).toBe(201);
    expect(connect).toHaveBeenCalled(); // the spy does see connections
    const byName = await subscribe({ callbackUri: local('/ok', 'nfvo.test') });
    expect(byName.statusCode).toBe(201);
    expect(target.hits).toEqual([
      { method: 'GET', url: '/ok' },
      { method: 'GET', url: '/ok' },
    ]);
    // checked up front (no token is fetched for a refused callback), and by the pinned lookup that connects
    expect(lookups).toEqual(['nfvo.test', 'nfvo.test']);
  });
});

describe('SSRF: consumer token endpoints', () => {
  const oauth = (tokenEndpoint: string) => ({
    authType: ['OAUTH2_CLIENT_CREDENTIALS'],
    paramsOauth2ClientCredentials: { clientId: 'c', clientPassword: 'client-pw', tokenEndpoint },
  });

  it(
    'a token endpoint with ?client_secret=abc123 that fails:' +
      ' the answer does not contain abc123, the log has it redacted',
    async () => {
      target.handler = (req, res) =>
        void (req.url?.startsWith('/token') === true
          ? res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}')
          : res.writeHead(204).end());
      const res = await subscribe({
        callbackUri: local('/cb-token'),
        authentication: oauth(local('/token?client_secret=abc123')),
      });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({
        field: 'callbackUri',
        detail: 'the callback URI did not answer the test GET with 204',
      });
      expect(res.body).not.toMatch(/abc123|401|invalid_client|client-pw/);
      expect(target.hits).toEqual([{ method: 'POST', url: '/token?client_secret=abc123' }]);
      const log = logs.join('');
      expect(log).toContain('client_secret=***');
      expect(log).not.toContain('abc123');
    },
  );

  it('a token endpoint on the metadata address is refused naming the rule, not echoed, never connected', async () => {
    const connect = jest.spyOn(Socket.prototype, 'connect');
    const res = await subscribe({
      callbackUri: local('/cb-meta'),
      authentication: oauth('http://169.254.169.254/token?client_secret=abc123'),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      field: 'authentication.paramsOauth2ClientCredentials.tokenEndpoint',
      detail: 'the token endpoint is not an allowed destination: cloud metadata address',
    });
    expect(res.body).not.toContain('abc123');
    expect(connect).not.toHaveBeenCalled();
    expect(logs.join('')).not.toContain('abc123');
  });

  it('a token endpoint with credentials in the URL is refused before anything is sent', async () => {
    const res = await subscribe({
      callbackUri: local('/cb-userinfo'),
      authentication: oauth(`http://c:abc123@127.0.0.1:${target.port}/token`),
    });
    expect(res.json()).toMatchObject({
      field: 'authentication.paramsOauth2ClientCredentials.tokenEndpoint',
      detail:
        'the token endpoint is not an allowed destination: credentials in the URL are not allowed (use authentication)',
    });
    expect(res.body).not.toContain('abc123');
    expect(target.hits).toEqual([]);
  });

  it(
    'a good token endpoint on loopback:' +
      ' the callback test carries the bearer token and the subscription is created',
    async () => {
      let auth = '';
      target.handler = (req, res) => {
        if (req.url === '/token')
          return void res
            .writeHead(200, { 'content-type': 'application/json' })
            .end('{"access_token":"tok-1","token_type":"Bearer"}');
        auth = req.headers.authorization ?? '';
        res.writeHead(204).end();
      };
      const res = await subscribe({ callbackUri: local('/cb-good'), authentication: oauth(local('/token')) });
      expect(res.statusCode).toBe(201);
      expect(auth).toBe('Bearer tok-1');
    },
  );
});

describe('notifications.allowLinkLocal', () => {
  it(
    'defaults to false; CLICKVNFM_NOTIFY_ALLOW_LINK_LOCAL sets it;' + ' the policy built from it lifts link-local only',
    async () => {
      expect(loadConfig({}).notifications.allowLinkLocal).toBe(false);
      const config = loadConfig({ CLICKVNFM_NOTIFY_ALLOW_LINK_LOCAL: 'true' });
      expect(config.notifications.allowLinkLocal).toBe(true);
      const fromConfig: OutboundPolicy = { allowLinkLocal: config.notifications.allowLinkLocal };
      await expect(checkOutboundUrl('http://169.254.10.20/', fromConfig)).resolves.toBeUndefined();
      await expect(checkOutboundUrl('http://169.254.169.254/', fromConfig)).rejects.toMatchObject({
        rule: 'cloud metadata address',
      });
      await expect(
        checkOutboundUrl('http://169.254.10.20/', { allowLinkLocal: loadConfig({}).notifications.allowLinkLocal }),
      ).rejects.toMatchObject({ rule: 'link-local address' });
      expect(() => loadConfig({ CLICKVNFM_NOTIFY_ALLOW_LINK_LOCAL: 'maybe' })).toThrow(
        /CLICKVNFM_NOTIFY_ALLOW_LINK_LOCAL/,
      );
    },
  );

  it('callConsumer without a policy refuses link-local and metadata', async () => {
    await expect(callConsumer('POST', 'http://169.254.169.254/', undefined, {}, [204])).rejects.toMatchObject({
      rule: 'cloud metadata address',
      field: 'callbackUri',
    });
    await expect(callConsumer('POST', 'http://169.254.1.1/', undefined, {}, [204])).rejects.toMatchObject({
      rule: 'link-local address',
    });
  });
});
