import { cpus } from 'node:os';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** What the governor sets: BullMQ's Worker has a settable `concurrency`. */
export interface Governed {
  concurrency: number;
}

export interface GovernorOptions {
  /** The most jobs at once (`worker.concurrency`). */
  max: number;
  /** The fewest; also where it starts, and starts again after an idle look (default DEFAULT_MIN_JOBS). */
  min?: number;
  /** The share of the event loop's time the jobs may keep it busy (0 < target <= 1). */
  loopTarget: number;
  /** The round trip to the store (ms) the jobs' steps may wait for. */
  latencyTargetMs: number;
  /** One round trip to the store, timed (ms): a PING on the connection the steps use. */
  probe(): Promise<number>;
  /** How often it looks. */
  intervalMs?: number;
  /**
   * The share of the machine's CPU time (all cores) that may be busy (0 < target <= 1); absent: not looked at.
   * The loop's own utilization does not show the other processes on the machine (another worker, the API, Redis)
   * taking the cores the jobs' steps wait for.
   */
  machineTarget?: number;
  /** The loop's utilization since the last look (tests give their own). */
  utilization?: () => number;
  /** The machine's CPU utilization since the last look (tests give their own). */
  machineUtilization?: () => number;
}

/**
 * Where a worker starts, and its floor: 2 jobs. A burst's first jobs meet a cold process (its code not compiled yet)
 * while the API still takes the burst's POSTs on the same cores; each job started then waits for the others' work.
 * Measured (bench/lcm-throughput.ts, 1,000 instantiations, 2 workers, 7 runs each, alternated): starting at 4, an
 * overhead p99 of 28 to 55 ms (the slowest ops: the first 8, started in the first 200 ms); starting at 2, 23 to 40 ms,
 * the wall time 0.3 s longer.
 */
export const DEFAULT_MIN_JOBS = 2;

/** The event loop's utilization between two calls (perf_hooks: busy time over elapsed time). */
export function loopUtilization(): () => number {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const u = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    return u;
  };
}

/** The machine's CPU utilization between two calls: busy time over all time, summed over every core (os.cpus()). */
export function machineUtilization(): () => number {
  const totals = (): [number, number] => {
    let [busy, all] = [0, 0];
    for (const { times: t } of cpus()) {
      const sum = t.user + t.nice + t.sys + t.idle + t.irq;
      [busy, all] = [busy + sum - t.idle, all + sum];
    }
    return [busy, all];
  };
  let last = totals();
  return () => {
    const now = totals();
    const [busy, all] = [now[0] - last[0], now[1] - last[1]];
    last = now;
    return all > 0 ? busy / all : 0;
  };
}

/**
 * Keeps the jobs a worker runs at once where each job's own steps stay quick. A job mostly waits (the VIM, the
 * VM's API) and between those waits makes a few round trips to Redis; with more jobs at once every round trip
 * waits longer, in this process's event loop, in the socket's queue, in Redis, or for a core that the other
 * processes on the machine hold. Past that point throughput hardly grows while every job's overhead does. So,
 * like TCP's congestion control on delay: it starts small (`min`), takes a quarter more jobs per look while the
 * pressure is under 1 and every slot is taken, a quarter fewer when it is over 1.3, and starts small again after
 * an idle look. Pressure: the largest of the loop's utilization over its target, the store's round trip (a
 * PING queued behind the steps' commands) over its target and, when given a target, the machine's CPU utilization
 * over it (at most 1 / target: it holds the growth back, never cuts), all smoothed over about half a second. Jobs
 * already running go on: a lower concurrency only holds back the next ones.
 *
 * The decision is pure (`nextConcurrency`); the timer is unref'd and stopped with the worker.
 */
export function governConcurrency(w: Governed, running: () => number, o: GovernorOptions): { stop(): void } {
  const min = Math.min(o.min ?? DEFAULT_MIN_JOBS, o.max);
  const look = o.utilization ?? loopUtilization();
  const lookMachine = o.machineTarget === undefined ? undefined : (o.machineUtilization ?? machineUtilization());
  w.concurrency = min;
  let [loop, rtt, machine] = [0, 0, 0];
  let probing = false;
  const timer = setInterval(() => {
    loop = smooth(loop, look());
    if (lookMachine !== undefined) machine = smooth(machine, lookMachine());
    if (!probing) {
      probing = true;
      o.probe().then(
        (ms) => {
          rtt = smooth(rtt, ms);
          probing = false;
        },
        () => (probing = false), // the store's failures are the jobs' to report
      );
    }
    const pressure = Math.max(loop / o.loopTarget, rtt / o.latencyTargetMs, machine / (o.machineTarget ?? 1));
    w.concurrency = nextConcurrency(w.concurrency, running(), pressure, { min, max: o.max });
  }, o.intervalMs ?? 100);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** A signal smoothed over its last looks (about half a second at one look per 100 ms). */
function smooth(previous: number, sample: number): number {
  return 0.7 * previous + 0.3 * sample;
}

/** The next concurrency from the current one, the jobs running and the pressure (1: at the targets). */
export function nextConcurrency(
  current: number,
  running: number,
  pressure: number,
  o: { min: number; max: number },
): number {
  if (running === 0) return o.min;
  // a band over the targets: no see-saw around them
  if (pressure > 1.3) return Math.max(o.min, Math.floor(current * 0.75));
  // grown only while the slots are (nearly) all taken: otherwise no work waits for more
  if (pressure < 1 && running >= current - (current >> 3)) return Math.min(o.max, current + Math.max(1, current >> 2));
  return current;
}
