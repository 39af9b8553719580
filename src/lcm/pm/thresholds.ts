/**
 * Thresholds (SIMPLE, with hysteresis) evaluated on each monitor pass: per VNFC (and per port for the port
 * measurements), the value the pass measured against the last state kept in Redis. A crossing UP or DOWN is stored
 * first (compare-and-set: whatever worker sees it, it is stored once) and notified after; a state stored whose
 * notification did not go out (the worker died) is notified again by the next pass, with the same id.
 * @see SOL003 v2.6.1 6.5.3.4 (ThresholdCriteria), docs/performance-management.md
 */
import type { StoredThreshold } from '../../domain/pm';
import type { VnfInstance } from '../../domain/vnf-instance';
import type { VnfcSample } from '../../ports/monitoring';
import type { CrossingState } from '../../ports/pm';
import type { VnfcObservation } from '../monitor/observe';
import type { PmDeps } from './deps';
import { measureOf, sampleValues } from './measurements';

/**
 * The state after a value: UP once it reaches thresholdValue + hysteresis, DOWN once it reaches thresholdValue -
 * hysteresis after an UP; undefined when nothing changes. A first value at or above the upper bound is an UP; a
 * first value at or below the lower bound is a DOWN kept without a notification (nothing was crossed).
 */
export function crossingOf(
  old: CrossingState | undefined,
  value: number,
  t: number,
  c: { thresholdValue: number; hysteresis: number },
): CrossingState | undefined {
  const up = value >= c.thresholdValue + c.hysteresis;
  const down = value <= c.thresholdValue - c.hysteresis;
  if (up && old?.d !== 'UP') return { d: 'UP', v: value, t, sent: false };
  if (down && !up && old === undefined) return { d: 'DOWN', v: value, t, sent: true };
  if (down && !up && old?.d === 'UP') return { d: 'DOWN', v: value, t, sent: false };
  return undefined;
}

async function notify(
  d: PmDeps,
  thr: StoredThreshold,
  key: string,
  state: CrossingState,
  where: { vnfcId: string; port?: string },
): Promise<void> {
  await d.notifier.thresholdCrossed(thr, { ...state, ...where });
  await d.store.setCrossing(thr.id, key, state, { ...state, sent: true });
}

async function evaluateOne(
  d: PmDeps,
  thr: StoredThreshold,
  observations: VnfcObservation[],
  previous: Map<string, VnfcSample>,
): Promise<void> {
  const m = measureOf(thr.criteria.performanceMetric);
  const details = thr.criteria.simpleThresholdDetails;
  if (m === undefined || details === undefined) return;
  const states = await d.store.crossings(thr.id);
  for (const o of observations) {
    if (thr.subObjectInstanceIds !== undefined && !thr.subObjectInstanceIds.includes(o.vnfc.id)) continue;
    for (const v of sampleValues(m, o.sample, previous.get(o.vnfc.id))) {
      const where = { vnfcId: o.vnfc.id, ...(v.port !== undefined ? { port: v.port } : {}) };
      const key = v.port === undefined ? o.vnfc.id : `${o.vnfc.id}/${v.port}`;
      let old = states.get(key);
      if (old !== undefined && !old.sent) {
        await notify(d, thr, key, old, where);
        old = { ...old, sent: true };
      }
      const next = crossingOf(old, v.value, o.sample.t, details);
      if (next === undefined || !(await d.store.setCrossing(thr.id, key, old, next))) continue;
      if (!next.sent) await notify(d, thr, key, next, where);
    }
  }
}

/** Evaluates every threshold on the instance against the pass's samples. */
export async function evaluateThresholds(
  d: PmDeps,
  inst: VnfInstance,
  observations: VnfcObservation[],
  previous: Map<string, VnfcSample>,
): Promise<void> {
  const thresholds = (await d.allThresholds()).filter((t) => t.objectInstanceId === inst.id);
  for (const thr of thresholds) {
    try {
      await evaluateOne(d, thr, observations, previous);
    } catch (err) {
      d.log.warn({ err, thresholdId: thr.id }, 'threshold: evaluation failed (the next pass retries)');
    }
  }
}
