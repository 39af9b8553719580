import type { LcmDeps } from '../deps';
import { notifyState } from '../engine';

const FINAL = new Set(['COMPLETED', 'FAILED', 'ROLLED_BACK']);

/**
 * An instance's lock held by an op-occ in a final state: its worker stores the final state, notifies it and only
 * then releases the lock (so that an NFVO never gets the next operation's notifications before this one's), and
 * was slow or killed in between. Whoever meets such a lock settles it: the final notification is published (again:
 * the same notification id, so a consumer that had it sees the same one twice) and the lock released. Returns true
 * when the holder was such an op-occ (the lock is then free for the caller to try again).
 *
 * @see the chaos run (bench/chaos.ts), which found the notifications out of order when the lock went first
 */
export async function settleFinished(deps: LcmDeps, instanceId: string, opOccId: string): Promise<boolean> {
  const op = await deps.opOccs.get(opOccId);
  if (op === undefined || !FINAL.has(op.doc.operationState)) return false;
  await notifyState(deps, op.doc, (await deps.instances.get(instanceId))?.doc);
  await deps.instances.endOperation(instanceId, opOccId);
  return true;
}
