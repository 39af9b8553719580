/**
 * Waiting for Heat: polling a stack until it settles or is deleted, timing each wait, and the error of
 * a failed stack.
 */
import { OpenStackNotFoundError } from '../client/errors';
import { waitFor } from '../client/wait-for';
import type { OpenStackClient } from '../index';
import type { Stack } from '../orchestration/v1/stacks';
import { VimOperationError, type OpenStackVimOptions, type Sig, type StackWait } from './vim-common';

export class StackWaiter {
  private readonly waitListeners: Array<(e: StackWait) => void> = [];

  constructor(
    private readonly os: OpenStackClient,
    private readonly o: OpenStackVimOptions,
  ) {}

  /** Calls `listener` after every wait for Heat. */
  observe(listener: (e: StackWait) => void): void {
    this.waitListeners.push(listener);
  }

  /** Waits until the stack is no longer IN_PROGRESS (polling with a small, growing interval). */
  async settle(name: string, id: string, what: string, s: Sig, action?: string): Promise<Stack> {
    const t0 = Date.now();
    let polls = 0;
    let lastBusy = t0;
    let doneAt = t0;
    const st = await waitFor<Stack>(
      async () => {
        polls++;
        const asked = Date.now();
        const cur = await this.os.orchestration.get(name, id, s);
        // an update is IN_PROGRESS at once, but Heat may still show the previous COMPLETE for a moment
        const stale = action !== undefined && !cur.stack_status.startsWith(action);
        const done = !stale && !cur.stack_status.endsWith('_IN_PROGRESS');
        if (done) doneAt = Date.now();
        else lastBusy = asked;
        return { done, value: cur, state: cur.stack_status };
      },
      {
        timeoutMs: this.o.stackTimeoutMs ?? 600_000,
        initialDelayMs: this.o.pollInitialMs ?? 50,
        maxDelayMs: this.o.pollMaxMs ?? 200,
        factor: 1.5,
        what: `stack ${name} (${what})`,
        ...s,
      },
    );
    const e: StackWait = {
      stack: name,
      action: action ?? 'WAIT',
      status: st.stack_status,
      heatMs: Date.now() - t0,
      polls,
      noticeGapMs: doneAt - lastBusy,
    };
    this.o.onStackWait?.(e);
    for (const l of this.waitListeners) l(e);
    return st;
  }

  /** Waits until the stack is gone, DELETE_COMPLETE or DELETE_FAILED; the stack as last seen (undefined when gone). */
  deleted(name: string, s: Sig): Promise<Stack | undefined> {
    return waitFor<Stack | undefined>(
      async () => {
        const cur = await this.os.orchestration
          .find(name, s)
          .catch((err: unknown) => (err instanceof OpenStackNotFoundError ? undefined : Promise.reject(err)));
        const done =
          cur === undefined || cur.stack_status === 'DELETE_COMPLETE' || cur.stack_status === 'DELETE_FAILED';
        return { done, value: cur, state: cur?.stack_status ?? 'GONE' };
      },
      {
        timeoutMs: this.o.stackTimeoutMs ?? 600_000,
        initialDelayMs: this.o.pollInitialMs ?? 50,
        maxDelayMs: this.o.pollMaxMs ?? 200,
        what: `stack ${name} to be deleted`,
        ...s,
      },
    );
  }

  /** The error of a failed stack, with the reasons of its failed resources (deepest first) from the events. */
  async failure(name: string, st: Stack, s: Sig): Promise<VimOperationError> {
    const reasons: string[] = [];
    try {
      const events = await this.os.orchestration.events(name, st.id, { ...s, nestedDepth: 3 });
      for (const e of events) {
        if (!e.resource_status.endsWith('_FAILED') || !e.resource_status_reason) continue;
        const r = `${e.resource_name}: ${e.resource_status_reason}`;
        if (!reasons.includes(r)) reasons.push(r);
      }
    } catch {
      // the stack's own reason is still there
    }
    const detail = reasons.length > 0 ? reasons.slice(0, 3).join('; ') : (st.stack_status_reason ?? 'no reason given');
    return new VimOperationError(`Heat stack ${name} is ${st.stack_status}: ${detail}`);
  }
}
