import { AppError } from '../errors';
import { nextState, opOccLinks, type LcmOperationState, type OpOccProblem, type VnfLcmOpOcc } from '../domain/lcm-op-occ';
import type { LcmJobKind } from '../ports/lcm';
import type { LcmDeps } from './deps';
import { now } from './deps';
import { HANDLERS } from './operations';
import { loadModel, type OpContext } from './op-context';

/** The operation was cancelled between two steps. */
export class OperationCancelledError extends AppError {
  readonly status = 409;
  readonly title = 'Conflict';
}

/**
 * Stores a new state of an op-occ (with its links), then publishes the notification: START for
 * STARTING, RESULT for every other state. The store comes first, so a consumer that reads the
 * op-occ on a notification always sees at least that state.
 */
export async function transition(deps: LcmDeps, opOccId: string, to: LcmOperationState, patch: Partial<VnfLcmOpOcc> = {}): Promise<VnfLcmOpOcc> {
  const saved = await deps.opOccs.update(opOccId, (op) => ({
    ...op,
    ...patch,
    operationState: to,
    stateEnteredTime: now(deps).toISOString(),
    _links: opOccLinks(`${deps.publicUrl}/vnflcm/v1`, { ...op, operationState: to }),
  }));
  if (saved === undefined) throw new Error(`op-occ ${opOccId} vanished`);
  await deps.notifier.publish({
    notificationType: 'VnfLcmOperationOccurrenceNotification',
    vnfInstanceId: saved.doc.vnfInstanceId,
    opOcc: saved.doc,
    notificationStatus: to === 'STARTING' ? 'START' : 'RESULT',
  });
  return saved.doc;
}

function problem(err: unknown): OpOccProblem {
  if (err instanceof AppError) return { title: err.title, status: err.status, detail: err.message };
  // NOTE: unexpected errors keep their message here: it is the operator's only clue, and messages of
  // our adapters are redacted at their source (AgentError, OpenStackHttpError)
  return { title: 'Internal Server Error', status: 500, detail: err instanceof Error ? err.message : String(err) };
}

/**
 * Runs (or resumes) one job: `run` takes the op-occ from STARTING or PROCESSING through its steps;
 * `rollback` from ROLLING_BACK. Steps already done (recorded in the store) are skipped, so a job that
 * a crashed worker left behind resumes where it stopped. A failure leaves FAILED_TEMP with the cause.
 */
export async function runJob(deps: LcmDeps, opOccId: string, kind: LcmJobKind): Promise<void> {
  const found = await deps.opOccs.get(opOccId);
  if (found === undefined) return;
  let op = found.doc;
  if (kind === 'run' && op.operationState === 'STARTING') op = await transition(deps, opOccId, 'PROCESSING');
  const expected: LcmOperationState = kind === 'run' ? 'PROCESSING' : 'ROLLING_BACK';
  if (op.operationState !== expected) return; // already handled (a duplicate delivery), or cancelled
  const inst = await deps.instances.get(op.vnfInstanceId);
  if (inst === undefined) {
    await transition(deps, opOccId, 'FAILED_TEMP', { error: { status: 404, title: 'Not Found', detail: `VNF instance ${op.vnfInstanceId} no longer exists` } });
    return;
  }
  const memo = await deps.opOccs.getMemo(opOccId);
  try {
    const ctx: OpContext = {
      deps,
      op,
      instance: inst.doc,
      model: await loadModel(deps, inst.doc),
      memo,
      saveMemo: () => deps.opOccs.setMemo(opOccId, memo),
    };
    const handler = HANDLERS[op.operation];
    if (kind === 'rollback') {
      if (handler.rollback === undefined) throw new AppError_(`${op.operation} cannot be rolled back`);
      await handler.rollback(ctx);
      await deps.opOccs.clearSteps(opOccId);
      await finish(deps, op, 'ROLLED_BACK');
      return;
    }
    const done = new Set(await deps.opOccs.doneSteps(opOccId));
    for (const step of handler.steps(ctx)) {
      if (done.has(step.name)) continue;
      const current = await deps.opOccs.get(opOccId);
      if (current?.doc.operationState !== 'PROCESSING') return; // cancelled FORCEFUL meanwhile: stop here
      if (current.doc.isCancelPending) throw new OperationCancelledError(`cancelled (${current.doc.cancelMode ?? 'GRACEFUL'}) before step '${step.name}'`);
      // the instance as the previous steps left it
      ctx.instance = (await deps.instances.get(op.vnfInstanceId))?.doc ?? ctx.instance;
      await step.run(ctx);
      await deps.opOccs.markStepDone(opOccId, step.name);
    }
    await finish(deps, op, 'COMPLETED');
  } catch (err) {
    const latest = (await deps.opOccs.get(opOccId))?.doc;
    if (latest === undefined || nextState(latest.operationState, 'fail-temp') === undefined) return;
    await transition(deps, opOccId, 'FAILED_TEMP', { error: problem(err), isCancelPending: false });
  }
}

class AppError_ extends AppError {
  readonly status = 409;
  readonly title = 'Conflict';
}

/** A final state: stored, notified, and the instance's lock released. */
async function finish(deps: LcmDeps, op: VnfLcmOpOcc, to: 'COMPLETED' | 'ROLLED_BACK' | 'FAILED'): Promise<void> {
  const patch: Partial<VnfLcmOpOcc> = {};
  if (op.operation === 'INSTANTIATE' || op.operation === 'SCALE' || op.operation === 'SCALE_TO_LEVEL' || op.operation === 'HEAL') {
    const inst = await deps.instances.get(op.vnfInstanceId);
    const vnfcs = inst?.doc.instantiatedVnfInfo?.vnfcResourceInfo ?? [];
    if (to === 'COMPLETED') patch.resourceChanges = { affectedVnfcs: vnfcs.map((v) => ({ id: v.id, vduId: v.vduId, changeType: 'ADDED' as const, computeResource: { ...v.computeResource } })) };
  }
  await deps.opOccs.update(op.id, (o) => ({ ...o, ...patch }));
  await deps.instances.endOperation(op.vnfInstanceId, op.id);
  await transition(deps, op.id, to);
}

export { finish };
