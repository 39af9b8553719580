import type { AgentEndpoint, CallOptions, ReadinessOptions } from '../ports/vnf-agent';
import { AgentError, AgentNotReadyError, ClickConfigError } from './errors';
import { call, sleep, tcpOpen, type HttpAnswer, type HttpCall } from './http';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** After a start, "is Click running?" is asked again after 20 ms, then 40, 80 ... up to 200 ms (each ±20 %). */
const CLICK_POLL_FIRST_MS = 20;
const CLICK_POLL_MAX_MS = 200;
/** The first pause between two readiness looks. */
export const FIRST_READINESS_PAUSE_MS = 100;

/**
 * The pause after a readiness look made `elapsedMs` after the start: 100 ms at first, growing
 * geometrically to `intervalMs`, which it reaches at `graceMs` and keeps (grace 0: `intervalMs` at once).
 */
export function readinessPause(elapsedMs: number, o: Pick<ReadinessOptions, 'graceMs' | 'intervalMs'>): number {
  const first = Math.min(FIRST_READINESS_PAUSE_MS, o.intervalMs);
  if (elapsedMs >= o.graceMs || first >= o.intervalMs) return o.intervalMs;
  return Math.round(first * (o.intervalMs / first) ** (elapsedMs / o.graceMs));
}

/**
 * A pause spread over ±20 % at random ("jitter", as in AWS's backoff advice): VMs created together (an NFVO's burst
 * of instantiations, a scale-out) would otherwise be looked at, found ready and driven through their next steps
 * in step with each other, every time; their work on this worker's event loop and on Redis then comes in bursts
 * that every one of them waits for. Measured on 1,000 concurrent instantiations (bench/lcm-throughput.ts): the
 * VNFM's own overhead per op p50 14-18 ms -> 3-7 ms, p99 43-58 -> 16-35 ms with one worker (most runs).
 */
export function jittered(ms: number, random: () => number = Math.random): number {
  return Math.round(ms * (0.8 + 0.4 * random()));
}

/** What both dialects share: the base URL, calls with timeout/abort, and readiness polling. */
export abstract class BaseAgent {
  protected readonly base: string;

  constructor(
    readonly endpoint: AgentEndpoint,
    protected readonly defaults: { timeoutMs?: number; readRetries?: number } = {},
  ) {
    const host = endpoint.address.includes(':') ? `[${endpoint.address}]` : endpoint.address;
    this.base = `http://${host}:${endpoint.port}`;
  }

  protected get where(): string {
    return `${this.endpoint.address}:${this.endpoint.port}`;
  }

  protected http(c: Omit<HttpCall, 'timeoutMs'> & { timeoutMs?: number }, o?: CallOptions): Promise<HttpAnswer> {
    return call(this.base, {
      ...c,
      timeoutMs: o?.timeoutMs ?? c.timeoutMs ?? this.defaults.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal: o?.signal ?? c.signal,
    });
  }

  protected get(path: string, o?: CallOptions): Promise<HttpAnswer> {
    return this.http({ method: 'GET', path, retries: this.defaults.readRetries ?? 2 }, o);
  }

  /** The probe that says the API is up (a cheap GET). */
  protected abstract probe(o: CallOptions): Promise<void>;

  /**
   * Polls from the first moment: is the TCP port open? Only then one cheap HTTP probe (integrations
   * poll TCP 8000 because an HTTP call made too early can break the real server). The pause between
   * looks starts at 100 ms and grows geometrically to `intervalMs`, which it reaches at `graceMs` (the
   * VNFD's grace is now an upper bound on how long polling stays fast, no longer a wait); from then on
   * it is `intervalMs`; each pause spread by ±20 % (`jittered`). A refused connection or a timeout before
   * the deadline is just "not yet". The deadline counts from the start; the last look is made at it.
   *
   * @throws AgentNotReadyError naming address:port, how long it waited and the last error.
   */
  async waitReady(options: ReadinessOptions): Promise<void> {
    const started = Date.now();
    let lastError = 'no answer';
    for (;;) {
      const left = options.deadlineMs - (Date.now() - started);
      const timeoutMs = Math.max(200, Math.min(2000, left));
      try {
        await tcpOpen(this.endpoint.address, this.endpoint.port, timeoutMs, options.signal);
        await this.probe({ timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
        return;
      } catch (err) {
        if (options.signal?.aborted === true)
          throw new AgentError(`${this.where}: waiting for the management API was cancelled`, {}, err);
        lastError = err instanceof Error ? err.message : String(err);
      }
      const elapsed = Date.now() - started;
      if (elapsed >= options.deadlineMs) throw new AgentNotReadyError(this.where, elapsed, lastError, options.subject);
      // the last pause ends at the deadline, where one more look is made: a VM ready just before it is not missed
      await sleep(Math.min(jittered(readinessPause(elapsed, options)), options.deadlineMs - elapsed), options.signal);
    }
  }

  /**
   * After a start: asks `running` until Click runs, with a short pause (20 ms doubling to 200 ms), within
   * the call's timeout (default 10 s). While it does not run, Click's log is read: an error in it (a line
   * that is not a warning) fails at once with Click's text, since the API answers 200 on failure too.
   *
   * @returns Click's log once it runs.
   * @throws ClickConfigError with Click's text, or saying that it did not report running in time.
   */
  protected async proveClickRuns(
    running: () => Promise<boolean>,
    log: () => Promise<string>,
    o?: CallOptions,
  ): Promise<string> {
    const deadlineMs = o?.timeoutMs ?? this.defaults.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const started = Date.now();
    for (let pause = CLICK_POLL_FIRST_MS; ; pause = Math.min(CLICK_POLL_MAX_MS, pause * 2)) {
      if (await running()) return log();
      const text = (await log()).trim();
      if (clickFailed(text)) throw new ClickConfigError(this.where, text);
      if (Date.now() - started + pause > deadlineMs)
        throw new ClickConfigError(this.where, text || `Click did not report running within ${deadlineMs} ms`);
      await sleep(jittered(pause), o?.signal);
    }
  }

  protected fail(message: string, answer?: HttpAnswer, method?: string, path?: string): never {
    throw new AgentError(`${this.where}: ${message}`, {
      method,
      url: path === undefined ? undefined : `${this.base}${path}`,
      httpStatus: answer?.status,
      body: answer?.text,
    });
  }

  /** A power call (`/os/shutdown`, `/os/reboot`): the VM may drop the connection while it answers; that is success. */
  protected async powerCall(path: string, o?: CallOptions): Promise<void> {
    try {
      const a = await this.http({ method: 'POST', path }, o);
      if (a.status >= 400) this.fail(`POST ${path} answered HTTP ${a.status}`, a, 'POST', path);
    } catch (err) {
      if (err instanceof Error && /ECONNRESET|socket hang up|stream has been aborted/.test(err.message)) return;
      throw err;
    }
  }
}

/** Click's log says it failed: some line is not a warning (`func.click:3: warning: ...`). */
export function clickFailed(log: string): boolean {
  return log.split('\n').some((l) => l.trim() !== '' && !/\bwarning:/i.test(l));
}
