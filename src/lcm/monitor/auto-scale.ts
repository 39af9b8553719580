/**
 * Auto-scale: an AutoScale policy of the VNFD (docs/packages.md, "Day-2 policies") compares a metric of its
 * aspect's VNFCs (a Click handler's value, or a data-port rate from two samples), aggregated, with its
 * thresholds, and scales the aspect one step out or in by a normal SCALE operation (isAutomaticInvocation true),
 * at most once per cooldown per aspect, within the aspect's levels.
 */
import type { VnfInstance } from '../../domain/vnf-instance';
import { InstanceBusyError } from '../../errors';
import type { MonitorStore, VnfcSample } from '../../ports/monitoring';
import type { AutoScaleModel, VnfdModel } from '../../tosca';
import type { LcmDeps } from '../deps';
import { startOperation } from '../occurrences';
import type { VnfcObservation } from './observe';

/** A port metric of one VNFC: summed over its ports, per second between two samples. */
function portRate(name: string, now: VnfcSample, before: VnfcSample | undefined): number | undefined {
  if (before?.ports === undefined || now.ports === undefined || now.t <= before.t) return undefined;
  const column = { rx_packet_rate: 1, tx_packet_rate: 2, rx_byte_rate: 3, tx_byte_rate: 4 }[name];
  if (column === undefined) return undefined;
  const sum = (s: VnfcSample): number => (s.ports ?? []).reduce((a, p) => a + (p[column] as number), 0);
  return Math.max(0, ((sum(now) - sum(before)) * 1000) / (now.t - before.t));
}

/** The policy's metric on one VNFC, undefined when the samples do not tell it (Click not running, no counters). */
export function metricOf(p: AutoScaleModel, now: VnfcSample, before: VnfcSample | undefined): number | undefined {
  if (p.metric.kind === 'port') return portRate(p.metric.name, now, before);
  const { element, handler } = p.metric.handler;
  return now.el?.find(([e, h]) => e === element && h === handler)?.[2];
}

export function aggregate(values: number[], how: AutoScaleModel['aggregate']): number | undefined {
  if (values.length === 0) return undefined;
  if (how === 'sum') return values.reduce((a, b) => a + b, 0);
  if (how === 'max') return Math.max(...values);
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export interface ScaleDecision {
  policy: AutoScaleModel;
  type: 'SCALE_OUT' | 'SCALE_IN';
  value: number;
}

/** What the policies ask of this instance now (at most one: the first policy that asks). */
export function scaleDecision(
  inst: VnfInstance,
  model: VnfdModel,
  observations: VnfcObservation[],
  previous: Map<string, VnfcSample>,
): ScaleDecision | undefined {
  const info = inst.instantiatedVnfInfo;
  for (const policy of model.monitoring.autoScale) {
    const level = info?.scaleStatus?.find((s) => s.aspectId === policy.aspectId)?.scaleLevel ?? 0;
    const max = info?.maxScaleLevels?.find((s) => s.aspectId === policy.aspectId)?.scaleLevel ?? 0;
    const mine = observations.filter((o) => policy.vduIds.length === 0 || policy.vduIds.includes(o.vnfc.vduId));
    const values = mine.flatMap((o) => {
      const v = metricOf(policy, o.sample, previous.get(o.vnfc.id));
      return v === undefined ? [] : [v];
    });
    // a VNFC that tells nothing (not running, first sample) leaves the decision to the next pass
    if (values.length === 0 || values.length < mine.length) continue;
    const value = aggregate(values, policy.aggregate) as number;
    if (value > policy.scaleOutThreshold && level < max) return { policy, type: 'SCALE_OUT', value };
    if (policy.scaleInThreshold !== undefined && value < policy.scaleInThreshold && level > 0)
      return { policy, type: 'SCALE_IN', value };
  }
  return undefined;
}

/** Starts the SCALE the decision asks for, unless its aspect scaled within the cooldown or the instance is busy. */
export async function startAutoScale(
  deps: LcmDeps,
  store: MonitorStore,
  inst: VnfInstance,
  d: ScaleDecision,
  nowMs: number,
): Promise<string | undefined> {
  const slot = `scale:${d.policy.aspectId}`;
  const last = (await store.automaticRuns(inst.id, slot)).at(-1);
  if (last !== undefined && nowMs - last < d.policy.cooldownMs) return undefined;
  const cause = `auto-scale: ${d.policy.id} saw ${d.value.toFixed(1)}`;
  try {
    const op = await startOperation(
      deps,
      inst.id,
      'SCALE',
      { type: d.type, aspectId: d.policy.aspectId, numberOfSteps: 1, additionalParams: { cause } },
      { automatic: true },
    );
    await store.recordAutomaticRun(inst.id, slot, nowMs, nowMs - d.policy.cooldownMs);
    return op.id;
  } catch (err) {
    if (err instanceof InstanceBusyError) return undefined;
    throw err;
  }
}
