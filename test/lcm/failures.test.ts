import { useRedis } from '../support/redis';
import { AUTH, buildLcmHarness, waitForOp, type LcmHarness } from '../support/lcm';
import type { VnfInstance } from '../../src/domain/vnf-instance';
import { EmulatedVim } from '../../src/emulator';

const redis = useRedis();
let h: LcmHarness;
beforeAll(async () => {
  h = await buildLcmHarness(redis.url);
}, 60_000);
afterAll(async () => h.close(), 60_000);

const fault = (instanceId: string, f: string): Promise<Response> =>
  fetch(`${h.cloud.url}/faults`, { method: 'PUT', body: JSON.stringify({ instanceId, fault: f }) });
const clearFaults = (): Promise<Response> => fetch(`${h.cloud.url}/faults`, { method: 'DELETE' });

async function created(name = 'forwarder'): Promise<VnfInstance> {
  return (
    await h.app.inject({
      method: 'POST',
      url: '/vnflcm/v1/vnf_instances',
      headers: AUTH,
      payload: { vnfdId: h.vnfdIds[name] },
    })
  ).json() as VnfInstance;
}
async function instantiate(id: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await h.app.inject({
    method: 'POST',
    url: `/vnflcm/v1/vnf_instances/${id}/instantiate`,
    headers: AUTH,
    payload: { flavourId: 'simple', ...extra },
  });
  expect(res.statusCode).toBe(202);
  return res.headers['location'] as string;
}
const opTask = (location: string, t: string, payload?: Record<string, unknown>) =>
  h.app.inject({
    method: 'POST',
    url: `${new URL(location).pathname}/${t}`,
    headers: AUTH,
    ...(payload ? { payload } : {}),
  });
const instance = async (id: string) =>
  (await h.app.inject({ method: 'GET', url: `/vnflcm/v1/vnf_instances/${id}`, headers: AUTH })).json() as VnfInstance;

afterEach(async () => clearFaults());

