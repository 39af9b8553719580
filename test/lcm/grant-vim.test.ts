import { useRedis } from '../support/redis';
import { AUTH, buildLcmHarness, createSampleInstance, waitForOp, type LcmHarness } from '../support/lcm';
import { NfvoSimulator, type VimConnectionInfo } from '../support/nfvo-simulator';
import { EmulatedCloud } from '../../src/emulator';
import { HttpGranter } from '../../src/nfvo';
import type { VnfInstance } from '../../src/domain/vnf-instance';
import type { VnfLcmOpOcc } from '../../src/domain/lcm-op-occ';

/**
 * The VIM and the zone named by the grant (SOL003 9.5.2.3 Grant.vimConnections and zones, 9.5.3.4
 * GrantInfo.vimConnectionId and zoneId): the NFVO simulator places the instance on a second emulated cloud,
 * B, that neither the configuration nor the request names; the credentials it sends are kept sealed and
 * never answered.
 */
const redis = useRedis();
const SECRET = 'granted-vim-secret-4711';
let sim: NfvoSimulator;
let h: LcmHarness;
let b: EmulatedCloud;

beforeAll(async () => {
  sim = new NfvoSimulator();
  await sim.start();
  b = new EmulatedCloud({ vmReadyDelayMs: 50 });
  await b.start();
  const granter = new HttpGranter({ url: sim.url, vnfmUrl: 'http://vnfm.test', pollIntervalMs: 50 });
  h = await buildLcmHarness(redis.url, { granter, vims: true });
}, 60_000);
afterAll(async () => {
  await h.close();
  await b.stop();
  await sim.stop();
}, 60_000);
beforeEach(() => {
  sim.vimConnections = undefined;
  sim.zones = undefined;
  sim.resourceGrant = undefined;
  sim.grantRequests.length = 0;
});

const vimB = (): VimConnectionInfo => ({
  id: 'vim-b',
  vimType: 'CLICKVNFM.EMULATED.V_1',
  interfaceInfo: { endpoint: b.url },
  accessInfo: { password: SECRET },
});

interface Server {
  id: string;
  status: string;
  availabilityZone?: string;
}
async function servers(cloud: EmulatedCloud, instanceId: string): Promise<Server[]> {
  return (await (await fetch(`${cloud.url}/stacks/${instanceId}`)).json()) as Server[];
}

