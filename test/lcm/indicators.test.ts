/**
 * The VNF Indicator interface end to end on real Redis and emulated VMs: the monitor reads the forwarder's two
 * indicators (its Counters, over Click's ControlSocket) into /vnfind/v1, a subscriber whose filter matches gets
 * each value change once and in order, terminate drops the values, and unknown instances and indicators are 404.
 */
import { HttpVnfAgentFactory } from '../../src/agent';
import type { VnfIndicator } from '../../src/domain/indicator';
import type { VnfInstance, VnfcResourceInfo } from '../../src/domain/vnf-instance';
import { indicatorConsumer } from '../../src/lcm/monitor/indicators';
import type { VnfcObservation } from '../../src/lcm/monitor/observe';
import type { IndicatorNotifier } from '../../src/ports/indicators';
import { silentLogger } from '../../src/ports/logger';
import { RedisIndicatorStore } from '../../src/store';
import { Consumer } from '../support/consumer';
import { useMonitoredHarness } from '../support/monitored';
import { useRedis } from '../support/redis';
import { AUTH, createSampleInstance, waitForOp, type LcmHarness } from '../support/lcm';

const redis = useRedis();
const consumer = new Consumer();
let h: LcmHarness;
const INTERVAL = 300;
const FWD_0_TO_1 = 'packets_forwarded_0_to_1';
const FWD_1_TO_0 = 'packets_forwarded_1_to_0';

const get = (url: string) => h.app.inject({ method: 'GET', url, headers: AUTH });
const getJson = async <T>(url: string): Promise<T> => (await get(url)).json();

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

async function instantiate(): Promise<VnfInstance> {
  const inst = await createSampleInstance(h, 'forwarder');
  const res = await h.app.inject({
    method: 'POST',
    url: `/vnflcm/v1/vnf_instances/${inst.id}/instantiate`,
    headers: AUTH,
    payload: { flavourId: 'simple' },
  });
  expect(res.statusCode).toBe(202);
  await waitForOp(h, res.headers.location as string, ['COMPLETED']);
  return getJson<VnfInstance>(`/vnflcm/v1/vnf_instances/${inst.id}`);
}

/** A Counter's `count` as the VNFC's agent reads it right now (click-plugin: over the ControlSocket). */
async function counter(vnfc: VnfcResourceInfo, element: string): Promise<number> {
  const md = vnfc.metadata as { managementAddress: string; managementPort: number; controlSocketPort: number };
  const agent = new HttpVnfAgentFactory({ timeoutMs: 3000 }).forEndpoint({
    address: md.managementAddress,
    port: md.managementPort,
    dialect: 'click-plugin',
    controlSocketPort: md.controlSocketPort,
    vmControlSocketPort: 8001,
  });
  const found = (await agent.metrics()).elements.find((e) => e.element === element && e.handler === 'count');
  if (found === undefined) throw new Error(`no ${element}.count`);
  return found.value;
}

const indicatorsOf = (id: string) => getJson<VnfIndicator[]>(`/vnfind/v1/indicators/${id}`);
const valueOf = async (id: string, indicatorId: string) =>
  (await indicatorsOf(id)).find((i) => i.id === indicatorId)?.value;

