/**
 * Under an NFVO on the mini-cloud: the Grant names the VIM (SOL003 9.5.2.3 vimConnections, here the mini-cloud's
 * `demo` project with the demo user's Keystone credentials) and the flavour (vimAssets.computeResourceFlavours, a
 * flavour the cloud's admin made). Two instances at once on two VIMs: one where its grant says (demo), one on the
 * VNFM's configured VIM (admin), each VNF running there; later operations go to each instance's own VIM; after
 * terminate nothing is left in either project.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import type { VnfInstance } from '../../src/domain/vnf-instance';
import { HttpVnfAgentFactory } from '../../src/agent';
import { OpenStackClient, resolveCloud } from '../../src/openstack';
import { NfvoSimulator } from '../support/nfvo-simulator';
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

if (!cloudConfigured()) throw new Error('the deployment suite needs the mini-cloud (scripts/test.sh starts it)');

const DEMO = 'minicloud-demo';
const cloudsFile = process.env['OS_CLIENT_CONFIG_FILE'] as string;
let redis: Awaited<ReturnType<typeof startTestRedis>>;
let vnfm: Awaited<ReturnType<typeof startOpenStackVnfm>>;
let api: Api;
let admin: OpenStackClient;
let demo: OpenStackClient;
const nfvo = new NfvoSimulator({ auth: { basic: { user: 'vnfm', password: 'nfvo-pw-for-the-suite' } } });
let flavorId = '';
const flavorName = `grant-flavour-${Date.now()}`;
const createdIds: string[] = [];
const dataNet = `grant-data-${Date.now()}`;
let dataNetId = '';
const cli = (...args: string[]): string => execFileSync('openstack', args, { env: process.env }).toString().trim();

/** The demo project's credentials, as an NFVO holding them would put them in a grant. */
function demoConnection() {
  const clouds = yaml.load(readFileSync(cloudsFile, 'utf8')) as {
    clouds: Record<string, { auth: Record<string, string>; region_name?: string }>;
  };
  const a = clouds.clouds[DEMO]!.auth;
  return {
    id: 'demo-project',
    vimId: 'minicloud-demo',
    vimType: 'ETSINFV.OPENSTACK_KEYSTONE.V_3',
    interfaceInfo: { endpoint: a['auth_url'] },
    accessInfo: {
      username: a['username'],
      password: a['password'],
      project: a['project_name'],
      userDomain: a['user_domain_name'] ?? 'Default',
      projectDomain: a['project_domain_name'] ?? 'Default',
      region: clouds.clouds[DEMO]!.region_name ?? 'RegionOne',
    },
  };
}

beforeAll(async () => {
  admin = await connectCloud();
  demo = await OpenStackClient.connect(
    resolveCloud({ OS_CLIENT_CONFIG_FILE: cloudsFile, OS_CLOUD: DEMO }, { home: '/nonexistent', cwd: '/' }),
  );
  // the NFVO's flavour: made by the cloud's admin (a project member may not create flavours), public
  flavorId = cli(
    ...['flavor', 'create', '--vcpus', '2', '--ram', '512', '--disk', '1'],
    ...['--property', 'hw:cpu_policy=dedicated', '--property', 'hw:mem_page_size=large'],
    ...[flavorName, '-f', 'value', '-c', 'id'],
  );
  // the project's own data network (a provider VLAN the cloud's admin gave it): a project member may bind
  // SR-IOV ports without port security only on a network of its own (Neutron's default policy)
  dataNetId = cli(
    ...['network', 'create', '--project', 'demo', '--provider-network-type', 'vlan'],
    ...['--provider-physical-network', 'physnet1', dataNet, '-f', 'value', '-c', 'id'],
  );
  cli('subnet', 'create', '--project', 'demo', '--network', dataNetId, '--subnet-range', '10.98.0.0/24', dataNet);
  await nfvo.start();
  redis = await startTestRedis();
  vnfm = await startOpenStackVnfm(
    redis.url,
    {},
    { nfvo: { url: nfvo.url, user: 'vnfm', password: 'nfvo-pw-for-the-suite' } },
  );
  api = new Api(vnfm.url as string);
}, 120_000);
afterAll(async () => {
  await vnfm?.stop();
  await removeStacks([admin, demo], createdIds);
  if (flavorId) cli('flavor', 'delete', flavorId);
  if (dataNetId) cli('network', 'delete', dataNetId);
  await nfvo.stop();
  await redis?.stop();
}, 120_000);

type Vnfc = { id: string; metadata: { managementAddress: string; managementPort?: number } };
const vnfcsOf = (i: VnfInstance): Vnfc[] => (i.instantiatedVnfInfo?.vnfcResourceInfo ?? []) as unknown as Vnfc[];
const get = async (id: string): Promise<VnfInstance> =>
  (await api.call<VnfInstance>('GET', `/vnflcm/v1/vnf_instances/${id}`)).body;
