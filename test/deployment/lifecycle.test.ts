/**
 * The deployment suite: every sample package on the real mini-cloud (Keystone, Glance, Nova, Neutron,
 * Heat), through the VNFM's API as an NFVO would call it: onboard, instantiate (SR-IOV ports bound,
 * NFV flavor pinned), the Click function runs, modify its config, scale out and in, heal, operate
 * stop/start, terminate; then nothing of the instance is left in the cloud.
 */
import { randomUUID } from 'node:crypto';
import type { VnfInstance } from '../../src/domain/vnf-instance';
import { HttpVnfAgentFactory } from '../../src/agent';
import type { OpenStackClient } from '../../src/openstack';
import { startTestRedis } from '../support/redis';
import {
  Api,
  buildVariant,
  cloudConfigured,
  connectCloud,
  leftovers,
  removeStacks,
  startOpenStackVnfm,
  tinyQcow2,
} from './support';

if (!cloudConfigured())
  throw new Error(
    'the deployment suite needs the mini-cloud:' +
      ' run test/minicloud/up.sh and source .minicloud/openrc (scripts/test.sh does both)',
  );

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let vnfm: Awaited<ReturnType<typeof startOpenStackVnfm>>;
let api: Api;
let os: OpenStackClient;
const image = tinyQcow2(1 << 30, `deploy-${Date.now()}`);
// NOTE: each run drives a real OpenStack (Heat, Nova, Neutron) for minutes; one CI run failed once in the fifth
// sample where local runs under load pass. A failure is retried once, and never silently: its reason is
// logged, and scripts/summarize.js names every test that passed only when retried, with its first failure.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

beforeAll(async () => {
  os = await connectCloud();
  redis = await startTestRedis();
  vnfm = await startOpenStackVnfm(redis.url);
  api = new Api(vnfm.url as string);
}, 120_000);
// NOTE: the VNFM stops before its Redis (a worker waiting on a Redis that is gone would never stop)
const createdIds: string[] = [];
afterAll(async () => {
  await vnfm?.stop();
  await removeStacks([os], createdIds);
  await redis?.stop();
}, 120_000);

type Vnfc = {
  id: string;
  vduId: string;
  metadata: { managementAddress: string; managementPort?: number; status: string };
};
const vnfcsOf = (i: VnfInstance): Vnfc[] => (i.instantiatedVnfInfo?.vnfcResourceInfo ?? []) as unknown as Vnfc[];
const get = async (id: string): Promise<VnfInstance> =>
  (await api.call<VnfInstance>('GET', `/vnflcm/v1/vnf_instances/${id}`)).body;
const agent = (v: Vnfc, dialect: 'click-plugin' | 'osv-controlsocket') =>
  new HttpVnfAgentFactory().forEndpoint({
    address: v.metadata.managementAddress,
    port: v.metadata.managementPort ?? 8000,
    dialect,
  });

const SAMPLES: Array<{ sample: string; dialect: 'click-plugin' | 'osv-controlsocket' }> = [
  { sample: 'forwarder', dialect: 'click-plugin' },
  { sample: 'firewall', dialect: 'click-plugin' },
  { sample: 'nat', dialect: 'osv-controlsocket' },
  { sample: 'load-balancer', dialect: 'osv-controlsocket' },
  { sample: 'rate-limiter', dialect: 'osv-controlsocket' },
];

