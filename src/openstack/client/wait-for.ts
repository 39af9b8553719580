import { setTimeout as sleep } from 'node:timers/promises';
import { OpenStackTimeoutError } from './errors';

export interface WaitOptions {
  timeoutMs: number;
  /** First pause between checks; each next one grows by `factor` up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  factor?: number;
  signal?: AbortSignal;
  /** What is being waited for, for the timeout message. */
  what?: string;
}

/**
 * Polls `check` until it returns `{ done: true, value }`, with a small and growing interval (100 ms,
 * x1.5, at most 2 s by default) so that a fast completion is noticed within a fraction of a second and
 * a slow one costs few calls. `check` may throw to fail the wait at once. On timeout the error names
 * the last state seen.
 */
export async function waitFor<T>(
  check: () => Promise<{ done: boolean; value?: T; state?: string }>,
  o: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  let delay = o.initialDelayMs ?? 100;
  const factor = o.factor ?? 1.5;
  const max = o.maxDelayMs ?? 2000;
  let last = 'no answer yet';
  for (;;) {
    if (o.signal?.aborted) throw o.signal.reason as Error;
    const r = await check();
    if (r.done) return r.value as T;
    if (r.state !== undefined) last = r.state;
    const left = deadline - Date.now();
    if (left <= 0)
      throw new OpenStackTimeoutError(
        `gave up waiting for ${o.what ?? 'the VIM'} after ${Math.round(o.timeoutMs / 1000)} s (last state: ${last})`,
      );
    try {
      await sleep(Math.min(delay, left), undefined, { signal: o.signal });
    } catch (err) {
      // an abort fails the wait with the signal's own reason, not timers/promises' AbortError
      throw o.signal?.aborted === true ? (o.signal.reason as Error) : err;
    }
    delay = Math.min(max, delay * factor);
  }
}
