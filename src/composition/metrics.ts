/**
 * The process's metrics, wired: what the graph's adapters tell them at scrape time (the queues, the outboxes), and
 * where a process serves them (the API's /metrics, or a listener of its own: metrics.listen). docs/operations.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';
import { startMetricsServer, type MetricsServer, type VnfmMetrics } from '../metrics';
import { parseHostPort, type HostPort } from '../net/host-port';
import type { Logger } from '../ports/logger';

/** Where a worker-only process serves /metrics unless metrics.listen says otherwise (Prometheus's exporter range). */
export const DEFAULT_WORKER_METRICS_LISTEN = '127.0.0.1:9464';

interface Counted {
  jobCounts(): Promise<Record<string, number>>;
}

/** The gauges read at scrape time: the LCM and notification queues' jobs, the subscriptions' outboxes. */
export function watchGraph(
  metrics: VnfmMetrics,
  parts: {
    lcmQueue: Counted;
    /** absent when the graph was given another notifier (tests) */
    notifyQueue?: Counted;
    backlog: () => Promise<number>;
  },
): void {
  const { lcmQueue, notifyQueue } = parts;
  metrics.watchQueues(async () => {
    const [lcm, notification] = await Promise.all([lcmQueue.jobCounts(), notifyQueue?.jobCounts()]);
    return [{ queue: 'lcm', counts: lcm }, ...(notification ? [{ queue: 'notification', counts: notification }] : [])];
  });
  metrics.watchNotificationBacklog(parts.backlog);
}

/**
 * Where this process serves /metrics on a listener of its own: metrics.listen (`host:port`), else for a worker-only
 * process 127.0.0.1:9464; `off`, or an API process without metrics.listen: nowhere (the API serves /metrics).
 * `explicit`: the configuration asked for it (a listener that cannot start then stops the process).
 */
export function metricsListener(
  config: Readonly<Config>,
  role: 'api' | 'worker' | 'all',
): { at: HostPort; explicit: boolean } | undefined {
  const listen = config.metrics.listen;
  if (listen === 'off') return undefined;
  if (listen !== undefined) return { at: parseListen(listen), explicit: true };
  return role === 'worker' ? { at: parseListen(DEFAULT_WORKER_METRICS_LISTEN), explicit: false } : undefined;
}

/**
 * Starts the /metrics listener of its own where metricsListener says; undefined when there is none. One asked for in
 * the configuration that cannot listen stops the start; the default one (a worker's: a second worker on the host
 * finds 9464 taken) is left out with a warning.
 */
export async function serveMetrics(
  metrics: VnfmMetrics,
  config: Readonly<Config>,
  role: 'api' | 'worker' | 'all',
  log: Logger,
): Promise<MetricsServer | undefined> {
  const listener = metricsListener(config, role);
  if (listener === undefined) return undefined;
  const token = config.metrics.token;
  let served: MetricsServer;
  try {
    served = await startMetricsServer(metrics, { listen: listener.at, ...(token ? { token } : {}), log });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (listener.explicit) throw new Error(`metrics.listen: ${why}`);
    log.warn(
      `no /metrics listener on ${DEFAULT_WORKER_METRICS_LISTEN} (${why}): set metrics.listen (host:port, or off)`,
    );
    return undefined;
  }
  log.info(`metrics on ${served.url}/metrics`);
  return served;
}

/** `host:port` (port 0: any free port); throws naming the text otherwise. */
export function parseListen(text: string): HostPort {
  const zero = /:0$/.test(text);
  const at = parseHostPort(zero ? text.replace(/:0$/, ':1') : text);
  return zero ? { ...at, port: 0 } : at;
}

/** The VNFM's version, from its package.json (beside src/ or dist/src/); `unknown` when it cannot be read. */
export function vnfmVersion(): string {
  for (const dir of [join(__dirname, '..', '..'), join(__dirname, '..', '..', '..')]) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    try {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'click-osv-vnfm' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // unreadable: look further
    }
  }
  return 'unknown';
}
