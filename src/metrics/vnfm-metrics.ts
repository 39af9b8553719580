/**
 * The VNFM's own Prometheus metrics: one prom-client Registry per process (per graph: tests start several VNFMs in
 * one process, so never the global default registry). docs/operations.md lists every metric.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LcmOperation } from '../domain/lcm-op-occ';
import { silentLogger, type Logger } from '../ports/logger';
import type { EndedState, LcmObserver, MetricsSource } from '../ports/observer';
import type { Vim, VimProvider } from '../ports/vim';
import type { VnfAgentFactory } from '../ports/vnf-agent';
import { timedAgents, timedVim, timedVims, type CallTimer } from './timed';

/** Every metric name starts so. */
export const METRIC_PREFIX = 'clickvnfm_';

/** LCM operations last from seconds (emulated) to an hour (a Heat stack that times out, waits for an NFVO). */
const OPERATION_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];
/** A VIM or agent call: milliseconds (a describe) to ten minutes (a stack update, waiting for a VM's API). */
const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** BullMQ's job states the queue gauge shows. */
export const QUEUE_JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
export type QueueJobState = (typeof QUEUE_JOB_STATES)[number];
/** One queue's job counts, by state, as read at scrape time. */
export interface QueueJobCounts {
  /** The label: `lcm` or `notification`. */
  queue: string;
  counts: Partial<Record<QueueJobState, number>>;
}

/**
 * More exposition for the scrape: Prometheus text (`# HELP`, `# TYPE` and samples, ending in a newline), appended
 * after the VNFM's own metrics. Names must not repeat the VNFM's (prefix them: `clickvnf_...` for the VNFs'
 * measurements). A collector that throws or takes longer than the scrape's timeout is left out of that scrape.
 */
export type MetricsCollector = () => Promise<string>;

export interface VnfmMetricsOptions {
  /** The role of the process (`api`, `worker`, `all`): a label of clickvnfm_build_info. */
  role: string;
  /** The VNFM's version (package.json): a label of clickvnfm_build_info. */
  version: string;
  /** prom-client's process metrics (process_*, nodejs_*: CPU, memory, event loop lag, GC...); default true. */
  processMetrics?: boolean;
  /** Where a source that fails at scrape time is reported (at debug: a scrape every few seconds). */
  log?: Logger;
  /** How long a scrape waits for a gauge's source or a collector; default 5 s. */
  sourceTimeoutMs?: number;
}

/**
 * The process's metrics: it observes the LCM (LcmObserver), times the VIM and agent calls (the wrappers the
 * composition applies), reads the queues and the notification backlog at scrape time, and renders all of it,
 * plus what other code registers with `registerCollector`, for `GET /metrics`.
 *
 * @example
 * const metrics = new VnfmMetrics({ role: 'worker', version: '0.1.0' });
 * metrics.registerCollector(async () => '# TYPE clickvnf_up gauge\nclickvnf_up{vnf="a"} 1\n');
 * const text = await metrics.scrape();
 */
export class VnfmMetrics implements LcmObserver, MetricsSource {
  /** prom-client's registry of this process: more prom-client metrics may be registered on it directly. */
  readonly registry = new Registry();
  readonly contentType: string;
  private readonly operations: Counter<'operation' | 'state'>;
  private readonly operationSeconds: Histogram<'operation' | 'state'>;
  private readonly vimSeconds: Histogram<'vim' | 'method' | 'outcome'>;
  private readonly agentSeconds: Histogram<'dialect' | 'method' | 'outcome'>;
  private readonly collectors: MetricsCollector[] = [];
  private readonly log: Logger;
  private readonly timeoutMs: number;

