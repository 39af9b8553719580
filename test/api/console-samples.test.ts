/**
 * The console's samples route, `GET /clickvnfm/v1/vnf_instances/{id}/vnfcs/{vnfcId}/samples?n=`: what the monitor
 * stored for a VNFC (real Redis, emulated VMs, the monitor in the worker with a short interval), oldest first;
 * a reader may read it; 404 for an unknown instance or VNFC; n bounded.
 */
import type { VnfInstance } from '../../src/domain/vnf-instance';
import type { VnfcSample } from '../../src/ports/monitoring';
import { useRedis } from '../support/redis';
import {
  AUTH,
  buildLcmHarness,
  createSampleInstance,
  READER_AUTH,
  requestInstantiate,
  waitForOp,
  type LcmHarness,
} from '../support/lcm';

const redis = useRedis();
let h: LcmHarness;
let inst: VnfInstance;
let vnfcId: string;
const INTERVAL = 300;

beforeAll(async () => {
  h = await buildLcmHarness(redis.url, {
    monitor: { intervalMs: INTERVAL, reconcileMs: INTERVAL, agentTimeoutMs: 1000 },
  });
  const created = await createSampleInstance(h, 'forwarder');
  const res = await requestInstantiate(h, created.id);
  await waitForOp(h, res.headers.location as string, ['COMPLETED']);
  inst = (await h.app.inject({ method: 'GET', url: `/vnflcm/v1/vnf_instances/${created.id}`, headers: AUTH })).json();
  vnfcId = inst.instantiatedVnfInfo!.vnfcResourceInfo![0]!.id;
});
afterAll(async () => h.close(), 60_000);

const samples = (path: string, headers: Record<string, string> = READER_AUTH) =>
  h.app.inject({ method: 'GET', url: `/clickvnfm/v1/vnf_instances/${path}`, headers });

describe('GET /clickvnfm/v1/vnf_instances/{id}/vnfcs/{vnfcId}/samples', () => {
  it("a reader reads the VNFC's stored samples, oldest first, the newest n of them", async () => {
    const path = `${inst.id}/vnfcs/${encodeURIComponent(vnfcId)}/samples`;
    let list: VnfcSample[] = [];
    const deadline = Date.now() + 15_000;
    while (list.length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, INTERVAL));
      const res = await samples(path);
      expect(res.statusCode).toBe(200);
      list = res.json();
    }
    expect(list.length).toBeGreaterThanOrEqual(3);
    const last = list[list.length - 1]!;
    expect(last).toMatchObject({ vm: 'ACTIVE', api: true, nf: true, cpu: expect.any(Number) });
    // the forwarder's Counters, read over its ControlSocket, with their names (stored apart, given back whole)
    expect(last.el).toEqual(expect.arrayContaining([['c_out1', 'count', expect.any(Number)]]));
    expect(last.ports).toEqual([]); // the 2017 plugin reports percentages, no port counters
    expect(list.map((s) => s.t)).toEqual([...list.map((s) => s.t)].sort((a, b) => a - b));

    const two = await samples(`${path}?n=2`);
    expect(two.statusCode).toBe(200);
    const got: VnfcSample[] = two.json();
    expect(got).toHaveLength(2);
    expect(got[0]!.t).toBeLessThan(got[1]!.t);
    expect(got[1]!.t).toBeGreaterThanOrEqual(last.t);
  }, 30_000);

  it('n is bounded: 1 to 1000, else 400', async () => {
    const path = `${inst.id}/vnfcs/${encodeURIComponent(vnfcId)}/samples`;
    for (const n of ['0', '1001', '-1', 'many']) {
      const res = await samples(`${path}?n=${n}`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ status: 400 });
    }
    expect((await samples(`${path}?n=1000`)).statusCode).toBe(200);
  });

  it('404 for an unknown instance or VNFC, 401 without credentials', async () => {
    const unknown = await samples(`00000000-0000-4000-8000-000000000000/vnfcs/${vnfcId}/samples`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ status: 404, detail: expect.stringContaining('does not exist') });
    const noVnfc = await samples(`${inst.id}/vnfcs/no-such-vnfc/samples`);
    expect(noVnfc.statusCode).toBe(404);
    expect(noVnfc.json()).toMatchObject({ status: 404, detail: expect.stringContaining('has no VNFC no-such-vnfc') });
    const notInstantiated = await createSampleInstance(h, 'forwarder');
    expect((await samples(`${notInstantiated.id}/vnfcs/${vnfcId}/samples`)).statusCode).toBe(404);
    expect((await samples(`${inst.id}/vnfcs/${vnfcId}/samples`, {})).statusCode).toBe(401);
  });
});
