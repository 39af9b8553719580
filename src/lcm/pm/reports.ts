/**
 * The report loop (worker role): each PM job's report is made once per reporting period by one worker, whatever
 * the number of workers. A due job is taken from a sorted set by one Lua step (PmStore.claimDue); the report is
 * built from the collection windows the monitor's samples were folded into (collect.ts) and committed only if the
 * job is still at that report (a compare-and-set: a worker that lost its lease cannot store it twice); its
 * notifications go out after, and again by the next worker to take the job if they did not.
 * @see SOL003 v2.6.1 6.5.2.10 (PerformanceReport), 6.5.2.2, docs/performance-management.md
 */
import { randomUUID } from 'node:crypto';
import { PM_OBJECT_TYPE, type PerformanceReportEntry, type StoredPmJob } from '../../domain/pm';
import type { StoredReport, WindowAccumulator } from '../../ports/pm';
import { pmNowMs, type PmDeps } from './deps';
import { elementNames, measureOf, METRIC_GROUPS, windowValues } from './measurements';

/** The measurement names a window of a VNFC gives values of, for the job's criteria. */
function metricsOf(job: StoredPmJob, acc: WindowAccumulator): string[] {
  const names = new Set(job.criteria.performanceMetric ?? []);
  for (const g of job.criteria.performanceMetricGroup ?? []) {
    for (const n of METRIC_GROUPS.get(g) ?? []) names.add(n);
    if (g === 'ClickElements') for (const n of elementNames(acc.last)) names.add(n);
  }
  return [...names];
}

/** The report's entries: per instance, VNFC and measurement, one value per window (per port, for ports). */
export function reportEntries(
  job: StoredPmJob,
  windows: Array<Map<string, WindowAccumulator>>,
): PerformanceReportEntry[] {
  const entries = new Map<string, PerformanceReportEntry>();
  for (const window of windows) {
    for (const [key, acc] of window) {
      const slash = key.indexOf('/');
      const [instId, vnfcId] = [key.slice(0, slash), key.slice(slash + 1)];
      if (!job.objectInstanceIds.includes(instId)) continue;
      if (job.subObjectInstanceIds !== undefined && !job.subObjectInstanceIds.includes(vnfcId)) continue;
      for (const name of metricsOf(job, acc)) {
        const m = measureOf(name);
        if (m === undefined) continue;
        const values = windowValues(m, acc);
        if (values.length === 0) continue;
        const id = `${key}/${name}`;
        let entry = entries.get(id);
        if (entry === undefined) {
          entry = {
            objectType: PM_OBJECT_TYPE,
            objectInstanceId: instId,
            subObjectInstanceId: vnfcId,
            performanceMetric: name,
            performanceValues: [],
          };
          entries.set(id, entry);
        }
        const timeStamp = new Date(acc.last.t).toISOString();
        for (const v of values)
          entry.performanceValues.push({
            timeStamp,
            value: v.value,
            ...(v.port !== undefined ? { context: { port: v.port } } : {}),
          });
      }
    }
  }
  return [...entries.values()];
}

async function notifyReport(d: PmDeps, job: StoredPmJob, reportId: string): Promise<void> {
  const report = await d.store.report(job.id, reportId);
  if (report !== undefined) await d.notifier.reportAvailable(job, report);
  await d.store.notified(job.id, reportId);
}

export type ReportOutcome = 'reported' | 'empty' | 'not-due' | 'ended' | 'gone' | 'lost';

/**
 * Makes the job's due report: the newest reporting period that ended at least the monitor's interval ago (periods
 * missed while no worker ran are skipped). Empty when no VNFC was measured in the period (no report then).
 */
export async function reportJob(d: PmDeps, jobId: string): Promise<ReportOutcome> {
  const job = (await d.jobs.get(jobId))?.doc;
  const sch = await d.store.scheduleOf(jobId);
  if (job === undefined || sch === undefined) {
    await d.store.forget(jobId);
    return 'gone';
  }
  if (sch.unnotified !== undefined) await notifyReport(d, job, sch.unnotified);
  const c = job.criteria;
  const [rpMs, cpMs, lag] = [c.reportingPeriod * 1000, c.collectionPeriod * 1000, d.options.intervalMs];
  const now = pmNowMs(d);
  const m = Math.floor((now - lag - sch.startMs) / rpMs);
  const dueAt = (n: number): number => sch.startMs + n * rpMs + lag;
  if (m < sch.next) {
    const ok = await d.store.commitReport(jobId, sch.next, sch.next, dueAt(sch.next), undefined, d.options.keepReports);
    return ok ? 'not-due' : 'lost';
  }
  const endMs = sch.startMs + m * rpMs;
  const boundary = c.reportingBoundary !== undefined ? Date.parse(c.reportingBoundary) : Infinity;
  if (endMs > boundary) {
    await d.store.commitReport(jobId, sch.next, m, undefined, undefined, d.options.keepReports);
    return 'ended';
  }
  const perReport = rpMs / cpMs;
  const windows: Array<Map<string, WindowAccumulator>> = [];
  for (let k = (m - 1) * perReport; k < m * perReport; k++) windows.push(await d.store.window(jobId, k));
  const entries = reportEntries(job, windows);
  let report: StoredReport | undefined;
  if (entries.length > 0) {
    const id = randomUUID();
    report = {
      id,
      jobId,
      readyTime: new Date(now).toISOString(),
      expiryTime: new Date(now + d.options.keepReports * rpMs).toISOString(),
      fileSize: Buffer.byteLength(JSON.stringify({ entries })),
      entries,
    };
  }
  const next = endMs + rpMs > boundary ? undefined : dueAt(m + 1);
  if (!(await d.store.commitReport(jobId, sch.next, m + 1, next, report, d.options.keepReports))) return 'lost';
  if (report === undefined) return 'empty';
  await notifyReport(d, job, report.id);
  return 'reported';
}

/** Runs the report loop until stopped: takes the due jobs, at most `concurrency` at once. */
export function startPmReports(d: PmDeps, concurrency = 16): { stop(): Promise<void> } {
  let stopped = false;
  const running = new Set<Promise<void>>();
  const tickMs = Math.max(50, Math.min(1000, d.options.intervalMs / 4));
  const tick = async (): Promise<void> => {
    const free = concurrency - running.size;
    if (free <= 0) return;
    for (const id of await d.store.claimDue(pmNowMs(d), d.options.leaseMs, free)) {
      const p = reportJob(d, id).then(
        () => undefined,
        (err: unknown) => d.log.warn({ err, pmJobId: id }, 'PM: a report failed (retried when the lease ends)'),
      );
      running.add(p);
      void p.finally(() => running.delete(p));
    }
  };
  const loop = setInterval(() => {
    if (!stopped) tick().catch((err: unknown) => d.log.warn({ err }, 'PM: could not take due jobs'));
  }, tickMs);
  return {
    stop: async () => {
      stopped = true;
      clearInterval(loop);
      await Promise.allSettled([...running]);
    },
  };
}
