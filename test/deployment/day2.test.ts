/**
 * Day-2 on the real mini-cloud: the monitor watches an OpenStack-deployed forwarder; its NF crashes (the VM's
 * emulator is told so on the VM's own management address), the alarm names the Nova server, an automatic HEAL
 * replaces the server through Heat, Click runs on the new VM, the alarm is cleared; terminate leaves nothing.
 */
import { HttpVnfAgentFactory } from '../../src/agent';
import type { Alarm } from '../../src/domain/alarm';
import type { VnfLcmOpOcc } from '../../src/domain/lcm-op-occ';
import type { VnfcResourceInfo, VnfInstance } from '../../src/domain/vnf-instance';
import type { OpenStackClient } from '../../src/openstack';
import { startTestRedis } from '../support/redis';
import { Api, buildVariant, cloudConfigured, connectCloud, leftovers, startOpenStackVnfm, tinyQcow2 } from './support';

if (!cloudConfigured())
  throw new Error(
    'the deployment suite needs the mini-cloud:' +
      ' run test/minicloud/up.sh and source .minicloud/openrc (scripts/test.sh does both)',
  );

const INTERVAL = 2000;
let redis: Awaited<ReturnType<typeof startTestRedis>>;
let vnfm: Awaited<ReturnType<typeof startOpenStackVnfm>>;
let api: Api;
let os: OpenStackClient;

beforeAll(async () => {
  os = await connectCloud();
  redis = await startTestRedis();
  vnfm = await startOpenStackVnfm(redis.url, {}, { monitor: { intervalMs: INTERVAL, reconcileMs: INTERVAL } });
  api = new Api(vnfm.url as string);
}, 120_000);
afterAll(async () => {
  await vnfm?.stop();
  await redis?.stop();
}, 120_000);

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const agentOf = (v: VnfcResourceInfo) => {
  const md = v.metadata as { managementAddress: string; managementPort?: number };
  return new HttpVnfAgentFactory({ timeoutMs: 3000 }).forEndpoint({
    address: md.managementAddress,
    port: md.managementPort ?? 8000,
    dialect: 'click-plugin',
  });
};

it('an NF crash is alarmed, auto-healed through Heat and cleared', async () => {
  const pkg = await api.onboard(
    await buildVariant({ sample: 'forwarder', image: tinyQcow2(1 << 30, `day2-${Date.now()}`) }),
  );
  const created = await api.call<VnfInstance>('POST', '/vnflcm/v1/vnf_instances', {
    vnfdId: pkg.vnfdId,
    vnfInstanceName: 'day2-auto-heal',
  });
  expect(created.status).toBe(201);
  const id = created.body.id;
  const inst = await api.task('POST', `/vnflcm/v1/vnf_instances/${id}/instantiate`, {
    flavourId: 'simple',
    additionalParams: { autoHeal: { backoffSeconds: 0, maxAttempts: 1 } },
  });
  expect(inst.operationState).toBe('COMPLETED');
  const before = (await api.call<VnfInstance>('GET', `/vnflcm/v1/vnf_instances/${id}`)).body;
  const vnfc = before.instantiatedVnfInfo!.vnfcResourceInfo![0]!;
  const md = vnfc.metadata as { managementAddress: string; managementPort?: number };
  expect(md.managementAddress).toMatch(/^127\.20\./); // the VM's own address on the management network

  const crash = await fetch(`http://${md.managementAddress}:${md.managementPort ?? 8000}/_emulator/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ fault: 'nf-crash', message: 'Segmentation fault (mini-cloud test)' }),
  });
  expect(crash.status).toBe(200);
  const crashedAt = Date.now();
  const alarmsOf = async () =>
    (await api.call<Alarm[]>('GET', `/vnffm/v1/alarms?filter=${encodeURIComponent(`(eq,managedObjectId,${id})`)}`))
      .body;
  const alarm = await until('the alarm', async () => (await alarmsOf())[0], 4 * INTERVAL + 10_000);
  expect(Date.parse(alarm.alarmRaisedTime) - crashedAt).toBeLessThan(2 * INTERVAL + 5_000);
  expect(alarm).toMatchObject({
    probableCause: 'click-not-running',
    perceivedSeverity: 'CRITICAL',
    vnfcInstanceIds: [vnfc.id],
    rootCauseFaultyResource: { faultyResource: { resourceId: vnfc.computeResource.resourceId } },
  });
  expect(alarm.faultDetails?.join('\n')).toMatch(/Segmentation fault \(mini-cloud test\)/);
  // the faulty resource is the Nova server the VNFM created
  expect((await os.compute.getServer(vnfc.computeResource.resourceId))?.id).toBe(vnfc.computeResource.resourceId);

  const heal = await until(
    'the automatic HEAL',
    async () =>
      (
        await api.call<VnfLcmOpOcc[]>(
          'GET',
          `/vnflcm/v1/vnf_lcm_op_occs?filter=${encodeURIComponent(`(eq,vnfInstanceId,${id});(eq,operation,HEAL)`)}`,
        )
      ).body.find((o) => ['COMPLETED', 'FAILED_TEMP'].includes(o.operationState)),
    240_000,
  );
  // the cause is in the comparison: a failed heal shows why
  expect([heal.operationState, heal.isAutomaticInvocation, heal.error?.detail]).toEqual(['COMPLETED', true, undefined]);
  const cleared = await until(
    'the alarm cleared',
    async () => {
      const a = (await api.call<Alarm>('GET', `/vnffm/v1/alarms/${alarm.id}`)).body;
      return a.alarmClearedTime !== undefined ? a : undefined;
    },
    4 * INTERVAL + 10_000,
  );
  expect(cleared.perceivedSeverity).toBe('CLEARED');
  const after = (await api.call<VnfInstance>('GET', `/vnflcm/v1/vnf_instances/${id}`)).body;
  const healed = after.instantiatedVnfInfo!.vnfcResourceInfo![0]!;
  expect(healed.computeResource.resourceId).not.toBe(vnfc.computeResource.resourceId);
  expect((await agentOf(healed).status()).running).toBe(true);

  const term = await api.task('POST', `/vnflcm/v1/vnf_instances/${id}/terminate`, { terminationType: 'FORCEFUL' });
  expect(term.operationState).toBe('COMPLETED');
  expect(await leftovers(os, id)).toEqual([]);
  expect((await api.call('DELETE', `/vnflcm/v1/vnf_instances/${id}`)).status).toBe(204);
}, 600_000);
