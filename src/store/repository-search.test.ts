import Redis from 'ioredis';
import { startTestRedis } from '../../test/support/redis';
import { leafText, matchesFilter, parseFilter, UNSURE } from '../domain/query';
import type { VnfInstance } from '../domain/vnf-instance';
import { SEARCH_LAYOUT } from './repository-migration';
import { leafMatcher } from './leaf-match';
import { RedisVnfInstanceRepository } from './vnf-instance-repository';

function inst(k: number): VnfInstance {
  const doc: VnfInstance = {
    id: `i-${String(k).padStart(3, '0')}`,
    vnfInstanceName: `vnf-${k}`,
    vnfdId: ['fw', 'nat', 'lb'][k % 3] as string,
    vnfProvider: k === 17 ? 'Other' : 'Click-on-OSv Project',
    vnfProductName: 'p',
    vnfSoftwareVersion: '1.0',
    vnfdVersion: '1.0',
    instantiationState: k % 4 === 0 ? 'INSTANTIATED' : 'NOT_INSTANTIATED',
    metadata: { rank: k, site: k % 2 === 0 ? 'north' : 'süd', tags: [`t${k % 5}`, 'all'], flag: k % 7 === 0 },
  };
  if (k % 10 === 3) doc.vnfInstanceDescription = `line one\nline ${k}`;
  if (k === 44) doc.vnfInstanceDescription = 'C:\\temp\\new\tline';
  if (k % 4 === 0)
    doc.instantiatedVnfInfo = {
      flavourId: 'simple',
      vnfState: k % 8 === 0 ? 'STARTED' : 'STOPPED',
      extCpInfo: [],
      vnfcResourceInfo: [
        { id: `c-${k}`, vduId: 'vdu', computeResource: { resourceId: `r-${k}` } },
        { id: `d-${k}`, vduId: k === 24 ? 'rare' : 'vdu', computeResource: { resourceId: `s-${k}` } },
      ],
    } as VnfInstance['instantiatedVnfInfo'];
  if (k === 31) doc.extensions = { 'a/b': 'x', weird: { deep: 'needle' } };
  return doc;
}

const FILTERS = [
  '(eq,metadata/rank,42)',
  '(eq,metadata/site,süd);(gt,metadata/rank,90)',
  '(neq,vnfProvider,Click-on-OSv Project)',
  '(cont,vnfInstanceDescription,line 53)',
  '(ncont,vnfInstanceDescription,line)',
  '(eq,instantiatedVnfInfo/vnfcResourceInfo/vduId,rare)',
  '(neq,instantiatedVnfInfo/vnfcResourceInfo/vduId,vdu)',
  '(gte,metadata/rank,95)',
  '(lt,vnfInstanceName,vnf-11)',
  '(gt,metadata/site,north)',
  '(in,metadata/tags,t3,t4);(eq,metadata/flag,true)',
  '(nin,metadata/tags,all)',
  '(eq,extensions/weird/deep,needle)',
  '(eq,metadata/rank,1e1)',
  '(lte,metadata/rank,0x0A)',
  '(eq,vnfdId,nat);(eq,metadata/rank,40)',
  '(eq,id,i-007,i-009,nope)',
  '(neq,metadata/missing,x)',
  '(cont,vnfInstanceDescription,\\new)',
  '(cont,vnfInstanceDescription,one\nline)',
  '(ncont,vnfInstanceDescription,e\nl)',
  '(ncont,vnfInstanceDescription,\\n)',
  '(eq,vnfInstanceDescription,C:\\temp\\new\tline)',
  '(gt,vnfInstanceDescription,C:\\t)',
];

