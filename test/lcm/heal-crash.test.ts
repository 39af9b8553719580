import { useRedis } from '../support/redis';
import { AUTH, agentOf, buildLcmHarness, createSampleInstance, waitForOp, type LcmHarness } from '../support/lcm';
import { EmulatedCloud } from '../../src/emulator';
import type { VnfInstance, VnfcResourceInfo } from '../../src/domain/vnf-instance';
import { standIn } from '../../src/lcm/heal-vnfcs';
import type { Vim, VnfcResource } from '../../src/ports/vim';

/**
 * HEAL's crash window: the VIM replaced a VNFC's server, the worker died before the step was recorded. The job a
 * new worker resumes must find the replacement (not conclude "nothing to heal"), configure it and prove Click runs.
 */
const redis = useRedis();
let h: LcmHarness;
let cloud: EmulatedCloud;
let vim: Vim;
/** Set per test: the next heal's answer, after which the worker "dies" (its job never goes on). */
let crashAfterHeal: ((replacement: VnfcResource) => void) | undefined;
let heals = 0;
/** Set per test: the next heal replaces the server, then its answer is lost (the call fails). */
let loseAnswer = false;

beforeAll(async () => {
  cloud = new EmulatedCloud({ vmReadyDelayMs: 50 });
  await cloud.start();
  h = await buildLcmHarness(redis.url, { cloud });
  vim = h.deps.vim;
  const crashing: Vim = Object.create(vim) as Vim;
  crashing.heal = async (id, resourceId, options) => {
    heals++;
    const r = await vim.heal(id, resourceId, options);
    if (loseAnswer) {
      loseAnswer = false;
      throw new Error('socket hang up (the VIM replaced the server, its answer was lost)');
    }
    const crash = crashAfterHeal;
    if (crash === undefined) return r;
    crashAfterHeal = undefined;
    crash(r);
    // the process is gone: the step neither returns nor fails, nothing after the VIM's answer is recorded
    return new Promise<VnfcResource>(() => undefined);
  };
  h.deps.vim = crashing;
}, 60_000);
afterAll(async () => {
  await h.close();
  await cloud.stop();
}, 60_000);
afterEach(() => {
  crashAfterHeal = undefined;
  loseAnswer = false;
  heals = 0;
});

function task(id: string, path: string, payload: Record<string, unknown>) {
  return h.app.inject({ method: 'POST', url: `/vnflcm/v1/vnf_instances/${id}/${path}`, headers: AUTH, payload });
}
async function instance(id: string): Promise<VnfInstance> {
  const url = `/vnflcm/v1/vnf_instances/${id}?all_fields`;
  return (await h.app.inject({ method: 'GET', url, headers: AUTH })).json() as VnfInstance;
}
const vnfcsOf = (i: VnfInstance): VnfcResourceInfo[] => i.instantiatedVnfInfo?.vnfcResourceInfo ?? [];

