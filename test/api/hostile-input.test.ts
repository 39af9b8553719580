import { request as httpRequest } from 'node:http';
import { useRedis } from '../support/redis';
import { AUTH, READER_AUTH, buildLcmHarness, type LcmHarness } from '../support/lcm';
import type { VnfInstance } from '../../src/domain/vnf-instance';

/**
 * The reproductions of "Hostile input at the edge": each one crashed the VNFM, turned auth off,
 * stored a broken document or answered something that is not ProblemDetails before.
 */
const redis = useRedis();
let h: LcmHarness;
const protoNames = (): string[] => Object.getOwnPropertyNames(Object.prototype).sort();
let protoBefore: string[];

beforeAll(async () => {
  h = await buildLcmHarness(redis.url, { worker: false });
  protoBefore = protoNames();
}, 60_000);
afterAll(async () => h.close(), 60_000);

afterEach(() => {
  // the invariant every test here protects
  expect(protoNames()).toEqual(protoBefore);
  expect(({} as Record<string, unknown>)['auth']).toBeUndefined();
});

async function createInstance(extra: Record<string, unknown> = {}): Promise<VnfInstance> {
  const res = await h.app.inject({
    method: 'POST',
    url: '/vnflcm/v1/vnf_instances',
    headers: AUTH,
    payload: { vnfdId: h.vnfdIds['forwarder'], ...extra },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as VnfInstance;
}

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  status: number,
): Record<string, unknown> {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const pd = res.json() as Record<string, unknown>;
  expect(pd['status']).toBe(status);
  expect(typeof pd['detail']).toBe('string');
  return pd;
}

function nested(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

async function instanceCount(): Promise<number> {
  const res = await h.app.inject({ method: 'GET', url: '/vnflcm/v1/vnf_instances', headers: AUTH });
  return (res.json() as unknown[]).length;
}

describe('prototype pollution', () => {
  it('exclude_fields=__proto__/hasOwnProperty is a 400 and Object.prototype keeps hasOwnProperty', async () => {
    for (const url of ['/vnfpkgm/v1/vnf_packages', '/vnflcm/v1/vnf_instances', '/vnflcm/v1/vnf_lcm_op_occs']) {
      const res = await h.app.inject({
        method: 'GET',
        url: `${url}?exclude_fields=__proto__/hasOwnProperty`,
        headers: READER_AUTH,
      });
      const pd = expectProblem(res, 400);
      expect(pd['field']).toBe('exclude_fields');
    }
    expect(typeof Object.prototype.hasOwnProperty).toBe('function');
  });

  it(
    'a merge-patch with constructor/prototype is refused,' +
      ' and selectors and filters through prototypes are 400; auth stays on',
    async () => {
      const inst = await createInstance();
      const patch = await h.app.inject({
        method: 'PATCH',
        url: `/vnflcm/v1/vnf_instances/${inst.id}`,
        headers: { ...AUTH, 'content-type': 'application/merge-patch+json' },
        payload: '{"metadata":{"constructor":{"prototype":{"auth":false}}}}',
      });
      const pd = expectProblem(patch, 400);
      expect(pd['detail']).toMatch(/'constructor'/);
      expect(pd['field']).toBe('metadata.constructor');
      const proto = await h.app.inject({
        method: 'PATCH',
        url: `/vnflcm/v1/vnf_instances/${inst.id}`,
        headers: { ...AUTH, 'content-type': 'application/merge-patch+json' },
        payload: '{"metadata":{"__proto__":{"auth":false}}}',
      });
      expectProblem(proto, 400);
      const plainJson = await h.app.inject({
        method: 'PATCH',
        url: `/vnflcm/v1/vnf_instances/${inst.id}`,
        headers: { ...AUTH, 'content-type': 'application/json' },
        payload: '{"metadata":{"prototype":{"auth":false}}}',
      });
      expect(plainJson.statusCode).toBe(400);
      for (const q of [
        'fields=metadata/constructor/prototype/auth',
        'filter=(eq,metadata/constructor/prototype/auth,false)',
        'filter=(eq,__proto__/auth,false)',
        'exclude_fields=metadata/prototype',
      ]) {
        const res = await h.app.inject({ method: 'GET', url: `/vnflcm/v1/vnf_instances?${q}`, headers: READER_AUTH });
        expectProblem(res, 400);
      }
      const anonymous = await h.app.inject({ method: 'GET', url: '/vnflcm/v1/vnf_instances' });
      expectProblem(anonymous, 401);
    },
  );

  it('a stored instance with ordinary metadata still answers selectors over its own keys only', async () => {
    const inst = await createInstance({ metadata: { toString: 'x', hasOwnProperty: 'y' } });
    const res = await h.app.inject({
      method: 'GET',
      url: `/vnflcm/v1/vnf_instances?filter=(eq,metadata/toString,x)`,
      headers: READER_AUTH,
    });
    expect((res.json() as VnfInstance[]).map((i) => i.id)).toContain(inst.id);
    const none = await h.app.inject({
      method: 'GET',
      url: `/vnflcm/v1/vnf_instances?filter=(eq,metadata/valueOf,x)`,
      headers: READER_AUTH,
    });
    expect(none.statusCode).toBe(200);
    expect((none.json() as unknown[]).length).toBe(0);
  });
});

describe('shapes the fuzzer found', () => {
  it('a fields path that goes on below a scalar selects nothing more and keeps the scalar', async () => {
    const inst = await createInstance();
    const res = await h.app.inject({
      method: 'GET',
      url: `/vnflcm/v1/vnf_instances?fields=instantiationState/x/y,vnfdId/z`,
      headers: READER_AUTH,
    });
    expect(res.statusCode).toBe(200);
    const mine = (res.json() as VnfInstance[]).find((i) => i.id === inst.id);
    expect(mine?.instantiationState).toBe('NOT_INSTANTIATED');
    expect(mine?.vnfdId).toBe(inst.vnfdId);
  });

  it(
    'a subscription filter with malformed vnfProductsFromProviders is' +
      ' a 400 (it once made every later notification, and DELETE, fail)',
    async () => {
      for (const bad of [[null], ['x'], [{ vnfProducts: [] }], [{ vnfProvider: 'p', vnfProducts: [null] }]]) {
        const res = await h.app.inject({
          method: 'POST',
          url: '/vnflcm/v1/subscriptions',
          headers: AUTH,
          payload: {
            callbackUri: 'http://127.0.0.1:9/cb',
            filter: { vnfInstanceSubscriptionFilter: { vnfProductsFromProviders: bad } },
          },
        });
        expectProblem(res, 400);
      }
    },
  );
});

describe('SOL003/SOL013 details clients check', () => {
  it('a filter or selector naming an attribute the resource does not have is a 400 naming the parameter', async () => {
    for (const base of [
      '/vnflcm/v1/vnf_instances',
      '/vnflcm/v1/vnf_lcm_op_occs',
      '/vnflcm/v1/subscriptions',
      '/vnfpkgm/v1/vnf_packages',
    ]) {
      expect(
        expectProblem(
          await h.app.inject({ method: 'GET', url: `${base}?filter=(eq,attribute_not_exist,x)`, headers: READER_AUTH }),
          400,
        )['field'],
      ).toBe('filter');
      expect(
        expectProblem(
          await h.app.inject({ method: 'GET', url: `${base}?fields=wrong_field`, headers: READER_AUTH }),
          400,
        )['field'],
      ).toBe('fields');
      expect(
        expectProblem(
          await h.app.inject({ method: 'GET', url: `${base}?exclude_fields=wrong_field`, headers: READER_AUTH }),
          400,
        )['field'],
      ).toBe('exclude_fields');
      // a real attribute is fine, also nested
      expect(
        (await h.app.inject({ method: 'GET', url: `${base}?filter=(neq,id,x)&fields=_links`, headers: READER_AUTH }))
          .statusCode,
      ).toBe(200);
    }
  });

  it(
    'task answers are 202 with a Location and an empty body (no JSON null);' +
      ' retry and rollback carry the op-occ Location',
    async () => {
      const inst = await createInstance();
      const res = await h.app.inject({
        method: 'POST',
        url: `/vnflcm/v1/vnf_instances/${inst.id}/instantiate`,
        headers: AUTH,
        payload: { flavourId: 'simple' },
      });
      expect(res.statusCode).toBe(202);
      expect(res.body).toBe('');
      expect(res.headers['content-type']).toBeUndefined();
      const location = String(res.headers['location']);
      expect(location).toMatch(/\/vnflcm\/v1\/vnf_lcm_op_occs\/[0-9a-f-]{36}$/);
      // no worker runs in this harness: put the op-occ in FAILED_TEMP as the engine leaves a failed step
      const opId = location.split('/').pop() as string;
      await h.deps.opOccs.update(opId, (o) => ({ ...o, operationState: 'FAILED_TEMP' }));
      for (const task of ['retry', 'rollback']) {
        const r = await h.app.inject({
          method: 'POST',
          url: `/vnflcm/v1/vnf_lcm_op_occs/${opId}/${task}`,
          headers: AUTH,
        });
        expect(r.statusCode).toBe(202);
        expect(r.headers['location']).toBe(location);
        expect(r.body).toBe('');
        await h.deps.opOccs.update(opId, (o) => ({ ...o, operationState: 'FAILED_TEMP' }));
      }
    },
  );
});

describe('depth and size', () => {
  it('metadata nested 1,100 levels is a 400 and nothing is stored', async () => {
    const before = await instanceCount();
    const res = await h.app.inject({
      method: 'POST',
      url: '/vnflcm/v1/vnf_instances',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: `{"vnfdId":"${h.vnfdIds['forwarder'] ?? ''}","metadata":${nested(1100)}}`,
    });
    const pd = expectProblem(res, 400);
    expect(pd['detail']).toMatch(/deeper than 32/);
    expect(await instanceCount()).toBe(before);
  });

  it('an instantiate with additionalParams nested 1,100 levels is a 400 and leaves no op-occ', async () => {
    const inst = await createInstance();
    const res = await h.app.inject({
      method: 'POST',
      url: `/vnflcm/v1/vnf_instances/${inst.id}/instantiate`,
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: `{"flavourId":"simple","additionalParams":${nested(1100)}}`,
    });
    expectProblem(res, 400);
    const ops = await h.app.inject({
      method: 'GET',
      url: `/vnflcm/v1/vnf_lcm_op_occs?filter=(eq,vnfInstanceId,${inst.id})`,
      headers: AUTH,
    });
    expect(ops.json()).toEqual([]);
    // the instance is untouched: readable, deletable
    expect(
      (await h.app.inject({ method: 'DELETE', url: `/vnflcm/v1/vnf_instances/${inst.id}`, headers: AUTH })).statusCode,
    ).toBe(204);
  });

  it('a body with more keys than the limit is a 400; 32 levels are still accepted', async () => {
    const wide = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, i]));
    const res = await h.app.inject({
      method: 'POST',
      url: '/vnflcm/v1/vnf_instances',
      headers: AUTH,
      payload: { vnfdId: h.vnfdIds['forwarder'], metadata: wide },
    });
    expect(expectProblem(res, 400)['detail']).toMatch(/more than 10000 keys/);
    const ok = await h.app.inject({
      method: 'POST',
      url: '/vnflcm/v1/vnf_instances',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: `{"vnfdId":"${h.vnfdIds['forwarder'] ?? ''}","metadata":${nested(30)}}`,
    });
    expect(ok.statusCode).toBe(201);
  });
});