describe('VNF indicators (/vnfind/v1)', () => {
  useMonitoredHarness(redis, consumer, INTERVAL, (x) => (h = x));
  let inst: VnfInstance;

  it("the forwarder's indicators appear after instantiate, with the values of its Counters", async () => {
    inst = await instantiate();
    const vnfc = inst.instantiatedVnfInfo!.vnfcResourceInfo![0]!;
    expect(inst._links?.indicators).toEqual({ href: `http://vnfm.test/vnfind/v1/indicators/${inst.id}` });
    await until('both indicators', async () => ((await indicatorsOf(inst.id)).length === 2 ? true : undefined));
    // counting for a while: a window of one interval is then narrow beside the count
    await new Promise((r) => setTimeout(r, 2000));
    for (const [indicatorId, element] of [
      [FWD_0_TO_1, 'c_out1'],
      [FWD_1_TO_0, 'c_out0'],
    ] as const) {
      // the counter before and after a pass that read it: the indicator lies between (counters only grow)
      const before = await counter(vnfc, element);
      const value = await until('a pass after the first read', async () => {
        const v = await valueOf(inst.id, indicatorId);
        return v !== undefined && v >= before ? v : undefined;
      });
      const after = await counter(vnfc, element);
      expect(before).toBeGreaterThan(0);
      // the window is narrower than the count: a counter twice or thrice as fast (c_in0) cannot fall in it
      expect(after).toBeLessThan(before * 2);
      expect(value).toBeGreaterThanOrEqual(before);
      expect(value).toBeLessThanOrEqual(after);
    }
    const one = await get(`/vnfind/v1/indicators/${inst.id}/${FWD_0_TO_1}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual({
      id: FWD_0_TO_1,
      name: 'Packets forwarded from port 0 to port 1',
      value: expect.any(Number),
      vnfInstanceId: inst.id,
      _links: {
        self: { href: `http://vnfm.test/vnfind/v1/indicators/${inst.id}/${FWD_0_TO_1}` },
        vnfInstance: { href: `http://vnfm.test/vnflcm/v1/vnf_instances/${inst.id}` },
      },
    });
    // every instance's, with filters as the other lists
    const all = await getJson<VnfIndicator[]>(
      `/vnfind/v1/indicators?filter=${encodeURIComponent(`(eq,vnfInstanceId,${inst.id});(eq,id,${FWD_1_TO_0})`)}`,
    );
    expect(all.map((i) => [i.vnfInstanceId, i.id])).toEqual([[inst.id, FWD_1_TO_0]]);
    const bad = await get('/vnfind/v1/indicators?filter=(eq,nope,1)');
    expect(bad.statusCode).toBe(400);
  }, 60_000);

  it('a subscriber whose filter matches gets each value change once, in order; another filter gets none', async () => {
    const subscribe = async (filter: unknown) => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/vnfind/v1/subscriptions',
        headers: AUTH,
        payload: { callbackUri: consumer.url, filter },
      });
      expect(res.statusCode).toBe(201);
      return res.json() as { id: string; _links: { self: { href: string } } };
    };
    const sub = await subscribe({
      vnfInstanceSubscriptionFilter: { vnfInstanceIds: [inst.id] },
      notificationTypes: ['VnfIndicatorValueChangeNotification'],
      indicatorIds: [FWD_0_TO_1],
    });
    expect(sub._links.self.href).toBe(`http://vnfm.test/vnfind/v1/subscriptions/${sub.id}`);
    const other = await subscribe({ indicatorIds: ['no_such_indicator'] });
    const mine = () => consumer.received.map((r) => r.body).filter((b) => b['subscriptionId'] === sub.id);
    await until('four notifications', async () => (mine().length >= 4 ? true : undefined));
    expect((await h.app.inject({ method: 'DELETE', url: sub._links.self.href, headers: AUTH })).statusCode).toBe(204);
    const bodies = mine();
    expect(bodies[0]).toMatchObject({
      notificationType: 'VnfIndicatorValueChangeNotification',
      vnfIndicatorId: FWD_0_TO_1,
      name: 'Packets forwarded from port 0 to port 1',
      vnfInstanceId: inst.id,
      _links: {
        subscription: { href: sub._links.self.href },
        vnfInstance: { href: `http://vnfm.test/vnflcm/v1/vnf_instances/${inst.id}` },
      },
    });
    expect(bodies.every((b) => b['vnfIndicatorId'] === FWD_0_TO_1)).toBe(true);
    // once per change: no id and no value twice, and the values in the order the counter took them
    const values = bodies.map((b) => b['value'] as number);
    expect(new Set(bodies.map((b) => b['id'])).size).toBe(bodies.length);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(new Set(values).size).toBe(values.length);
    const times = bodies.map((b) => Date.parse(b['timeStamp'] as string));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(consumer.received.some((r) => r.body['subscriptionId'] === other.id)).toBe(false);
  }, 60_000);

  it('one change seen by two workers at once, or read late, is recorded and notified once', async () => {
    const store = new RedisIndicatorStore(h.redis, h.prefix);
    const told: Array<{ id: string; value: number }> = [];
    const notifier: IndicatorNotifier = { valueChanged: async (i) => void told.push({ id: i.id, value: i.value }) };
    const consume = indicatorConsumer(store, notifier, silentLogger);
    const model = await h.deps.models.forInstance(inst);
    const vnfc = inst.instantiatedVnfInfo!.vnfcResourceInfo![0]!;
    const fake = { ...inst, id: 'two-workers' };
    const seen = (t: number, out1: number): VnfcObservation[] => [
      {
        vnfc,
        sample: {
          t,
          vm: 'ACTIVE',
          api: true,
          nf: true,
          el: [
            ['c_out1', 'count', out1],
            ['c_out0', 'count', 7],
          ],
        },
      },
    ];
    await Promise.all([
      consume(fake, model, seen(1000, 10), new Map()),
      consume(fake, model, seen(1000, 10), new Map()),
    ]);
    expect(told.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual([
      { id: FWD_0_TO_1, value: 10 },
      { id: FWD_1_TO_0, value: 7 },
    ]);
    told.length = 0;
    await consume(fake, model, seen(2000, 11), new Map()); // c_out1 changed, c_out0 did not
    await consume(fake, model, seen(1500, 3), new Map()); // a late pass: older than what is stored
    expect(told).toEqual([{ id: FWD_0_TO_1, value: 11 }]);
    expect((await store.ofInstance('two-workers')).map((i) => [i.id, i.value])).toEqual([
      [FWD_0_TO_1, 11],
      [FWD_1_TO_0, 7],
    ]);
    await store.drop('two-workers');
  });

  it('unknown instance or indicator: 404 ProblemDetails', async () => {
    const unknown = await get('/vnfind/v1/indicators/00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(unknown.json()).toMatchObject({ status: 404, detail: expect.stringMatching(/does not exist/) });
    const noInstance = await get(`/vnfind/v1/indicators/00000000-0000-4000-8000-000000000000/${FWD_0_TO_1}`);
    expect(noInstance.statusCode).toBe(404);
    const noIndicator = await get(`/vnfind/v1/indicators/${inst.id}/no_such_indicator`);
    expect(noIndicator.statusCode).toBe(404);
    expect(noIndicator.json()).toMatchObject({ status: 404, detail: expect.stringMatching(/no_such_indicator/) });
    const versions = await h.app.inject({ method: 'GET', url: '/vnfind/v1/api_versions' });
    expect(versions.json()).toMatchObject({ uriPrefix: '/vnfind/v1' });
  });

  it("terminate drops the instance's values", async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: `/vnflcm/v1/vnf_instances/${inst.id}/terminate`,
      headers: AUTH,
      payload: { terminationType: 'FORCEFUL' },
    });
    await waitForOp(h, res.headers.location as string, ['COMPLETED']);
    expect(await indicatorsOf(inst.id)).toEqual([]);
    await until('dropped from the list of all', async () => {
      const all = await getJson<VnfIndicator[]>('/vnfind/v1/indicators');
      return all.some((i) => i.vnfInstanceId === inst.id) ? undefined : true;
    });
    expect(await h.redis.exists(`${h.prefix}:ind:v:${inst.id}`)).toBe(0);
  }, 60_000);
});
