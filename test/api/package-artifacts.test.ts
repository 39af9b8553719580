import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { useRedis } from '../support/redis';
import { basicAdmin, buildTestApi, type TestApi } from '../support/api';
import { buildVariant, tinyQcow2 } from '../support/packages';
import { RedisVnfPackageRepository } from '../../src/store';
import { vnfPackageRoutes } from '../../src/api/routes/vnfpkgm/vnf-packages';
import { packageArtifactRoutes } from '../../src/api/routes/vnfpkgm/package-artifacts';
import { loadTypeLibrary } from '../../src/tosca';
import type { VnfPkgInfo } from '../../src/domain/vnf-package';

/** GET /vnfpkgm/v1/vnf_packages/{vnfPkgId}/artifacts/{artifactPath} (SOL005 9.4.7), as tackerclient calls it. */
const redis = useRedis();
const lib = loadTypeLibrary();
const auth = { authorization: basicAdmin };
const image = tinyQcow2(1 << 30, 'artifacts');
let t: TestApi;
let client: Redis;
let onboarded: string;
let created: string;

beforeAll(async () => {
  client = new Redis(redis.url);
  const repo = new RedisVnfPackageRepository(client, '{arttest}');
  t = await buildTestApi(redis.url, {
    packages: repo,
    routes: [
      vnfPackageRoutes({ packages: repo, library: lib, packageLimitBytes: 16 * 1024 * 1024 }),
      packageArtifactRoutes({ packages: repo }),
    ],
  });
  const create = async (): Promise<string> =>
    (
      (await t.app.inject({ method: 'POST', url: '/vnfpkgm/v1/vnf_packages', headers: auth, payload: {} })).json() as {
        id: string;
      }
    ).id;
  onboarded = await create();
  const put = await t.app.inject({
    method: 'PUT',
    url: `/vnfpkgm/v1/vnf_packages/${onboarded}/package_content`,
    headers: { ...auth, 'content-type': 'application/zip' },
    payload: await buildVariant({ sample: 'forwarder', image }),
  });
  expect(put.statusCode).toBe(202);
  const info = (
    await t.app.inject({ method: 'GET', url: `/vnfpkgm/v1/vnf_packages/${onboarded}`, headers: auth })
  ).json() as VnfPkgInfo;
  expect(info.onboardingState).toBe('ONBOARDED');
  created = await create();
});
afterAll(async () => {
  await t.close();
  client.disconnect();
});

const artifact = (id: string, path: string, accept = 'application/zip,application/octet-stream') =>
  t.app.inject({
    method: 'GET',
    url: `/vnfpkgm/v1/vnf_packages/${id}/artifacts/${path}`,
    headers: { ...auth, accept },
  });

describe('artifact download', () => {
  it('serves an image of the package as application/octet-stream, byte for byte', async () => {
    const res = await artifact(onboarded, 'Files/images/click-on-osv.qcow2');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.rawPayload.equals(image)).toBe(true);
    expect(Number(res.headers['content-length'])).toBe(image.length);
  });

  it('serves a Definitions file (Accept: */*) as the VNFD route shows it', async () => {
    const res = await artifact(onboarded, 'Definitions/forwarder_vnfd.yaml', '*/*');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    const vnfd = await t.app.inject({
      method: 'GET',
      url: `/vnfpkgm/v1/vnf_packages/${onboarded}/vnfd`,
      headers: { ...auth, accept: 'text/plain' },
    });
    expect(res.body).toBe(vnfd.body);
    expect(res.body).toContain('descriptor_id:');
  });

  it('takes a path whose slashes are percent-encoded, and a request without Accept', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/vnfpkgm/v1/vnf_packages/${onboarded}/artifacts/TOSCA-Metadata%2FTOSCA.meta`,
      headers: auth,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Entry-Definitions:');
  });

  it.each([
    ['an unknown path', 'Files/images/nothing.qcow2', /has no artifact "Files\/images\/nothing.qcow2"/],
    ['a directory', 'Files/images/', /has no artifact/],
    ['a directory without its slash', 'Files/images', /has no artifact/],
  ])('%s is 404 ProblemDetails', async (_name, path, detail) => {
    const res = await artifact(onboarded, path);
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 404, field: 'artifactPath', detail: expect.stringMatching(detail) });
  });

  it('an unknown package is 404', async () => {
    const res = await artifact('00000000-0000-4000-8000-000000000000', 'Definitions/forwarder_vnfd.yaml');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status: 404, detail: expect.stringContaining('does not exist') });
  });

  it('a package that is not ONBOARDED is 409', async () => {
    const res = await artifact(created, 'Definitions/forwarder_vnfd.yaml');
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      status: 409,
      field: 'onboardingState',
      detail: expect.stringContaining('CREATED'),
    });
  });

  // NOTE: inject() (as a browser or python-requests) resolves '.' and '..' segments of the URL itself, '%2e' too:
  // those are sent raw below; here the forms a URL parser leaves alone
  it.each([
    ['.. (encoded slashes)', 'Files%2F..%2F..%2F..%2Fetc%2Fpasswd', "contains '..'"],
    ['an absolute path', '%2Fetc%2Fpasswd', 'is an absolute path'],
    ['an absolute path (double slash)', '/etc/passwd', 'is an absolute path'],
    ['a backslash', 'Definitions%5C..%5Cx', 'contains a backslash'],
    ['an empty segment', 'Files//images/click-on-osv.qcow2', 'empty'],
    ['no path', '', 'is empty'],
  ])('a path with %s is 400, whatever the package', async (_name, path, reason) => {
    for (const id of [onboarded, created]) {
      const res = await artifact(id, path);
      expect([res.statusCode, res.json()]).toEqual([
        400,
        expect.objectContaining({ status: 400, field: 'artifactPath', detail: expect.stringContaining(reason) }),
      ]);
    }
  });
});

describe('artifact paths sent as they are (no client-side URL normalisation)', () => {
  let port = 0;
  beforeAll(async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });

  /** GET `path` byte for byte (node:http does not resolve dot segments). */
  const raw = (path: string): Promise<{ status: number; type: string; body: string }> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers: { ...auth, accept: '*/*' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      });
      req.on('error', reject);
      req.end();
    });

  it.each([
    ['..', 'Definitions/../TOSCA-Metadata/TOSCA.meta', "contains '..'"],
    ['.. (encoded)', 'Definitions/%2e%2e/TOSCA-Metadata/TOSCA.meta', "contains '..'"],
    ['.. to the file system', 'Files/../../../../../../etc/passwd', "contains '..'"],
    ['a . segment', 'Files/./images/click-on-osv.qcow2', "'.'"],
  ])('a path with %s is 400 ProblemDetails', async (_name, path, reason) => {
    for (const id of [onboarded, created]) {
      const res = await raw(`/vnfpkgm/v1/vnf_packages/${id}/artifacts/${path}`);
      expect(res.status).toBe(400);
      expect(res.type).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(res.body)).toMatchObject({
        status: 400,
        field: 'artifactPath',
        detail: expect.stringContaining(reason),
      });
    }
  });

  it('the same file by its plain path is 200', async () => {
    const res = await raw(`/vnfpkgm/v1/vnf_packages/${onboarded}/artifacts/TOSCA-Metadata/TOSCA.meta`);
    expect([res.status, res.type]).toEqual([200, 'application/octet-stream']);
  });
});
