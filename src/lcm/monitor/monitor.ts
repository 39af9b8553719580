/**
 * The monitor (worker role): every instantiated VNF instance is watched once per interval, whatever the number
 * of workers (the store hands each due instance to one of them: MonitorStore.claimDue). One pass over an
 * instance: observe its VNFCs (observe.ts), store the samples (a bounded series per VNFC), settle its alarms
 * (faults.ts), start an automatic heal where a policy says so (auto-heal.ts), and hand the samples to the
 * other consumers (PM, indicators). An instance under an LCM operation is left alone until it ends.
 */
import { DROP_HANDLERS } from '../../click';
import type { VnfInstance } from '../../domain/vnf-instance';
import type { AlarmStore, FaultNotifier } from '../../ports/fm';
import type { Logger } from '../../ports/logger';
import type { MonitorStore, VnfcSample } from '../../ports/monitoring';
import type { VnfdModel } from '../../tosca';
import type { LcmDeps } from '../deps';
import { autoHealRules, dueForHeal, startAutoHeal, type AutoHealRule } from './auto-heal';
import { scaleDecision, startAutoScale } from './auto-scale';
import { clearAll, conditionsOf, settleAlarms, type ElementAlarmRule } from './faults';
import { observeInstance, type VnfcObservation } from './observe';
import { passEnded } from './rebuild';

export interface MonitorOptions {
  /** How often each instance is looked at (10 s by default). */
  intervalMs: number;
  /** One call to an agent (5 s by default; at most the interval). */
  agentTimeoutMs: number;
  /** Samples kept per VNFC (60 by default: 10 minutes at 10 s). */
  keepSamples: number;
  /** Instances a worker watches at once (64 by default). */
  concurrency: number;
  /** A drop counter (`drops`, `dropped` of any element) growing faster than this is an alarm (per second). */
  dropThresholdPps: number;
  /** How often one worker makes sure every instantiated instance is watched (30 s by default). */
  reconcileMs: number;
}

export const DEFAULT_MONITOR_OPTIONS: MonitorOptions = {
  intervalMs: 10_000,
  agentTimeoutMs: 5_000,
  keepSamples: 60,
  concurrency: 64,
  dropThresholdPps: 100,
  reconcileMs: 30_000,
};

/** Someone else who wants each pass's samples (performance management, indicators, Prometheus). */
export type SampleConsumer = (
  inst: VnfInstance,
  model: VnfdModel,
  observations: VnfcObservation[],
  previous: Map<string, VnfcSample>,
) => Promise<void>;

export interface MonitorDeps {
  lcm: LcmDeps;
  alarms: AlarmStore;
  faults: FaultNotifier;
  store: MonitorStore;
  log: Logger;
  options: MonitorOptions;
  consumers?: SampleConsumer[];
  /** Told once an instance is no longer instantiated (terminated, deleted): each drops what it keeps of it. */
  forget?: Array<(vnfInstanceId: string) => Promise<void>>;
}

/** What one pass did (tests and logs). */
export interface PassResult {
  skipped?: 'not-instantiated' | 'busy';
  raised: number;
  cleared: number;
  healOpOccId?: string;
  scaleOpOccId?: string;
}

const nowMs = (d: MonitorDeps): number => d.lcm.clock?.now().getTime() ?? Date.now();

/**
 * The VNFD's Day-2 policies (ElementAlarm, AutoHeal: docs/packages.md) as the monitor applies them; a drop
 * counter (`drops`, `dropped`) the VNFD sets no ElementAlarm on is held to the configured threshold.
 */
export function rulesOf(
  model: VnfdModel,
  options: Pick<MonitorOptions, 'dropThresholdPps'>,
): { elementAlarms: ElementAlarmRule[]; autoHeal: AutoHealRule[] } {
  const m = model.monitoring;
  const declared: ElementAlarmRule[] = m.elementAlarms.map((a) => ({
    vduIds: a.vduIds,
    element: a.handler.element,
    handler: a.handler.handler,
    threshold: a.thresholdPerSecond,
    severity: a.severity,
    probableCause: a.probableCause,
  }));
  const defaults: ElementAlarmRule[] = DROP_HANDLERS.filter((h) => !declared.some((r) => r.handler === h)).map(
    (handler) => ({
      vduIds: [],
      element: '*',
      handler,
      threshold: options.dropThresholdPps,
      severity: 'MAJOR',
      probableCause: 'packet-loss',
    }),
  );
  const autoHeal = m.autoHeal.map((a) => ({
    vduIds: a.vduIds,
    causes: a.causes,
    maxAttempts: a.maxAttempts,
    backoffMs: a.backoffMs,
    windowMs: a.windowMs,
  }));
  return { elementAlarms: [...declared, ...defaults], autoHeal };
}

