import type { Received } from './receiver';

/** An op-occ as the VNFM holds it at the end of the run. */
export interface FinalOpOcc {
  id: string;
  vnfInstanceId: string;
  operation: string;
  operationState: string;
  startTime: string;
}

/** The op-occ states a notification may follow the previous one with (SOL003 figure 5.6.2.2-1). */
const NEXT: Record<string, readonly string[]> = {
  STARTING: ['PROCESSING', 'FAILED_TEMP'],
  PROCESSING: ['COMPLETED', 'FAILED_TEMP'],
  FAILED_TEMP: ['PROCESSING', 'ROLLING_BACK', 'FAILED'],
  ROLLING_BACK: ['ROLLED_BACK', 'FAILED_TEMP'],
};

export interface NotificationAudit {
  received: number;
  /** The same notification (same id) delivered again: at-least-once delivery across a kill; the consumer dedupes. */
  redelivered: number;
  violations: string[];
}

/**
 * Checks what the subscriber received against the op-occs and instances the VNFM holds at the end:
 * - every op-occ's notifications, deduplicated by notification id, start with START:STARTING, follow the state
 *   machine one transition at a time (a lost notification shows as a jump), end with RESULT:<its final state>,
 *   and none comes twice under two ids;
 * - per instance, the op-occs' notifications do not interleave (one operation at a time) and come in the op-occs'
 *   start order; its VnfIdentifierCreationNotification comes once and first, its DeletionNotification (when the
 *   instance is gone) once and last;
 * - no notification names an op-occ the VNFM does not know.
 */
export function auditNotifications(
  received: Received[],
  ops: FinalOpOcc[],
  created: Set<string>,
  existing: Set<string>,
): NotificationAudit {
  const violations: string[] = [];
  const ids = new Set<string>();
  const unique: Received[] = [];
  for (const r of received) {
    if (ids.has(r.id)) continue;
    ids.add(r.id);
    unique.push(r);
  }
  const known = new Map(ops.map((o) => [o.id, o]));
  const byOp = new Map<string, string[]>();
  const byInstance = new Map<string, Received[]>();
  for (const r of unique) {
    const list = byInstance.get(r.vnfInstanceId) ?? [];
    list.push(r);
    byInstance.set(r.vnfInstanceId, list);
    if (r.notificationType !== 'VnfLcmOperationOccurrenceNotification') continue;
    const opId = r.vnfLcmOpOccId ?? '';
    if (!known.has(opId)) violations.push(`a notification names op-occ ${opId}, which the VNFM does not know`);
    if (r.operationState === 'FAILED_TEMP' && !r.hasError)
      violations.push(`op-occ ${opId}: its FAILED_TEMP notification carries no error`);
    byOp.set(opId, [...(byOp.get(opId) ?? []), `${r.notificationStatus ?? '?'}:${r.operationState ?? '?'}`]);
  }
  for (const op of ops) {
    const seq = byOp.get(op.id) ?? [];
    const where = `op-occ ${op.id} (${op.operation}, ${op.operationState})`;
    if (seq[0] !== 'START:STARTING') violations.push(`${where}: first notification ${seq[0] ?? 'none'}`);
    if (seq[seq.length - 1] !== `RESULT:${op.operationState}`)
      violations.push(`${where}: last notification ${seq[seq.length - 1] ?? 'none'}`);
    for (let i = 1; i < seq.length; i++) {
      const from = (seq[i - 1] as string).split(':')[1] as string;
      const to = (seq[i] as string).split(':')[1] as string;
      if (!(NEXT[from] ?? []).includes(to))
        violations.push(`${where}: ${seq[i - 1]} then ${seq[i]} (${seq.join(' ')})`);
      else if ((seq[i] as string).startsWith('START')) violations.push(`${where}: a second START`);
    }
  }
  for (const [inst, list] of byInstance) violations.push(...instanceOrder(inst, list, known, created, existing));
  for (const inst of created)
    if (!byInstance.has(inst)) violations.push(`instance ${inst}: no notification at all (not even its creation)`);
  return { received: received.length, redelivered: received.length - unique.length, violations };
}

function instanceOrder(
  inst: string,
  list: Received[],
  known: Map<string, FinalOpOcc>,
  created: Set<string>,
  existing: Set<string>,
): string[] {
  const out: string[] = [];
  const creations = list.filter((r) => r.notificationType === 'VnfIdentifierCreationNotification');
  const deletions = list.filter((r) => r.notificationType === 'VnfIdentifierDeletionNotification');
  if (created.has(inst) && creations.length !== 1)
    out.push(`instance ${inst}: ${creations.length} creation notifications`);
  if (creations.length === 1 && list[0] !== creations[0]) out.push(`instance ${inst}: creation notified after others`);
  const gone = created.has(inst) && !existing.has(inst);
  if (gone && deletions.length !== 1) out.push(`instance ${inst}: deleted, ${deletions.length} deletion notifications`);
  if (!gone && deletions.length > 0) out.push(`instance ${inst}: still exists, yet a deletion was notified`);
  if (deletions.length === 1 && list[list.length - 1] !== deletions[0]) {
    const after = list.slice(list.indexOf(deletions[0] as Received) + 1);
    const what = after.map((r) => `${r.operation ?? r.notificationType} ${r.notificationStatus}:${r.operationState}`);
    out.push(`instance ${inst}: deletion notified before ${what.join(', ')}`);
  }
  // one operation at a time: once an op-occ's notifications give way to the next op-occ's, it is not heard again
  const order: string[] = [];
  for (const r of list) {
    const op = r.vnfLcmOpOccId;
    if (op === undefined || order[order.length - 1] === op) continue;
    if (order.includes(op)) out.push(`instance ${inst}: op-occ ${op} notified again after a later op-occ's`);
    order.push(op);
  }
  const starts = order.map((op) => known.get(op)?.startTime ?? '');
  for (let i = 1; i < starts.length; i++)
    if ((starts[i] as string) < (starts[i - 1] as string))
      out.push(`instance ${inst}: op-occ ${order[i]} notified after ${order[i - 1]}, which started later`);
  return out;
}
