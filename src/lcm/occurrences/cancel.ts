import { allowedFrom, nextState, type CancelMode } from '../../domain/lcm-op-occ';
import type { LcmDeps } from '../deps';
import { failTemp } from '../engine';
import { loadOpOcc, refuse } from './load';

/**
 * Cancel (SOL003 5.4.17): GRACEFUL lets the running step finish and stops before the next one;
 * FORCEFUL moves the op-occ to FAILED_TEMP at once (the worker stops at its next step). Both end in
 * FAILED_TEMP, from where it can be retried, rolled back or failed.
 */
export async function cancel(deps: LcmDeps, opOccId: string, mode: CancelMode): Promise<void> {
  const op = await loadOpOcc(deps, opOccId);
  if (nextState(op.doc.operationState, 'cancel') === undefined) refuse(op.doc, 'cancel', allowedFrom('cancel'));
  if (op.doc.operationState === 'STARTING' || mode === 'FORCEFUL') {
    const error = { status: 409, title: 'Conflict', detail: `cancelled (${mode})` };
    await failTemp(deps, op, { cancelMode: mode, isCancelPending: false, error });
    return;
  }
  await deps.opOccs.update(opOccId, (o) => ({ ...o, isCancelPending: true, cancelMode: mode }), { known: op });
}