/** One pass over one instance. */
export async function watchInstance(d: MonitorDeps, vnfInstanceId: string): Promise<PassResult> {
  const at = (): string => new Date(nowMs(d)).toISOString();
  const inst = (await d.lcm.instances.get(vnfInstanceId))?.doc;
  const vnfcIds = (inst?.instantiatedVnfInfo?.vnfcResourceInfo ?? []).map((v) => v.id);
  if (inst === undefined || inst.instantiationState !== 'INSTANTIATED') {
    const cleared = await clearAll(d.alarms, d.faults, vnfInstanceId, at());
    for (const forget of d.forget ?? []) await forget(vnfInstanceId);
    await d.store.unwatch(vnfInstanceId, vnfcIds);
    return { skipped: 'not-instantiated', raised: 0, cleared: cleared.length };
  }
  if ((await d.lcm.instances.activeOperation(vnfInstanceId)) !== undefined)
    return { skipped: 'busy', raised: 0, cleared: 0 };
  const model = await d.lcm.models.forInstance(inst);
  const timeout = Math.min(d.options.agentTimeoutMs, d.options.intervalMs);
  const previous = new Map<string, VnfcSample>();
  for (const id of vnfcIds) {
    const [last] = await d.store.recent(inst.id, id, 1);
    if (last !== undefined) previous.set(id, last);
  }
  const observations = await observeInstance(d.lcm, inst, model, timeout, () => nowMs(d), previous);
  await d.store.append(
    inst.id,
    observations.map((o) => ({ vnfcId: o.vnfc.id, vduId: o.vnfc.vduId, sample: o.sample })),
    d.options.keepSamples,
  );
  const rules = rulesOf(model, d.options);
  const stopped = inst.instantiatedVnfInfo?.vnfState === 'STOPPED';
  const conditions = observations.flatMap((o) =>
    conditionsOf(o, previous.get(o.vnfc.id), rules.elementAlarms, stopped),
  );
  const observed = new Set(observations.map((o) => o.vnfc.id));
  const changes = await settleAlarms(d.alarms, d.faults, inst, conditions, observed, at());
  const result: PassResult = { raised: changes.raised.length, cleared: changes.cleared.length };
  const heal = autoHealRules(inst, rules.autoHeal);
  const due = await dueForHeal(d.store, inst, changes.active, heal, nowMs(d));
  const windowMs = Math.max(0, ...heal.map((r) => r.windowMs));
  const opOccId = await startAutoHeal(d.lcm, d.store, inst, due, nowMs(d), windowMs);
  if (opOccId !== undefined) {
    result.healOpOccId = opOccId;
    d.log.info({ vnfInstanceId, vnfcIds: due.vnfcIds, opOccId }, 'auto-heal started');
  } else if (changes.active.size === 0) {
    // a healthy instance only: scaling a broken one would hide its fault
    const scale = scaleDecision(inst, model, observations, previous);
    const scaleOpOccId = scale && (await startAutoScale(d.lcm, d.store, inst, scale, nowMs(d)));
    if (scale !== undefined && scaleOpOccId !== undefined) {
      result.scaleOpOccId = scaleOpOccId;
      d.log.info({ vnfInstanceId, type: scale.type, value: scale.value, opOccId: scaleOpOccId }, 'auto-scale started');
    }
  }
  for (const consume of d.consumers ?? []) await consume(inst, model, observations, previous);
  return result;
}

/**
 * Makes sure every instantiated instance is watched (one worker at a time does it). The first looks at the instances
 * it finds are spread over one interval, each by its id: all instances instantiated since the last reconcile (hundreds
 * under load) due at once would stall the worker's event loop, and the operations running on it, every interval.
 */
export async function reconcileWatched(d: MonitorDeps): Promise<void> {
  await d.store.exclusive('reconcile', Math.max(5000, d.options.reconcileMs), async () => {
    const now = nowMs(d);
    // ids from the state's index, no document: a filtered listing would read and decode every instance (a stretch
    // of 80 ms per 1,000 that the operations running on this worker wait for)
    for await (const ids of d.lcm.instances.idsInState('INSTANTIATED', 500))
      await d.store.watch(ids.map((id) => ({ vnfInstanceId: id, atMs: now + spreadOf(id, d.options.intervalMs) })));
  });
}

/** A stable offset in [0, spanMs) for an id (FNV-1a of its characters). */
function spreadOf(id: string, spanMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return spanMs > 0 ? h % Math.floor(spanMs) : 0;
}

/**
 * Runs the monitor until stopped: takes due instances (at most `concurrency` at once) and reconciles the
 * watched set every `reconcileMs`. A pass that fails is logged; the instance is due again next interval.
 */
export function startMonitor(d: MonitorDeps): { stop(): Promise<void> } {
  let stopped = false;
  let claiming = false;
  const running = new Set<Promise<void>>();
  // short ticks: instances are taken as they come due, not hundreds at once (their looks are spread: reconcileWatched)
  const tickMs = Math.max(50, Math.min(250, d.options.intervalMs / 4));
  // takes as many due instances as there are free places; a pass that ends takes the next at once, so that
  // `concurrency` bounds the passes in flight, not the passes per tick
  const tick = async (): Promise<void> => {
    if (claiming || stopped) return;
    claiming = true;
    try {
      const free = d.options.concurrency - running.size;
      if (free <= 0) return;
      const due = await d.store.claimDue(nowMs(d), d.options.intervalMs, free);
      for (const id of due) {
        const p = watchInstance(d, id)
          .then(() => passEnded(d, id))
          .catch((err: unknown) =>
            d.log.warn({ err, vnfInstanceId: id }, 'monitor: a pass failed (the next one retries)'),
          );
        running.add(p);
        void p.finally(() => {
          running.delete(p);
          next();
        });
      }
    } finally {
      claiming = false;
    }
  };
  const next = (): void => {
    if (!stopped) tick().catch((err: unknown) => d.log.warn({ err }, 'monitor: could not take due instances'));
  };
  const loop = setInterval(next, tickMs);
  const reconcile = (): void => {
    if (!stopped) reconcileWatched(d).catch((err: unknown) => d.log.warn({ err }, 'monitor: reconcile failed'));
  };
  const reconciler = setInterval(reconcile, d.options.reconcileMs);
  reconcile();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(loop);
      clearInterval(reconciler);
      // a pass waits at most an agent timeout per call; one whose Redis is gone would wait for ever: not past this
      const bound = new Promise((r) => setTimeout(r, 2 * d.options.agentTimeoutMs + 1000).unref());
      await Promise.race([Promise.allSettled([...running]), bound]);
    },
  };
}