/** DELETE, asked again on 409 while a failed operation's release runs; the last status. */
async function deleteWhenReleased(id: string): Promise<number> {
  for (let i = 0; ; i++) {
    const res = await h.app.inject({ method: 'DELETE', url: `/vnflcm/v1/vnf_instances/${id}`, headers: AUTH });
    if (res.statusCode !== 409 || i === 100) return res.statusCode;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('failures end in FAILED_TEMP with the cause; retry, rollback and fail', () => {
  it('a VIM error (image upload refused) -> FAILED_TEMP; fixed -> retry -> COMPLETED', async () => {
    const inst = await created();
    await fault(inst.id, 'image-upload-refused');
    const loc = await instantiate(inst.id);
    const failed = await waitForOp(h, loc, ['FAILED_TEMP', 'COMPLETED']);
    expect(failed.operationState).toBe('FAILED_TEMP');
    expect(failed.error).toMatchObject({
      status: 502,
      detail: expect.stringMatching(/answered 403: image upload of click-on-osv refused/),
    });
    expect(failed._links?.retry?.href).toBe(`${loc}/retry`);
    // the instance stays locked while FAILED_TEMP
    expect(
      (
        await h.app.inject({
          method: 'POST',
          url: `/vnflcm/v1/vnf_instances/${inst.id}/instantiate`,
          headers: AUTH,
          payload: { flavourId: 'simple' },
        })
      ).statusCode,
    ).toBe(409);
    await clearFaults();
    expect((await opTask(loc, 'retry')).statusCode).toBe(202);
    const done = await waitForOp(h, loc, ['COMPLETED', 'FAILED_TEMP']);
    expect(done.operationState).toBe('COMPLETED');
    expect((await instance(inst.id)).instantiationState).toBe('INSTANTIATED');
    expect((await opTask(loc, 'retry')).statusCode).toBe(409);
  });

  it('a stack that fails -> FAILED_TEMP; rollback -> ROLLED_BACK with nothing left in the VIM', async () => {
    const inst = await created();
    await fault(inst.id, 'stack-create-failed');
    const loc = await instantiate(inst.id);
    const failed = await waitForOp(h, loc, ['FAILED_TEMP', 'COMPLETED']);
    expect(failed.error?.detail).toMatch(/No valid host was found/);
    expect((await h.deps.vim.leftovers(inst.id)).length).toBeGreaterThan(0);
    expect((await opTask(loc, 'rollback')).statusCode).toBe(202);
    const rolled = await waitForOp(h, loc, ['ROLLED_BACK', 'FAILED_TEMP']);
    expect(rolled.operationState).toBe('ROLLED_BACK');
    expect(await h.deps.vim.leftovers(inst.id)).toEqual([]);
    expect((await instance(inst.id)).instantiationState).toBe('NOT_INSTANTIATED');
    // the lock is free again: the instance can be deleted
    expect(
      (await h.app.inject({ method: 'DELETE', url: `/vnflcm/v1/vnf_instances/${inst.id}`, headers: AUTH })).statusCode,
    ).toBe(204);
  });

  it('an agent that never gets ready -> FAILED_TEMP naming the VNFC and the address; fail -> FAILED', async () => {
    const inst = await created('nat');
    await fault(inst.id, 'agent-never-ready');
    const loc = await instantiate(inst.id);
    const failed = await waitForOp(h, loc, ['FAILED_TEMP', 'COMPLETED']);
    expect(failed.error).toMatchObject({
      status: 504,
      detail: expect.stringMatching(
        /VNFC \S+: the management API at 127\.0\.0\.1:\d+ did not become ready within 5 s \(waited \d+ ms; last error/,
      ),
    });
    const res = await opTask(loc, 'fail');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ operationState: 'FAILED' });
    expect((await opTask(loc, 'rollback')).statusCode).toBe(409);
    // given up, the NOT_INSTANTIATED instance (which no TERMINATE takes) keeps nothing in the VIM: released, then
    // the lock goes and the instance can be deleted
    expect(await deleteWhenReleased(inst.id)).toBe(204);
    expect(await h.deps.vim.leftovers(inst.id)).toEqual([]);
  });

  it('a release owed by a failed INSTANTIATE whose job was never queued: the next DELETE queues it', async () => {
    const inst = await created('nat');
    await fault(inst.id, 'agent-never-ready');
    const loc = await instantiate(inst.id);
    const failed = await waitForOp(h, loc, ['FAILED_TEMP', 'COMPLETED']);
    expect((await h.deps.vim.leftovers(inst.id)).length).toBeGreaterThan(0);
    // what fail() stores before it queues the job, as a process killed just then leaves it
    const run = await h.deps.opOccs.openRun(failed.id);
    await h.deps.opOccs.setMemo(failed.id, { ...run?.state, releaseOwed: true });
    await h.deps.opOccs.update(failed.id, (o) => ({ ...o, operationState: 'FAILED' }));
    const refused = await h.app.inject({ method: 'DELETE', url: `/vnflcm/v1/vnf_instances/${inst.id}`, headers: AUTH });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ detail: expect.stringMatching(/VIM resources being released/) });
    expect(await deleteWhenReleased(inst.id)).toBe(204);
    expect(await h.deps.vim.leftovers(inst.id)).toEqual([]);
  });

  it("a bad Click config in the request is refused before anything (422 with Click's errors)", async () => {
    const inst = await created();
    const res = await h.app.inject({
      method: 'POST',
      url: `/vnflcm/v1/vnf_instances/${inst.id}/instantiate`,
      headers: AUTH,
      payload: { flavourId: 'simple', additionalParams: { clickConfig: 'FromDPDKDevice(0) -> Counter -> Nope;' } },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      field: 'additionalParams.clickConfig',
      errors: expect.arrayContaining([
        {
          field: 'additionalParams.clickConfig',
          file: 'func.click',
          line: 1,
          column: 33,
          reason: "unknown element class 'Nope'",
        },
      ]),
    });
    expect(await h.deps.vim.leftovers(inst.id)).toEqual([]);
  });

  it("a Click config that Click rejects inside the VM -> FAILED_TEMP with Click's message", async () => {
    const inst = await created();
    // the API checks every config it is given; this one reaches the store another way (as an older
    // VNFM version could have written it), so only the VM's Click can refuse it
    await h.deps.instances.update(inst.id, (i) => ({
      ...i,
      vnfConfigurableProperties: { clickConfig: 'FromDPDKDevice(0) -> Countr -> ToDPDKDevice(1);' },
    }));
    const loc = await instantiate(inst.id);
    const failed = await waitForOp(h, loc, ['FAILED_TEMP', 'COMPLETED']);
    expect(failed.operationState).toBe('FAILED_TEMP');
    expect(failed.error?.detail).toMatch(/rejected the configuration: func\.click:1: unknown element class 'Countr'/);
    await opTask(loc, 'rollback');
    expect((await waitForOp(h, loc, ['ROLLED_BACK', 'FAILED_TEMP'])).operationState).toBe('ROLLED_BACK');
    expect(await h.deps.vim.leftovers(inst.id)).toEqual([]);
  });

  it(
    'a rollback that fails -> FAILED_TEMP again (ROLLING_BACK -> FAILED_TEMP);' + ' a second rollback -> ROLLED_BACK',
    async () => {
      const inst = await created();
      await fault(inst.id, 'stack-create-failed');
      const loc = await instantiate(inst.id);
      await waitForOp(h, loc, ['FAILED_TEMP']);
      const realVim = h.deps.vim;
      // the VIM is unreachable during the rollback
      h.deps.vim = new EmulatedVim('http://127.0.0.1:9');
      try {
        await opTask(loc, 'rollback');
        const failed = await waitForOp(h, loc, ['FAILED_TEMP', 'ROLLED_BACK']);
        expect(failed.operationState).toBe('FAILED_TEMP');
        expect(failed.error?.detail).toMatch(
          /the emulated cloud at http:\/\/127\.0\.0\.1:9 (is unreachable|did not answer)/,
        );
      } finally {
        h.deps.vim = realVim;
      }
      await opTask(loc, 'rollback');
      expect((await waitForOp(h, loc, ['ROLLED_BACK', 'FAILED_TEMP'])).operationState).toBe('ROLLED_BACK');
      expect(await h.deps.vim.leftovers(inst.id)).toEqual([]);
    },
  );

  it('cancel GRACEFUL: the running step ends, the next one does not start -> FAILED_TEMP; then rollback', async () => {
    const inst = await created();
    await fault(inst.id, 'agent-never-ready');
    const loc = await instantiate(inst.id);
    await waitForOp(h, loc, ['PROCESSING']);
    expect((await opTask(loc, 'cancel', { cancelMode: 'GRACEFUL' })).statusCode).toBe(202);
    const pending = (await h.app.inject({ method: 'GET', url: new URL(loc).pathname, headers: AUTH })).json() as {
      isCancelPending: boolean;
    };
    expect(pending.isCancelPending).toBe(true);
    // the 'agents' step fails on its own deadline or stops at the cancel: FAILED_TEMP either way
    const op = await waitForOp(h, loc, ['FAILED_TEMP']);
    expect(op.isCancelPending).toBe(false);
    await opTask(loc, 'rollback');
    expect((await waitForOp(h, loc, ['ROLLED_BACK', 'FAILED_TEMP'])).operationState).toBe('ROLLED_BACK');
    expect(await h.deps.vim.leftovers(inst.id)).toEqual([]);
  }, 30_000);

  it('retry re-runs every step: servers deleted by hand after the failure come back', async () => {
    const inst = await created();
    await fault(inst.id, 'agent-never-ready');
    const loc = await instantiate(inst.id);
    await waitForOp(h, loc, ['PROCESSING']);
    await opTask(loc, 'cancel', { cancelMode: 'FORCEFUL' });
    await waitForOp(h, loc, ['FAILED_TEMP']);
    await clearFaults();
    await h.deps.vim.destroy(inst.id); // an operator removes the broken VM by hand
    await new Promise((r) => setTimeout(r, 5500)); // the old job's agent wait (5 s deadline) runs out first
    await opTask(loc, 'retry');
    expect((await waitForOp(h, loc, ['COMPLETED', 'FAILED_TEMP'])).operationState).toBe('COMPLETED');
    expect((await instance(inst.id)).instantiationState).toBe('INSTANTIATED');
    expect((await h.deps.vim.describe(inst.id)).length).toBe(1);
  }, 40_000);

  it('cancel FORCEFUL while PROCESSING -> FAILED_TEMP; cancel of a finished one -> 409', async () => {
    const inst = await created();
    await fault(inst.id, 'agent-never-ready');
    const loc = await instantiate(inst.id);
    await waitForOp(h, loc, ['PROCESSING']);
    expect((await opTask(loc, 'cancel', { cancelMode: 'FORCEFUL' })).statusCode).toBe(202);
    const op = await waitForOp(h, loc, ['FAILED_TEMP']);
    expect(op.error?.detail).toBe('cancelled (FORCEFUL)');
    await clearFaults();
    await opTask(loc, 'rollback');
    await waitForOp(h, loc, ['ROLLED_BACK']);
    expect((await opTask(loc, 'cancel', { cancelMode: 'GRACEFUL' })).statusCode).toBe(409);
    expect(await h.deps.vim.leftovers(inst.id)).toEqual([]);
  });
});
