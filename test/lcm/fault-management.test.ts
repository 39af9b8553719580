/**
 * Fault management end to end on real Redis and emulated VMs: the monitor in the worker sees an NF crash,
 * raises an alarm within two intervals, auto-heals the VNFC with an automatic HEAL op-occ, clears the alarm,
 * and the FM subscriber gets AlarmNotification then AlarmClearedNotification; acknowledge through the API.
 */
import type { Alarm } from '../../src/domain/alarm';
import type { VnfInstance } from '../../src/domain/vnf-instance';
import type { VnfLcmOpOcc } from '../../src/domain/lcm-op-occ';
import { Consumer } from '../support/consumer';
import { useMonitoredHarness } from '../support/monitored';
import { useRedis } from '../support/redis';
import { randomUUID } from 'node:crypto';
import { RedisAlarmStore } from '../../src/store';
import { agentOf, AUTH, createSampleInstance, READER_AUTH, waitForOp, type LcmHarness } from '../support/lcm';

const redis = useRedis();
const consumer = new Consumer();
let h: LcmHarness;
const INTERVAL = 300;

const get = async <T>(url: string): Promise<T> => (await h.app.inject({ method: 'GET', url, headers: AUTH })).json();

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function instantiate(extra: Record<string, unknown>, sample = 'forwarder'): Promise<VnfInstance> {
  const inst = await createSampleInstance(h, sample);
  const res = await h.app.inject({
    method: 'POST',
    url: `/vnflcm/v1/vnf_instances/${inst.id}/instantiate`,
    headers: AUTH,
    payload: { flavourId: 'simple', ...extra },
  });
  expect(res.statusCode).toBe(202);
  await waitForOp(h, res.headers.location as string, ['COMPLETED']);
  return get<VnfInstance>(`/vnflcm/v1/vnf_instances/${inst.id}`);
}

const alarmsOf = (id: string) =>
  get<Alarm[]>(`/vnffm/v1/alarms?filter=${encodeURIComponent(`(eq,managedObjectId,${id})`)}`);

