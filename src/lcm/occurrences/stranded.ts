import type { LcmDeps } from '../deps';
import { now } from '../deps';
import { notifyState } from '../engine';

/**
 * Queues the op-occs that have stayed STARTING for longer than `olderThanMs`: an API process that died between
 * storing an op-occ and queueing its job (startOperation), or a job that failed before its first transition,
 * leaves one with no job, its instance locked, and nothing would ever move it. The first run's job has the
 * op-occ's id (`LcmQueue.start`): an op-occ whose job merely waits in a long queue is left alone (no second job,
 * no START sent again). A stranded one's START notification is sent again (same notification id: a consumer that
 * had it sees the same one twice).
 * Returns the ids it queued again.
 *
 * @see the chaos run (bench/chaos.ts), which found it: an API process SIGKILLed inside a POST .../instantiate
 */
export async function resumeStranded(deps: LcmDeps, olderThanMs: number): Promise<string[]> {
  const cutoff = now(deps).getTime() - olderThanMs;
  const resumed: string[] = [];
  // oldest first, from the state's index; a STARTING op-occ entered that state when it was created, so once a page
  // holds one well younger than the cutoff, the later ones are younger too (the margin: the API hosts' clocks).
  // Under a burst of 1,000 queued operations this reads one page, not every STARTING document at once (a stall of
  // every worker's loop, and of the operations on it, every sweep)
  for await (const ids of deps.opOccs.idsInState('STARTING', 50)) {
    const page = await deps.opOccs.list({ filter: [{ op: 'eq', path: ['id'], values: ids }], limit: ids.length });
    let younger = false;
    for (const op of page.items) {
      const entered = Date.parse(op.stateEnteredTime);
      younger ||= entered > cutoff + CLOCK_MARGIN_MS;
      if (entered > cutoff) continue;
      // its job only waits in a long queue (a backlog of more than `olderThanMs`): not stranded
      if (await deps.queue.queued(op.id)) continue;
      // read again just before queueing: one that a worker took meanwhile is left alone
      const current = await deps.opOccs.get(op.id);
      if (current?.doc.operationState !== 'STARTING') continue;
      // the process may have died before its START notification too: sent (again, under the same id)
      await notifyState(deps, current.doc, (await deps.instances.get(current.doc.vnfInstanceId))?.doc);
      await deps.queue.start(op.id, op.vnfInstanceId);
      resumed.push(op.id);
    }
    if (younger) break;
  }
  return resumed;
}

/** How far apart the clocks of the processes that create op-occs may be. */
const CLOCK_MARGIN_MS = 5000;
