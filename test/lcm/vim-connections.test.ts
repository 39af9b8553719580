import { useRedis } from '../support/redis';
import { AUTH, buildLcmHarness, createSampleInstance, waitForOp, type LcmHarness } from '../support/lcm';
import { EmulatedCloud } from '../../src/emulator';
import type { VnfInstance } from '../../src/domain/vnf-instance';

/**
 * VIMs from the request (SOL003 5.5.2.4 vimConnectionInfo): two instances on two VIMs at once, the
 * configured one and a second emulated cloud that only the request names; the credentials are kept
 * (sealed) and never answered.
 */
const redis = useRedis();
let h: LcmHarness;
let other: EmulatedCloud;

beforeAll(async () => {
  other = new EmulatedCloud({ vmReadyDelayMs: 50 });
  await other.start();
  h = await buildLcmHarness(redis.url, { vims: true });
}, 60_000);
afterAll(async () => {
  await h.close();
  await other.stop();
}, 60_000);

async function servers(cloud: EmulatedCloud, instanceId: string): Promise<number> {
  return ((await (await fetch(`${cloud.url}/stacks/${instanceId}`)).json()) as unknown[]).length;
}

async function run(id: string, path: string, payload: Record<string, unknown>) {
  const res = await h.app.inject({
    method: 'POST',
    url: `/vnflcm/v1/vnf_instances/${id}/${path}`,
    headers: AUTH,
    payload,
  });
  return res;
}

describe('vimConnectionInfo from the request', () => {
  it('two instances on two VIMs at once; the named VIM serves its instance to the end', async () => {
    const onOther = await createSampleInstance(h, 'forwarder');
    const onDefault = await createSampleInstance(h, 'forwarder');
    const connection = {
      id: 'vim-b',
      vimType: 'CLICKVNFM.EMULATED.V_1',
      interfaceInfo: { endpoint: other.url },
      accessInfo: { token: 'the-vim-secret' },
    };
    const [a, b] = await Promise.all([
      run(onOther.id, 'instantiate', { flavourId: 'simple', vimConnectionInfo: [connection] }),
      run(onDefault.id, 'instantiate', { flavourId: 'simple' }),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    for (const r of [a, b]) {
      const op = await waitForOp(h, r.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP']);
      expect(op.error).toBeUndefined();
    }
    expect(await servers(other, onOther.id)).toBe(1);
    expect(await servers(h.cloud, onOther.id)).toBe(0);
    expect(await servers(h.cloud, onDefault.id)).toBe(1);
    expect(await servers(other, onDefault.id)).toBe(0);

    const shownRes = await h.app.inject({
      method: 'GET',
      url: `/vnflcm/v1/vnf_instances/${onOther.id}?all_fields`,
      headers: AUTH,
    });
    expect(shownRes.body).not.toContain('the-vim-secret');
    const shown = shownRes.json() as VnfInstance;
    expect(shown.vimConnectionInfo).toEqual([
      { id: 'vim-b', vimType: 'CLICKVNFM.EMULATED.V_1', interfaceInfo: { endpoint: other.url } },
    ]);
    expect(shown.instantiatedVnfInfo?.vnfcResourceInfo?.[0]?.computeResource.vimConnectionId).toBe('vim-b');
    // sealed at rest too
    const raw = JSON.stringify(await h.redis.hgetall(`${h.prefix}:inst:doc`));
    expect(raw).toContain('vim-b');
    expect(raw).not.toContain('the-vim-secret');

    // later operations go to the VIM the instance records
    const term = await run(onOther.id, 'terminate', { terminationType: 'FORCEFUL' });
    const done = await waitForOp(h, term.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP']);
    expect(done.error).toBeUndefined();
    expect(await servers(other, onOther.id)).toBe(0);
    expect(await servers(h.cloud, onDefault.id)).toBe(1);
  }, 60_000);

  it('a VIM type the VNFM does not serve is a 422 on vimConnectionInfo.vimType, before anything starts', async () => {
    const inst = await createSampleInstance(h, 'forwarder');
    const connection = { id: 'x', vimType: 'ETSINFV.AZURE.V_1', interfaceInfo: { endpoint: 'http://127.0.0.1:9/' } };
    const res = await run(inst.id, 'instantiate', { flavourId: 'simple', vimConnectionInfo: [connection] });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ field: 'vimConnectionInfo.vimType' });
    const ops = await h.app.inject({ method: 'GET', url: '/vnflcm/v1/vnf_lcm_op_occs', headers: AUTH });
    expect((ops.json() as Array<{ vnfInstanceId: string }>).filter((o) => o.vnfInstanceId === inst.id)).toEqual([]);
  });

  it('a malformed vimConnectionInfo is a 400 naming the field', async () => {
    const inst = await createSampleInstance(h, 'forwarder');
    const res = await run(inst.id, 'instantiate', { flavourId: 'simple', vimConnectionInfo: [{ vimType: 'X' }] });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain('vimConnectionInfo');
  });
});
