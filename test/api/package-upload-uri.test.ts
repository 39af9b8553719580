import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Redis from 'ioredis';
import { useRedis } from '../support/redis';
import { basicAdmin, buildTestApi, type TestApi } from '../support/api';
import { buildVariant, tinyQcow2 } from '../support/packages';
import { RedisVnfPackageRepository } from '../../src/store';
import { vnfPackageRoutes } from '../../src/api/routes/vnfpkgm/vnf-packages';
import { packageUploadFromUriRoutes } from '../../src/api/routes/vnfpkgm/package-upload-uri';
import { packageSource, type OutboundPolicy, type ResolvedAddress } from '../../src/notify';
import { loadTypeLibrary } from '../../src/tosca';
import type { VnfPkgInfo } from '../../src/domain/vnf-package';

/**
 * POST package_content/upload_from_uri (SOL005 9.4.6), as `openstack vnf package upload --url` calls it:
 * the VNFM downloads the CSAR through the outbound-URL guard (the notifications' SSRF policy) and onboards it.
 */
const redis = useRedis();
const lib = loadTypeLibrary();
const auth = { authorization: basicAdmin };
const LIMIT = 1024 * 1024;
const USER = 'pkg-user';
const PASSWORD = 'pkg-s3cret-pw';
let csar: Buffer;

/** The package server on 127.0.0.1: each path answers as its handler says; every request is recorded. */
const hits: Array<{ url: string; authorization?: string }> = [];
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/pkg.csar': (_req, res) => void res.writeHead(200, { 'content-type': 'application/zip' }).end(csar),
  '/private/pkg.csar': (req, res) => {
    const expected = 'Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    if (req.headers.authorization !== expected)
      return void res.writeHead(401, { 'www-authenticate': 'Basic realm="pkgs"' }).end();
    res.writeHead(200, { 'content-type': 'application/zip' }).end(csar);
  },
  '/big.csar': (_req, res) => void res.writeHead(200).end(Buffer.alloc(LIMIT + 1)),
  '/big-chunked.csar': (_req, res) => {
    // no Content-Length: the limit is met on the bytes as they come
    res.writeHead(200, { 'transfer-encoding': 'chunked' });
    for (let i = 0; i < 4; i++) res.write(Buffer.alloc(LIMIT / 2));
    res.end();
  },
  '/moved': (_req, res) => void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
  '/not-a-zip.csar': (_req, res) => void res.writeHead(200).end('this is not a zip archive'),
  '/slow.csar': (_req, res) => void res.writeHead(200, { 'content-length': '100' }).write('PK'),
};
let server: Server;
let port = 0;

/** `pkgs.nfvo.test` resolves to the package server; `meta.nfvo.test` to it AND to the metadata address. */
const names: Record<string, ResolvedAddress[]> = {
  'pkgs.nfvo.test': [{ address: '127.0.0.1', family: 4 }],
  'meta.nfvo.test': [
    { address: '127.0.0.1', family: 4 },
    { address: '169.254.169.254', family: 4 },
  ],
};
// the default rules (loopback and private allowed; link-local and cloud metadata refused), names from the table
const policy: OutboundPolicy = {
  lookup: async (host) => {
    const found = names[host];
    if (found === undefined) throw Object.assign(new Error(`${host} not found`), { code: 'ENOTFOUND' });
    return found;
  },
};

const logs: string[] = [];
let t: TestApi;
let client: Redis;