describe.each(SAMPLES)('$sample on the mini-cloud', ({ sample, dialect }) => {
  it('onboard, instantiate, run, modify, scale out/in, heal, stop/start, terminate, nothing left', async () => {
    // a package of its own per attempt: a retry (jest.retryTimes above) must not meet the first attempt's vnfdId
    const pkg = await api.onboard(await buildVariant({ sample, image, vnfdId: randomUUID() }));
    const created = await api.call<VnfInstance>('POST', '/vnflcm/v1/vnf_instances', {
      vnfdId: pkg.vnfdId,
      vnfInstanceName: `deploy-${sample}`,
    });
    if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
    const id = created.body.id;
    createdIds.push(id);

    const inst = await api.task('POST', `/vnflcm/v1/vnf_instances/${id}/instantiate`, { flavourId: 'simple' });
    expect(inst.error).toBeUndefined();
    expect(inst.operationState).toBe('COMPLETED');
    let vnf = await get(id);
    const vnfcs = vnfcsOf(vnf);
    expect(vnfcs.length).toBeGreaterThan(0);
    // a real Nova server with its NFV flavor pinned and its SR-IOV ports bound by Neutron
    const server = await os.compute.getServer(vnfcs[0]!.id);
    expect(server.status).toBe('ACTIVE');
    expect(server.metadata['clickvnfm_vnf_instance_id']).toBe(id);
    const ports = await os.network.listPorts({ device_id: server.id });
    const direct = ports.filter((p) => p['binding:vnic_type'] === 'direct');
    for (const p of direct) expect(p['binding:vif_type']).toBe('hw_veb');
    expect(vnfcs[0]!.metadata.managementAddress).toMatch(/^127\.20\./);
    // the Click function runs in the VM, at the address the VIM gave it
    expect(await agent(vnfcs[0]!, dialect).status()).toMatchObject({ running: true });

    // modify: a new Click configuration reaches the running VM
    const running = await agent(vnfcs[0]!, dialect).readConfig();
    const newConfig = `${running.trimEnd()}\n// modified by the deployment suite ${Date.now()}\n`;
    const mod = await api.task('PATCH', `/vnflcm/v1/vnf_instances/${id}`, {
      vnfConfigurableProperties: { clickConfig: newConfig },
    });
    expect(mod.error).toBeUndefined();
    expect(await agent(vnfcs[0]!, dialect).readConfig()).toBe(newConfig);

    // scale out: a second server in the stack's scaling group, configured and running; then back in
    const out = await api.task('POST', `/vnflcm/v1/vnf_instances/${id}/scale`, {
      type: 'SCALE_OUT',
      aspectId: 'click_aspect',
    });
    expect(out.error).toBeUndefined();
    vnf = await get(id);
    expect(vnfcsOf(vnf)).toHaveLength(vnfcs.length + 1);
    const added = vnfcsOf(vnf).find((v) => !vnfcs.some((o) => o.id === v.id))!;
    expect((await os.compute.getServer(added.id)).status).toBe('ACTIVE');
    expect(await agent(added, dialect).readConfig()).toBe(newConfig);
    const inn = await api.task('POST', `/vnflcm/v1/vnf_instances/${id}/scale`, {
      type: 'SCALE_IN',
      aspectId: 'click_aspect',
    });
    expect(inn.error).toBeUndefined();
    expect(vnfcsOf(await get(id))).toHaveLength(vnfcs.length);

    // heal: Heat replaces the server; its ports (so its address) stay; the config is pushed again
    const victim = vnfcsOf(await get(id))[0]!;
    const healed = await api.task('POST', `/vnflcm/v1/vnf_instances/${id}/heal`, {
      vnfcInstanceId: [victim.id],
      cause: 'deployment suite',
    });
    expect(healed.error).toBeUndefined();
    const afterHeal = vnfcsOf(await get(id));
    expect(afterHeal.map((v) => v.id)).not.toContain(victim.id);
    const replacement = afterHeal.find((v) => v.metadata.managementAddress === victim.metadata.managementAddress)!;
    expect(replacement).toBeDefined();
    expect(await agent(replacement, dialect).readConfig()).toBe(newConfig);

    // operate: stop (the NF and, forcefully, the VM) and start again
    const stop = await api.task('POST', `/vnflcm/v1/vnf_instances/${id}/operate`, {
      changeStateTo: 'STOPPED',
      stopType: 'FORCEFUL',
    });
    expect(stop.error).toBeUndefined();
    expect((await os.compute.getServer(replacement.id)).status).toBe('SHUTOFF');
    const start = await api.task('POST', `/vnflcm/v1/vnf_instances/${id}/operate`, { changeStateTo: 'STARTED' });
    expect(start.error).toBeUndefined();
    expect((await os.compute.getServer(replacement.id)).status).toBe('ACTIVE');
    expect(await agent(replacement, dialect).status()).toMatchObject({ running: true });

    // nothing left
    const term = await api.task('POST', `/vnflcm/v1/vnf_instances/${id}/terminate`, { terminationType: 'FORCEFUL' });
    expect(term.operationState).toBe('COMPLETED');
    expect(await leftovers(os, id)).toEqual([]);
    vnf = await get(id);
    expect(vnf.instantiationState).toBe('NOT_INSTANTIATED');
  });
});
