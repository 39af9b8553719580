/**
 * VNF Performance Management as the monitor, the report loop and the API see it: PM jobs (what to measure, how
 * often), the collection windows the monitor's samples are folded into, the reports, the thresholds' last
 * crossing state, and the PM notifications.
 * @see ETSI GS NFV-SOL 003 v2.6.1 clause 6, docs/performance-management.md
 */
import type {
  CrossingDirection,
  PerformanceReportEntry,
  StoredPmJob,
  StoredReportRef,
  StoredThreshold,
} from '../domain/pm';
import type { VnfcSample } from './monitoring';

/** What one collection window of a job holds for one VNFC: every monitor sample of the window, folded. */
export interface WindowAccumulator {
  /** Samples folded (each with CPU and memory). */
  n: number;
  cpuSum: number;
  cpuMax: number;
  memSum: number;
  memMax: number;
  /** The sample before the window's first one (else that first one): where the window's rates start. */
  base: VnfcSample;
  /** The newest sample of the window: where the counters are read. */
  last: VnfcSample;
}

/** One accumulator's place: the job, its collection window (0 = the first after the job started), the VNFC. */
export interface AccumulatorKey {
  jobId: string;
  window: number;
  /** `<vnfInstanceId>/<vnfcId>` */
  vnfc: string;
}

/** A job's schedule: when it started, the number of its next report (1: the first), a report not yet notified. */
export interface PmJobSchedule {
  startMs: number;
  next: number;
  unnotified?: string;
}

/** A report as stored (what GET .../reports/{reportId} answers, plus where it belongs). */
export interface StoredReport extends StoredReportRef {
  jobId: string;
  entries: PerformanceReportEntry[];
}

/** A threshold's last state for one measured thing (a VNFC, or a port of it). */
export interface CrossingState {
  d: CrossingDirection;
  /** The value that crossed, and when it was measured (ms). */
  v: number;
  t: number;
  /** The notification went out (else the next pass sends it again, with the same id). */
  sent: boolean;
}

export interface PmStore {
  /** Starts a job's schedule: its first report is due at `firstDueMs`. */
  schedule(jobId: string, startMs: number, firstDueMs: number): Promise<void>;
  scheduleOf(jobId: string): Promise<PmJobSchedule | undefined>;
  /** Up to `max` jobs whose report is due; each is due again `leaseMs` later (whoever took it). */
  claimDue(nowMs: number, leaseMs: number, max: number): Promise<string[]>;
  /** Drops a job's schedule, windows and reports. */
  forget(jobId: string): Promise<void>;
  readAccumulators(keys: AccumulatorKey[]): Promise<Array<WindowAccumulator | undefined>>;
  /** Writes accumulators; each window's key expires `ttlMs` later. */
  writeAccumulators(items: Array<[AccumulatorKey, WindowAccumulator]>, ttlMs: number): Promise<void>;
  /** Every accumulator of one window of a job, by `<vnfInstanceId>/<vnfcId>`. */
  window(jobId: string, window: number): Promise<Map<string, WindowAccumulator>>;
  /**
   * Moves the job from report `expected` to `next` (due at `nextDueMs`, or no more when undefined) and stores
   * `report` (the newest `keep` kept) as not yet notified, unless another worker did it first (false).
   */
  commitReport(
    jobId: string,
    expected: number,
    next: number,
    nextDueMs: number | undefined,
    report: StoredReport | undefined,
    keep: number,
  ): Promise<boolean>;
  /** The job's reports, newest first. */
  reports(jobId: string): Promise<StoredReportRef[]>;
  report(jobId: string, reportId: string): Promise<StoredReport | undefined>;
  /** The report's notifications went out. */
  notified(jobId: string, reportId: string): Promise<void>;
  /** The thresholds' last states, by `<vnfInstanceId>/<vnfcId>[/<port>]`. */
  crossings(thresholdId: string): Promise<Map<string, CrossingState>>;
  /** Sets a state if it still is `expected` (undefined: none); false when another worker changed it first. */
  setCrossing(
    thresholdId: string,
    key: string,
    expected: CrossingState | undefined,
    next: CrossingState,
  ): Promise<boolean>;
  forgetThreshold(thresholdId: string): Promise<void>;
}

/** Sends the PM notifications to the matching PM subscriptions, in order per subscription. */
export interface PmNotifier {
  /** One PerformanceInformationAvailableNotification per VNF instance the report has entries of. */
  reportAvailable(job: StoredPmJob, report: StoredReport): Promise<void>;
  thresholdCrossed(
    threshold: StoredThreshold,
    crossing: CrossingState & { vnfcId: string; port?: string },
  ): Promise<void>;
}