beforeAll(async () => {
  csar = await buildVariant({ sample: 'forwarder', image: tinyQcow2(1 << 30, 'upload-from-uri') });
  expect(csar.length).toBeLessThan(LIMIT);
  server = createServer((req, res) => {
    hits.push({
      url: req.url ?? '',
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    const handler = routes[req.url ?? ''];
    if (handler === undefined) return void res.writeHead(404).end();
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
  client = new Redis(redis.url);
  const repo = new RedisVnfPackageRepository(client, '{uritest}');
  t = await buildTestApi(redis.url, {
    packages: repo,
    routes: [
      vnfPackageRoutes({ packages: repo, library: lib, packageLimitBytes: LIMIT }),
      packageUploadFromUriRoutes({
        packages: repo,
        library: lib,
        ...packageSource({ policy, limitBytes: LIMIT, timeoutMs: 1500, idleTimeoutMs: 1000 }),
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
  await t.close();
  client.disconnect();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  hits.length = 0;
});
afterEach(() => jest.restoreAllMocks());

const local = (path: string, host = '127.0.0.1') => `http://${host}:${port}${path}`;

async function createPkg(): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/vnfpkgm/v1/vnf_packages', headers: auth, payload: {} });
  expect(res.statusCode).toBe(201);
  return (res.json() as VnfPkgInfo).id;
}
const uploadFromUri = (id: string, payload: Record<string, unknown>) =>
  t.app.inject({
    method: 'POST',
    url: `/vnfpkgm/v1/vnf_packages/${id}/package_content/upload_from_uri`,
    headers: auth,
    payload,
  });
async function get(id: string): Promise<VnfPkgInfo> {
  return (
    await t.app.inject({ method: 'GET', url: `/vnfpkgm/v1/vnf_packages/${id}`, headers: auth })
  ).json() as VnfPkgInfo;
}
/** Deletes an onboarded package (the next test onboards the same vnfdId). */
async function remove(id: string): Promise<void> {
  const res = await t.app.inject({ method: 'DELETE', url: `/vnfpkgm/v1/vnf_packages/${id}`, headers: auth });
  expect(res.statusCode).toBe(204);
}
/** The package once its download and onboarding are over (no longer UPLOADING or PROCESSING). */
async function settled(id: string): Promise<VnfPkgInfo> {
  for (let i = 0; i < 200; i++) {
    const p = await get(id);
    if (p.onboardingState !== 'UPLOADING' && p.onboardingState !== 'PROCESSING') return p;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`package ${id} is still being uploaded`);
}

describe('upload_from_uri', () => {
  it('answers 202 with no body at once, then downloads the CSAR and onboards it', async () => {
    const id = await createPkg();
    const res = await uploadFromUri(id, { addressInformation: local('/pkg.csar') });
    expect(res.statusCode).toBe(202);
    expect(res.body).toBe('');
    expect(res.headers['content-type']).toBeUndefined();
    const pkg = await settled(id);
    expect(pkg).toMatchObject({ onboardingState: 'ONBOARDED', vnfProductName: 'forwarder' });
    expect(pkg.onboardingFailureDetails).toBeUndefined();
    expect(hits).toEqual([{ url: '/pkg.csar' }]);
    const content = await t.app.inject({
      method: 'GET',
      url: `/vnfpkgm/v1/vnf_packages/${id}/package_content`,
      headers: auth,
    });
    expect(content.rawPayload.equals(csar)).toBe(true);
    // the content is there: a second upload of either kind is a conflict
    const again = await uploadFromUri(id, { addressInformation: local('/pkg.csar') });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ status: 409, field: 'onboardingState' });
    await remove(id);
  });

  it('a host name is resolved through the policy and connected to at the checked address', async () => {
    const id = await createPkg();
    expect((await uploadFromUri(id, { addressInformation: local('/pkg.csar', 'pkgs.nfvo.test') })).statusCode).toBe(
      202,
    );
    expect((await settled(id)).onboardingState).toBe('ONBOARDED');
    await remove(id);
  });

  it.each([
    ['the metadata address', 'http://169.254.169.254/latest/meta-data/', 'cloud metadata address'],
    [
      'a name that also resolves to the metadata address',
      local('/pkg.csar', 'meta.nfvo.test'),
      'cloud metadata address',
    ],
    ['a link-local address', 'http://169.254.10.1/pkg.csar', 'link-local address'],
    ['an IPv4-mapped metadata address', 'http://[::ffff:a9fe:a9fe]/x', 'cloud metadata address'],
    ['file:', 'file:///etc/passwd', 'only http and https are allowed'],
    [
      'credentials in the URL',
      `http://u:p@127.0.0.1:1/x`,
      'credentials in the URL are not allowed (use authentication)',
    ],
  ])('%s is refused with 422 naming the rule before 202, and nothing is connected to', async (_n, uri, rule) => {
    const connect = jest.spyOn(Socket.prototype, 'connect');
    const id = await createPkg();
    const res = await uploadFromUri(id, { addressInformation: uri });
    const calls = [...connect.mock.calls];
    connect.mockRestore();
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      status: 422,
      field: 'addressInformation',
      detail: `the URL is not an allowed destination: ${rule}`,
    });
    // no refused URL names this file's own HTTP server or Redis: a connection to those is someone else's (a reconnect)
    const ours = [port, Number(new URL(redis.url).port)];
    const elsewhere = calls.filter(([o]) => {
      const to = o as { host?: string; port?: number };
      return !(to.host === '127.0.0.1' && to.port !== undefined && ours.includes(Number(to.port)));
    });
    expect(elsewhere).toEqual([]);
    expect(hits).toEqual([]);
    // nothing began: the package can still be uploaded
    expect(await get(id)).toMatchObject({ onboardingState: 'CREATED' });
  });

  it('wrong credentials: CREATED again with the failure in onboardingFailureDetails; then the right ones', async () => {
    const id = await createPkg();
    const uri = local('/private/pkg.csar');
    expect((await uploadFromUri(id, { addressInformation: uri, userName: USER, password: 'wrong' })).statusCode).toBe(
      202,
    );
    const failed = await settled(id);
    expect(failed.onboardingState).toBe('CREATED');
    expect(failed.onboardingFailureDetails).toMatchObject({
      status: 422,
      field: 'addressInformation',
      detail: `the package could not be downloaded: GET ${uri} answered 401`,
    });
    expect(hits.map((h) => h.authorization)).toEqual(['Basic ' + Buffer.from(`${USER}:wrong`).toString('base64')]);
    expect(JSON.stringify(failed)).not.toContain('wrong');

    expect((await uploadFromUri(id, { addressInformation: uri, userName: USER, password: PASSWORD })).statusCode).toBe(
      202,
    );
    const pkg = await settled(id);
    expect(pkg.onboardingState).toBe('ONBOARDED');
    expect(pkg.onboardingFailureDetails).toBeUndefined();
    // neither the password nor the Authorization header is stored or logged
    const all = logs.join('');
    expect(all).toContain('upload_from_uri finished');
    for (const secret of [PASSWORD, Buffer.from(`${USER}:${PASSWORD}`).toString('base64'), 'wrong'])
      expect(all).not.toContain(secret);
    const keys = await client.keys('{uritest}*');
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const type = await client.type(key);
      const value =
        type === 'string' ? await client.getBuffer(key) : Buffer.from(JSON.stringify(await dump(key, type)));
      expect(value?.includes(PASSWORD)).toBe(false);
    }
    await remove(id);
  });

  it.each([
    ['a Content-Length over the limit', '/big.csar'],
    ['a chunked body over the limit', '/big-chunked.csar'],
  ])('%s ends the download: CREATED, the limit in onboardingFailureDetails', async (_n, path) => {
    const id = await createPkg();
    expect((await uploadFromUri(id, { addressInformation: local(path) })).statusCode).toBe(202);
    const pkg = await settled(id);
    expect(pkg.onboardingState).toBe('CREATED');
    expect(pkg.onboardingFailureDetails?.detail).toBe(
      `the package could not be downloaded: GET ${local(path)} is over the package size limit of ${LIMIT} bytes; ` +
        'the download was stopped',
    );
  });

  it('a redirect is not followed (it could lead anywhere)', async () => {
    const connect = jest.spyOn(Socket.prototype, 'connect');
    const id = await createPkg();
    expect((await uploadFromUri(id, { addressInformation: local('/moved') })).statusCode).toBe(202);
    const pkg = await settled(id);
    expect(pkg.onboardingState).toBe('CREATED');
    expect(pkg.onboardingFailureDetails?.detail).toContain('answered 302, a redirect (redirects are not followed');
    expect(hits.map((h) => h.url)).toEqual(['/moved']);
    expect(connect.mock.calls.some((c) => JSON.stringify(c).includes('169.254.169.254'))).toBe(false);
    connect.mockRestore();
  });

  it('a source that stops sending is given up after the idle timeout', async () => {
    const id = await createPkg();
    expect((await uploadFromUri(id, { addressInformation: local('/slow.csar') })).statusCode).toBe(202);
    const pkg = await settled(id);
    expect(pkg.onboardingState).toBe('CREATED');
    expect(pkg.onboardingFailureDetails?.detail).toMatch(/sent nothing for 1 s|did not finish within/);
  });

  it('an unknown host and a closed port are download failures, not refusals', async () => {
    for (const uri of ['http://nowhere.nfvo.test/pkg.csar', 'http://127.0.0.1:1/pkg.csar']) {
      const id = await createPkg();
      expect((await uploadFromUri(id, { addressInformation: uri })).statusCode).toBe(202);
      const pkg = await settled(id);
      expect(pkg.onboardingState).toBe('CREATED');
      expect(pkg.onboardingFailureDetails?.detail).toMatch(
        /^the package could not be downloaded: GET .* failed: E[A-Z]+/,
      );
    }
  });

  it('a download that is not a valid CSAR is onboarded as an upload is: ERROR with the reasons', async () => {
    const id = await createPkg();
    expect((await uploadFromUri(id, { addressInformation: local('/not-a-zip.csar') })).statusCode).toBe(202);
    const pkg = await settled(id);
    expect(pkg.onboardingState).toBe('ERROR');
    expect(pkg.onboardingFailureDetails?.detail).toContain('not a zip archive');
  });

  it('404 for an unknown package, 409 while a download is under way, 400 for a bad body', async () => {
    const unknown = await uploadFromUri('00000000-0000-4000-8000-000000000000', {
      addressInformation: local('/pkg.csar'),
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ status: 404 });

    const id = await createPkg();
    expect((await uploadFromUri(id, { addressInformation: local('/slow.csar') })).statusCode).toBe(202);
    const busy = await uploadFromUri(id, { addressInformation: local('/pkg.csar') });
    expect(busy.statusCode).toBe(409);
    expect(busy.json()).toMatchObject({ field: 'onboardingState', detail: expect.stringContaining('UPLOADING') });
    const put = await t.app.inject({
      method: 'PUT',
      url: `/vnfpkgm/v1/vnf_packages/${id}/package_content`,
      headers: { ...auth, 'content-type': 'application/zip' },
      payload: csar,
    });
    expect(put.statusCode).toBe(409);
    await settled(id);

    for (const payload of [{}, { addressInformation: '' }, { addressInformation: local('/pkg.csar'), extra: 1 }]) {
      const bad = await uploadFromUri(id, payload);
      expect(bad.statusCode).toBe(400);
      expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});

async function dump(key: string, type: string): Promise<unknown> {
  if (type === 'hash') return client.hgetall(key);
  if (type === 'zset') return client.zrange(key, 0, -1);
  if (type === 'set') return client.smembers(key);
  if (type === 'list') return client.lrange(key, 0, -1);
  return type;
}
