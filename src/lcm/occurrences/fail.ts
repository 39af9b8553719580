import { allowedFrom, nextState } from '../../domain/lcm-op-occ';
import type { LcmDeps } from '../deps';
import { finish } from '../engine';
import { loadOpOcc, refuse } from './load';

/** FAILED_TEMP -> FAILED: given up; the instance's lock is released as it is. */
export async function fail(deps: LcmDeps, opOccId: string): Promise<void> {
  const op = await loadOpOcc(deps, opOccId);
  if (nextState(op.doc.operationState, 'fail') === undefined) refuse(op.doc, 'fail', allowedFrom('fail'));
  await finish(deps, op, 'FAILED');
}
