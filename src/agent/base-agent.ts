import type { AgentEndpoint, CallOptions, ReadinessOptions } from '../ports/vnf-agent';
import { AgentError, AgentNotReadyError } from './errors';
import { call, sleep, tcpOpen, type HttpAnswer, type HttpCall } from './http';

export const DEFAULT_TIMEOUT_MS = 10_000;

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
   * The grace delay, then every interval: is the TCP port open? Only then one cheap HTTP probe
   * (integrations poll TCP 8000 because an HTTP call made too early can break the real server).
   * The deadline counts from the start, grace included.
   *
   * @throws AgentNotReadyError naming address:port and how long it waited.
   */
  async waitReady(options: ReadinessOptions): Promise<void> {
    const started = Date.now();
    await sleep(options.graceMs, options.signal);
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
      if (Date.now() - started + options.intervalMs > options.deadlineMs)
        throw new AgentNotReadyError(this.where, Date.now() - started, lastError);
      await sleep(options.intervalMs, options.signal);
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
