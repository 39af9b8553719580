import { useRedis } from '../support/redis';
import { ADMIN, basicAdmin, basicReader, buildTestApi, SAMPLE_VNFD, type TestApi } from '../support/api';

const redis = useRedis();
let t: TestApi;
beforeAll(async () => {
  t = await buildTestApi(redis.url, { bodyLimitBytes: 4096 });
});
afterAll(async () => t.close());

function problem(res: { headers: Record<string, unknown>; json(): unknown }) {
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  return res.json() as { status: number; title: string; detail: string; field?: string };
}

describe('API framework', () => {
  it('serves api_versions without credentials, with the Version header', async () => {
    for (const url of ['/vnflcm/api_versions', '/vnflcm/v1/api_versions']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['version']).toBe('1.3.0');
      expect(res.json()).toEqual({
        uriPrefix: url.replace('/api_versions', ''),
        apiVersions: [{ version: '1.3.0', isDeprecated: false }],
      });
    }
  });

  it(
    'api_versions answers whatever Version a client sends (it is how clients find ours;' + ' tackerclient sends 2.0.0)',
    async () => {
      for (const version of ['2.0.0', '9.9.9', 'x']) {
        const res = await t.app.inject({ method: 'GET', url: '/vnflcm/api_versions', headers: { version } });
        expect(res.statusCode).toBe(200);
        expect(res.headers['version']).toBe('1.3.0');
      }
    },
  );

  it('406 on an unsupported Version, with ProblemDetails naming the header', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/vnflcm/v1/vnf_instances',
      headers: { version: '9.9.9', authorization: basicAdmin },
    });
    expect(res.statusCode).toBe(406);
    const pd = problem(res);
    expect(pd).toMatchObject({ status: 406, field: 'Version' });
    expect(pd.detail).toContain('9.9.9');
    expect(res.headers['version']).toBe('1.3.0');
  });

  it('401 with WWW-Authenticate without credentials, and with a wrong password', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/vnflcm/v1/vnf_instances' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/Bearer realm="clickvnfm", Basic realm="clickvnfm"/);
    expect(problem(res).status).toBe(401);
    const bad = await t.app.inject({
      method: 'GET',
      url: '/vnflcm/v1/vnf_instances',
      headers: { authorization: 'Basic ' + Buffer.from('admin:nope').toString('base64') },
    });
    expect(bad.statusCode).toBe(401);
  });

  it('issues a bearer token for client credentials and accepts it; refuses a wrong secret', async () => {
    const tok = await t.app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'Basic ' + Buffer.from(`${ADMIN.clientId}:${ADMIN.clientSecret}`).toString('base64'),
      },
      payload: 'grant_type=client_credentials',
    });
    expect(tok.statusCode).toBe(200);
    const body = tok.json() as { access_token: string; token_type: string; expires_in: number };
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(600);
    const res = await t.app.inject({
      method: 'GET',
      url: '/vnflcm/v1/vnf_instances',
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(res.statusCode).toBe(200);
    const tampered = await t.app.inject({
      method: 'GET',
      url: '/vnflcm/v1/vnf_instances',
      headers: { authorization: `Bearer ${body.access_token}x` },
    });
    expect(tampered.statusCode).toBe(401);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${ADMIN.clientId}&client_secret=zz-bad-secret-zz`,
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: 'invalid_client' });
    expect(wrong.body).not.toContain('zz-bad-secret-zz');
  });

  it('403 when a reader writes', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/vnflcm/v1/vnf_instances',
      headers: { authorization: basicReader },
      payload: { vnfdId: SAMPLE_VNFD.vnfdId },
    });
    expect(res.statusCode).toBe(403);
    expect(problem(res).detail).toContain('reader');
    const read = await t.app.inject({
      method: 'GET',
      url: '/vnflcm/v1/vnf_instances',
      headers: { authorization: basicReader },
    });
    expect(read.statusCode).toBe(200);
  });

  it('400 for bad JSON and for a schema violation, naming the field', async () => {
    const badJson = await t.app.inject({
      method: 'POST',
      url: '/vnflcm/v1/vnf_instances',
      headers: { authorization: basicAdmin, 'content-type': 'application/json' },
      payload: '{"vnfdId": ',
    });
    expect(badJson.statusCode).toBe(400);
    expect(problem(badJson).detail).toMatch(/not valid JSON/);
    const missing = await t.app.inject({
      method: 'POST',
      url: '/vnflcm/v1/vnf_instances',
      headers: { authorization: basicAdmin },
      payload: { vnfInstanceName: 'x' },
    });
    expect(missing.statusCode).toBe(400);
    expect(problem(missing)).toMatchObject({ field: 'vnfdId' });
    const wrongType = await t.app.inject({
      method: 'POST',
      url: '/vnflcm/v1/vnf_instances',
      headers: { authorization: basicAdmin },
      payload: { vnfdId: 'x', vnfInstanceName: 7 },
    });
    expect(problem(wrongType)).toMatchObject({ status: 400, field: 'vnfInstanceName' });
    const extra = await t.app.inject({
      method: 'POST',
      url: '/vnflcm/v1/vnf_instances',
      headers: { authorization: basicAdmin },
      payload: { vnfdId: 'x', colour: 'red' },
    });
    expect(problem(extra)).toMatchObject({ status: 400, field: 'colour' });
  });

  it('404 for an unknown resource and an unknown route; 405 with Allow for a wrong method', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/vnflcm/v1/vnf_instances/nope',
      headers: { authorization: basicAdmin },
    });
    expect(res.statusCode).toBe(404);
    expect(problem(res).detail).toContain('nope');
    const route = await t.app.inject({
      method: 'GET',
      url: '/vnflcm/v1/no_such_thing',
      headers: { authorization: basicAdmin },
    });
    expect(route.statusCode).toBe(404);
    expect(problem(route).status).toBe(404);
    const method = await t.app.inject({
      method: 'PUT',
      url: '/vnflcm/v1/vnf_instances',
      headers: { authorization: basicAdmin },
    });
    expect(method.statusCode).toBe(405);
    expect(method.headers['allow']).toBe('GET, POST');
    expect(problem(method).status).toBe(405);
    const withId = await t.app.inject({
      method: 'PUT',
      url: '/vnflcm/v1/vnf_instances/some-id?x=1',
      headers: { authorization: basicAdmin },
    });
    expect(withId.statusCode).toBe(405);
    expect(withId.headers['allow']).toBe('DELETE, GET');
    // a catch-all route (Swagger UI's static files) answers no 405
    const underWildcard = await t.app.inject({
      method: 'PUT',
      url: '/docs/static/swagger-ui.css',
      headers: { authorization: basicAdmin },
    });
    expect(underWildcard.statusCode).toBe(404);
  });

  it('413 over the body limit', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/vnflcm/v1/vnf_instances',
      headers: { authorization: basicAdmin },
      payload: { vnfdId: 'x'.repeat(10_000) },
    });
    expect(res.statusCode).toBe(413);
    expect(problem(res).status).toBe(413);
  });

  it('422 for a vnfdId that no enabled package carries', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/vnflcm/v1/vnf_instances',
      headers: { authorization: basicAdmin },
      payload: { vnfdId: 'unknown-vnfd' },
    });
    expect(res.statusCode).toBe(422);
    expect(problem(res)).toMatchObject({ field: 'vnfdId' });
    await t.catalog.put({ ...SAMPLE_VNFD, vnfdId: 'disabled-vnfd', operationalState: 'DISABLED' });
    const disabled = await t.app.inject({
      method: 'POST',
      url: '/vnflcm/v1/vnf_instances',
      headers: { authorization: basicAdmin },
      payload: { vnfdId: 'disabled-vnfd' },
    });
    expect(disabled.statusCode).toBe(422);
    expect(problem(disabled).detail).toContain('DISABLED');
  });

  /** POST /vnf_instances on an API whose package store throws `error`. */
  async function createFailingWith(error: Error) {
    const broken = await buildTestApi(redis.url, {
      packages: {
        findByVnfdId: async () => {
          throw error;
        },
      },
    });
    try {
      return await broken.app.inject({
        method: 'POST',
        url: '/vnflcm/v1/vnf_instances',
        headers: { authorization: basicAdmin },
        payload: { vnfdId: 'x' },
      });
    } finally {
      await broken.close();
    }
  }

  it('a bare 500 for an unexpected error, revealing nothing', async () => {
    const res = await createFailingWith(new Error('secret internal detail: password=hunter2'));
    expect(res.statusCode).toBe(500);
    expect(problem(res).title).toBe('Internal Server Error');
    expect(res.body).not.toMatch(/secret|hunter2|Error:/);
  });

  it('a store that dropped the connection under a request is a 503 with Retry-After (look, then retry)', async () => {
    const res = await createFailingWith(new Error('Command aborted due to connection close'));
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(problem(res).detail).toMatch(/may or may not have taken effect/);
    expect(res.body).not.toMatch(/aborted|Error:/);
  });

  it('serves the OpenAPI document at /docs without credentials', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/vnflcm/v1/vnf_instances', '/vnflcm/v1/vnf_instances/{vnfInstanceId}', '/oauth2/token']),
    );
  });
});
