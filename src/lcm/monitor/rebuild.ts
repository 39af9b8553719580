/**
 * Rebuilding the alarm list (SOL003 7.5.2.8 AlarmListRebuiltNotification): after the alarms' store was restored
 * from a backup (or whenever an operator doubts it), the list is made true again and the FM subscribers are told to
 * read it anew. Alarms of instances that are no longer instantiated, or that the store lists as active without
 * them being their condition's active alarm, are cleared at once; every watched instance is
 * due at once and pending until a pass over it ends (a pass settles its alarms: raises what is wrong and was not
 * listed, clears what is listed and no longer wrong); the pass that leaves none pending, whichever worker runs it,
 * sends AlarmListRebuiltNotification, after the notifications of the alarms the rebuild raised or cleared.
 */
import { parseFilter } from '../../domain/query';
import type { AlarmStore, FaultNotifier } from '../../ports/fm';
import type { Logger } from '../../ports/logger';
import type { MonitorStore } from '../../ports/monitoring';
import { pages, type VnfInstanceRepository } from '../../ports/store';

export interface RebuildDeps {
  alarms: AlarmStore;
  faults: FaultNotifier;
  store: Pick<MonitorStore, 'requestRebuild' | 'rebuilt'>;
  instances: Pick<VnfInstanceRepository, 'get'>;
}

export interface RebuildStarted {
  /** The instances the monitor looks at again before the list counts as rebuilt (0: rebuilt already). */
  pendingInstances: number;
  /** Active alarms cleared at once: their instance is no longer instantiated, or they were not indexed. */
  clearedAlarms: number;
}

/**
 * Starts a rebuild (any process may; the monitor in the workers finishes it). An active alarm is cleared at once when
 * its instance is no longer instantiated, or when it is not its condition's active alarm (a restored store may hold
 * the alarm without its index): the pass over the instance raises it again if its cause is still there.
 */
export async function requestAlarmListRebuild(d: RebuildDeps, at: string): Promise<RebuildStarted> {
  const filter = parseFilter('(neq,perceivedSeverity,CLEARED)');
  const byOwner = new Map<string, string[]>();
  for await (const page of pages(d.alarms, { filter, limit: 500 }))
    for (const a of page.items) byOwner.set(a.managedObjectId, [...(byOwner.get(a.managedObjectId) ?? []), a.id]);
  let clearedAlarms = 0;
  for (const [owner, ids] of byOwner) {
    const instantiated = (await d.instances.get(owner))?.doc.instantiationState === 'INSTANTIATED';
    const indexed = new Set(instantiated ? [...(await d.alarms.active(owner)).values()].map((a) => a.id) : []);
    for (const id of ids.filter((x) => !indexed.has(x))) {
      const cleared = await d.alarms.clearById(id, at);
      if (cleared === undefined) continue;
      clearedAlarms++;
      await d.faults.alarmCleared(cleared);
    }
  }
  const pendingInstances = await d.store.requestRebuild();
  if (pendingInstances === 0) await d.faults.alarmListRebuilt();
  return { pendingInstances, clearedAlarms };
}

/** After a pass over an instance: the one that leaves no instance pending announces the rebuilt list. */
export async function passEnded(
  d: { store: Pick<MonitorStore, 'rebuilt'>; faults: FaultNotifier; log: Logger },
  vnfInstanceId: string,
): Promise<void> {
  if (!(await d.store.rebuilt(vnfInstanceId))) return;
  await d.faults.alarmListRebuilt();
  d.log.info({ vnfInstanceId }, 'the alarm list is rebuilt: AlarmListRebuiltNotification sent');
}
