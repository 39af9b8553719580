import { OperationStateConflictError, OpOccNotFoundError } from '../../errors';
import type { VnfLcmOpOcc } from '../../domain/lcm-op-occ';
import type { Versioned } from '../../ports/store';
import type { LcmDeps } from '../deps';

/** The op-occ a task resource names (404 when there is none). */
export async function loadOpOcc(deps: LcmDeps, opOccId: string): Promise<Versioned<VnfLcmOpOcc>> {
  const found = await deps.opOccs.get(opOccId);
  if (found === undefined) throw new OpOccNotFoundError(opOccId);
  return found;
}

/** 409: the op-occ's state does not allow the task. */
export function refuse(op: VnfLcmOpOcc, what: string, from: readonly string[]): never {
  throw new OperationStateConflictError(op.id, op.operationState, what, from);
}
