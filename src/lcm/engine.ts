import { AppError, ConflictError } from '../errors';
import {
  FINAL_STATES,
  nextState,
  type LcmOperationState,
  type OpOccProblem,
  type VnfLcmOpOcc,
} from '../domain/lcm-op-occ';
import type { VnfInstance } from '../domain/vnf-instance';
import type { LcmJobKind, OpOccRun } from '../ports/lcm';
import { ENDED_STATES, type EndedState } from '../ports/observer';
import type { Versioned } from '../ports/store';
import type { Vim, VimConnection } from '../ports/vim';
import type { LcmDeps } from './deps';
import { now } from './deps';
import { handlerOf } from './operations';
import type { OpContext } from './op-context';
import { identityOfPackage, type StepState } from './step-state';

/** The operation was cancelled between two steps. */
export class OperationCancelledError extends AppError {
  readonly status = 409;
  readonly title = 'Conflict';
}

/** The VNF identity that subscription filters match on, carried in the event (no read by the notifier). */
export function identityOf(i: VnfInstance): Record<string, unknown> {
  const { vnfdId, vnfProvider, vnfProductName, vnfSoftwareVersion, vnfdVersion, vnfInstanceName } = i;
  return {
    vnfdId,
    vnfProvider,
    vnfProductName,
    vnfSoftwareVersion,
    vnfdVersion,
    ...(vnfInstanceName !== undefined ? { vnfInstanceName } : {}),
  };
}

/** The op-occ left the state a transition was to take it from (another process moved it meanwhile). */
export class StateChangedError extends ConflictError {}

/**
 * Stores a new state of an op-occ, then publishes the notification: START for STARTING, RESULT for
 * every other state. The store comes first, so a consumer that reads the op-occ on a notification
 * always sees at least that state. Given the op-occ as last read, the write needs no read first, and it is made
 * only while the op-occ is still in that state: a concurrent change of state (a FORCEFUL cancel against the worker's
 * COMPLETED, two retries) is never overwritten; the loser gets a StateChangedError.
 */
export async function transition(
  deps: LcmDeps,
  current: string | Versioned<VnfLcmOpOcc>,
  to: LcmOperationState,
  patch: Partial<VnfLcmOpOcc> = {},
  instance?: VnfInstance,
  options: { notify?: boolean } = {},
): Promise<Versioned<VnfLcmOpOcc>> {
  const id = typeof current === 'string' ? current : current.doc.id;
  const at = now(deps).toISOString();
  const known = typeof current === 'string' ? {} : { known: current };
  const from = typeof current === 'string' ? undefined : current.doc.operationState;
  const saved = await deps.opOccs.update(
    id,
    (op) =>
      from !== undefined && op.operationState !== from
        ? undefined
        : { ...op, ...patch, operationState: to, stateEnteredTime: at },
    known,
  );
  if (saved === undefined) throw new Error(`op-occ ${id} vanished`);
  if (from !== undefined && saved.doc.operationState !== to)
    throw new StateChangedError(`op-occ ${id} is ${saved.doc.operationState} now (it was ${from})`);
  observeEnd(deps, saved.doc);
  if (options.notify !== false) await notifyState(deps, saved.doc, instance);
  return saved;
}

/** FAILED_TEMP stored and notified, then marked as told (OpOccRepository.markTold). */
export async function failTemp(
  deps: LcmDeps,
  current: string | Versioned<VnfLcmOpOcc>,
  patch: Partial<VnfLcmOpOcc>,
  instance?: VnfInstance,
): Promise<void> {
  const saved = await transition(deps, current, 'FAILED_TEMP', patch, instance);
  await deps.opOccs.markTold(saved.doc.id, saved.doc.stateEnteredTime);
}

/**
 * Before an op-occ leaves FAILED_TEMP (retry, rollback, fail): its FAILED_TEMP is notified if it was never told (its
 * process died between storing and sending it), under the same notification id, so that no consumer misses it.
 */
