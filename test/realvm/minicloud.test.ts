/**
 * One VNF on the real Click-on-OSv image through real OpenStack: the mini-cloud's Nova driver boots the image under
 * QEMU for every osv-controlsocket server (MINICLOUD_REAL_IMAGE), and the VNFM onboards a package carrying that
 * image (Glance), instantiates it (Heat, Nova, Neutron), proves Click runs in real OSv, reconfigures it hot, heals the
 * VNFC (a new real VM, the configuration pushed again) and terminates it, leaving nothing. The timings go to
 * test-artifacts/realvm-minicloud.json. Run by `npm run test:realvm -- --image PATH --minicloud`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpVnfAgentFactory } from '../../src/agent';
import type { VnfInstance } from '../../src/domain/vnf-instance';
import type { VnfLcmOpOcc } from '../../src/domain/lcm-op-occ';
import type { OpenStackClient } from '../../src/openstack';
import { Api, buildVariant, cloudConfigured, connectCloud, leftovers, startOpenStackVnfm } from '../deployment/support';
import { startTestRedis } from '../support/redis';

const image = process.env['CLICKVNFM_REALVM_IMAGE'] ?? '';
if (image === '' || !cloudConfigured())
  throw new Error('run by npm run test:realvm -- --image PATH --minicloud (the image, and the mini-cloud with it)');

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let vnfm: Awaited<ReturnType<typeof startOpenStackVnfm>>;
let api: Api;
let os: OpenStackClient;
const ids: string[] = [];

beforeAll(async () => {
  os = await connectCloud();
  redis = await startTestRedis();
  vnfm = await startOpenStackVnfm(redis.url);
  api = new Api(vnfm.url as string);
}, 120_000);
afterAll(async () => {
  for (const id of ids)
    await api?.task('POST', `/vnflcm/v1/vnf_instances/${id}/terminate`, { terminationType: 'FORCEFUL' }).catch(() => 0);
  await vnfm?.stop();
  await redis?.stop();
}, 300_000);

type Vnfc = { id: string; metadata: { managementAddress: string } };
const vnfcsOf = (i: VnfInstance): Vnfc[] => (i.instantiatedVnfInfo?.vnfcResourceInfo ?? []) as unknown as Vnfc[];
const agentAt = (v: Vnfc) =>
  new HttpVnfAgentFactory({ timeoutMs: 10_000 }).forEndpoint({
    address: v.metadata.managementAddress,
    port: 8000,
    dialect: 'osv-controlsocket',
    controlSocketPort: 8001,
  });
const seconds = (op: VnfLcmOpOcc): number => (Date.parse(op.stateEnteredTime) - Date.parse(op.startTime)) / 1000;
const body = (rate: number, extra = '') => `src :: RatedSource(RATE ${rate}) -> c :: Counter -> ${extra}Discard;\n`;

it('instantiate, Click runs in real OSv, hot reconfigure, heal, terminate: nothing left', async () => {
  const timings: Record<string, number> = {};
  // the nat sample with a configuration that needs no DPDK (TCG has none): a rated source through a counter
  const pkg = await api.onboard(
    await buildVariant({
      sample: 'nat',
      image: readFileSync(image),
      vnfdId: randomUUID(),
      clickEdits: [[/(\/\/VNF_DESCRIPTION:[^\n]*\n)[\s\S]*$/, `$1${body(200)}`]],
    }),
  );
  const created = await api.call<VnfInstance>('POST', '/vnflcm/v1/vnf_instances', {
    vnfdId: pkg.vnfdId,
    vnfInstanceName: 'realvm',
  });
  expect(created.status).toBe(201);
  const id = created.body.id;
  ids.push(id);
  const inst = await api.task('POST', `/vnflcm/v1/vnf_instances/${id}/instantiate`, { flavourId: 'simple' }, 600_000);
  expect(inst.error).toBeUndefined();
  expect(inst.operationState).toBe('COMPLETED');
  timings['instantiate'] = seconds(inst);
  const [vnfc] = vnfcsOf((await api.call<VnfInstance>('GET', `/vnflcm/v1/vnf_instances/${id}`)).body);
  const agent = agentAt(vnfc!);
  // real OSv (the emulator says v0.57.0-clickvnfm-emulator), Click running the package's configuration
  expect(await agent.status()).toMatchObject({ reachable: true, running: true, version: 'v0.57.0' });
  const config = await agent.readConfig();
  expect(config).toContain(body(200));
  const m = await agent.metrics();
  expect(m.elements.find((e) => e.element === 'c' && e.handler === 'count')?.value).toBeGreaterThan(0);

  const next = config.replace(body(200), body(400, 'extra :: Counter -> '));
  const mod = await api.task('PATCH', `/vnflcm/v1/vnf_instances/${id}`, {
    vnfConfigurableProperties: { clickConfig: next },
  });
  expect(mod.error).toBeUndefined();
  timings['modify (hot reconfigure)'] = seconds(mod);
  expect(await agent.readConfig()).toBe(next);
  expect((await agent.metrics()).elements.some((e) => e.element === 'extra')).toBe(true);

  const heal = await api.task(
    'POST',
    `/vnflcm/v1/vnf_instances/${id}/heal`,
    { vnfcInstanceId: [vnfc!.id], cause: 'real VM' },
    600_000,
  );
  expect(heal.error).toBeUndefined();
  timings['heal (a new VM)'] = seconds(heal);
  const [healed] = vnfcsOf((await api.call<VnfInstance>('GET', `/vnflcm/v1/vnf_instances/${id}`)).body);
  expect(healed!.id).not.toBe(vnfc!.id);
  expect(await agentAt(healed!).readConfig()).toBe(next);
  expect((await agentAt(healed!).status()).running).toBe(true);

  const term = await api.task('POST', `/vnflcm/v1/vnf_instances/${id}/terminate`, { terminationType: 'FORCEFUL' });
  expect(term.operationState).toBe('COMPLETED');
  timings['terminate'] = seconds(term);
  ids.pop();
  expect(await leftovers(os, id)).toEqual([]);
  const dir = join(__dirname, '../../test-artifacts');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'realvm-minicloud.json'), `${JSON.stringify(timings, null, 2)}\n`);
  process.stdout.write(`real VM on the mini-cloud, seconds: ${JSON.stringify(timings)}\n`);
}, 1_500_000);
