/**
 * Auto-scale on real Redis and emulated VMs: a NAT whose VNFD scales its aspect out past a Counter's rate
 * gets one automatic SCALE_OUT (isAutomaticInvocation) once the monitor has two samples, and no second one within
 * the cooldown; the decision itself on hand-made samples.
 */
import type { VnfInstance } from '../../src/domain/vnf-instance';
import type { VnfLcmOpOcc } from '../../src/domain/lcm-op-occ';
import { aggregate, scaleDecision } from '../../src/lcm/monitor/auto-scale';
import type { VnfcObservation } from '../../src/lcm/monitor/observe';
import type { VnfcSample } from '../../src/ports/monitoring';
import type { AutoScaleModel, VnfdModel } from '../../src/tosca';
import { buildVariant } from '../support/packages';
import { useRedis } from '../support/redis';
import { AUTH, buildLcmHarness, waitForOp, type LcmHarness } from '../support/lcm';

const redis = useRedis();
let h: LcmHarness;
const INTERVAL = 300;

// NAT (osv-controlsocket: the agent reads every element's handlers) scaled on its input Counter's own rate
const POLICY = `  policies:
    - click_auto_scale:
        type: clickosv.policies.AutoScale
        properties:
          aspect: click_aspect
          metric: c_in0.rate
          aggregate: avg
          scale_out_threshold: 1000.0
          cooldown: 1 h
        targets: [ click_vdu ]
`;

beforeAll(async () => {
  h = await buildLcmHarness(redis.url, {
    monitor: { intervalMs: INTERVAL, reconcileMs: INTERVAL, agentTimeoutMs: 1000 },
  });
});
afterAll(() => h.close(), 60_000);

const get = async <T>(url: string): Promise<T> => (await h.app.inject({ method: 'GET', url, headers: AUTH })).json();

async function onboardScaling(): Promise<string> {
  const pkg = (
    await h.app.inject({ method: 'POST', url: '/vnfpkgm/v1/vnf_packages', headers: AUTH, payload: {} })
  ).json() as { id: string };
  const put = await h.app.inject({
    method: 'PUT',
    url: `/vnfpkgm/v1/vnf_packages/${pkg.id}/package_content`,
    headers: { ...AUTH, 'content-type': 'application/zip' },
    payload: await buildVariant({
      sample: 'nat',
      vnfdId: '5ca1ab1e-0a70-4c5a-8e1e-000000000001',
      edits: [['  policies:\n', POLICY]],
    }),
  });
  expect(put.statusCode).toBe(202);
  const enable = await h.app.inject({
    method: 'PATCH',
    url: `/vnfpkgm/v1/vnf_packages/${pkg.id}`,
    headers: { ...AUTH, 'content-type': 'application/merge-patch+json' },
    payload: JSON.stringify({ operationalState: 'ENABLED' }),
  });
  expect(enable.statusCode).toBe(200);
  return '5ca1ab1e-0a70-4c5a-8e1e-000000000001';
}

describe('auto-scale', () => {
  it('scales out past the threshold by an automatic SCALE op-occ, not again within the cooldown', async () => {
    const vnfdId = await onboardScaling();
    const created = await h.app.inject({
      method: 'POST',
      url: '/vnflcm/v1/vnf_instances',
      headers: AUTH,
      payload: { vnfdId },
    });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as VnfInstance).id;
    const res = await h.app.inject({
      method: 'POST',
      url: `/vnflcm/v1/vnf_instances/${id}/instantiate`,
      headers: AUTH,
      payload: { flavourId: 'simple' },
    });
    await waitForOp(h, res.headers.location as string, ['COMPLETED']);
    const scaleOps = () =>
      get<VnfLcmOpOcc[]>(
        `/vnflcm/v1/vnf_lcm_op_occs?filter=${encodeURIComponent(`(eq,vnfInstanceId,${id});(eq,operation,SCALE)`)}`,
      );
    const deadline = Date.now() + 20_000;
    let done: VnfLcmOpOcc | undefined;
    while (done === undefined && Date.now() < deadline) {
      done = (await scaleOps()).find((o) => o.operationState === 'COMPLETED');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(done?.isAutomaticInvocation).toBe(true);
    const op = await get<VnfLcmOpOcc>(`/vnflcm/v1/vnf_lcm_op_occs/${done!.id}`);
    expect(op.operationParams).toMatchObject({ type: 'SCALE_OUT', aspectId: 'click_aspect', numberOfSteps: 1 });
    const inst = await get<VnfInstance>(`/vnflcm/v1/vnf_instances/${id}`);
    expect(inst.instantiatedVnfInfo?.scaleStatus).toEqual([
      expect.objectContaining({ aspectId: 'click_aspect', scaleLevel: 1 }),
    ]);
    expect(inst.instantiatedVnfInfo?.vnfcResourceInfo).toHaveLength(2);
    // still past the threshold, one level left: the cooldown holds it
    await new Promise((r) => setTimeout(r, 6 * INTERVAL));
    expect(await scaleOps()).toHaveLength(1);
  }, 60_000);

  it('decides on the aggregate of every VNFC of the aspect, within its levels, and waits for two samples', () => {
    const policy: AutoScaleModel = {
      id: 'p',
      vduIds: ['v'],
      pos: { file: 'f', line: 1, column: 1 },
      aspectId: 'a',
      metric: { kind: 'handler', handler: { element: 'c', handler: 'rate' } },
      aggregate: 'avg',
      scaleOutThreshold: 100,
      scaleInThreshold: 10,
      cooldownMs: 1000,
    };
    const model = { monitoring: { autoScale: [policy] } } as unknown as VnfdModel;
    const inst = (level: number) =>
      ({
        instantiatedVnfInfo: {
          scaleStatus: [{ aspectId: 'a', scaleLevel: level }],
          maxScaleLevels: [{ aspectId: 'a', scaleLevel: 2 }],
        },
      }) as unknown as VnfInstance;
    const obs = (id: string, rate: number | undefined): VnfcObservation => ({
      vnfc: { id, vduId: 'v', computeResource: { resourceId: id } },
      sample: {
        t: 2,
        vm: 'ACTIVE',
        api: true,
        nf: true,
        ...(rate !== undefined ? { el: [['c', 'rate', rate]] } : {}),
      } as VnfcSample,
    });
    const none = new Map<string, VnfcSample>();
    expect(scaleDecision(inst(0), model, [obs('x', 150), obs('y', 100)], none)?.type).toBe('SCALE_OUT');
    expect(scaleDecision(inst(0), model, [obs('x', 150), obs('y', 40)], none)).toBeUndefined(); // avg 95
    expect(scaleDecision(inst(2), model, [obs('x', 500)], none)).toBeUndefined(); // at the top level
    expect(scaleDecision(inst(1), model, [obs('x', 5), obs('y', 1)], none)?.type).toBe('SCALE_IN');
    expect(scaleDecision(inst(0), model, [obs('x', 5)], none)).toBeUndefined(); // at level 0
    // y tells nothing yet
    expect(scaleDecision(inst(0), model, [obs('x', 500), obs('y', undefined)], none)).toBeUndefined();
    expect(aggregate([1, 5, 3], 'max')).toBe(5);
    expect(aggregate([1, 5, 3], 'sum')).toBe(9);
    expect(aggregate([], 'avg')).toBeUndefined();
  });
});