export async function tellFailedTemp(deps: LcmDeps, op: Versioned<VnfLcmOpOcc>): Promise<OpOccRun | undefined> {
  const run = await deps.opOccs.openRun(op.doc.id);
  if (run?.told !== op.doc.stateEnteredTime) await notifyState(deps, op.doc);
  return run;
}

/** Tells the observer (if any) of a state that ends the operation; whatever the observer does, the LCM goes on. */
function observeEnd(deps: LcmDeps, op: VnfLcmOpOcc): void {
  const state = op.operationState;
  if (deps.observer === undefined || !ENDED_STATES.includes(state as EndedState)) return;
  const durationMs = Math.max(0, Date.parse(op.stateEnteredTime) - Date.parse(op.startTime));
  try {
    deps.observer.operationFinished(op.operation, state as EndedState, Number.isFinite(durationMs) ? durationMs : 0);
  } catch {
    // NOTE: metrics are no reason to fail an operation
  }
}

/**
 * Publishes the op-occ's current state: START for STARTING, RESULT for the others. Sent again for a state already
 * notified, it keeps its notification id (derived from the op-occ, its state and stateEnteredTime), so a consumer
 * sees the same notification twice, never two.
 */
export async function notifyState(deps: LcmDeps, op: VnfLcmOpOcc, instance?: VnfInstance): Promise<void> {
  await deps.notifier.publish({
    notificationType: 'VnfLcmOperationOccurrenceNotification',
    vnfInstanceId: op.vnfInstanceId,
    opOcc: op,
    notificationStatus: op.operationState === 'STARTING' ? 'START' : 'RESULT',
    ...(instance !== undefined ? { instance: identityOf(instance) } : {}),
  });
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
 * One read opens the run (op-occ, steps done, step state) and, when the job names the op-occ's instance
 * (`vnfInstanceId`: a first run), reads the instance in the same round trip; a first run's first delivery reads
 * no op-occ at all (`created`: openFirstRun). One write per step records it and reads back whether the operation
 * was cancelled meanwhile.
 */
export async function runJob(
  deps: LcmDeps,
  opOccId: string,
  kind: LcmJobKind,
  vnfInstanceId?: string,
  /** The op-occ as created (OpOccRepository.stored), carried by its first run's job on its first delivery. */
  created?: string,
): Promise<void> {
  const opened = await openJob(deps, opOccId, kind, vnfInstanceId, created);
  if (opened === undefined) return;
  const { run, inst, processing } = opened;
  let { op } = run;
  // `await processing` before anything else is stored or notified: its failure ends the job as before (the op-occ
  // stays PROCESSING; the job run again sends it), from inside the try below too, as its catch awaits it first
  const expected: LcmOperationState = kind === 'run' ? 'PROCESSING' : 'ROLLING_BACK';
  if (op.doc.operationState !== expected) return; // already handled (a duplicate delivery), or cancelled
  if (inst === undefined) {
    await processing;
    const detail = `VNF instance ${op.doc.vnfInstanceId} no longer exists`;
    await failTemp(deps, op, { error: { status: 404, title: 'Not Found', detail } });
    return;
  }
  const state = run.state as StepState;
  let instance = inst.doc;
  try {
    const ctx = await contextOf(deps, op.doc, inst, state);
    const handler = handlerOf(op.doc.operation);
    if (kind === 'rollback') {
      if (handler.rollback === undefined) throw new ConflictError(`${op.doc.operation} cannot be rolled back`);
      await handler.rollback(ctx);
      await deps.opOccs.clearSteps(opOccId);
      await finish(deps, op, 'ROLLED_BACK', ctx.instance);
      return;
    }
    const steps = handler.steps(ctx).filter((s) => !run.done.includes(s.name));
    for (const [i, step] of steps.entries()) {
      if (op.doc.isCancelPending)
        throw new OperationCancelledError(`cancelled (${op.doc.cancelMode ?? 'GRACEFUL'}) before step '${step.name}'`);
      await step.run(ctx);
      await processing;
      // the last one is not recorded: COMPLETED is (a job run again after a crash in between does it again: every
      // step is idempotent), and a cancel that came meanwhile makes finish's transition refuse
      if (i === steps.length - 1) break;
      const after = await deps.opOccs.commitStep(opOccId, step.name, state);
      if (after?.doc.operationState !== 'PROCESSING') return; // cancelled FORCEFUL meanwhile: stop here
      op = after;
    }
    await processing;
    instance = ctx.instance;
    await finish(deps, op, 'COMPLETED', ctx.instance);
  } catch (err) {
    await processing; // told before FAILED_TEMP is; when it failed, that failure ends the job here
    const latest = (await deps.opOccs.get(opOccId))?.doc;
    if (latest === undefined || nextState(latest.operationState, 'fail-temp') === undefined) return;
    await failTemp(deps, opOccId, { error: problem(err), isCancelPending: false }, instance);
  }
}

/** A job's run opened: its op-occ (moved to PROCESSING on a first run), its instance, PROCESSING's publication. */
interface OpenedJob {
  run: OpOccRun;
  inst?: Versioned<VnfInstance>;
  /**
   * The PROCESSING notification of a first run: published while the first step starts (one round trip less before
   * the VIM is called), and awaited before anything else is stored or notified, so the order holds.
   */
  processing?: Promise<void>;
}

/** Opens a job's run; undefined when there is nothing (more) to do. */
async function openJob(
  deps: LcmDeps,
  opOccId: string,
  kind: LcmJobKind,
  vnfInstanceId: string | undefined,
  created: string | undefined,
): Promise<OpenedJob | undefined> {
  const first = kind === 'run' && created !== undefined ? deps.opOccs.fromStored(created) : undefined;
  if (first?.id === opOccId && first.operationState === 'STARTING') return openFirstRun(deps, first);
  const [run, named] = await Promise.all([
    deps.opOccs.openRun(opOccId),
    vnfInstanceId !== undefined ? deps.instances.get(vnfInstanceId) : undefined,
  ]);
  if (run === undefined) return undefined;
  // the op-occ's own instance is the one that counts (a job that named another is read again)
  const inst = vnfInstanceId === run.op.doc.vnfInstanceId ? named : await deps.instances.get(run.op.doc.vnfInstanceId);
  if (kind === 'release') {
    await releaseFailed(deps, run, inst);
    return undefined;
  }
  const { doc } = run.op;
  if (FINAL_STATES.includes(doc.operationState)) {
    // Finished. Its worker died inside finish() if the op-occ still holds the instance: settled. Otherwise all was
    // done: nothing is sent again (a later operation may have started: an old RESULT now would come after its own).
    if ((await deps.instances.activeOperation(doc.vnfInstanceId)) === doc.id)
      await settleFinished(deps, doc.vnfInstanceId, doc.id);
    return undefined;
  }
  if (kind === 'run' && doc.operationState === 'STARTING') {
    const op = await toProcessing(deps, run.op);
    return op && processingRun(deps, { ...run, op }, inst);
  }
  // A state stored by the API for this job (retry's PROCESSING, rollback's ROLLING_BACK) is notified here, once the
  // job runs; and a job run again because its worker died may find a state stored whose notification that worker
  // never sent (killed between the two): sent again, under the same notification id.
  await notifyState(deps, doc, inst?.doc);
  return { run, ...(inst !== undefined ? { inst } : {}) };
}

/**
 * A first run on its first delivery, from the op-occ its job carries as created (STARTING, version 1): no read of
 * it; its move to PROCESSING (made only if it is still that version: a cancel meanwhile wins) and the read of the
 * instance share one round trip. No step can be recorded yet: none is read.
 */
async function openFirstRun(deps: LcmDeps, created: VnfLcmOpOcc): Promise<OpenedJob | undefined> {
  const [inst, op] = await Promise.all([
    deps.instances.get(created.vnfInstanceId),
    toProcessing(deps, { doc: created, version: 1 }),
  ]);
  return op && processingRun(deps, { op, done: [], state: {} }, inst);
}

/** STARTING -> PROCESSING, not notified yet; undefined when it was cancelled while it waited in the queue. */
async function toProcessing(deps: LcmDeps, op: Versioned<VnfLcmOpOcc>): Promise<Versioned<VnfLcmOpOcc> | undefined> {
  try {
    return await transition(deps, op, 'PROCESSING', {}, undefined, { notify: false });
  } catch (err) {
    if (err instanceof StateChangedError) return undefined;
    throw err;
  }
}

/** A run just moved to PROCESSING, opened: its notification published in the background (OpenedJob.processing). */
function processingRun(deps: LcmDeps, run: OpOccRun, inst: Versioned<VnfInstance> | undefined): OpenedJob {
  const processing = notifyState(deps, run.op.doc, inst?.doc);
  processing.catch(() => undefined); // its failure is met where it is awaited
  return { run, ...(inst !== undefined ? { inst } : {}), processing };
}

async function contextOf(
  deps: LcmDeps,
  op: VnfLcmOpOcc,
  inst: Versioned<VnfInstance>,
  state: StepState,
): Promise<OpContext> {
  return {
    deps,
    op: op as OpContext['op'],
    instance: inst.doc,
    instanceVersion: inst.version,
    model: await deps.models.forInstance(inst.doc),
    ...(await vimOf(deps, inst.doc, op, state)),
    state,
    saveState: () => deps.opOccs.setMemo(op.id, state),
  };
}

/**
 * The release a failed op-occ owes (occurrences/fail.ts): what it made in the VIM is released, then the instance's
 * lock. A VIM error leaves it owed and the job ends (the worker logs it): whoever meets the lock next (an operation,
 * a DELETE) queues it again, so the instance stays locked rather than deletable with resources left behind.
 */
async function releaseFailed(deps: LcmDeps, run: OpOccRun, inst: Versioned<VnfInstance> | undefined): Promise<void> {
  const { op } = run;
  const state = run.state as StepState;
  if (op.doc.operationState !== 'FAILED' || state.releaseOwed !== true) return;
  // the lock keeps the instance while the release is owed, so it is there (a missing one holds nothing to release)
  if (inst !== undefined) await handlerOf(op.doc.operation).release?.(await contextOf(deps, op.doc, inst, state));
  await deps.opOccs.setMemo(op.doc.id, { ...state, releaseOwed: false });
  await deps.instances.endOperation(op.doc.vnfInstanceId, op.doc.id);
}

/**
 * The VIM an operation works on: for INSTANTIATE the one its grant named (once the grant step is done: a
 * resumed or rolled back job goes back there), else the one the instance records (a VimConnectionInfo with
 * an endpoint), else for INSTANTIATE the one its request names, else the configured VIM.
 */
async function vimOf(
  deps: LcmDeps,
  inst: VnfInstance,
  op: VnfLcmOpOcc,
  state: StepState,
): Promise<{ vim: Vim; connection?: VimConnection }> {
  const instantiate = op.operation === 'INSTANTIATE';
  const granted = instantiate ? state.grant?.vimConnectionInfo?.[0] : undefined;
  const requested = instantiate ? requestedConnection(op.operationParams) : undefined;
  const recorded = inst.vimConnectionInfo?.find((c) => c.interfaceInfo?.['endpoint'] !== undefined);
  const connection = granted ?? recorded ?? requested;
  if (connection === undefined) return { vim: deps.vim };
  if (deps.vims === undefined)
    throw new ConflictError('this VNFM serves its configured VIM only', { field: 'vimConnectionInfo' });
  return { vim: await deps.vims.forConnection(connection), connection };
}

/** The first VimConnectionInfo of a request that names an endpoint (SOL003 5.5.2.4: the VIMs to use). */
export function requestedConnection(params: unknown): VimConnection | undefined {
  const list = (params as { vimConnectionInfo?: unknown } | undefined)?.vimConnectionInfo;
  if (!Array.isArray(list)) return undefined;
  return (list as VimConnection[]).find((c) => typeof c?.interfaceInfo?.['endpoint'] === 'string');
}

/** A final state: stored, notified, the instance's lock released. */
export async function finish(
  deps: LcmDeps,
  op: Versioned<VnfLcmOpOcc>,
  to: 'COMPLETED' | 'ROLLED_BACK' | 'FAILED',
  instance?: VnfInstance,
): Promise<void> {
  const patch: Partial<VnfLcmOpOcc> = {};
  const changesVnfcs = ['INSTANTIATE', 'SCALE', 'SCALE_TO_LEVEL', 'HEAL'].includes(op.doc.operation);
  if (to === 'COMPLETED' && changesVnfcs && instance !== undefined) {
    const vnfcs = instance.instantiatedVnfInfo?.vnfcResourceInfo ?? [];
    patch.resourceChanges = {
      affectedVnfcs: vnfcs.map((v) => ({
        id: v.id,
        vduId: v.vduId,
        changeType: 'ADDED' as const,
        computeResource: { ...v.computeResource },
      })),
    };
  }
  if (to === 'COMPLETED' && op.doc.operation === 'CHANGE_VNFPKG' && instance !== undefined) {
    // SOL003 v3.3.1 5.5.2.13: the package the instance names now, and its configurable properties
    const props = instance.vnfConfigurableProperties;
    patch.changedInfo = {
      ...identityOfPackage(instance),
      ...(props !== undefined ? { vnfConfigurableProperties: props } : {}),
    };
  }
  // stored and notified before the lock goes: the next operation's START can never overtake this RESULT
  // (a worker killed in between leaves the lock to whoever meets it: settleFinished below, from the next operation,
  // a DELETE or the job run again)
  await transition(deps, op, to, patch, instance);
  await deps.instances.endOperation(op.doc.vnfInstanceId, op.doc.id);
}

/** How long a lock may be held by an op-occ that does not exist before it is taken as orphaned (settleFinished). */
export const ORPHANED_LOCK_MS = 30_000;

/**
 * An instance's lock held by an op-occ in a final state: its worker stores the final state, notifies it and only
 * then releases the lock (finish(): so that an NFVO never gets the next operation's notifications before this
 * one's), and was slow or killed in between. Whoever meets such a lock settles it: the final notification is
 * published again (the same notification id, so a consumer that had it sees the same one twice) and the lock
 * released. Returns true when the holder was such an op-occ, or an orphaned lock (the lock is then free for the
 * caller to try again).
 *
 * @see the chaos run (bench/chaos.ts), which found the notifications out of order when the lock went first
 */
export async function settleFinished(deps: LcmDeps, instanceId: string, opOccId: string): Promise<boolean> {
  const run = await deps.opOccs.openRun(opOccId);
  // a lock whose op-occ was never stored (its API process died in between: startOperation) is cleared once it is
  // older than any live process takes between the two
  if (run === undefined) return deps.instances.endOrphanedOperation(instanceId, opOccId, ORPHANED_LOCK_MS);
  if (!FINAL_STATES.includes(run.op.doc.operationState)) return false;
  const { op } = run;
  if ((run.state as StepState).releaseOwed === true) {
    // failed, and what it made in the VIM not released yet: the lock stays; its release job is queued (again)
    await deps.queue.enqueue(opOccId, 'release');
    return false;
  }
  await notifyState(deps, op.doc, (await deps.instances.get(instanceId))?.doc);
  await deps.instances.endOperation(instanceId, opOccId);
  return true;
}