const running = (v: Vnfc) =>
  new HttpVnfAgentFactory()
    .forEndpoint({
      address: v.metadata.managementAddress,
      port: v.metadata.managementPort ?? 8000,
      dialect: 'click-plugin',
    })
    .status();

describe('the VIM from the grant, on the mini-cloud', () => {
  it('two instances side by side in two projects: one where the grant says (demo), one in admin', async () => {
    const pkg = await api.onboard(
      await buildVariant({ sample: 'forwarder', image: tinyQcow2(1 << 30, `grant-${Date.now()}`) }),
    );
    const create = async (name: string) => {
      const r = await api.call<VnfInstance>('POST', '/vnflcm/v1/vnf_instances', {
        vnfdId: pkg.vnfdId,
        vnfInstanceName: name,
      });
      createdIds.push(r.body.id);
      return r.body.id;
    };
    const granted = await create('granted-vim');
    const local = await create('configured-vim');
    const instantiate = async (id: string, more: Record<string, unknown> = {}) => {
      const r = await api.call('POST', `/vnflcm/v1/vnf_instances/${id}/instantiate`, { flavourId: 'simple', ...more });
      if (r.status !== 202) throw new Error(`instantiate: ${r.status} ${JSON.stringify(r.body)}`);
      return r.headers.get('location') as string;
    };

    // the first grant names the demo project and the flavour; the second names no VIM (the configured one)
    const connection = demoConnection();
    nfvo.vimConnections = [connection];
    nfvo.vimAssets = {
      computeResourceFlavours: [
        { vimConnectionId: connection.id, vnfdVirtualComputeDescId: 'click_vdu', vimFlavourId: flavorId },
      ],
    };
    const first = await instantiate(granted, {
      extVirtualLinks: [{ id: 'data', resourceId: dataNetId, extCps: [{ cpdId: 'data0_cp' }, { cpdId: 'data1_cp' }] }],
    });
    for (let i = 0; nfvo.grants.length === 0; i++) {
      if (i > 300) throw new Error('no grant asked for in 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    nfvo.vimConnections = undefined;
    nfvo.vimAssets = undefined;
    // NOTE: one after the other: the mini-cloud's single Heat engine, creating two stacks' servers at the same
    // moment on a loaded 2-core machine, once never sent the second server to Nova (stuck CREATE_IN_PROGRESS)
    const a = await api.waitOp(first);
    const b = await api.waitOp(await instantiate(local));
    expect(a.error).toBeUndefined();
    expect(b.error).toBeUndefined();
    expect([a.operationState, b.operationState]).toEqual(['COMPLETED', 'COMPLETED']);

    // where each runs: the granted one in demo (admin's project does not see it) with the granted flavour
    const inDemo = vnfcsOf(await get(granted));
    const inAdmin = vnfcsOf(await get(local));
    expect(inDemo.length).toBeGreaterThan(0);
    expect(inAdmin.length).toBeGreaterThan(0);
    for (const v of inDemo) {
      const server = await demo.compute.getServer(v.id);
      expect(server.status).toBe('ACTIVE');
      expect(JSON.stringify(server.flavor)).toContain(flavorName);
      expect(await running(v)).toMatchObject({ running: true });
    }
    const adminServers = [];
    for await (const s of admin.compute.listServers({ name: `^vnf-${granted}` })) adminServers.push(s.id);
    expect(adminServers).toEqual([]);
    for (const v of inAdmin) expect((await admin.compute.getServer(v.id)).status).toBe('ACTIVE');
    // the instance names its VIM, never its credentials
    const shown = await api.call('GET', `/vnflcm/v1/vnf_instances/${granted}`);
    expect(JSON.stringify(shown.body)).toContain('demo-project');
    const named = (shown.body as VnfInstance).vimConnectionInfo ?? [];
    expect(named.map((c) => c.id)).toEqual(['demo-project']);
    expect(named[0]).not.toHaveProperty('accessInfo');
    expect(JSON.stringify(shown.body)).not.toContain(`"${connection.accessInfo.password as string}"`);

    // later operations go to each instance's own VIM (the NFVO's next grants name none)
    const out = await api.task('POST', `/vnflcm/v1/vnf_instances/${granted}/scale`, {
      type: 'SCALE_OUT',
      aspectId: 'click_aspect',
    });
    expect(out.error).toBeUndefined();
    const scaled = vnfcsOf(await get(granted));
    expect(scaled).toHaveLength(inDemo.length + 1);
    for (const v of scaled) expect((await demo.compute.getServer(v.id)).status).toBe('ACTIVE');
    const terms = await Promise.all(
      [granted, local].map((id) =>
        api.task('POST', `/vnflcm/v1/vnf_instances/${id}/terminate`, { terminationType: 'FORCEFUL' }),
      ),
    );
    // a failure shows its cause (the op-occ's error), not only FAILED_TEMP
    expect(terms.map((t) => t.error?.detail ?? t.operationState)).toEqual(['COMPLETED', 'COMPLETED']);
    expect(await leftovers(demo, granted)).toEqual([]);
    expect(await leftovers(admin, local)).toEqual([]);
  }, 600_000);
});