  constructor(options: VnfmMetricsOptions) {
    this.log = options.log ?? silentLogger;
    this.timeoutMs = options.sourceTimeoutMs ?? 5000;
    this.contentType = this.registry.contentType;
    const registers = [this.registry];
    // their usual names (process_*, nodejs_*), which the usual Node.js dashboards read
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: `${METRIC_PREFIX}build_info`,
      help: 'Always 1: the version of the VNFM and the role of the process',
      labelNames: ['version', 'role'],
      registers,
    }).set({ version: options.version, role: options.role }, 1);
    this.operations = new Counter({
      name: `${METRIC_PREFIX}lcm_operations_total`,
      help: 'LCM operations that this process ended, by operation and the state it stored',
      labelNames: ['operation', 'state'],
      registers,
    });
    this.operationSeconds = new Histogram({
      name: `${METRIC_PREFIX}lcm_operation_duration_seconds`,
      help: "LCM operations that this process ended: from the op-occ's startTime to the state it stored",
      labelNames: ['operation', 'state'],
      buckets: OPERATION_BUCKETS,
      registers,
    });
    this.vimSeconds = new Histogram({
      name: `${METRIC_PREFIX}vim_call_duration_seconds`,
      help: 'Calls of this process to a VIM, by VIM kind, method and outcome (ok, error)',
      labelNames: ['vim', 'method', 'outcome'],
      buckets: CALL_BUCKETS,
      registers,
    });
    this.agentSeconds = new Histogram({
      name: `${METRIC_PREFIX}agent_call_duration_seconds`,
      help: "Calls of this process to the VNFCs' in-VM agents, by management dialect, method and outcome (ok, error)",
      labelNames: ['dialect', 'method', 'outcome'],
      buckets: CALL_BUCKETS,
      registers,
    });
  }

  operationFinished(operation: LcmOperation, state: EndedState, durationMs: number): void {
    this.operations.inc({ operation, state });
    this.operationSeconds.observe({ operation, state }, durationMs / 1000);
  }

  /** The VIM, its every call timed into clickvnfm_vim_call_duration_seconds. */
  vim(vim: Vim): Vim {
    return timedVim(vim, this.vimTimer);
  }

  /** The VIMs VimConnectionInfo names, each timed likewise. */
  vims(provider: VimProvider): VimProvider {
    return timedVims(provider, this.vimTimer);
  }

  /** The agents, their every call timed into clickvnfm_agent_call_duration_seconds. */
  agents(factory: VnfAgentFactory): VnfAgentFactory {
    return timedAgents(factory, (labels, seconds) => this.agentSeconds.observe(labels, seconds));
  }

  private readonly vimTimer: CallTimer<'vim'> = (labels, seconds) => this.vimSeconds.observe(labels, seconds);

  /** clickvnfm_queue_jobs{queue,state}: `read` is called at every scrape (BullMQ's getJobCounts, one round trip). */
  watchQueues(read: () => Promise<QueueJobCounts[]>): void {
    const gauge = new Gauge({
      name: `${METRIC_PREFIX}queue_jobs`,
      help: 'Jobs in the BullMQ queues shared by every process, by queue (lcm, notification) and state, at scrape time',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      collect: async () => {
        gauge.reset();
        const queues = await this.read('queue job counts', read);
        for (const q of queues ?? [])
          for (const state of QUEUE_JOB_STATES) gauge.set({ queue: q.queue, state }, q.counts[state] ?? 0);
      },
    });
  }

  /** clickvnfm_notification_backlog: `read` is called at every scrape. */
  watchNotificationBacklog(read: () => Promise<number>): void {
    const gauge = new Gauge({
      name: `${METRIC_PREFIX}notification_backlog`,
      help: "Notifications waiting in the subscriptions' outboxes (shared by every process), at scrape time",
      registers: [this.registry],
      collect: async () => {
        gauge.reset();
        const n = await this.read('notification backlog', read);
        if (n !== undefined) gauge.set(n);
      },
    });
  }

  /**
   * Appends more exposition to every scrape (e.g. the VNFs' own measurements, on the API's /metrics). Returns the
   * function that removes it again.
   */
  registerCollector(collect: MetricsCollector): () => void {
    this.collectors.push(collect);
    return () => {
      const i = this.collectors.indexOf(collect);
      if (i >= 0) this.collectors.splice(i, 1);
    };
  }

  async scrape(): Promise<string> {
    const [own, ...more] = await Promise.all([
      this.registry.metrics(),
      ...this.collectors.map((c) => this.read('a registered collector', c)),
    ]);
    const parts = [own, ...more.filter((t): t is string => t !== undefined && t !== '')];
    return parts.map((t) => (t.endsWith('\n') ? t : `${t}\n`)).join('');
  }

  /** A source's answer, or undefined when it fails or is late: one broken source never fails the whole scrape. */
  private async read<T>(what: string, source: () => Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.timeoutMs);
      timer.unref();
    });
    try {
      const answer = await Promise.race([source(), late]);
      if (answer === undefined) this.log.debug(`metrics: ${what} took over ${this.timeoutMs} ms; left out`);
      return answer;
    } catch (err) {
      this.log.debug({ err }, `metrics: ${what} failed; left out of this scrape`);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
