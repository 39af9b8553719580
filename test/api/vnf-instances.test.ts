import { useRedis } from '../support/redis';
import { basicAdmin, buildTestApi, SAMPLE_VNFD, type TestApi } from '../support/api';
import type { VnfInstance } from '../../src/domain/vnf-instance';

const redis = useRedis({ appendOnly: true });
let t: TestApi;
const auth = { authorization: basicAdmin };

beforeAll(async () => {
  t = await buildTestApi(redis.url, { pageSize: 4 });
});
afterAll(async () => t.close());

async function create(name: string, extra: Record<string, unknown> = {}): Promise<VnfInstance> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/vnflcm/v1/vnf_instances',
    headers: auth,
    payload: { vnfdId: SAMPLE_VNFD.vnfdId, vnfInstanceName: name, ...extra },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as VnfInstance;
}

async function list(
  query: string,
): Promise<{ status: number; items: Array<Partial<VnfInstance>>; link?: string; body: Record<string, unknown> }> {
  const res = await t.app.inject({ method: 'GET', url: `/vnflcm/v1/vnf_instances${query}`, headers: auth });
  const body = res.json() as unknown;
  return {
    status: res.statusCode,
    items: Array.isArray(body) ? body : [],
    link: res.headers['link'] as string | undefined,
    body: body as Record<string, unknown>,
  };
}