/** A forwarder at instantiation level 2: two VNFCs, Click running on both. */
async function twoVnfcs(): Promise<VnfInstance> {
  const inst = await createSampleInstance(h, 'forwarder');
  const op = await task(inst.id, 'instantiate', { flavourId: 'simple', instantiationLevelId: 'instantiation_level_2' });
  const done = await waitForOp(h, op.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP']);
  expect(done.error).toBeUndefined();
  const now = await instance(inst.id);
  expect(vnfcsOf(now)).toHaveLength(2);
  return now;
}

describe('HEAL with a worker that dies', () => {
  it('after the VIM replaced the server, before the step was recorded: the resumed job configures it', async () => {
    const inst = await twoVnfcs();
    const [target, other] = vnfcsOf(inst);
    const replaced = new Promise<VnfcResource>((resolve) => (crashAfterHeal = resolve));
    const res = await task(inst.id, 'heal', { vnfcInstanceId: [target?.id] });
    expect(res.statusCode).toBe(202);
    const loc = res.headers['location'] as string;
    const opId = new URL(loc).pathname.split('/').pop()!;
    const replacement = await replaced;
    expect(replacement.resourceId).not.toBe(target?.id);
    // the worker dies: its lock is no longer renewed, the job stalls and the next worker takes it
    await h.stopWorker();
    expect((await h.deps.opOccs.get(opId))?.doc.operationState).toBe('PROCESSING');
    expect((await h.deps.opOccs.openRun(opId))?.done ?? []).not.toContain('replace');
    // the new VM runs no configuration yet: the resumed job must push it
    const fresh = agentOf({
      ...target!,
      metadata: { ...target?.metadata, managementPort: replacement.managementPort },
    });
    await fresh.waitReady({ graceMs: 0, intervalMs: 50, deadlineMs: 5000 });
    expect((await fresh.status()).running).toBe(false);
    h.startWorker();

    const done = await waitForOp(h, loc, ['COMPLETED', 'FAILED_TEMP'], 40_000);
    expect(done.error).toBeUndefined();
    expect(done.operationState).toBe('COMPLETED');
    expect(heals).toBe(1); // the resumed job found the replacement: it did not replace it again
    const after = await instance(inst.id);
    expect(after.instantiatedVnfInfo?.vnfState).toBe('STARTED');
    const ids = vnfcsOf(after).map((v) => v.id);
    expect(ids).toHaveLength(2);
    expect(ids).toContain(replacement.resourceId);
    expect(ids).toContain(other?.id);
    expect(ids).not.toContain(target?.id);
    expect((await vim.describe(inst.id)).map((v) => v.resourceId).sort()).toEqual([...ids].sort());
    // Click runs on the replacement, with the configuration the other VNFC runs
    const healed = vnfcsOf(after).find((v) => v.id === replacement.resourceId)!;
    const status = await agentOf(healed).status();
    expect(status.running).toBe(true);
    const config = await agentOf(healed).readConfig();
    expect(config.length).toBeGreaterThan(0);
    expect(config).toBe(await agentOf(other!).readConfig());
  }, 90_000);

  it('a VNFC deleted out of band, with nothing in its place: FAILED_TEMP naming it, nothing healed', async () => {
    const inst = await twoVnfcs();
    const [target, other] = vnfcsOf(inst);
    const del = await fetch(`${cloud.url}/stacks/${inst.id}/servers/${target?.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    const res = await task(inst.id, 'heal', { vnfcInstanceId: [target?.id] });
    const done = await waitForOp(h, res.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP']);
    expect(done.operationState).toBe('FAILED_TEMP');
    expect(done.error?.detail).toContain(`VNFC ${target?.id} (${String(target?.metadata?.['name'])})`);
    expect(done.error?.detail).toContain('not in the VIM');
    expect(heals).toBe(0);
    expect((await vim.describe(inst.id)).map((v) => v.resourceId)).toEqual([other?.id]);
  }, 60_000);

  it("the VIM's answer to the heal was lost: the heal goes on with the server in the old one's place", async () => {
    const inst = await twoVnfcs();
    const [target] = vnfcsOf(inst);
    loseAnswer = true;
    const res = await task(inst.id, 'heal', { vnfcInstanceId: [target?.id] });
    const done = await waitForOp(h, res.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP']);
    expect(done.error).toBeUndefined();
    expect(heals).toBe(1);
    const after = vnfcsOf(await instance(inst.id));
    const healed = after.find((v) => v.metadata?.['name'] === target?.metadata?.['name']);
    expect(healed?.id).toBeDefined();
    expect(healed?.id).not.toBe(target?.id);
    expect((await agentOf(healed!).status()).running).toBe(true);
  }, 60_000);

  it('a replacement left in ERROR: FAILED_TEMP naming the VNFC; retry replaces and configures it', async () => {
    const inst = await twoVnfcs();
    const [target] = vnfcsOf(inst);
    await fetch(`${cloud.url}/faults`, {
      method: 'PUT',
      body: JSON.stringify({ instanceId: inst.id, fault: 'server-error' }),
    });
    const res = await task(inst.id, 'heal', { vnfcInstanceId: [target?.id] });
    const loc = res.headers['location'] as string;
    const failed = await waitForOp(h, loc, ['COMPLETED', 'FAILED_TEMP']);
    expect(failed.operationState).toBe('FAILED_TEMP');
    expect(failed.error?.detail).toContain(`VNFC ${target?.id}`);
    expect(failed.error?.detail).toContain('ERROR');
    cloud.clearFaults(inst.id);
    const retry = await h.app.inject({ method: 'POST', url: `${new URL(loc).pathname}/retry`, headers: AUTH });
    expect(retry.statusCode).toBe(202);
    const done = await waitForOp(h, loc, ['COMPLETED', 'FAILED_TEMP']);
    expect(done.error).toBeUndefined();
    expect(heals).toBe(2);
    const servers = await vim.describe(inst.id);
    expect(servers.map((v) => v.status)).toEqual(['ACTIVE', 'ACTIVE']);
    const healed = vnfcsOf(await instance(inst.id)).filter((v) => v.id !== vnfcsOf(inst)[1]?.id);
    expect(healed).toHaveLength(1);
    expect(healed[0]?.id).not.toBe(target?.id);
    expect((await agentOf(healed[0]!).status()).running).toBe(true);
  }, 60_000);
});

describe('standIn: the server a VIM put in place of a healed one', () => {
  const port = (id: string, ip: string) => ({
    cpdId: 'mgmt_cp',
    portId: id,
    vnicType: 'normal' as const,
    ipAddresses: [ip],
  });
  const server = (over: Partial<VnfcResource>): VnfcResource => ({
    resourceId: 'x',
    vduId: 'click_vdu',
    name: 'n',
    status: 'ACTIVE',
    ports: [],
    ...over,
  });
  const target = { resourceId: 'old', vduId: 'click_vdu', name: 'vnf-a-vnfc-0', managementAddress: '10.0.0.5' };

  it('on OpenStack (Heat): a new server id, the same name (its nested stack) and the same ports', () => {
    const now = [
      server({ resourceId: 'b', name: 'vnf-a-vnfc-1', managementAddress: '10.0.0.6', ports: [port('p2', '10.0.0.6')] }),
      server({
        resourceId: 'new',
        name: 'vnf-a-vnfc-0',
        managementAddress: '10.0.0.5',
        ports: [port('p1', '10.0.0.5')],
      }),
    ];
    expect(standIn(now, target)?.resourceId).toBe('new');
  });

  it('by the management address and port when the name changed; never another VDU, never the old server', () => {
    const moved = server({ resourceId: 'new', name: 'renamed', managementAddress: '10.0.0.5' });
    expect(standIn([moved], target)?.resourceId).toBe('new');
    expect(standIn([{ ...moved, managementPort: 8001 }], { ...target, managementPort: 8000 })).toBeUndefined();
    expect(standIn([{ ...moved, vduId: 'other_vdu' }], target)).toBeUndefined();
    expect(standIn([server({ resourceId: 'old', name: 'vnf-a-vnfc-0' })], target)).toBeUndefined();
    expect(standIn([server({ resourceId: 'b', name: 'vnf-a-vnfc-1', managementAddress: '10.0.0.6' })], target)).toBe(
      undefined,
    );
  });
});