describe('fault management and auto-heal', () => {
  useMonitoredHarness(redis, consumer, INTERVAL, (x) => (h = x));

  it('NF crash -> alarm within two intervals -> automatic HEAL COMPLETED -> alarm cleared, in order', async () => {
    const sub = await h.app.inject({
      method: 'POST',
      url: '/vnffm/v1/subscriptions',
      headers: AUTH,
      payload: { callbackUri: consumer.url, filter: { perceivedSeverities: ['CRITICAL', 'CLEARED'] } },
    });
    expect(sub.statusCode).toBe(201);
    const inst = await instantiate({ additionalParams: { autoHeal: { backoffSeconds: 0, maxAttempts: 2 } } });
    expect(inst.extensions?.['autoHeal']).toEqual({ backoffSeconds: 0, maxAttempts: 2 });
    const vnfc = inst.instantiatedVnfInfo!.vnfcResourceInfo![0]!;
    // a few intervals of a healthy VNF: watched, no alarm
    await new Promise((r) => setTimeout(r, 3 * INTERVAL));
    expect(await alarmsOf(inst.id)).toEqual([]);

    const crashedAt = Date.now();
    // Click dies with its own words in its log; the instance still says STARTED: a fault
    await h.cloud.injectVnfcFault(vnfc.computeResource.resourceId, {
      fault: 'nf-crash',
      message: 'Segmentation fault in Counter@3 (test)',
    });
    const alarm = await until('the alarm', async () => (await alarmsOf(inst.id))[0]);
    const raisedAfter = Date.parse(alarm.alarmRaisedTime) - crashedAt;
    expect(raisedAfter).toBeLessThanOrEqual(2 * INTERVAL + 1000);
    expect(alarm).toMatchObject({
      managedObjectId: inst.id,
      vnfcInstanceIds: [vnfc.id],
      perceivedSeverity: 'CRITICAL',
      eventType: 'PROCESSING_ERROR_ALARM',
      probableCause: 'click-not-running',
      ackState: 'UNACKNOWLEDGED',
      isRootCause: true,
      faultDetails: ['Click is not running', expect.stringContaining('Segmentation fault in Counter@3 (test)')],
      rootCauseFaultyResource: { faultyResourceType: 'COMPUTE', faultyResource: vnfc.computeResource },
      _links: {
        self: { href: `http://vnfm.test/vnffm/v1/alarms/${alarm.id}` },
        objectInstance: { href: `http://vnfm.test/vnflcm/v1/vnf_instances/${inst.id}` },
      },
    });

    const heal = await until('the automatic HEAL', async () => {
      const ops = await get<VnfLcmOpOcc[]>(
        `/vnflcm/v1/vnf_lcm_op_occs?filter=${encodeURIComponent(`(eq,vnfInstanceId,${inst.id});(eq,operation,HEAL)`)}`,
      );
      return ops.find((o) => o.operationState === 'COMPLETED');
    });
    expect(heal.isAutomaticInvocation).toBe(true);
    const healOp = await get<VnfLcmOpOcc>(`/vnflcm/v1/vnf_lcm_op_occs/${heal.id}`);
    expect(healOp.operationParams).toMatchObject({ vnfcInstanceId: [vnfc.id], cause: expect.stringMatching(alarm.id) });
    const cleared = await until('the alarm cleared', async () => {
      const a = await get<Alarm>(`/vnffm/v1/alarms/${alarm.id}`);
      return a.alarmClearedTime !== undefined ? a : undefined;
    });
    expect(cleared.perceivedSeverity).toBe('CLEARED');
    const healed = await get<VnfInstance>(`/vnflcm/v1/vnf_instances/${inst.id}`);
    expect((await agentOf(healed.instantiatedVnfInfo!.vnfcResourceInfo![0]!).status()).running).toBe(true);

    await until('both notifications', async () => (consumer.received.length >= 2 ? true : undefined));
    const bodies = consumer.received.map((r) => r.body);
    expect(bodies.map((b) => b['notificationType'])).toEqual(['AlarmNotification', 'AlarmClearedNotification']);
    expect(bodies[0]).toMatchObject({ subscriptionId: sub.json().id, alarm: { id: alarm.id } });
    expect(bodies[1]).toMatchObject({
      alarmId: alarm.id,
      alarmClearedTime: cleared.alarmClearedTime,
      _links: { alarm: { href: `http://vnfm.test/vnffm/v1/alarms/${alarm.id}` } },
    });
    // no more alarms while it runs again
    await new Promise((r) => setTimeout(r, 3 * INTERVAL));
    expect((await alarmsOf(inst.id)).filter((a) => a.alarmClearedTime === undefined)).toEqual([]);
  }, 60_000);

  it('acknowledge: 200 with the modifications, 409 the second time, 412 on a stale ETag, 400 and 404', async () => {
    const [alarm] = await get<Alarm[]>('/vnffm/v1/alarms');
    expect(alarm).toBeDefined();
    const patch = (payload: unknown, headers: Record<string, string> = {}, id = alarm!.id) =>
      h.app.inject({
        method: 'PATCH',
        url: `/vnffm/v1/alarms/${id}`,
        headers: { ...AUTH, 'content-type': 'application/merge-patch+json', ...headers },
        payload: JSON.stringify(payload),
      });
    expect((await patch({ ackState: 'ACKNOWLEDGED' }, { 'if-match': '"999"' })).statusCode).toBe(412);
    const bad = await patch({ ackState: 'FORGOTTEN' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/ackState/);
    expect((await patch({ ackState: 'ACKNOWLEDGED' }, {}, 'no-such-alarm')).statusCode).toBe(404);
    const ok = await patch({ ackState: 'ACKNOWLEDGED' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ ackState: 'ACKNOWLEDGED' });
    const a = await get<Alarm>(`/vnffm/v1/alarms/${alarm!.id}`);
    expect(a.ackState).toBe('ACKNOWLEDGED');
    expect(Date.parse(a.alarmAcknowledgedTime!)).toBeGreaterThan(0);
    const again = await patch({ ackState: 'ACKNOWLEDGED' });
    expect(again.statusCode).toBe(409);
    // a reader may look, not acknowledge
    const list = await get<Alarm[]>(`/vnffm/v1/alarms?filter=(eq,ackState,ACKNOWLEDGED)`);
    expect(list.map((x) => x.id)).toContain(alarm!.id);
  });

  it('terminate clears the active alarms of the instance', async () => {
    const inst = await instantiate({});
    const vnfc = inst.instantiatedVnfInfo!.vnfcResourceInfo![0]!;
    await agentOf(vnfc).stop();
    const alarm = await until('the alarm', async () => (await alarmsOf(inst.id))[0]);
    expect(alarm.alarmClearedTime).toBeUndefined();
    const res = await h.app.inject({
      method: 'POST',
      url: `/vnflcm/v1/vnf_instances/${inst.id}/terminate`,
      headers: AUTH,
      payload: { terminationType: 'FORCEFUL' },
    });
    await waitForOp(h, res.headers.location as string, ['COMPLETED']);
    const cleared = await until('cleared after terminate', async () => {
      const a = await get<Alarm>(`/vnffm/v1/alarms/${alarm.id}`);
      return a.alarmClearedTime !== undefined ? a : undefined;
    });
    expect(cleared.perceivedSeverity).toBe('CLEARED');
  }, 60_000);

  it('a drop counter growing past the threshold is a QOS alarm, cleared when it stops growing', async () => {
    const inst = await instantiate({}, 'nat'); // osv-controlsocket: per-element counters
    const vnfc = inst.instantiatedVnfInfo!.vnfcResourceInfo![0]!;
    await new Promise((r) => setTimeout(r, 3 * INTERVAL));
    expect(await alarmsOf(inst.id)).toEqual([]);
    await h.cloud.injectVnfcFault(vnfc.computeResource.resourceId, { fault: 'drops', pps: 5000 });
    const alarm = await until('the drop alarm', async () => (await alarmsOf(inst.id))[0]);
    expect(alarm).toMatchObject({
      perceivedSeverity: 'MAJOR',
      eventType: 'QOS_ALARM',
      probableCause: 'packet-loss',
      faultType: 'ELEMENT_THRESHOLD',
      vnfcInstanceIds: [vnfc.id],
    });
    expect(alarm.faultDetails?.[0]).toMatch(/\.dropped grows \d+(\.\d)?\/s \(threshold 100\/s\)/);
    h.cloud.clearVnfcFaults(vnfc.computeResource.resourceId);
    const cleared = await until('cleared', async () => {
      const a = await get<Alarm>(`/vnffm/v1/alarms/${alarm.id}`);
      return a.alarmClearedTime !== undefined ? a : undefined;
    });
    expect(cleared.perceivedSeverity).toBe('CLEARED');
    // no auto-heal without a policy: a QOS alarm is not a broken VNFC anyway
    const ops = await get<VnfLcmOpOcc[]>(
      `/vnflcm/v1/vnf_lcm_op_occs?filter=${encodeURIComponent(`(eq,vnfInstanceId,${inst.id});(eq,operation,HEAL)`)}`,
    );
    expect(ops).toEqual([]);
  }, 60_000);

  it('rebuild after a restore: alarms no pass would clear are, then AlarmListRebuiltNotification', async () => {
    const sub = await h.app.inject({
      method: 'POST',
      url: '/vnffm/v1/subscriptions',
      headers: AUTH,
      payload: { callbackUri: `${consumer.url}?rebuild` },
    });
    expect(sub.statusCode).toBe(201);
    const mine = () => consumer.received.filter((r) => r.body['subscriptionId'] === sub.json().id).map((r) => r.body);
    const inst = await instantiate({});
    const vnfc = inst.instantiatedVnfInfo!.vnfcResourceInfo![0]!;
    await new Promise((r) => setTimeout(r, 2 * INTERVAL));
    expect(await alarmsOf(inst.id)).toEqual([]);
    // a restore from an older backup brings back: an alarm of this (healthy) instance without its index entry, which
    // no pass would clear, and an indexed alarm of an instance deleted since the backup, which no pass looks at
    const store = new RedisAlarmStore(h.redis, h.prefix);
    const at = new Date(Date.now() - 60_000).toISOString();
    const base = {
      alarmRaisedTime: at,
      eventTime: at,
      ackState: 'UNACKNOWLEDGED' as const,
      perceivedSeverity: 'CRITICAL' as const,
      eventType: 'PROCESSING_ERROR_ALARM' as const,
      faultType: 'NF_NOT_RUNNING',
      probableCause: 'click-not-running',
      isRootCause: true,
      faultDetails: ['Click is not running'],
    };
    const orphan = { ...base, id: randomUUID(), managedObjectId: inst.id, vnfcInstanceIds: [vnfc.id] };
    await store.create(orphan);
    const stale = { ...base, id: randomUUID(), managedObjectId: randomUUID(), vnfcInstanceIds: ['gone'] };
    expect((await store.raise('gone/nf_not_running', stale)).raised).toBe(true);
    // the monitor alone leaves both
    await new Promise((r) => setTimeout(r, 3 * INTERVAL));
    expect((await get<Alarm>(`/vnffm/v1/alarms/${orphan.id}`)).alarmClearedTime).toBeUndefined();
    const before = mine().length;

    const res = await h.app.inject({ method: 'POST', url: '/clickvnfm/v1/alarms/rebuild', headers: AUTH });
    expect(res.statusCode).toBe(202);
    expect(res.json().clearedAlarms).toBe(2);
    expect(res.json().pendingInstances).toBeGreaterThanOrEqual(1);
    const rebuilt = await until('AlarmListRebuiltNotification', async () =>
      mine().find((b) => b['notificationType'] === 'AlarmListRebuiltNotification'),
    );
    expect(rebuilt).toMatchObject({ _links: { alarms: { href: 'http://vnfm.test/vnffm/v1/alarms' } } });
    // in order: both cleared, then the list rebuilt, once
    const after = mine().slice(before);
    expect(after.map((b) => [b['notificationType'], b['alarmId']])).toEqual([
      ['AlarmClearedNotification', expect.any(String)],
      ['AlarmClearedNotification', expect.any(String)],
      ['AlarmListRebuiltNotification', undefined],
    ]);
    expect(after.slice(0, 2).map((b) => b['alarmId'])).toEqual(expect.arrayContaining([orphan.id, stale.id]));
    for (const id of [orphan.id, stale.id])
      expect((await get<Alarm>(`/vnffm/v1/alarms/${id}`)).perceivedSeverity).toBe('CLEARED');
    expect(await h.redis.scard(`${h.prefix}:mon:rebuild`)).toBe(0);
    // a reader may not rebuild
    const reader = await h.app.inject({ method: 'POST', url: '/clickvnfm/v1/alarms/rebuild', headers: READER_AUTH });
    expect(reader.statusCode).toBe(403);
  }, 60_000);
});