describe('VNF instances', () => {
  const made: VnfInstance[] = [];
  beforeAll(async () => {
    // 10 instances: names vnf-0..vnf-9, metadata.rank = i, a tag list on the even ones
    for (let i = 0; i < 10; i++)
      made.push(
        await create(`vnf-${i}`, {
          metadata: { rank: i, site: i < 5 ? 'north' : 'south', tags: i % 2 === 0 ? ['even', 'x'] : ['odd'] },
        }),
      );
    // one instantiated, set through the store as the LCM engine would
    await t.instances.update(made[9]!.id, (d) => ({
      ...d,
      instantiationState: 'INSTANTIATED',
      instantiatedVnfInfo: { flavourId: 'simple', vnfState: 'STARTED', extCpInfo: [] },
    }));
  });

  it('creates with 201, Location, the package identity, NOT_INSTANTIATED and absolute links', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/vnflcm/v1/vnf_instances',
      headers: auth,
      payload: { vnfdId: SAMPLE_VNFD.vnfdId, vnfInstanceName: 'extra' },
    });
    const body = res.json() as VnfInstance;
    expect(res.headers['location']).toBe(`http://vnfm.test:9890/vnflcm/v1/vnf_instances/${body.id}`);
    expect(body).toMatchObject({
      vnfProvider: 'Click-on-OSv Project',
      vnfProductName: 'forwarder',
      vnfPkgId: SAMPLE_VNFD.vnfPkgId,
      instantiationState: 'NOT_INSTANTIATED',
    });
    expect(body._links?.instantiate?.href).toBe(`${res.headers['location'] as string}/instantiate`);
    const got = await t.app.inject({ method: 'GET', url: `/vnflcm/v1/vnf_instances/${body.id}`, headers: auth });
    expect(got.headers['etag']).toBe('"1"');
    await t.app.inject({ method: 'DELETE', url: `/vnflcm/v1/vnf_instances/${body.id}`, headers: auth });
  });

  it.each([
    ['eq', '(eq,vnfInstanceName,vnf-3)', ['vnf-3']],
    ['neq', '(neq,metadata/site,north)', ['vnf-5', 'vnf-6', 'vnf-7', 'vnf-8', 'vnf-9']],
    ['gt', '(gt,metadata/rank,7)', ['vnf-8', 'vnf-9']],
    ['lt', '(lt,metadata/rank,2)', ['vnf-0', 'vnf-1']],
    ['gte', '(gte,metadata/rank,8)', ['vnf-8', 'vnf-9']],
    ['lte', '(lte,metadata/rank,1)', ['vnf-0', 'vnf-1']],
    ['cont', '(cont,vnfInstanceName,-7)', ['vnf-7']],
    ['ncont', '(ncont,vnfInstanceName,vnf-)', []],
    ['in', '(in,vnfInstanceName,vnf-1,vnf-4)', ['vnf-1', 'vnf-4']],
    ['nin', '(nin,metadata/site,north,south)', []],
    ['array element', '(eq,metadata/tags,odd);(lt,metadata/rank,4)', ['vnf-1', 'vnf-3']],
    ['state', '(eq,instantiationState,INSTANTIATED)', ['vnf-9']],
    ['nested through instantiatedVnfInfo', '(eq,instantiatedVnfInfo/vnfState,STARTED)', ['vnf-9']],
    ['quoted value', "(eq,vnfInstanceName,'vnf-2')", ['vnf-2']],
  ])('filters with %s', async (_name, filter, expected) => {
    // page size is 4: follow the links to collect everything
    const names: string[] = [];
    let url: string | undefined = `?filter=${encodeURIComponent(filter)}`;
    while (url !== undefined) {
      const page = await list(url);
      expect(page.status).toBe(200);
      names.push(...page.items.map((i) => i.vnfInstanceName as string));
      url = page.link === undefined ? undefined : new URL(/<([^>]+)>/.exec(page.link)![1]!).search;
    }
    expect(names.filter((n) => n.startsWith('vnf-')).sort()).toEqual(expected);
  });

  it.each([
    ['an unknown operator', '(like,vnfInstanceName,x)', /unknown operator 'like'/],
    ['a missing parenthesis', '(eq,vnfInstanceName,x', /no closing/],
    ['a missing value', '(eq,vnfInstanceName)', /no value/],
    ['two values for gt', '(gt,metadata/rank,1,2)', /exactly one value/],
    ['a bad attribute', '(eq,a//b,1)', /not a valid attribute/],
  ])('400 for a filter with %s', async (_n, filter, message) => {
    const page = await list(`?filter=${encodeURIComponent(filter)}`);
    expect(page.status).toBe(400);
    expect(page.body).toMatchObject({ status: 400, field: 'filter' });
    expect(page.body['detail']).toMatch(message);
  });

  it('applies the selectors: default exclusions, all_fields, fields, exclude_fields, exclude_default', async () => {
    const filter = '?filter=' + encodeURIComponent('(eq,vnfInstanceName,vnf-9)');
    const [def] = (await list(filter)).items;
    expect(def).not.toHaveProperty('metadata');
    expect(def).not.toHaveProperty('instantiatedVnfInfo');
    expect(def).toHaveProperty('vnfdId');
    const [all] = (await list(filter + '&all_fields')).items;
    expect(all).toHaveProperty('metadata.rank', 9);
    expect(all).toHaveProperty('instantiatedVnfInfo.vnfState', 'STARTED');
    const [fields] = (await list(filter + '&fields=instantiatedVnfInfo/vnfState')).items;
    expect(fields?.instantiatedVnfInfo).toEqual({ vnfState: 'STARTED' });
    expect(fields).not.toHaveProperty('metadata');
    const [excl] = (await list(filter + '&exclude_fields=vnfProvider,metadata/tags')).items;
    expect(excl).not.toHaveProperty('vnfProvider');
    expect(excl).toHaveProperty('metadata.site', 'south');
    expect(excl).not.toHaveProperty('metadata.tags');
    const [exDef] = (await list(filter + '&exclude_default')).items;
    expect(exDef).not.toHaveProperty('metadata');
    const bad = await list(filter + '&all_fields&fields=metadata');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ field: 'all_fields' });
  });

  it('pages over several pages with Link rel="next" and an opaque marker', async () => {
    const seen: string[] = [];
    let url: string | undefined = '';
    let pages = 0;
    while (url !== undefined) {
      const page = await list(url);
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((i) => i.id as string));
      pages += 1;
      if (page.link !== undefined)
        expect(page.link).toMatch(
          /^<http:\/\/vnfm\.test:9890\/vnflcm\/v1\/vnf_instances\?nextpage_opaque_marker=[^>]+>; rel="next"$/,
        );
      url = page.link === undefined ? undefined : new URL(/<([^>]+)>/.exec(page.link)![1]!).search;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(made.map((m) => m.id));
  });

  it('DELETE: 204 when NOT_INSTANTIATED, 409 when INSTANTIATED or busy, 404 after', async () => {
    const inst = made[9]!;
    const res = await t.app.inject({ method: 'DELETE', url: `/vnflcm/v1/vnf_instances/${inst.id}`, headers: auth });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ status: 409, field: 'instantiationState' });
    const busy = made[8]!;
    expect(await t.instances.tryBeginOperation(busy.id, 'op-1', ['NOT_INSTANTIATED'])).toEqual({ ok: true });
    const res2 = await t.app.inject({ method: 'DELETE', url: `/vnflcm/v1/vnf_instances/${busy.id}`, headers: auth });
    expect(res2.statusCode).toBe(409);
    expect((res2.json() as { detail: string }).detail).toContain('op-1');
    await t.instances.endOperation(busy.id, 'op-1');
    const ok = await t.app.inject({ method: 'DELETE', url: `/vnflcm/v1/vnf_instances/${busy.id}`, headers: auth });
    expect(ok.statusCode).toBe(204);
    const gone = await t.app.inject({ method: 'GET', url: `/vnflcm/v1/vnf_instances/${busy.id}`, headers: auth });
    expect(gone.statusCode).toBe(404);
    made.splice(8, 1);
  });

  it('one active operation per instance, atomically, under concurrency', async () => {
    const inst = made[0]!;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.instances.tryBeginOperation(inst.id, `op-${i}`, ['NOT_INSTANTIATED'])),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const winner = await t.instances.activeOperation(inst.id);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'busy' && r.activeOpOccId === winner)).toBe(
      true,
    );
    expect(await t.instances.tryBeginOperation(inst.id, winner!, ['NOT_INSTANTIATED'])).toEqual({ ok: true });
    expect(await t.instances.tryBeginOperation(made[7]!.id, 'x', ['INSTANTIATED'])).toEqual({
      ok: false,
      reason: 'wrong-state',
      state: 'NOT_INSTANTIATED',
    });
    await t.instances.endOperation(inst.id, winner!);
    expect(await t.instances.activeOperation(inst.id)).toBeUndefined();
  });

  it('loses no instance when Redis restarts (AOF)', async () => {
    const before = (await list('?all_fields')).items.length;
    const fresh = await create('survivor');
    await redis.restart();
    // ioredis reconnects by itself
    const got = await t.app.inject({ method: 'GET', url: `/vnflcm/v1/vnf_instances/${fresh.id}`, headers: auth });
    expect(got.statusCode).toBe(200);
    expect((got.json() as VnfInstance).vnfInstanceName).toBe('survivor');
    expect(await t.instances.count()).toBeGreaterThanOrEqual(before + 1);
  });
});
