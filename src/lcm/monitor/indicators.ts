/**
 * VNF indicators (SOL003 clause 8) from the monitor's samples: each indicator the VNFD declares
 * (clickosv.policies.Indicator) is its Click handler's value in this pass's sample of each VNFC of its VDUs,
 * aggregated; the values are compared and set in the store, and each change is notified once.
 */
import type { StoredIndicator } from '../../domain/indicator';
import type { VnfInstance } from '../../domain/vnf-instance';
import type { IndicatorNotifier, IndicatorStore } from '../../ports/indicators';
import type { Logger } from '../../ports/logger';
import type { IndicatorModel, VnfdModel } from '../../tosca';
import type { SampleConsumer } from './monitor';
import type { VnfcObservation } from './observe';

/** Several VNFCs' values as one (avg kept to three decimals). */
export function aggregate(values: readonly number[], how: IndicatorModel['aggregate']): number {
  switch (how) {
    case 'sum':
      return values.reduce((s, v) => s + v, 0);
    case 'avg':
      return Math.round((values.reduce((s, v) => s + v, 0) / values.length) * 1000) / 1000;
    case 'max':
      return Math.max(...values);
    case 'min':
      return Math.min(...values);
  }
}

/**
 * The value of each declared indicator that some VNFC of its VDUs reported in this pass (one that none did has
 * no value this time: its stored one stays); `at` is the newest of the samples it was read from.
 */
export function indicatorValues(
  inst: VnfInstance,
  model: VnfdModel,
  observations: readonly VnfcObservation[],
): StoredIndicator[] {
  return model.monitoring.indicators.flatMap((ind) => {
    const read = observations
      .filter((o) => ind.vduIds.includes(o.vnfc.vduId))
      .flatMap((o) =>
        (o.sample.el ?? [])
          .filter(([element, handler]) => element === ind.handler.element && handler === ind.handler.handler)
          .map(([, , value]) => ({ value, t: o.sample.t })),
      );
    if (read.length === 0) return [];
    return [
      {
        id: ind.id,
        name: ind.name,
        value: aggregate(
          read.map((r) => r.value),
          ind.aggregate,
        ),
        vnfInstanceId: inst.id,
        at: Math.max(...read.map((r) => r.t)),
      },
    ];
  });
}

/** The monitor's consumer that keeps the indicators and notifies their changes. */
export function indicatorConsumer(store: IndicatorStore, notifier: IndicatorNotifier, log: Logger): SampleConsumer {
  return async (inst, model, observations) => {
    const declared = model.monitoring.indicators.map((i) => i.id);
    const changed = await store.record(inst.id, indicatorValues(inst, model, observations), declared);
    for (const c of changed) {
      log.debug({ vnfInstanceId: inst.id, indicatorId: c.id, value: c.value }, 'indicator value changed');
      await notifier.valueChanged(c);
    }
  };
}
