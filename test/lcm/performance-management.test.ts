/**
 * Performance management end to end on real Redis and emulated VMs (the osv-controlsocket rate-limiter, whose
 * Click counters and devices count at the emulator's deterministic rates): a PM job's report holds the values the
 * agent reads right after (extrapolated at the rate the emulator counts), its notification names it; a threshold
 * on a queue's length is crossed UP once (and not again while it stays up) then DOWN, each with one notification;
 * and the 4xx answers name the field.
 */
import { HttpVnfAgentFactory } from '../../src/agent';
import type { PerformanceReport, PmJob, Threshold } from '../../src/domain/pm';
import type { VnfcResourceInfo, VnfInstance } from '../../src/domain/vnf-instance';
import { BASE_PPS } from '../../src/emulator/click-process';
import { Consumer } from '../support/consumer';
import { useMonitoredHarness } from '../support/monitored';
import { useRedis } from '../support/redis';
import { AUTH, buildLcmHarness, createSampleInstance, waitForOp, type LcmHarness } from '../support/lcm';

const redis = useRedis();
const consumer = new Consumer();
let h: LcmHarness;
const INTERVAL = 300;

type Body = Record<string, unknown>;
const get = async <T>(url: string, t: LcmHarness = h): Promise<{ status: number; body: T }> => {
  const res = await t.app.inject({ method: 'GET', url, headers: AUTH });
  return { status: res.statusCode, body: res.json() as T };
};
const post = (url: string, payload: unknown, t: LcmHarness = h) =>
  t.app.inject({ method: 'POST', url, headers: AUTH, payload: payload as Body });
const path = (href: string): string => new URL(href).pathname;

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function instantiate(): Promise<VnfInstance> {
  const inst = await createSampleInstance(h, 'rate-limiter');
  const res = await post(`/vnflcm/v1/vnf_instances/${inst.id}/instantiate`, { flavourId: 'simple' });
  expect(res.statusCode).toBe(202);
  await waitForOp(h, res.headers.location as string, ['COMPLETED']);
  return (await get<VnfInstance>(`/vnflcm/v1/vnf_instances/${inst.id}`)).body;
}

/** The VNFC's agent in its own dialect (the ControlSocket on the port the emulated cloud gave it). */
function osvAgent(v: VnfcResourceInfo) {
  const md = v.metadata as { managementAddress: string; managementPort: number; controlSocketPort: number };
  return new HttpVnfAgentFactory().forEndpoint({
    address: md.managementAddress,
    port: md.managementPort,
    dialect: 'osv-controlsocket',
    controlSocketPort: md.controlSocketPort,
    vmControlSocketPort: 8001,
  });
}

const received = (type: string) => consumer.received.map((r) => r.body).filter((b) => b['notificationType'] === type);

function valuesOf(report: PerformanceReport, metric: string, port?: string) {
  const entries = report.entries.filter((e) => e.performanceMetric === metric);
  return entries
    .flatMap((e) => e.performanceValues)
    .filter((v) => port === undefined || v.context?.['port'] === port)
    .map((v) => ({ t: Date.parse(v.timeStamp), value: v.value }))
    .sort((a, b) => a.t - b.t);
}

