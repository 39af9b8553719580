import { setTimeout as delay } from 'node:timers/promises';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { LcmJobKind, LcmQueue } from '../ports/lcm';
import { silentLogger, type Logger } from '../ports/logger';
import { watchFetching } from './fetch-watchdog';
import { governConcurrency, type Governed } from './load-governor';

export const LCM_QUEUE = 'clickvnfm-lcm';
/** The job states jobCounts() reads (BullMQ's names). */
export const JOB_COUNT_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

export interface BullOptions {
  connection: ConnectionOptions;
  /** BullMQ key prefix; keep a hash tag (e.g. `{vnfm}:bull`) for Redis Cluster. */
  prefix: string;
  /** Where the queue's and the worker's 'error' and 'failed' events are reported (nowhere by default). */
  log?: Logger;
}

/**
 * The LCM job queue on BullMQ. Job id = op-occ id; finished jobs are removed so that a retry can
 * queue the same id again (the op-occ in the store, not the job, is the record).
 */
export class BullLcmQueue implements LcmQueue {
  private readonly queue: Queue;

  constructor(options: BullOptions) {
    this.queue = new Queue(LCM_QUEUE, { connection: options.connection, prefix: options.prefix });
    // NOTE: BullMQ forwards connection errors as 'error' events; unheard, Node would crash the process.
    // Enqueueing itself rejects, so the caller still sees the failure and nothing is lost.
    const log = options.log ?? silentLogger;
    this.queue.on('error', (err) => log.error({ err }, 'LCM queue: error (Redis connection)'));
  }

  /**
   * The first job of an op-occ has the op-occ's id. NOTE: a retry or rollback may be queued while the
   * previous job is still finishing its step (after a FORCEFUL cancel), and BullMQ ignores an id it
   * still holds, so later jobs add a suffix; the op-occ's state decides which job does the work.
   */
  async enqueue(opOccId: string, kind: LcmJobKind): Promise<void> {
    const jobId = await this.jobIdOf(opOccId, kind);
    await this.queue.add(kind, { opOccId }, { jobId, removeOnComplete: true, removeOnFail: true, attempts: 1 });
  }

  private async jobIdOf(opOccId: string, kind: LcmJobKind): Promise<string> {
    // one release job at a time: whoever meets its lock queues it again (settleFinished), and BullMQ ignores the id
    // while that job waits or runs
    if (kind === 'release') return `${opOccId}-release`;
    if (kind === 'run' && (await this.queue.getJob(opOccId)) === undefined) return opOccId;
    return `${opOccId}-${kind}-${Date.now()}`;
  }

  async queued(opOccId: string): Promise<boolean> {
    return (await this.queue.getJobState(opOccId)) !== 'unknown';
  }

  /** The first run: BullMQ ignores an id it still holds, so a second call while the job exists adds nothing. */
  async start(opOccId: string, vnfInstanceId: string, created?: string): Promise<void> {
    await this.queue.add(
      'run',
      { opOccId, vnfInstanceId, ...(created !== undefined ? { created } : {}) },
      { jobId: opOccId, removeOnComplete: true, removeOnFail: true, attempts: 1 },
    );
  }

  /** Its jobs by state (`waiting`, `active`, `delayed`, `failed`), in one round trip: for the metrics. */
  jobCounts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts(...JOB_COUNT_STATES);
  }

  async close(): Promise<void> {
    // NOTE: close() drops the listeners of the shared connection while BullMQ's own initialisation on it may
    // still be in flight (a stop right after start); when the connection then goes, that initialisation fails
    // into an unheard 'error' event (an uncaught exception). Let it finish first; bounded, as a Redis that is
    // down never gets ready.
    await Promise.race([this.queue.waitUntilReady().catch(() => undefined), delay(3000, undefined, { ref: false })]);
    await this.queue.close();
  }
}

export interface LcmWorkerOptions extends BullOptions {
  /** The most jobs at once. */
  concurrency?: number;
  /**
   * Where the worker keeps its jobs' own steps (src/queue/load-governor.ts): fewer jobs at once (down to 2) while
   * its event loop is busier than `loop` or a round trip to the store (`probe`) slower than `latencyMs`.
   * Absent: always `concurrency`.
   */
  governor?: { loop: number; latencyMs: number; machine?: number; probe(): Promise<number> };
  /** How long a job's lock lasts without renewal; a worker that died loses its jobs after this. */
  lockDurationMs?: number;
  /** How often stalled jobs (of dead workers) are looked for and run again. */
  stalledIntervalMs?: number;
  /** When the worker is taken as wedged (./fetch-watchdog.ts): free slots and no job taken for `stuckMs`. */
  watchdog?: { stuckMs?: number; intervalMs?: number };
}

