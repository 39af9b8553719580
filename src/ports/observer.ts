/**
 * What the LCM tells an observer (the process's metrics, src/metrics) about the operations it ends, and how a
 * process's metrics are read. lcm knows these interfaces only: no metrics library reaches it.
 */
import type { LcmOperation, LcmOperationState } from '../domain/lcm-op-occ';

/** The states an observer hears of: an operation ended here, for good or until someone acts on it. */
export type EndedState = Extract<LcmOperationState, 'COMPLETED' | 'FAILED_TEMP' | 'FAILED' | 'ROLLED_BACK'>;

export const ENDED_STATES: readonly EndedState[] = ['COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLED_BACK'];

export interface LcmObserver {
  /**
   * An op-occ entered `state`, stored by this process; `durationMs` runs from the op-occ's startTime to the
   * state's stateEnteredTime. Called once per state stored (a job run again after its worker died finds the state
   * stored and does not call it again). Must not throw, nor block: the LCM does not wait for it.
   */
  operationFinished(operation: LcmOperation, state: EndedState, durationMs: number): void;
}

/** A process's metrics in the Prometheus text exposition format, read at scrape time. */
export interface MetricsSource {
  /** The Content-Type of `scrape()`'s text (`text/plain; version=0.0.4; charset=utf-8`). */
  readonly contentType: string;
  scrape(): Promise<string>;
}
