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
}

export interface MonitorStore {
  /** Up to `max` instances whose time has come; each is due again `leaseMs` later (whoever took it). */
  claimDue(nowMs: number, leaseMs: number, max: number): Promise<string[]>;
  /** Watches the instances (due at `atMs`); an instance watched already keeps its time. */
  watch(vnfInstanceIds: string[], atMs: number): Promise<void>;
  /** Stops watching the instance and drops its samples. */
  unwatch(vnfInstanceId: string, vnfcIds: string[]): Promise<void>;
  /** How many instances are watched. */
  watched(): Promise<number>;
  /** Appends one sample per VNFC, each series cut to the newest `keep`. */
  append(vnfInstanceId: string, samples: Array<[vnfcId: string, sample: VnfcSample]>, keep: number): Promise<void>;
  /** The newest `n` samples of a VNFC, newest first. */
  recent(vnfInstanceId: string, vnfcId: string, n: number): Promise<VnfcSample[]>;
  /** Runs `fn` unless another process holds the named lock (held at most `ttlMs`). */
  exclusive(name: string, ttlMs: number, fn: () => Promise<void>): Promise<boolean>;
  /** Times of the automatic heals of a VNFC's place (its VM name: it outlives a heal), newest last. */
  heals(vnfInstanceId: string, slot: string): Promise<number[]>;
  recordHeal(vnfInstanceId: string, slot: string, atMs: number, keepSinceMs: number): Promise<void>;
}