async function run(id: string, path: string, payload: Record<string, unknown>): Promise<VnfLcmOpOcc> {
  const url = `/vnflcm/v1/vnf_instances/${id}/${path}`;
  const res = await h.app.inject({ method: 'POST', url, headers: AUTH, payload });
  expect(res.statusCode).toBe(202);
  return waitForOp(h, res.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP']);
}

async function get(url: string): Promise<string> {
  return (await h.app.inject({ method: 'GET', url, headers: AUTH })).body;
}

/** Every string and hash value under the harness's prefix, as stored. */
async function stored(): Promise<string> {
  const out: string[] = [];
  for (const key of await h.redis.keys(`${h.prefix}*`)) {
    const type = await h.redis.type(key);
    if (type === 'string') out.push((await h.redis.get(key)) ?? '');
    if (type === 'hash') out.push(JSON.stringify(await h.redis.hgetall(key)));
  }
  return out.join('\n');
}

describe('the VIM and the zone from the grant', () => {
  it('the grant names VIM B and a zone: the VNFCs are made there; scale, heal and terminate follow', async () => {
    sim.vimConnections = [vimB()];
    sim.zones = [{ id: 'zone-1', zoneId: 'az-2', vimConnectionId: 'vim-b' }];
    const inst = await createSampleInstance(h, 'forwarder');
    const op = await run(inst.id, 'instantiate', { flavourId: 'simple' });
    expect(op.error).toBeUndefined();
    expect(op.operationState).toBe('COMPLETED');

    expect(await servers(b, inst.id)).toEqual([expect.objectContaining({ availabilityZone: 'az-2' })]);
    expect(await servers(h.cloud, inst.id)).toEqual([]);
    const body = await get(`/vnflcm/v1/vnf_instances/${inst.id}?all_fields`);
    const shown = JSON.parse(body) as VnfInstance;
    expect(shown.vimConnectionInfo).toEqual([
      { id: 'vim-b', vimType: 'CLICKVNFM.EMULATED.V_1', interfaceInfo: { endpoint: b.url } },
    ]);
    const vnfc = shown.instantiatedVnfInfo?.vnfcResourceInfo?.[0];
    expect(vnfc?.computeResource.vimConnectionId).toBe('vim-b');
    expect(vnfc?.metadata?.['zoneId']).toBe('az-2');

    // a later operation goes to B, its new VNFC into the same zone
    const out = await run(inst.id, 'scale', { type: 'SCALE_OUT', aspectId: 'click_aspect' });
    expect(out.error).toBeUndefined();
    expect((await servers(b, inst.id)).map((s) => s.availabilityZone)).toEqual(['az-2', 'az-2']);
    expect(await servers(h.cloud, inst.id)).toEqual([]);
    const scaled = JSON.parse(await get(`/vnflcm/v1/vnf_instances/${inst.id}`)) as VnfInstance;
    expect(scaled.instantiatedVnfInfo?.vnfcResourceInfo?.map((v) => v.metadata?.['zoneId'])).toEqual(['az-2', 'az-2']);

    // a heal replaces a VNFC on B, in the same zone
    const [first] = await servers(b, inst.id);
    const healed = await run(inst.id, 'heal', { vnfcInstanceId: [first?.id] });
    expect(healed.error).toBeUndefined();
    const after = await servers(b, inst.id);
    expect(after.map((s) => s.id)).not.toContain(first?.id);
    expect(after.map((s) => s.availabilityZone)).toEqual(['az-2', 'az-2']);
    const shownHealed = JSON.parse(await get(`/vnflcm/v1/vnf_instances/${inst.id}`)) as VnfInstance;
    expect(shownHealed.instantiatedVnfInfo?.vnfcResourceInfo?.map((v) => v.metadata?.['zoneId'])).toEqual([
      'az-2',
      'az-2',
    ]);

    // the NFVO's credentials for B: sealed at rest, in no answer and no notification
    for (const o of [op, out, healed]) expect(await get(`/vnflcm/v1/vnf_lcm_op_occs/${o.id}`)).not.toContain(SECRET);
    expect(body).not.toContain(SECRET);
    expect(JSON.stringify(h.notifier.events)).not.toContain(SECRET);
    expect(await stored()).toContain('vim-b');
    expect(await stored()).not.toContain(SECRET);

    // terminate works on B, whatever its grant says of VIMs
    sim.vimConnections = undefined;
    sim.zones = undefined;
    const term = await run(inst.id, 'terminate', { terminationType: 'FORCEFUL' });
    expect(term.error).toBeUndefined();
    expect(await servers(b, inst.id)).toEqual([]);
    expect(await b.leftovers(inst.id)).toEqual([]);
  }, 60_000);

  it('when the request and the grant both name a VIM, the grant wins', async () => {
    sim.vimConnections = [vimB()];
    const inst = await createSampleInstance(h, 'forwarder');
    const requested = { id: 'vim-a', vimType: 'CLICKVNFM.EMULATED.V_1', interfaceInfo: { endpoint: h.cloud.url } };
    const op = await run(inst.id, 'instantiate', { flavourId: 'simple', vimConnectionInfo: [requested] });
    expect(op.error).toBeUndefined();
    expect(await servers(b, inst.id)).toHaveLength(1);
    expect(await servers(h.cloud, inst.id)).toEqual([]);
    const shown = JSON.parse(await get(`/vnflcm/v1/vnf_instances/${inst.id}`)) as VnfInstance;
    expect(shown.vimConnectionInfo?.map((c) => c.id)).toEqual(['vim-b']);
    await run(inst.id, 'terminate', { terminationType: 'FORCEFUL' });
  }, 60_000);

  it('a vimConnectionId the grant does not define: FAILED_TEMP naming the field, nothing on any VIM', async () => {
    sim.vimConnections = [vimB()];
    sim.resourceGrant = () => ({ vimConnectionId: 'nowhere' });
    const inst = await createSampleInstance(h, 'forwarder');
    const op = await run(inst.id, 'instantiate', { flavourId: 'simple' });
    expect(op.operationState).toBe('FAILED_TEMP');
    expect(op.error?.status).toBe(422);
    expect(op.error?.detail).toMatch(/addResources\[\d+\]\.vimConnectionId/);
    expect(op.error?.detail).toContain('nowhere');
    for (const cloud of [b, h.cloud]) {
      expect(await servers(cloud, inst.id)).toEqual([]);
      expect(await cloud.leftovers(inst.id)).toEqual([]);
    }
  }, 60_000);

  it('a granted VIM that cannot be used: FAILED_TEMP naming the grant field, no secret in the cause', async () => {
    const cases: Array<[VimConnectionInfo, string]> = [
      // nothing listens on port 9
      [{ ...vimB(), interfaceInfo: { endpoint: 'http://127.0.0.1:9' } }, "the grant's vimConnections[0] "],
      [{ ...vimB(), vimType: 'ETSINFV.AZURE.V_1' }, "the grant's vimConnections[0].vimType "],
    ];
    for (const [connection, field] of cases) {
      sim.vimConnections = [connection];
      const inst = await createSampleInstance(h, 'forwarder');
      const op = await run(inst.id, 'instantiate', { flavourId: 'simple' });
      expect(op.operationState).toBe('FAILED_TEMP');
      expect(op.error?.detail).toContain(field);
      expect(JSON.stringify(op)).not.toContain(SECRET);
      expect(await servers(h.cloud, inst.id)).toEqual([]);
      expect(await h.cloud.leftovers(inst.id)).toEqual([]);
    }
    expect(JSON.stringify(h.notifier.events)).not.toContain(SECRET);
  }, 60_000);

  it('a failed instantiate on the granted VIM is rolled back there', async () => {
    sim.vimConnections = [vimB()];
    const inst = await createSampleInstance(h, 'forwarder');
    b.injectFault({ instanceId: inst.id, fault: 'server-error' });
    const op = await run(inst.id, 'instantiate', { flavourId: 'simple' });
    expect(op.operationState).toBe('FAILED_TEMP');
    expect(await servers(b, inst.id)).toEqual([expect.objectContaining({ status: 'ERROR' })]);
    b.clearFaults(inst.id);
    const res = await h.app.inject({
      method: 'POST',
      url: `/vnflcm/v1/vnf_lcm_op_occs/${op.id}/rollback`,
      headers: AUTH,
    });
    expect(res.statusCode).toBe(202);
    const back = await waitForOp(h, `http://vnfm.test/vnflcm/v1/vnf_lcm_op_occs/${op.id}`, [
      'ROLLED_BACK',
      'FAILED_TEMP',
    ]);
    expect(back.operationState).toBe('ROLLED_BACK');
    expect(await b.leftovers(inst.id)).toEqual([]);
  }, 60_000);

  it('a zone the grant does not define, or a second zone for a VDU: FAILED_TEMP, nothing changed', async () => {
    sim.zones = [{ id: 'zone-1', zoneId: 'az-1' }];
    sim.resourceGrant = (d) => ({ zoneId: d.type === 'COMPUTE' ? 'zone-x' : undefined });
    const lost = await createSampleInstance(h, 'forwarder');
    const failed = await run(lost.id, 'instantiate', { flavourId: 'simple' });
    expect(failed.operationState).toBe('FAILED_TEMP');
    expect(failed.error?.detail).toMatch(/addResources\[\d+\]\.zoneId/);
    expect(await servers(h.cloud, lost.id)).toEqual([]);

    // on the configured VIM, in zone az-1; then a scale out granted in az-3
    sim.resourceGrant = undefined;
    const inst = await createSampleInstance(h, 'forwarder');
    expect((await run(inst.id, 'instantiate', { flavourId: 'simple' })).error).toBeUndefined();
    expect((await servers(h.cloud, inst.id)).map((s) => s.availabilityZone)).toEqual(['az-1']);
    // a grant that names no zone: the new VNFC joins the VDU's zone
    sim.zones = undefined;
    expect((await run(inst.id, 'scale', { type: 'SCALE_OUT', aspectId: 'click_aspect' })).error).toBeUndefined();
    expect((await servers(h.cloud, inst.id)).map((s) => s.availabilityZone)).toEqual(['az-1', 'az-1']);
    sim.zones = [{ id: 'zone-3', zoneId: 'az-3' }];
    const out = await run(inst.id, 'scale', { type: 'SCALE_OUT', aspectId: 'click_aspect' });
    expect(out.operationState).toBe('FAILED_TEMP');
    expect(out.error?.detail).toMatch(/addResources\[\d+\]\.zoneId/);
    expect(out.error?.detail).toContain('one zone');
    expect(await servers(h.cloud, inst.id)).toHaveLength(2);
  }, 60_000);
});
