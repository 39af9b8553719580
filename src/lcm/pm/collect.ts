/**
 * What each monitor pass gives performance management (a SampleConsumer): every VNFC's sample folded into the
 * collection window it falls in, for every PM job that measures the instance (the report loop reads the windows),
 * and the thresholds on the instance evaluated on it.
 */
import type { StoredPmJob } from '../../domain/pm';
import type { VnfInstance } from '../../domain/vnf-instance';
import type { VnfcSample } from '../../ports/monitoring';
import type { AccumulatorKey, WindowAccumulator } from '../../ports/pm';
import type { SampleConsumer } from '../monitor/monitor';
import type { VnfcObservation } from '../monitor/observe';
import type { PmDeps } from './deps';
import { evaluateThresholds } from './thresholds';

/** A sample with CPU and memory: the VNFC answered its metrics (else there is nothing to fold). */
const measured = (s: VnfcSample | undefined): s is VnfcSample & { cpu: number } => s?.cpu !== undefined;

/** The sample folded into a window's accumulator (a new one starts from the sample before it, for rates). */
export function fold(old: WindowAccumulator | undefined, s: VnfcSample, previous?: VnfcSample): WindowAccumulator {
  const cpu = s.cpu ?? 0;
  const mem = s.mem ?? 0;
  if (old === undefined) {
    const base = measured(previous) && previous.t < s.t ? previous : s;
    return { n: 1, cpuSum: cpu, cpuMax: cpu, memSum: mem, memMax: mem, base, last: s };
  }
  return {
    n: old.n + 1,
    cpuSum: old.cpuSum + cpu,
    cpuMax: Math.max(old.cpuMax, cpu),
    memSum: old.memSum + mem,
    memMax: Math.max(old.memMax, mem),
    base: old.base,
    last: s,
  };
}

/** Folds the pass's samples into the windows of the jobs that measure the instance. */
export async function collectSamples(
  d: PmDeps,
  starts: Map<string, number>,
  inst: VnfInstance,
  observations: VnfcObservation[],
  previous: Map<string, VnfcSample>,
): Promise<void> {
  const jobs = (await d.allJobs()).filter((j) => j.objectInstanceIds.includes(inst.id));
  const wanted: Array<{ key: AccumulatorKey; sample: VnfcSample; job: StoredPmJob }> = [];
  for (const job of jobs) {
    let start = starts.get(job.id);
    if (start === undefined) {
      start = (await d.store.scheduleOf(job.id))?.startMs;
      if (start === undefined) continue;
      starts.set(job.id, start);
    }
    const cpMs = job.criteria.collectionPeriod * 1000;
    for (const o of observations) {
      if (!measured(o.sample)) continue;
      if (job.subObjectInstanceIds !== undefined && !job.subObjectInstanceIds.includes(o.vnfc.id)) continue;
      const window = Math.floor((o.sample.t - start) / cpMs);
      if (window < 0) continue;
      wanted.push({ key: { jobId: job.id, window, vnfc: `${inst.id}/${o.vnfc.id}` }, sample: o.sample, job });
    }
  }
  if (wanted.length === 0) return;
  const olds = await d.store.readAccumulators(wanted.map((w) => w.key));
  const items = wanted.map((w, i): [AccumulatorKey, WindowAccumulator] => {
    const vnfcId = w.key.vnfc.slice(inst.id.length + 1);
    return [w.key, fold(olds[i], w.sample, previous.get(vnfcId))];
  });
  // a window is read once its reporting period ended (plus the monitor's interval): kept twice that long
  const longest = Math.max(...wanted.map((w) => w.job.criteria.reportingPeriod * 1000));
  await d.store.writeAccumulators(items, 2 * longest + 2 * d.options.intervalMs + 60_000);
}

/** The consumer the monitor calls after each pass over an instance. */
export function pmConsumer(d: PmDeps): SampleConsumer {
  // a job's start never changes: read once per process
  const starts = new Map<string, number>();
  return async (inst, _model, observations, previous) => {
    await collectSamples(d, starts, inst, observations, previous);
    await evaluateThresholds(d, inst, observations, previous);
  };
}