describe('filters on any attribute (leaf texts searched in the API process)', () => {
  let server: Awaited<ReturnType<typeof startTestRedis>>;
  let redis: Redis;
  const docs = Array.from({ length: 100 }, (_, k) => inst(k));
  beforeAll(async () => {
    server = await startTestRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('the leaf text: one line per scalar leaf, arrays flattened, unnameable members left out', () => {
    expect(leafText({ id: 'a', m: { rank: 3, ok: false, n: null }, tags: ['x', ['y']], 'a/b': 1 })).toBe(
      '\nid\tsa\nm/rank\tn3\nm/ok\tbfalse\ntags\tsx\ntags\tsy\n',
    );
    expect(leafText({ d: 'two\nlines\\n\t' })).toBe('\nd\tstwo\\nlines\\\\n\\t\n');
    let deep: unknown = 'x';
    for (let i = 0; i < 70; i++) deep = { a: deep };
    expect(leafText(deep)).toBe(UNSURE);
  });

  it('gives what matching every document in full gives, page by page', async () => {
    const repo = new RedisVnfInstanceRepository(redis, '{s1}');
    for (const d of docs) await repo.create(d);
    for (const expr of FILTERS) {
      const filter = parseFilter(expr);
      const expected = docs.filter((d) => matchesFilter(d, filter)).map((d) => d.id);
      for (const limit of [1, 7, 1000]) {
        const got: string[] = [];
        let marker: string | undefined;
        do {
          const page = await repo.list({ filter, limit, ...(marker !== undefined ? { marker } : {}) });
          got.push(...page.items.map((d) => d.id));
          marker = page.nextMarker;
        } while (marker !== undefined);
        expect({ expr, limit, got }).toEqual({ expr, limit, got: expected });
      }
    }
  });

  it('the leaf matcher alone gives what matchesFilter gives, on every document and filter', () => {
    for (const expr of FILTERS) {
      const filter = parseFilter(expr);
      const match = leafMatcher(filter);
      for (const d of docs)
        expect({ expr, id: d.id, m: match(leafText(d)) }).toEqual({ expr, id: d.id, m: matchesFilter(d, filter) });
    }
  });

  it("keeps up with its own and other processes' creates, puts and deletes", async () => {
    const repo = new RedisVnfInstanceRepository(redis, '{s2}');
    for (const d of docs.slice(0, 20)) await repo.create(d);
    expect((await repo.list({ filter: parseFilter('(eq,metadata/rank,3)'), limit: 9 })).items.length).toBe(1);
    await repo.update('i-005', (d) => ({ ...d, metadata: { rank: 500 } }));
    await repo.delete('i-006');
    // another process's writes, after this one's cache was loaded
    const other = new RedisVnfInstanceRepository(redis, '{s2}');
    await other.update('i-008', (d) => ({ ...d, metadata: { rank: 800 } }));
    await other.delete('i-009');
    await other.create({ ...(docs[50] as VnfInstance), id: 'i-new', metadata: { rank: 900 } });
    await other.delete('i-010');
    await other.create({ ...(docs[10] as VnfInstance), metadata: { rank: 1000 } }); // the same id again
    const ids = async (expr: string) =>
      (await repo.list({ filter: parseFilter(expr), limit: 100 })).items.map((d) => d.id);
    expect(await ids('(eq,metadata/rank,500)')).toEqual(['i-005']);
    expect(await ids('(eq,metadata/rank,5)')).toEqual([]);
    expect(await ids('(eq,metadata/rank,6)')).toEqual([]);
    expect(await ids('(eq,metadata/rank,800)')).toEqual(['i-008']);
    expect(await ids('(eq,metadata/rank,8)')).toEqual([]);
    expect(await ids('(eq,metadata/rank,9)')).toEqual([]);
    expect(await ids('(eq,metadata/rank,900)')).toEqual(['i-new']);
    expect(await ids('(gte,metadata/rank,10)')).toEqual([
      'i-005',
      'i-008',
      ...[11, 12, 13, 14, 15, 16, 17, 18, 19].map((k) => `i-0${k}`),
      'i-new',
      'i-010',
    ]);
  });

  it('searches at the same time as the first load (and as a reload after many deletes) answer in full', async () => {
    const writer = new RedisVnfInstanceRepository(redis, '{s4}');
    for (const d of docs) await writer.create(d);
    const expected = (expr: string) => docs.filter((d) => matchesFilter(d, parseFilter(expr))).map((d) => d.id);
    const run = async (repo: RedisVnfInstanceRepository) => {
      const answers = await Promise.all(
        FILTERS.map(async (expr) =>
          (await repo.list({ filter: parseFilter(expr), limit: 1000 })).items.map((d) => d.id),
        ),
      );
      FILTERS.forEach((expr, i) => expect({ expr, got: answers[i] }).toEqual({ expr, got: expected(expr) }));
    };
    const reader = new RedisVnfInstanceRepository(redis, '{s4}');
    await run(reader);
    // over 100 more cached than stored: the next search loads again
    for (let i = 0; i < 200; i++) await writer.create({ ...(docs[0] as VnfInstance), id: `tmp-${i}` });
    await reader.list({ filter: parseFilter('(eq,metadata/rank,1)'), limit: 1 });
    for (let i = 0; i < 200; i++) await writer.delete(`tmp-${i}`);
    await run(reader);
    await run(reader);
  });

  it('reads a store an earlier version wrote: dropped indexes deleted, once', async () => {
    const p = '{s3}';
    // what the earlier version kept: documents, versions, creation order and an index per attribute
    const m = redis.multi();
    docs.forEach((d, i) => {
      m.zadd(`${p}:inst:idx`, i + 1, d.id).hset(`${p}:inst:doc`, d.id, JSON.stringify(d));
      m.hset(`${p}:inst:ver`, d.id, 1);
      for (const a of ['id', 'vnfdId', 'vnfProvider', 'vnfInstanceName'] as const)
        m.zadd(`${p}:inst:by:${a}:${d[a] as string}`, i + 1, d.id);
    });
    await m.exec();
    const repo = new RedisVnfInstanceRepository(redis, p);
    const page = await repo.list({ filter: parseFilter('(eq,metadata/rank,42)'), limit: 10 });
    expect(page.items.map((d) => d.id)).toEqual(['i-042']);
    expect(await redis.get(`${p}:inst:layout`)).toBe(SEARCH_LAYOUT);
    expect(await redis.keys(`${p}:inst:by:id:*`)).toEqual([]);
    expect(await redis.keys(`${p}:inst:by:vnfProvider:*`)).toEqual([]);
    expect((await redis.keys(`${p}:inst:by:vnfdId:*`)).length).toBe(3);
    // the kept indexes still answer
    const nat = await repo.list({ filter: parseFilter('(eq,vnfdId,nat)'), limit: 100 });
    expect(nat.items.length).toBe(docs.filter((d) => d.vnfdId === 'nat').length);
    const one = await repo.list({ filter: parseFilter('(eq,id,i-003)'), limit: 100 });
    expect(one.items.map((d) => d.id)).toEqual(['i-003']);
  });

  it('ids by state: from the index, page by page, in creation order, following changes', async () => {
    const repo = new RedisVnfInstanceRepository(redis, '{s6}');
    for (const d of docs) await repo.create(d);
    const all = async (size: number): Promise<string[][]> => {
      const out: string[][] = [];
      for await (const ids of repo.idsInState('INSTANTIATED', size)) out.push(ids);
      return out;
    };
    const want = docs.filter((d) => d.instantiationState === 'INSTANTIATED').map((d) => d.id);
    expect(want.length).toBe(25);
    expect((await all(7)).map((p) => p.length)).toEqual([7, 7, 7, 4]);
    expect((await all(7)).flat()).toEqual(want);
    expect((await all(25)).flat()).toEqual(want); // a full last page: the next read finds nothing
    expect((await all(100)).flat()).toEqual(want);
    await repo.update('i-004', (d) => ({ ...d, instantiationState: 'NOT_INSTANTIATED' }));
    expect((await all(10)).flat()).toEqual(want.filter((id) => id !== 'i-004'));
    const none: string[][] = [];
    for await (const ids of new RedisVnfInstanceRepository(redis, '{s7}').idsInState('INSTANTIATED', 10))
      none.push(ids);
    expect(none).toEqual([]);
  });
});