describe('VNF performance management', () => {
  useMonitoredHarness(redis, consumer, INTERVAL, (x) => (h = x));

  it('a PM report holds the emulated counters (read again through the agent right after), notified', async () => {
    const sub = await post('/vnfpm/v1/subscriptions', {
      callbackUri: consumer.url,
      filter: { notificationTypes: ['PerformanceInformationAvailableNotification'] },
    });
    expect(sub.statusCode).toBe(201);
    const inst = await instantiate();
    const vnfc = inst.instantiatedVnfInfo!.vnfcResourceInfo![0]!;
    const metrics = [
      'ClickElement.c_in0.count',
      'ClickElement.c_in0.rate',
      'PacketIncomingVnfExtCp',
      'PacketIncomingRateVnfExtCp',
      'VCpuUsageMeanVnf',
    ];
    const created = await post('/vnfpm/v1/pm_jobs', {
      objectType: 'Vnf',
      objectInstanceIds: [inst.id],
      criteria: { performanceMetric: metrics, collectionPeriod: 1, reportingPeriod: 2 },
    });
    expect(created.statusCode).toBe(201);
    const job = created.json() as PmJob;
    const jobHref = `http://vnfm.test/vnfpm/v1/pm_jobs/${job.id}`;
    expect(created.headers.location).toBe(jobHref);
    expect(job).toMatchObject({ objectType: 'Vnf', objectInstanceIds: [inst.id], _links: { self: { href: jobHref } } });

    const note = await until('the report notification', () =>
      received('PerformanceInformationAvailableNotification').find((b) => b['pmJobId'] === job.id),
    );
    // the counters as the agent reads them now
    const agent = osvAgent(vnfc);
    const m = await agent.metrics();
    const at = Date.now();
    expect(note).toMatchObject({
      subscriptionId: (sub.json() as Body)['id'],
      objectType: 'Vnf',
      objectInstanceId: inst.id,
      subObjectInstanceIds: [vnfc.id],
      _links: {
        pmJob: { href: jobHref },
        objectInstance: { href: `http://vnfm.test/vnflcm/v1/vnf_instances/${inst.id}` },
        performanceReport: { href: expect.stringMatching(`^${jobHref}/reports/`) },
      },
    });
    const reportHref = (note['_links'] as { performanceReport: { href: string } }).performanceReport.href;
    const { status, body: report } = await get<PerformanceReport>(path(reportHref));
    expect(status).toBe(200);
    expect(new Set(report.entries.map((e) => e.performanceMetric))).toEqual(new Set(metrics));
    for (const e of report.entries)
      expect(e).toMatchObject({ objectInstanceId: inst.id, subObjectInstanceId: vnfc.id });

    // a Counter: its rate handler is the emulator's constant; its count grows at that rate (two 1 s windows)
    const read = (element: string, handler: string): number =>
      m.elements.find((x) => x.element === element && x.handler === handler)!.value;
    const rate = read('c_in0', 'rate');
    expect(rate).toBeGreaterThan(0);
    expect(valuesOf(report, 'ClickElement.c_in0.rate').map((v) => v.value)).toEqual(
      valuesOf(report, 'ClickElement.c_in0.rate').map(() => rate),
    );
    const counts = valuesOf(report, 'ClickElement.c_in0.count');
    // one value per 1 s window that had a sample: two, unless the machine held a monitor pass back a whole second
    expect(counts.length).toBeGreaterThanOrEqual(1);
    // every value, moved forward at the emulator's rate to when the agent read, is what it read (within 0.25 s of
    // packets: a value of the other window, or of another counter, is a second or more of packets away)
    for (const v of counts)
      expect(Math.abs(v.value + (rate * (at - v.t)) / 1000 - read('c_in0', 'count'))).toBeLessThan(rate / 4);
    if (counts.length === 2) {
      const slope = ((counts[1]!.value - counts[0]!.value) * 1000) / (counts[1]!.t - counts[0]!.t);
      expect(Math.abs(slope - rate)).toBeLessThan(rate * 0.1);
    }

    // the input devices: packets at BASE_PPS, per port (context.port: the device element)
    const inputs = m.ports.filter((p) => p.name.startsWith('FromDPDKDevice'));
    expect(inputs.length).toBe(2);
    for (const p of inputs) {
      const packets = valuesOf(report, 'PacketIncomingVnfExtCp', p.name);
      expect(packets.length).toBe(counts.length);
      for (const v of packets)
        expect(Math.abs(v.value + (BASE_PPS * (at - v.t)) / 1000 - p.rxPackets!)).toBeLessThan(BASE_PPS / 4);
      for (const v of valuesOf(report, 'PacketIncomingRateVnfExtCp', p.name))
        expect(Math.abs(v.value - BASE_PPS)).toBeLessThan(BASE_PPS * 0.1);
    }
    // CPU: the mean of the samples, as the agent computes it (Click's thread at 30 % of the VM)
    for (const v of valuesOf(report, 'VCpuUsageMeanVnf'))
      expect(Math.abs(v.value - m.cpuPercent)).toBeLessThanOrEqual(3);

    // the job lists the report; a list leaves the reports out by default
    const read1 = await get<PmJob>(path(jobHref));
    expect(read1.body.reports?.[0]).toMatchObject({ href: reportHref, fileSize: expect.any(Number) });
    expect(Date.parse(read1.body.reports![0]!.expiryTime!)).toBeGreaterThan(
      Date.parse(read1.body.reports![0]!.readyTime),
    );
    const listed = await get<PmJob[]>(`/vnfpm/v1/pm_jobs?filter=${encodeURIComponent(`(eq,id,${job.id})`)}`);
    expect(listed.body.map((j) => [j.id, j.reports])).toEqual([[job.id, undefined]]);
    const all = await get<PmJob[]>(`/vnfpm/v1/pm_jobs?all_fields&filter=${encodeURIComponent(`(eq,id,${job.id})`)}`);
    expect(all.body[0]?.reports?.length).toBeGreaterThanOrEqual(1);

    // deleted: the job and its reports are gone
    const del = await h.app.inject({ method: 'DELETE', url: path(jobHref), headers: AUTH });
    expect(del.statusCode).toBe(204);
    expect((await get(path(jobHref))).status).toBe(404);
    expect((await get(path(reportHref))).status).toBe(404);
  }, 60_000);

  it('a threshold crossed UP then DOWN sends one notification each, none while it stays crossed', async () => {
    const sub = await post('/vnfpm/v1/subscriptions', {
      callbackUri: consumer.url,
      filter: { notificationTypes: ['ThresholdCrossedNotification'] },
    });
    expect(sub.statusCode).toBe(201);
    const inst = await instantiate();
    const vnfc = inst.instantiatedVnfInfo!.vnfcResourceInfo![0]!;
    const created = await post('/vnfpm/v1/thresholds', {
      objectType: 'Vnf',
      objectInstanceId: inst.id,
      criteria: {
        performanceMetric: 'ClickElement.q.length',
        thresholdType: 'SIMPLE',
        simpleThresholdDetails: { thresholdValue: 1000, hysteresis: 100 },
      },
    });
    expect(created.statusCode).toBe(201);
    const thr = created.json() as Threshold;
    const thrHref = `http://vnfm.test/vnfpm/v1/thresholds/${thr.id}`;
    expect(created.headers.location).toBe(thrHref);
    expect((await get<Threshold>(path(thrHref))).body).toEqual(thr);
    const mine = () => received('ThresholdCrossedNotification').filter((b) => b['thresholdId'] === thr.id);
    // an empty queue: below the threshold, nothing crossed
    await new Promise((r) => setTimeout(r, 4 * INTERVAL));
    expect(mine()).toEqual([]);

    // drops: the queue reads full (2048)
    const server = vnfc.computeResource.resourceId;
    await h.cloud.injectVnfcFault(server, { fault: 'drops', element: 'q', pps: 500 });
    const up = await until('UP', () => mine()[0]);
    expect(up).toMatchObject({
      subscriptionId: (sub.json() as Body)['id'],
      crossingDirection: 'UP',
      objectType: 'Vnf',
      objectInstanceId: inst.id,
      subObjectInstanceId: vnfc.id,
      performanceMetric: 'ClickElement.q.length',
      performanceValue: 2048,
      _links: {
        threshold: { href: thrHref },
        objectInstance: { href: `http://vnfm.test/vnflcm/v1/vnf_instances/${inst.id}` },
      },
    });
    // it stays full: no second notification
    await new Promise((r) => setTimeout(r, 5 * INTERVAL));
    expect(mine().length).toBe(1);

    await h.cloud.clearVnfcFaults(server);
    const down = await until('DOWN', () => mine()[1]);
    expect(down).toMatchObject({ crossingDirection: 'DOWN', performanceValue: 0, subObjectInstanceId: vnfc.id });
    expect(down['id']).not.toBe(up['id']);
    await new Promise((r) => setTimeout(r, 5 * INTERVAL));
    expect(mine().length).toBe(2);

    const del = await h.app.inject({ method: 'DELETE', url: path(thrHref), headers: AUTH });
    expect(del.statusCode).toBe(204);
    expect((await get(path(thrHref))).status).toBe(404);
  }, 60_000);
});

