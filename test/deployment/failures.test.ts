/**
 * Failures on the real mini-cloud: each ends the instantiation in FAILED_TEMP with the cause read from
 * the cloud, and rollback leaves nothing of the instance in the cloud.
 * - image upload refused: Glance refuses the image (the mini-cloud's Glance takes no 'docker' container format);
 * - stack create failed: the NFV flavor asks for more dedicated CPUs than the compute node has (NoValidHost);
 * - agent never ready: the VNFD names a management port the VM's API does not listen on.
 */
import type { VnfInstance } from '../../src/domain/vnf-instance';
import type { OpenStackClient } from '../../src/openstack';
import { startTestRedis } from '../support/redis';
import { Api, buildVariant, cloudConfigured, connectCloud, leftovers, startOpenStackVnfm, tinyQcow2 } from './support';

if (!cloudConfigured())
  throw new Error(
    'the deployment suite needs the mini-cloud:' +
      ' run test/minicloud/up.sh and source .minicloud/openrc (scripts/test.sh does both)',
  );

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let vnfm: Awaited<ReturnType<typeof startOpenStackVnfm>>;
let api: Api;
let os: OpenStackClient;
const image = tinyQcow2(1 << 30, `failures-${Date.now()}`);

beforeAll(async () => {
  os = await connectCloud();
  redis = await startTestRedis();
  vnfm = await startOpenStackVnfm(redis.url);
  api = new Api(vnfm.url as string);
}, 120_000);
afterAll(async () => {
  await vnfm?.stop();
  await redis?.stop();
}, 120_000);

const CASES: Array<{
  name: string;
  sample: string;
  edits: Array<[string | RegExp, string]>;
  cause: RegExp;
  status: number;
}> = [
  {
    name: 'image upload refused',
    sample: 'nat',
    edits: [['container_format: bare', 'container_format: docker']],
    cause: /POST .*\/v2\/images answered 400.*docker/i,
    status: 502,
  },
  {
    name: 'stack create failed',
    sample: 'rate-limiter',
    edits: [['num_virtual_cpu: 2', 'num_virtual_cpu: 64']],
    cause: /Heat stack vnf-.* is CREATE_FAILED: .*(No valid host|NoValidHost)/i,
    status: 502,
  },
  {
    name: 'agent never ready',
    sample: 'load-balancer',
    edits: [
      ['api_port: 8000', 'api_port: 8999'],
      [/grace: \d+ s/, 'grace: 0 s'],
      [/deadline: \d+ s/, 'deadline: 6 s'],
    ],
    cause: /management API at 127\.20\.[0-9.]+:8999 did not become ready/,
    status: 504,
  },
];

describe.each(CASES)('$name', ({ name, sample, edits, cause, status }) => {
  it('ends in FAILED_TEMP with the cause; rollback leaves nothing in the cloud', async () => {
    const pkg = await api.onboard(
      await buildVariant({
        sample,
        image: name === 'image upload refused' ? tinyQcow2(1 << 30, `refused-${Date.now()}`) : image,
        edits,
      }),
    );
    const created = await api.call<VnfInstance>('POST', '/vnflcm/v1/vnf_instances', {
      vnfdId: pkg.vnfdId,
      vnfInstanceName: `failure-${name}`,
    });
    if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
    const id = created.body.id;
    const op = await api.task('POST', `/vnflcm/v1/vnf_instances/${id}/instantiate`, { flavourId: 'simple' });
    expect(op.operationState).toBe('FAILED_TEMP');
    expect(op.error?.status).toBe(status);
    expect(op.error?.detail).toMatch(cause);
    expect(JSON.stringify(op.error)).not.toMatch(/password|X-Auth-Token|gAAAA/); // no secret, no token

    const rb = await api.call('POST', `/vnflcm/v1/vnf_lcm_op_occs/${op.id}/rollback`);
    expect(rb.status).toBe(202);
    const rolled = await api.waitOp(`${api.base}/vnflcm/v1/vnf_lcm_op_occs/${op.id}`);
    expect(rolled.operationState).toBe('ROLLED_BACK');
    expect(await leftovers(os, id)).toEqual([]);
    expect((await api.call<VnfInstance>('GET', `/vnflcm/v1/vnf_instances/${id}`)).body.instantiationState).toBe(
      'NOT_INSTANTIATED',
    );
    expect((await api.call('DELETE', `/vnflcm/v1/vnf_instances/${id}`)).status).toBe(204);
  });
});
