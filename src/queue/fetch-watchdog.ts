/**
 * A worker that stopped taking jobs: jobs wait in the queue, the worker has free slots, and it starts none. BullMQ
 * fetches with a blocking command on a connection of its own, and that connection has been known to wedge for good
 * after a Redis failover or outage while everything else recovers (BullMQ issues 3088, 4378, 4479, 4585: the
 * worker reports itself running, emits no error, and takes no job until the process restarts). Jobs are not lost
 * (another worker, or this one once restarted, takes them), but an operation may wait in STARTING indefinitely.
 */

/** What the watchdog sees at one look. */
export interface FetchLook {
  /** When (ms). */
  at: number;
  /** Jobs waiting in the queue (BullMQ's `wait`). */
  waiting: number;
  /** Jobs this worker runs now. */
  running: number;
  /** How many it may run at once now. */
  concurrency: number;
  /** Jobs this worker has started since it began (a counter). */
  started: number;
}

/**
 * Decides, look after look, whether the worker is wedged: jobs waiting and a free slot at every look for `stuckMs`
 * with no job started in between. A worker that is merely full, or a queue that is empty, or any job started,
 * clears the suspicion. With several workers, a job waits only while every worker is full or wedged: one with a free
 * slot that starts nothing for that long is the wedged one.
 */
export class StuckFetchDetector {
  private since: number | undefined;
  private lastStarted: number | undefined;

  constructor(private readonly stuckMs: number) {}

  /** True when the worker is to be taken as wedged (then the suspicion starts over). */
  observe(look: FetchLook): boolean {
    const idle =
      look.waiting > 0 &&
      look.running < look.concurrency &&
      this.lastStarted !== undefined &&
      look.started === this.lastStarted;
    this.lastStarted = look.started;
    if (!idle) {
      this.since = undefined;
      return false;
    }
    this.since ??= look.at;
    if (look.at - this.since < this.stuckMs) return false;
    this.since = undefined;
    return true;
  }
}

/**
 * Looks every `intervalMs` (an unref'd timer) and calls `onStuck` when the detector says the worker is wedged. A look
 * that fails (the store unreachable) is no look: the jobs' own commands report that.
 */
export function watchFetching(o: {
  waiting(): Promise<number>;
  running(): number;
  concurrency(): number;
  started(): number;
  stuckMs: number;
  intervalMs: number;
  onStuck(): void;
}): { stop(): void } {
  const detector = new StuckFetchDetector(o.stuckMs);
  let looking = false;
  const timer = setInterval(() => {
    if (looking) return;
    looking = true;
    o.waiting().then(
      (waiting) => {
        looking = false;
        const look = {
          at: Date.now(),
          waiting,
          running: o.running(),
          concurrency: o.concurrency(),
          started: o.started(),
        };
        if (detector.observe(look)) o.onStuck();
      },
      () => (looking = false),
    );
  }, o.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
