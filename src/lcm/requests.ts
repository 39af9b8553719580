import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../errors';
import { allowedFrom, nextState, opOccLinks, type CancelMode, type LcmOperation, type VnfLcmOpOcc } from '../domain/lcm-op-occ';
import type { InstantiationState } from '../domain/vnf-instance';
import type { LcmDeps } from './deps';
import { now } from './deps';
import { finish, transition } from './engine';
import { HANDLERS } from './operations';

/** The instantiation state each operation needs. @see SOL003 5.4.x.3.1 (409 when not) */
export const REQUIRED_STATE: Record<LcmOperation, InstantiationState> = {
  INSTANTIATE: 'NOT_INSTANTIATED',
  TERMINATE: 'INSTANTIATED',
  SCALE: 'INSTANTIATED',
  SCALE_TO_LEVEL: 'INSTANTIATED',
  HEAL: 'INSTANTIATED',
  OPERATE: 'INSTANTIATED',
  CHANGE_FLAVOUR: 'INSTANTIATED',
  CHANGE_EXT_CONN: 'INSTANTIATED',
  MODIFY_INFO: 'INSTANTIATED',
};

/**
 * Starts an operation the SOL003 way: the instance lock is taken atomically (one operation per
 * instance; 409 otherwise), the op-occ stored as STARTING (START notification), its job enqueued
 * (job id = op-occ id). The API answers 202 with the op-occ's Location.
 */
export async function startOperation(deps: LcmDeps, vnfInstanceId: string, operation: LcmOperation, params: unknown, allowed?: readonly InstantiationState[]): Promise<VnfLcmOpOcc> {
  const id = randomUUID();
  const lock = await deps.instances.tryBeginOperation(vnfInstanceId, id, allowed ?? [REQUIRED_STATE[operation]]);
  if (!lock.ok) {
    if (lock.reason === 'not-found') throw new NotFoundError(`VNF instance ${vnfInstanceId} does not exist`);
    if (lock.reason === 'busy') throw new ConflictError(`VNF instance ${vnfInstanceId} has operation ${lock.activeOpOccId} in progress (or in FAILED_TEMP: retry, roll back or fail it first)`);
    throw new ConflictError(`${operation} needs the VNF instance to be ${REQUIRED_STATE[operation]}; it is ${lock.state}`, { field: 'instantiationState' });
  }
  const at = now(deps).toISOString();
  const op: VnfLcmOpOcc = {
    id,
    operationState: 'STARTING',
    stateEnteredTime: at,
    startTime: at,
    vnfInstanceId,
    operation,
    isAutomaticInvocation: false,
    operationParams: params,
    isCancelPending: false,
    _links: opOccLinks(`${deps.publicUrl}/vnflcm/v1`, { id, vnfInstanceId, operationState: 'STARTING' }),
  };
  try {
    await deps.opOccs.create(op);
  } catch (err) {
    await deps.instances.endOperation(vnfInstanceId, id);
    throw err;
  }
  await deps.notifier.publish({ notificationType: 'VnfLcmOperationOccurrenceNotification', vnfInstanceId, opOcc: op, notificationStatus: 'START' });
  await deps.queue.enqueue(id, 'run');
  return op;
}

async function load(deps: LcmDeps, opOccId: string): Promise<VnfLcmOpOcc> {
  const found = await deps.opOccs.get(opOccId);
  if (found === undefined) throw new NotFoundError(`VNF LCM operation occurrence ${opOccId} does not exist`);
  return found.doc;
}

function refuse(op: VnfLcmOpOcc, what: string, from: readonly string[]): never {
  throw new ConflictError(`operation ${op.id} is ${op.operationState}; ${what} needs ${from.join(' or ')}`, { field: 'operationState' });
}

/**
 * FAILED_TEMP -> PROCESSING: the operation runs again from its first step. NOTE: a crashed worker's job
 * resumes after the recorded steps, but an explicit retry re-runs them all (each is idempotent), because
 * the operator may have changed the VIM since the failure and the VIM must be brought to the plan again.
 */
export async function retry(deps: LcmDeps, opOccId: string): Promise<void> {
  const op = await load(deps, opOccId);
  if (nextState(op.operationState, 'retry') === undefined) refuse(op, 'retry', allowedFrom('retry'));
  await deps.opOccs.clearSteps(opOccId);
  await transition(deps, opOccId, 'PROCESSING', { error: undefined as never, isCancelPending: false });
  await deps.queue.enqueue(opOccId, 'run');
}

/** FAILED_TEMP -> ROLLING_BACK: undoes exactly what the operation did, then ROLLED_BACK. */
export async function rollback(deps: LcmDeps, opOccId: string): Promise<void> {
  const op = await load(deps, opOccId);
  if (nextState(op.operationState, 'rollback') === undefined) refuse(op, 'rollback', allowedFrom('rollback'));
  if (HANDLERS[op.operation].rollback === undefined) throw new ConflictError(`${op.operation} cannot be rolled back; retry or fail it`, { field: 'operation' });
  await transition(deps, opOccId, 'ROLLING_BACK', { isCancelPending: false });
  await deps.queue.enqueue(opOccId, 'rollback');
}

/** FAILED_TEMP -> FAILED: given up; the instance's lock is released as it is. */
export async function fail(deps: LcmDeps, opOccId: string): Promise<void> {
  const op = await load(deps, opOccId);
  if (nextState(op.operationState, 'fail') === undefined) refuse(op, 'fail', allowedFrom('fail'));
  await finish(deps, op, 'FAILED');
}

/**
 * Cancel (SOL003 5.4.17): GRACEFUL lets the running step finish and stops before the next one;
 * FORCEFUL moves the op-occ to FAILED_TEMP at once (the worker stops at its next step). Both end in
 * FAILED_TEMP, from where it can be retried, rolled back or failed.
 */
export async function cancel(deps: LcmDeps, opOccId: string, mode: CancelMode): Promise<void> {
  const op = await load(deps, opOccId);
  if (nextState(op.operationState, 'cancel') === undefined) refuse(op, 'cancel', allowedFrom('cancel'));
  if (op.operationState === 'STARTING' || mode === 'FORCEFUL') {
    await transition(deps, opOccId, 'FAILED_TEMP', { cancelMode: mode, isCancelPending: false, error: { status: 409, title: 'Conflict', detail: `cancelled (${mode})` } });
    return;
  }
  await deps.opOccs.update(opOccId, (o) => ({ ...o, isCancelPending: true, cancelMode: mode }));
}
