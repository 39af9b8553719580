import { ConflictError } from '../../errors';
import { allowedFrom, nextState } from '../../domain/lcm-op-occ';
import type { LcmDeps } from '../deps';
import { tellFailedTemp, transition } from '../engine';
import { HANDLERS } from '../operations';
import { loadOpOcc, refuse } from './load';

/** FAILED_TEMP -> ROLLING_BACK: undoes exactly what the operation did, then ROLLED_BACK. */
export async function rollback(deps: LcmDeps, opOccId: string): Promise<void> {
  const op = await loadOpOcc(deps, opOccId);
  if (nextState(op.doc.operationState, 'rollback') === undefined) refuse(op.doc, 'rollback', allowedFrom('rollback'));
  if (HANDLERS[op.doc.operation].rollback === undefined)
    throw new ConflictError(`${op.doc.operation} cannot be rolled back; retry or fail it`, { field: 'operation' });
  await tellFailedTemp(deps, op);
  // notified by the job when it starts (runJob), as retry's PROCESSING
  await transition(deps, op, 'ROLLING_BACK', { isCancelPending: false }, undefined, { notify: false });
  await deps.queue.enqueue(opOccId, 'rollback');
}
