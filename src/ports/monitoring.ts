/**
 * What the monitor keeps in the store: which instances are due to be watched (shared by every worker, so
 * that N workers watch each instance once per interval) and each VNFC's recent samples (a bounded series).
 */
import type { VnfcStatus } from './vim';

/** One look at one VNFC. Counters are cumulative, as Click reports them; rates come from two samples. */
export interface VnfcSample {
  /** When it was taken (ms since the epoch). */
  t: number;
  /** The VM's status at the VIM (`MISSING`: the VIM no longer has the server). */
  vm: VnfcStatus | 'MISSING';
  /** The in-VM management API answered. */
  api: boolean;
  /** The Click function runs. */
  nf: boolean;
  cpu?: number;
  mem?: number;
  /** Per port the agent counts: [name, rxPackets, txPackets, rxBytes, txBytes] (a direction it does not count: 0). */
  ports?: Array<[string, number, number, number, number]>;
  /** Per element handler: [element, handler, value]. */
  el?: Array<[string, string, number]>;
  /**
   * The agent's raw reading, for the next look's CPU % and rates (one sample instead of two): the VM's clock
   * (ms), Click's CPU time (ms), the VM's memory size (bytes). Only dialects whose VM keeps no state give it.
   */
  raw?: [number, number, number?];
  /** Click runs as the image started it at boot, not as the VNFM did (NormalizedMetrics.bootClick). */
  boot?: true;
}

/** A sample and whose it is. */
export interface VnfcSampleOf {
  vnfcId: string;
  vduId: string;
  sample: VnfcSample;
}

export interface MonitorStore {
  /** Up to `max` instances whose time has come; each is due again `leaseMs` later (whoever took it). */
  claimDue(nowMs: number, leaseMs: number, max: number): Promise<string[]>;
  /** Watches the instances (each first due at its `atMs`); an instance watched already keeps its time. */
  watch(firstLooks: { vnfInstanceId: string; atMs: number }[]): Promise<void>;
  /** Stops watching the instance and drops its samples. */
  unwatch(vnfInstanceId: string, vnfcIds: string[]): Promise<void>;
  /**
   * Asks for the alarm list to be rebuilt: every watched instance is due at once and pending until a pass over it
   * ends (`rebuilt`); answers how many are pending (a new request starts again from all of them).
   */
  requestRebuild(): Promise<number>;
  /** A pass over the instance ended: true only for the one that leaves no instance pending (it notifies). */
  rebuilt(vnfInstanceId: string): Promise<boolean>;
  /** How many instances a rebuild still waits for. */
  rebuildPending(): Promise<number>;
  /** How many instances are watched. */
  watched(): Promise<number>;
  /** Appends one sample per VNFC, each series cut to the newest `keep`; each VNFC's newest is also kept apart. */
  append(vnfInstanceId: string, samples: VnfcSampleOf[], keep: number): Promise<void>;
  /**
   * The newest sample of every watched VNFC (for the Prometheus exposition of the VNFs); a VNFC whose newest sample is
   * older than `maxAgeMs` is gone (healed, scaled in) and forgotten.
   */
  latest(nowMs: number, maxAgeMs: number): Promise<Array<VnfcSampleOf & { vnfInstanceId: string }>>;
  /** The newest `n` samples of a VNFC, newest first. */
  recent(vnfInstanceId: string, vnfcId: string, n: number): Promise<VnfcSample[]>;
  /** Runs `fn` unless another process holds the named lock (held at most `ttlMs`). */
  exclusive(name: string, ttlMs: number, fn: () => Promise<void>): Promise<boolean>;
  /**
   * Times of the automatic operations of a slot (ms), newest last: a VNFC's place for heals (its VM name: it outlives
   * a heal), `scale:<aspectId>` for auto-scale.
   */
  automaticRuns(vnfInstanceId: string, slot: string): Promise<number[]>;
  recordAutomaticRun(vnfInstanceId: string, slot: string, atMs: number, keepSinceMs: number): Promise<void>;
}