export interface LcmWorkerHandle {
  /** The BullMQ worker that runs now (another one after a wedged one was replaced). */
  readonly worker: Worker;
  close(force?: boolean): Promise<void>;
}

/**
 * A worker that runs LCM jobs. BullMQ re-runs a stalled job (its worker died): the engine skips the
 * steps that are recorded as done, so the operation resumes where it stopped. A worker found wedged (jobs wait, it
 * has free slots and starts none: ./fetch-watchdog.ts) is replaced by a new one with a blocking (fetching) connection
 * of its own; the old one finishes the jobs it runs and closes.
 */
export function startLcmWorker(
  /**
   * Runs a job; `vnfInstanceId` when the job names the op-occ's instance (a first run: LcmQueue.start), `created`
   * (the op-occ as created) only on such a job's first delivery: one delivered again (its worker died) may find
   * the op-occ moved on.
   */
  run: (opOccId: string, kind: LcmJobKind, vnfInstanceId?: string, created?: string) => Promise<void>,
  options: LcmWorkerOptions,
): LcmWorkerHandle {
  let running = 0;
  let started = 0;
  const log = options.log ?? silentLogger;
  const make = (concurrency: number): Worker => {
    const w = new Worker(
      LCM_QUEUE,
      async (job) => {
        const data = job.data as { opOccId?: unknown; vnfInstanceId?: unknown; created?: unknown };
        if (typeof data.opOccId !== 'string') return;
        running++;
        started++;
        try {
          const kind = job.name === 'rollback' || job.name === 'release' ? job.name : 'run';
          const instanceId = typeof data.vnfInstanceId === 'string' ? data.vnfInstanceId : undefined;
          const created = typeof data.created === 'string' && job.attemptsStarted <= 1 ? data.created : undefined;
          await run(data.opOccId, kind, instanceId, created);
        } finally {
          running--;
        }
      },
      {
        connection: options.connection,
        prefix: options.prefix,
        concurrency,
        lockDuration: options.lockDurationMs ?? 30_000,
        stalledInterval: options.stalledIntervalMs ?? 30_000,
        maxStalledCount: 10,
      },
    );
    // connection blips: BullMQ reconnects by itself; unheard, an 'error' event would crash the process
    w.on('error', (err) => log.error({ err }, 'LCM worker: error (Redis connection or job lock)'));
    // the engine records an operation's own failures in its op-occ: a job that throws is a fault of the
    // engine or the store
    w.on('failed', (job, err) =>
      log.error(
        { err, jobId: job?.id, opOccId: (job?.data as { opOccId?: unknown } | undefined)?.opOccId, kind: job?.name },
        'LCM worker: job failed',
      ),
    );
    return w;
  };
  const max = options.concurrency ?? 24; // the configured default (worker.concurrency)
  let worker = make(max);
  const retired: Promise<void>[] = [];
  // the governor and the watchdog act on whichever worker is current
  const current: Governed = {
    get concurrency() {
      return worker.concurrency;
    },
    set concurrency(n: number) {
      worker.concurrency = n;
    },
  };
  const g = options.governor;
  const governor =
    g === undefined
      ? undefined
      : governConcurrency(current, () => running, {
          max,
          loopTarget: g.loop,
          latencyTargetMs: g.latencyMs,
          ...(g.machine !== undefined ? { machineTarget: g.machine } : {}),
          probe: g.probe,
        });
  const counts = new Queue(LCM_QUEUE, { connection: options.connection, prefix: options.prefix });
  counts.on('error', () => undefined); // the store's failures are the jobs' to report
  const watchdog = watchFetching({
    waiting: async () => (await counts.getJobCounts('wait'))['wait'] ?? 0,
    running: () => running,
    concurrency: () => worker.concurrency,
    started: () => started,
    stuckMs: options.watchdog?.stuckMs ?? 10_000,
    intervalMs: options.watchdog?.intervalMs ?? 5_000,
    onStuck: () => {
      log.warn(
        { running, concurrency: worker.concurrency },
        'LCM worker: jobs wait, this worker has free slots and took none: its connection is taken as wedged;' +
          ' a new worker takes over (the old one finishes its jobs)',
      );
      const old = worker;
      worker = make(old.concurrency);
      retired.push(old.close().catch((err: unknown) => log.warn({ err }, 'LCM worker: the wedged one closed badly')));
    },
  });
  return {
    get worker() {
      return worker;
    },
    close: async (force = false) => {
      governor?.stop();
      watchdog.stop();
      // a wedged worker's close may never end: the jobs it ran have ended (or their locks lapse) by then
      await Promise.all([
        worker.close(force),
        Promise.race([Promise.all(retired), delay(force ? 1000 : 10_000, undefined, { ref: false })]),
      ]);
      await counts.close();
    },
  };
}
