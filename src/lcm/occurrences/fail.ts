import { allowedFrom, nextState } from '../../domain/lcm-op-occ';
import type { LcmDeps } from '../deps';
import { finish, tellFailedTemp, transition } from '../engine';
import { handlerOf } from '../operations';
import { loadOpOcc, refuse } from './load';

/**
 * FAILED_TEMP -> FAILED: given up; the instance's lock is released as it is. An operation that leaves VIM resources
 * nothing else could release (OperationHandler.release: INSTANTIATE) keeps the lock until its release job has run:
 * the release is owed first (in the op-occ's step state), then FAILED is stored and notified, then the job queued;
 * a process killed before the job was queued leaves the owed release to whoever meets the lock (settleFinished).
 */
export async function fail(deps: LcmDeps, opOccId: string): Promise<void> {
  const op = await loadOpOcc(deps, opOccId);
  if (nextState(op.doc.operationState, 'fail') === undefined) refuse(op.doc, 'fail', allowedFrom('fail'));
  const run = await tellFailedTemp(deps, op);
  if (handlerOf(op.doc.operation).release === undefined) return finish(deps, op, 'FAILED');
  await deps.opOccs.setMemo(opOccId, { ...run?.state, releaseOwed: true });
  await transition(deps, op, 'FAILED');
  await deps.queue.enqueue(opOccId, 'release');
}