describe('VNF performance management: 4xx answers name the field', () => {
  // a monitor interval of 2 s (no worker): a collection period of 1 s is too short
  let h2: LcmHarness;
  let instId: string;
  beforeAll(async () => {
    h2 = await buildLcmHarness(redis.url, { worker: false, monitor: { intervalMs: 2000 } });
    instId = (await createSampleInstance(h2, 'rate-limiter')).id;
  });
  afterAll(() => h2.close(), 30_000);

  const job = (criteria: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    post(
      '/vnfpm/v1/pm_jobs',
      {
        objectType: 'Vnf',
        objectInstanceIds: [instId],
        criteria: { performanceMetric: ['VCpuUsageMeanVnf'], collectionPeriod: 2, reportingPeriod: 4, ...criteria },
        ...extra,
      },
      h2,
    );
  const threshold = (criteria: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    post(
      '/vnfpm/v1/thresholds',
      {
        objectType: 'Vnf',
        objectInstanceId: instId,
        criteria: {
          performanceMetric: 'ClickElement.c_in0.count',
          thresholdType: 'SIMPLE',
          simpleThresholdDetails: { thresholdValue: 10, hysteresis: 1 },
          ...criteria,
        },
        ...extra,
      },
      h2,
    );

  const cases: Array<[string, () => ReturnType<typeof post>, number, string]> = [
    ['an unknown instance', () => job({}, { objectInstanceIds: ['no-such-instance'] }), 422, 'objectInstanceIds'],
    ['an unknown metric', () => job({ performanceMetric: ['NoSuchMetric'] }), 422, 'criteria.performanceMetric'],
    [
      'an element the VNFD does not declare',
      () => job({ performanceMetric: ['ClickElement.nosuch.count'] }),
      422,
      'criteria.performanceMetric',
    ],
    ['an unknown group', () => job({ performanceMetricGroup: ['Everything'] }), 422, 'criteria.performanceMetricGroup'],
    ['no metric, no group', () => job({ performanceMetric: [] }), 422, 'criteria'],
    [
      'a collectionPeriod below the monitor interval',
      () => job({ collectionPeriod: 1, reportingPeriod: 2 }),
      422,
      'criteria.collectionPeriod',
    ],
    [
      'a reportingPeriod not a multiple of collectionPeriod',
      () => job({ reportingPeriod: 5 }),
      422,
      'criteria.reportingPeriod',
    ],
    ['objectType other than Vnf', () => job({}, { objectType: 'VnfExtCp' }), 422, 'objectType'],
    [
      'subObjectInstanceIds that are no VNFC',
      () => job({}, { subObjectInstanceIds: ['no-such-vnfc'] }),
      422,
      'subObjectInstanceIds',
    ],
    ['a collectionPeriod of 0', () => job({ collectionPeriod: 0 }), 400, 'criteria.collectionPeriod'],
    ['a threshold of an unknown instance', () => threshold({}, { objectInstanceId: 'nope' }), 422, 'objectInstanceId'],
    [
      'a threshold on an unknown metric',
      () => threshold({ performanceMetric: 'VCpuUsageMaxVnf' }),
      422,
      'criteria.performanceMetric',
    ],
    [
      'a SIMPLE threshold without details',
      () => threshold({ simpleThresholdDetails: undefined }),
      422,
      'criteria.simpleThresholdDetails',
    ],
    [
      'a threshold type other than SIMPLE',
      () => threshold({ thresholdType: 'COMPLEX' }),
      400,
      'criteria.thresholdType',
    ],
    [
      'a negative hysteresis',
      () => threshold({ simpleThresholdDetails: { thresholdValue: 1, hysteresis: -1 } }),
      400,
      'criteria.simpleThresholdDetails.hysteresis',
    ],
    [
      'a PM subscription to an LCM notification type',
      () =>
        post(
          '/vnfpm/v1/subscriptions',
          {
            callbackUri: 'http://127.0.0.1:9/x',
            filter: { notificationTypes: ['VnfLcmOperationOccurrenceNotification'] },
          },
          h2,
        ),
      400,
      'filter.notificationTypes.0',
    ],
  ];
  it.each(cases.map(([name, request, status, field]) => [name, status, field, request] as const))(
    '%s: %d naming %s',
    async (_name, status, field, request) => {
      const res = await request();
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status, field });
    },
  );

  it('404 for an unknown job, report or threshold; the api_versions are open', async () => {
    expect((await get('/vnfpm/v1/pm_jobs/nope', h2)).status).toBe(404);
    expect((await get('/vnfpm/v1/pm_jobs/nope/reports/nope', h2)).status).toBe(404);
    expect((await get('/vnfpm/v1/thresholds/nope', h2)).status).toBe(404);
    const del = await h2.app.inject({ method: 'DELETE', url: '/vnfpm/v1/pm_jobs/nope', headers: AUTH });
    expect(del.statusCode).toBe(404);
    const versions = await h2.app.inject({ method: 'GET', url: '/vnfpm/v1/api_versions' });
    expect(versions.statusCode).toBe(200);
    expect(versions.json()).toMatchObject({ uriPrefix: '/vnfpm/v1' });
  });
});
