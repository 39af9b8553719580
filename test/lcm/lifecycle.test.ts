import { useRedis } from '../support/redis';
import { AUTH, buildLcmHarness, waitForOp, type LcmHarness } from '../support/lcm';
import { HttpVnfAgentFactory } from '../../src/agent';
import type { VnfInstance } from '../../src/domain/vnf-instance';

const redis = useRedis();
let h: LcmHarness;
beforeAll(async () => {
  h = await buildLcmHarness(redis.url);
}, 60_000);
afterAll(async () => h.close(), 60_000);

async function createInstance(name: string): Promise<VnfInstance> {
  const res = await h.app.inject({
    method: 'POST',
    url: '/vnflcm/v1/vnf_instances',
    headers: AUTH,
    payload: { vnfdId: h.vnfdIds[name], vnfInstanceName: `${name}-${Date.now()}` },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as VnfInstance;
}
async function task(id: string, path: string, payload: unknown, method: 'POST' | 'PATCH' = 'POST') {
  return h.app.inject({
    method,
    url: `/vnflcm/v1/vnf_instances/${id}${path ? `/${path}` : ''}`,
    headers: AUTH,
    payload: payload as Record<string, unknown>,
  });
}
async function instance(id: string): Promise<VnfInstance> {
  return (
    await h.app.inject({ method: 'GET', url: `/vnflcm/v1/vnf_instances/${id}?all_fields`, headers: AUTH })
  ).json() as VnfInstance;
}
async function agents(inst: VnfInstance, dialect: 'click-plugin' | 'osv-controlsocket') {
  return (inst.instantiatedVnfInfo?.vnfcResourceInfo ?? []).map((v) => {
    const md = v.metadata as { managementAddress: string; managementPort: number };
    const server = [...(h.cloud as unknown as { servers: Map<string, { controlPort: number }> }).servers.values()];
    void server;
    return new HttpVnfAgentFactory().forEndpoint({ address: md.managementAddress, port: md.managementPort, dialect });
  });
}

describe('LCM on the emulated VIM: the whole life of a VNF', () => {
  it('instantiate -> COMPLETED with Click running; operate, modify, scale, heal, terminate; nothing left', async () => {
    const inst = await createInstance('forwarder');
    const res = await task(inst.id, 'instantiate', { flavourId: 'simple' });
    expect(res.statusCode).toBe(202);
    const op = await waitForOp(h, res.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP']);
    expect(op.error).toBeUndefined();
    expect(op.operationState).toBe('COMPLETED');
    let cur = await instance(inst.id);
    expect(cur.instantiationState).toBe('INSTANTIATED');
    expect(cur.instantiatedVnfInfo).toMatchObject({
      flavourId: 'simple',
      vnfState: 'STARTED',
      scaleStatus: [{ aspectId: 'click_aspect', scaleLevel: 0 }],
    });
    expect(cur.instantiatedVnfInfo?.vnfcResourceInfo).toHaveLength(1);
    // what ETSI's conformance cases check: extCpInfo[].cpProtocolInfo, affectedVnfcs[].computeResource.vimConnectionId
    expect(cur.instantiatedVnfInfo?.extCpInfo.length).toBeGreaterThan(0);
    for (const cp of cur.instantiatedVnfInfo?.extCpInfo ?? [])
      expect(cp.cpProtocolInfo).toEqual(
        expect.arrayContaining([expect.objectContaining({ layerProtocol: 'IP_OVER_ETHERNET' })]),
      );
    const full = (
      await h.app.inject({
        method: 'GET',
        url: `${new URL(res.headers['location'] as string).pathname}?fields=resourceChanges`,
        headers: AUTH,
      })
    ).json() as { resourceChanges?: { affectedVnfcs?: Array<{ computeResource: { vimConnectionId?: string } }> } };
    expect(full.resourceChanges?.affectedVnfcs?.length).toBe(1);
    for (const a of full.resourceChanges?.affectedVnfcs ?? [])
      expect(a.computeResource.vimConnectionId).toBe(cur.vimConnectionInfo?.[0]?.id);
    const [agent] = await agents(cur, 'click-plugin');
    expect((await agent!.status()).running).toBe(true);
    expect((await agent!.identification()).name).toBe('forwarder');

    // a second operation while one is active: 409
    const busy = await task(inst.id, 'operate', { changeStateTo: 'STOPPED' });
    const again = await task(inst.id, 'operate', { changeStateTo: 'STOPPED' });
    expect([busy.statusCode, again.statusCode].sort()).toEqual([202, 409]);
    await waitForOp(h, (busy.statusCode === 202 ? busy : again).headers['location'] as string, ['COMPLETED']);
    expect((await agent!.status()).running).toBe(false);
    expect((await instance(inst.id)).instantiatedVnfInfo?.vnfState).toBe('STOPPED');
    const start = await task(inst.id, 'operate', { changeStateTo: 'STARTED' });
    await waitForOp(h, start.headers['location'] as string, ['COMPLETED']);
    expect((await agent!.status()).running).toBe(true);

    // modify: a new Click config, checked first, then pushed
    const bad = await task(
      inst.id,
      '',
      { vnfConfigurableProperties: { clickConfig: 'FromDPDKDevice(0) -> Nope -> ToDPDKDevice(1);' } },
      'PATCH',
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({
      field: 'vnfConfigurableProperties.clickConfig',
      detail: expect.stringContaining("unknown element class 'Nope'"),
    });
    // a ControlSocket of its own on the VDU's controlsocket_port (8001): Click would stop a second after it starts
    const clash = await task(
      inst.id,
      '',
      { vnfConfigurableProperties: { clickConfig: 'Idle -> Discard;\ncs :: ControlSocket(TCP, 8001);\n' } },
      'PATCH',
    );
    expect(clash.statusCode).toBe(422);
    expect(clash.json()).toMatchObject({
      field: 'vnfConfigurableProperties.clickConfig',
      detail: expect.stringMatching(
        /2:1: cs :: ControlSocket\(TCP, 8001\): the agent already starts Click with -p 8001/,
      ),
    });
    const newConfig = 'FromDPDKDevice(0) -> c :: Counter -> ToDPDKDevice(1);\nFromDPDKDevice(1) -> ToDPDKDevice(0);\n';
    const mod = await task(
      inst.id,
      '',
      { vnfConfigurableProperties: { clickConfig: newConfig }, vnfInstanceDescription: 'modified' },
      'PATCH',
    );
    expect(mod.statusCode).toBe(202);
    await waitForOp(h, mod.headers['location'] as string, ['COMPLETED']);
    expect(await agent!.readConfig()).toBe(newConfig);
    expect((await instance(inst.id)).vnfInstanceDescription).toBe('modified');

    // scale out and in
    const out = await task(inst.id, 'scale', { type: 'SCALE_OUT', aspectId: 'click_aspect' });
    await waitForOp(h, out.headers['location'] as string, ['COMPLETED']);
    cur = await instance(inst.id);
    expect(cur.instantiatedVnfInfo?.vnfcResourceInfo).toHaveLength(2);
    expect(cur.instantiatedVnfInfo?.scaleStatus?.[0]?.scaleLevel).toBe(1);
    for (const a of await agents(cur, 'click-plugin')) expect((await a.status()).running).toBe(true);
    const tooFar = await task(inst.id, 'scale', { type: 'SCALE_OUT', aspectId: 'click_aspect', numberOfSteps: 5 });
    expect(tooFar.statusCode).toBe(422);
    const inn = await task(inst.id, 'scale', { type: 'SCALE_IN', aspectId: 'click_aspect' });
    await waitForOp(h, inn.headers['location'] as string, ['COMPLETED']);
    expect((await instance(inst.id)).instantiatedVnfInfo?.vnfcResourceInfo).toHaveLength(1);

    // heal: a new VM, configured again
    const before = (await instance(inst.id)).instantiatedVnfInfo!.vnfcResourceInfo![0]!.id;
    const healed = await task(inst.id, 'heal', { vnfcInstanceId: [before], cause: 'test' });
    await waitForOp(h, healed.headers['location'] as string, ['COMPLETED']);
    cur = await instance(inst.id);
    expect(cur.instantiatedVnfInfo!.vnfcResourceInfo![0]!.id).not.toBe(before);
    const [healedAgent] = await agents(cur, 'click-plugin');
    expect(await healedAgent!.readConfig()).toBe(newConfig);

    // terminate gracefully: the VMs are shut down, nothing is left
    const term = await task(inst.id, 'terminate', { terminationType: 'GRACEFUL', gracefulTerminationTimeout: 5 });
    await waitForOp(h, term.headers['location'] as string, ['COMPLETED']);
    expect((await instance(inst.id)).instantiationState).toBe('NOT_INSTANTIATED');
    expect(await h.deps.vim.leftovers(inst.id)).toEqual([]);
    expect(
      (await h.app.inject({ method: 'DELETE', url: `/vnflcm/v1/vnf_instances/${inst.id}`, headers: AUTH })).statusCode,
    ).toBe(204);
  }, 60_000);

  it('hot reconfiguration on the osv-controlsocket dialect (nat)', async () => {
    const inst = await createInstance('nat');
    const res = await task(inst.id, 'instantiate', {
      flavourId: 'simple',
      instantiationLevelId: 'instantiation_level_2',
    });
    const op = await waitForOp(h, res.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP']);
    expect(op.error).toBeUndefined();
    expect((await instance(inst.id)).instantiatedVnfInfo?.vnfcResourceInfo).toHaveLength(2);
    const term = await task(inst.id, 'terminate', { terminationType: 'FORCEFUL' });
    await waitForOp(h, term.headers['location'] as string, ['COMPLETED']);
    expect(await h.deps.vim.leftovers(inst.id)).toEqual([]);
  }, 30_000);

  it("change_flavour (only the VNFD's flavour), change_ext_conn, and PATCH with a stale If-Match (412)", async () => {
    const inst = await createInstance('load-balancer');
    const ext = { extVirtualLinks: [{ id: 'ext-data0', resourceId: 'net-inside', extCps: [{ cpdId: 'data0_cp' }] }] };
    const res = await task(inst.id, 'instantiate', { flavourId: 'simple', ...ext });
    await waitForOp(h, res.headers['location'] as string, ['COMPLETED']);
    expect((await instance(inst.id)).instantiatedVnfInfo?.extCpInfo).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ cpdId: 'data0_cp', associatedVnfVirtualLinkId: 'net-inside' }),
      ]),
    );
    const wrong = await task(inst.id, 'change_flavour', { newFlavourId: 'large' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ field: 'newFlavourId' });
    const same = await task(inst.id, 'change_flavour', { newFlavourId: 'simple' });
    expect((await waitForOp(h, same.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP'])).operationState).toBe(
      'COMPLETED',
    );
    const conn = await task(inst.id, 'change_ext_conn', {
      extVirtualLinks: [{ id: 'ext-data1', resourceId: 'net-outside', extCps: [{ cpdId: 'data1_cp' }] }],
    });
    expect((await waitForOp(h, conn.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP'])).operationState).toBe(
      'COMPLETED',
    );
    const cps = (await instance(inst.id)).instantiatedVnfInfo?.extCpInfo ?? [];
    expect(cps.find((c) => c.cpdId === 'data0_cp')?.associatedVnfVirtualLinkId).toBe('net-inside');
    expect(cps.find((c) => c.cpdId === 'data1_cp')?.associatedVnfVirtualLinkId).toBe('net-outside');
    const stale = await h.app.inject({
      method: 'PATCH',
      url: `/vnflcm/v1/vnf_instances/${inst.id}`,
      headers: { ...AUTH, 'if-match': '"1"' },
      payload: { vnfInstanceDescription: 'x' },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.json()).toMatchObject({ status: 412, field: 'If-Match' });
    const term = await task(inst.id, 'terminate', { terminationType: 'FORCEFUL' });
    await waitForOp(h, term.headers['location'] as string, ['COMPLETED']);
  }, 30_000);

  it('scale_to_level by instantiation level and by scaleInfo', async () => {
    const inst = await createInstance('firewall');
    const res = await task(inst.id, 'instantiate', { flavourId: 'simple' });
    await waitForOp(h, res.headers['location'] as string, ['COMPLETED']);
    const up = await task(inst.id, 'scale_to_level', { instantiationLevelId: 'instantiation_level_2' });
    expect((await waitForOp(h, up.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP'])).operationState).toBe(
      'COMPLETED',
    );
    expect((await instance(inst.id)).instantiatedVnfInfo?.vnfcResourceInfo).toHaveLength(2);
    const both = await task(inst.id, 'scale_to_level', {
      instantiationLevelId: 'instantiation_level_1',
      scaleInfo: [],
    });
    expect(both.statusCode).toBe(422);
    const down = await task(inst.id, 'scale_to_level', { scaleInfo: [{ aspectId: 'click_aspect', scaleLevel: 0 }] });
    expect((await waitForOp(h, down.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP'])).operationState).toBe(
      'COMPLETED',
    );
    const after = await instance(inst.id);
    expect(after.instantiatedVnfInfo?.vnfcResourceInfo).toHaveLength(1);
    expect(after.instantiatedVnfInfo?.scaleStatus?.[0]?.scaleLevel).toBe(0);
    const term = await task(inst.id, 'terminate', { terminationType: 'FORCEFUL' });
    await waitForOp(h, term.headers['location'] as string, ['COMPLETED']);
    expect(await h.deps.vim.leftovers(inst.id)).toEqual([]);
  }, 30_000);

  it('state checks: 409 for instantiate twice, terminate before instantiate; 422 for a wrong flavour', async () => {
    const inst = await createInstance('firewall');
    expect((await task(inst.id, 'terminate', { terminationType: 'FORCEFUL' })).statusCode).toBe(409);
    const wrong = await task(inst.id, 'instantiate', { flavourId: 'huge' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ field: 'flavourId' });
    const missing = await task(inst.id, 'instantiate', {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ field: 'flavourId' });
  });

  it('START before RESULT, each published after its state was stored', async () => {
    const inst = await createInstance('rate-limiter');
    const res = await task(inst.id, 'instantiate', { flavourId: 'simple' });
    const op = await waitForOp(h, res.headers['location'] as string, ['COMPLETED']);
    const mine = h.notifier.events.filter((e) => e.opOcc?.id === op.id);
    expect(mine.map((e) => `${e.notificationStatus ?? ''}:${e.opOcc?.operationState ?? ''}`)).toEqual([
      'START:STARTING',
      'RESULT:PROCESSING',
      'RESULT:COMPLETED',
    ]);
    const term = await task(inst.id, 'terminate', { terminationType: 'FORCEFUL' });
    await waitForOp(h, term.headers['location'] as string, ['COMPLETED']);
  });
});
