import { finish, StateChangedError, transition } from '../../src/lcm/engine';
import type { VnfLcmOpOcc } from '../../src/domain/lcm-op-occ';
import { useRedis } from '../support/redis';
import { createSampleInstance, instantiateOpOcc } from '../support/lcm';
import { useLcmHarness } from '../support/use-lcm';

// A state change made from a stale read (the worker's COMPLETED after the API's FORCEFUL cancel, two retries at once)
// used to be applied again on the newer document: the cancel's FAILED_TEMP was overwritten and the lock released.
const h = useLcmHarness(useRedis(), { worker: false });

async function processing(instanceId: string): Promise<VnfLcmOpOcc> {
  const op = instantiateOpOcc(instanceId, { operationState: 'PROCESSING' });
  expect(await h.deps.instances.tryBeginOperation(instanceId, op.id, ['NOT_INSTANTIATED'])).toEqual({ ok: true });
  await h.deps.opOccs.create(op);
  return op;
}

describe('an op-occ state change from a stale read', () => {
  it("the worker's COMPLETED after a FORCEFUL cancel: refused, FAILED_TEMP and the lock stay", async () => {
    const inst = await createSampleInstance(h, 'forwarder');
    const op = await processing(inst.id);
    const workerRead = await h.deps.opOccs.get(op.id);
    // the API's cancel, from its own read
    await transition(h.deps, (await h.deps.opOccs.get(op.id))!, 'FAILED_TEMP', { isCancelPending: false });
    await expect(finish(h.deps, workerRead!, 'COMPLETED')).rejects.toThrow(StateChangedError);
    expect((await h.deps.opOccs.get(op.id))?.doc.operationState).toBe('FAILED_TEMP');
    expect(await h.deps.instances.activeOperation(inst.id)).toBe(op.id);
  });

  it('a change that kept the state (GRACEFUL cancel pending) does not stop it', async () => {
    const inst = await createSampleInstance(h, 'nat');
    const op = await processing(inst.id);
    const workerRead = await h.deps.opOccs.get(op.id);
    await h.deps.opOccs.update(op.id, (o) => ({ ...o, isCancelPending: true, cancelMode: 'GRACEFUL' }));
    await finish(h.deps, workerRead!, 'COMPLETED');
    expect((await h.deps.opOccs.get(op.id))?.doc).toMatchObject({ operationState: 'COMPLETED', isCancelPending: true });
    expect(await h.deps.instances.activeOperation(inst.id)).toBeUndefined();
  });
});