describe("Fastify's own errors are ProblemDetails", () => {
  it('a path id over the router limit is 414, %zz is 400, an unknown media type 415', async () => {
    expectProblem(
      await h.app.inject({ method: 'GET', url: `/vnflcm/v1/vnf_instances/${'a'.repeat(300)}`, headers: AUTH }),
      414,
    );
    const long = await h.app.inject({
      method: 'GET',
      url: `/vnflcm/v1/vnf_instances/${'a'.repeat(150)}`,
      headers: AUTH,
    });
    expect([400, 404]).toContain(long.statusCode);
    expectProblem(long, long.statusCode);
    expectProblem(await h.app.inject({ method: 'GET', url: '/vnflcm/v1/vnf_instances/%zz', headers: AUTH }), 400);
    expectProblem(
      await h.app.inject({
        method: 'POST',
        url: '/vnflcm/v1/vnf_instances',
        headers: { ...AUTH, 'content-type': 'text/plain' },
        payload: 'x',
      }),
      415,
    );
  });

  it('over a real socket too (raw paths inject might normalise)', async () => {
    const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const port = Number(new URL(address).port);
    try {
      for (const [path, status] of [
        ['/vnflcm/v1/vnf_instances/%zz', 400],
        ['/vnflcm/v1/vnf_instances/%E0%A4%A', 400],
        [`/vnflcm/v1/vnf_instances/${'b'.repeat(5000)}`, 414],
        ['/vnflcm/v1/vnf_instances?filter=%E0%A4%A', 400],
      ] as const) {
        const res = await raw(port, path);
        expect(res.status).toBe(status);
        expect(res.type).toMatch(/^application\/problem\+json/);
        expect((JSON.parse(res.body) as { status: number }).status).toBe(status);
      }
      // an undecodable query parameter name is just an unknown parameter (the fuzzer once saw a 500 here)
      const odd = await raw(port, '/vnflcm/v1/vnf_instances?%zz&fields=%zz');
      expect(odd.status).toBe(400);
      expect(odd.type).toMatch(/^application\/problem\+json/);
    } finally {
      await h.app.server.close();
    }
  });
});

function raw(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers: AUTH }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('security headers', () => {
  it('every answer carries CSP, X-Frame-Options and X-Content-Type-Options', async () => {
    for (const [url, headers] of [
      ['/vnflcm/v1/api_versions', {}],
      ['/vnflcm/v1/vnf_instances', AUTH],
      ['/vnflcm/v1/vnf_instances', {}],
      ['/no/such/route', {}],
      ['/docs', {}],
    ] as const) {
      const res = await h.app.inject({ method: 'GET', url, headers });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(String(res.headers['content-security-policy'])).toMatch(/default-src 'self'/);
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });
});
