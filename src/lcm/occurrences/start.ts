import { randomUUID } from 'node:crypto';
import {
  InstanceBusyError,
  InstantiationStateConflictError,
  UnprocessableEntityError,
  VnfInstanceNotFoundError,
} from '../../errors';
import type { LcmOperation, VnfLcmOpOcc } from '../../domain/lcm-op-occ';
import type { InstantiationState } from '../../domain/vnf-instance';
import type { LcmDeps } from '../deps';
import { now } from '../deps';
import { identityOf, requestedConnection, settleFinished } from '../engine';
import { HANDLERS, type RequestOf } from '../operations';
import { checkPackageInstantiable } from '../packages/package-usable';

/** The instantiation state each operation needs. @see SOL003 5.4.x.3.1 (409 when not) */
export const REQUIRED_STATE: Record<LcmOperation, readonly InstantiationState[]> = {
  INSTANTIATE: ['NOT_INSTANTIATED'],
  TERMINATE: ['INSTANTIATED'],
  SCALE: ['INSTANTIATED'],
  SCALE_TO_LEVEL: ['INSTANTIATED'],
  HEAL: ['INSTANTIATED'],
  OPERATE: ['INSTANTIATED'],
  CHANGE_FLAVOUR: ['INSTANTIATED'],
  CHANGE_EXT_CONN: ['INSTANTIATED'],
  CHANGE_VNFPKG: ['INSTANTIATED'],
  // PATCH changes the information of an instance in either state
  MODIFY_INFO: ['NOT_INSTANTIATED', 'INSTANTIATED'],
};

/**
 * Starts an operation the SOL003 way: the request is checked against the instance's VNFD (422 naming
 * the field), the instance lock is taken atomically (one operation per instance; 409 otherwise), the
 * op-occ stored as STARTING (START notification), its job enqueued (job id = op-occ id). The API
 * answers 202 with the op-occ's Location. `ifVersion` is the ETag a PATCH was made against. `automatic`: the VNFM
 * started it itself (auto-heal, auto-scale: isAutomaticInvocation).
 */
export async function startOperation<K extends LcmOperation>(
  deps: LcmDeps,
  vnfInstanceId: string,
  operation: K,
  request: RequestOf[K],
  options: { automatic?: boolean } = {},
): Promise<VnfLcmOpOcc> {
  const found = await deps.instances.get(vnfInstanceId);
  if (found === undefined) throw new VnfInstanceNotFoundError(vnfInstanceId);
  // only an NFVO deletes or disables a package an instance uses (locally DELETE refuses one IN_USE): without
  // one (no catalog beside the local packages) there is nothing to check, and no read to pay for
  const underNfvo = deps.catalog !== undefined && deps.catalog !== deps.packages;
  if (operation === 'INSTANTIATE' && underNfvo) await checkPackageInstantiable(deps.packages, found.doc);
  const check = HANDLERS[operation].check as ((...a: unknown[]) => void | Promise<void>) | undefined;
  if (check !== undefined) await check(await deps.models.forInstance(found.doc), found.doc, request, deps);
  // a VIM the request names is reached (and its credentials checked) before anything starts
  const connection = operation === 'INSTANTIATE' ? requestedConnection(request) : undefined;
  if (connection !== undefined) {
    if (deps.vims === undefined) {
      throw new UnprocessableEntityError('this VNFM serves its configured VIM only', { field: 'vimConnectionInfo' });
    }
    await deps.vims.forConnection(connection);
  }
  const id = randomUUID();
  let lock = await deps.instances.tryBeginOperation(vnfInstanceId, id, REQUIRED_STATE[operation]);
  // held by an operation that has finished, whose worker has not released it yet: settled, then asked again
  if (!lock.ok && lock.reason === 'busy' && (await settleFinished(deps, vnfInstanceId, lock.activeOpOccId)))
    lock = await deps.instances.tryBeginOperation(vnfInstanceId, id, REQUIRED_STATE[operation]);
  if (!lock.ok) {
    if (lock.reason === 'not-found') throw new VnfInstanceNotFoundError(vnfInstanceId);
    if (lock.reason === 'busy') throw new InstanceBusyError(vnfInstanceId, lock.activeOpOccId);
    throw new InstantiationStateConflictError(operation, REQUIRED_STATE[operation], lock.state);
  }
  const at = now(deps).toISOString();
  const op: VnfLcmOpOcc = {
    id,
    operationState: 'STARTING',
    stateEnteredTime: at,
    startTime: at,
    vnfInstanceId,
    operation,
    isAutomaticInvocation: options.automatic === true,
    operationParams: request,
    isCancelPending: false,
  };
  try {
    await deps.opOccs.create(op);
  } catch (err) {
    await deps.instances.endOperation(vnfInstanceId, id);
    throw err;
  }
  const notification = {
    notificationType: 'VnfLcmOperationOccurrenceNotification',
    notificationStatus: 'START',
    opOcc: op,
  } as const;
  await deps.notifier.publish({ ...notification, vnfInstanceId, instance: identityOf(found.doc) });
  // NOTE: a process that dies before this line leaves the op-occ STARTING with no job: the workers' sweep
  // (./stranded.ts) queues it; `start` is idempotent, so this call and the sweep never make two jobs
  await deps.queue.start(id, vnfInstanceId, deps.opOccs.stored(op));
  return op;
}
