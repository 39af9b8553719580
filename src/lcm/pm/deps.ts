import type { StoredPmJob, StoredThreshold } from '../../domain/pm';
import type { Logger } from '../../ports/logger';
import type { MonitorStore } from '../../ports/monitoring';
import type { PmNotifier, PmStore } from '../../ports/pm';
import type { Repository } from '../../ports/store';
import type { LcmDeps } from '../deps';

export interface PmOptions {
  /**
   * The monitor's interval (ms): the shortest collection period, and how long after a reporting period ends its
   * report waits for the samples of its last window.
   */
  intervalMs: number;
  /** Reports kept per PM job (the newest; 10 by default); each expires after this many reporting periods. */
  keepReports: number;
  /** How long a worker holds a due job before another may take it (30 s by default). */
  leaseMs: number;
}

export const DEFAULT_PM_OPTIONS: Omit<PmOptions, 'intervalMs'> = { keepReports: 10, leaseMs: 30_000 };

/** What VNF Performance Management works with, wired by the composition root. */
export interface PmDeps {
  lcm: Pick<LcmDeps, 'instances' | 'models' | 'clock'>;
  jobs: Repository<StoredPmJob>;
  thresholds: Repository<StoredThreshold>;
  store: PmStore;
  /** The monitor's samples (what a VNFC reports: ClickElement measurements it has values of). */
  samples: Pick<MonitorStore, 'recent'>;
  notifier: PmNotifier;
  /** Every PM job and threshold, as each monitor pass reads them (a cache, listed again when they change). */
  allJobs(): Promise<StoredPmJob[]>;
  allThresholds(): Promise<StoredThreshold[]>;
  options: PmOptions;
  log: Logger;
}

export const pmNowMs = (d: Pick<PmDeps, 'lcm'>): number => d.lcm.clock?.now().getTime() ?? Date.now();
