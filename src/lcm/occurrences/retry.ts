import { allowedFrom, nextState } from '../../domain/lcm-op-occ';
import type { LcmDeps } from '../deps';
import { tellFailedTemp, transition } from '../engine';
import { loadOpOcc, refuse } from './load';

/**
 * FAILED_TEMP -> PROCESSING: the operation runs again from its first step. NOTE: a crashed worker's job
 * resumes after the recorded steps, but an explicit retry re-runs them all (each is idempotent), because
 * the operator may have changed the VIM since the failure and the VIM must be brought to the plan again.
 */
export async function retry(deps: LcmDeps, opOccId: string): Promise<void> {
  const op = await loadOpOcc(deps, opOccId);
  if (nextState(op.doc.operationState, 'retry') === undefined) refuse(op.doc, 'retry', allowedFrom('retry'));
  await tellFailedTemp(deps, op);
  await deps.opOccs.clearSteps(opOccId);
  // notified by the job when it starts (runJob): a notification sent here would be lost by a worker that dies
  // between storing a state and sending it, while the job's own is sent again when the job runs again
  await transition(deps, op, 'PROCESSING', { error: undefined as never, isCancelPending: false }, undefined, {
    notify: false,
  });
  await deps.queue.enqueue(opOccId, 'run');
}
