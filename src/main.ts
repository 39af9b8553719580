/**
 * The VNFM's start: reads the frozen Config, starts (or connects to) Redis, builds the VIM and the graph
 * (src/composition/graph.ts, the one place that wires it), and runs the roles asked for (`api`, `worker`,
 * or `all`); stop() tears everything down in reverse order.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { API_VERSION, buildApp, type ApiApp } from './api';
import { loadAuth } from './composition/credentials';
import { buildGraph } from './composition/graph';
import { onboardSamplePackages, sealStoredCredentials } from './composition/startup';
import { buildNfvo } from './composition/nfvo';
import { NFVO_NOTIFICATIONS_PATH } from './api/routes/vnfpkgm/nfvo-notifications';
import { buildVim } from './composition/vim';
import { serveMetrics, vnfmVersion } from './composition/metrics';
import { metricsRoutes } from './api/routes/metrics';
import { VnfmMetrics } from './metrics';
import { openStackVimOptions, VimFactory } from './composition/vims';
import type { Config } from './config';
import { HttpVnfAgentFactory } from './agent';
import type { Logger } from './ports/logger';
import type { Vim } from './ports/vim';
import type { VnfAgentFactory } from './ports/vnf-agent';
import {
  createRedisClient,
  describeRedisTarget,
  loadOrCreateSecretKey,
  RedisRateLimiter,
  restrictToOwner,
  SecretBox,
  startEmbeddedRedis,
} from './store';
import { redisTargetOf } from './composition/redis-target';
import { loadTypeLibrary } from './tosca';

export type Role = 'api' | 'worker' | 'all';
export type { Logger };
/** What a caller may hand startVnfm instead of its own pino logger (tests pass a quiet one). */
export type StartLogger = Pick<Logger, 'info' | 'warn' | 'error'> & Partial<Pick<Logger, 'debug'>>;

export interface Vnfm {
  /** The HTTP address the API listens on (api and all roles). */
  url?: string;
  app?: ApiApp;
  /** The Redis URL (the embedded server's carries its password: never log it); absent under Sentinel. */
  redisUrl?: string;
  /**
   * The process's Prometheus metrics (served at the API's /metrics, or at `metricsUrl`). More exposition is added
   * with `metrics.registerCollector(async () => text)` (e.g. the VNFs' measurements, on the API's /metrics).
   */
  metrics: VnfmMetrics;
  /** The listener of its own that serves /metrics (metrics.listen; by default a worker-only process's), if any. */
  metricsUrl?: string;
  stop(): Promise<void>;
}

/** Wrappers around the VIM and the agents (benchmarks time the calls; tests may inject faults). */
export interface Instrument {
  vim?: (vim: Vim) => Vim;
  agents?: (agents: VnfAgentFactory) => VnfAgentFactory;
}

/** What happens when the VNFM cannot go on (its embedded Redis keeps dying): by default the process exits 1. */
export type OnFatal = (reason: string) => void;
const exitOnFatal: OnFatal = () => process.exit(1);

/** Authorization, Keystone tokens and cookies never reach a log line. */
const REDACT = [
  'req.headers.authorization',
  'req.headers["x-auth-token"]',
  'req.headers["x-subject-token"]',
  'req.headers.cookie',
];

/** The console's bundle: dist/web beside dist/src (from the build), or the repository's dist/web (from sources). */
function webDir(): string {
  const candidates = [join(__dirname, '..', 'web'), join(__dirname, '..', 'dist', 'web')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? (candidates[0] as string);
}

/**
 * Starts the VNFM. It logs through one pino logger (JSON lines, the config's level), which Fastify's
 * request log, the embedded Redis supervisor, the queue, the workers and the notifier all share; a
 * caller may hand its own logger instead.
 */
export async function startVnfm(
  config: Readonly<Config>,
  role: Role,
  given?: StartLogger,
  instrument: Instrument = {},
  onFatal: OnFatal = exitOnFatal,
): Promise<Vnfm> {
  const root = given === undefined ? pino({ level: config.log.level, redact: REDACT }) : undefined;
  const log: Logger =
    given === undefined
      ? (root as Logger)
      : { debug: given.debug ?? (() => undefined), info: given.info, warn: given.warn, error: given.error };
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch((err: unknown) => log.error(`stop: ${String(err)}`));
  };
  try {
    const varDir = resolve(config.varDir);
    // keys, hashes and the Redis data: readable by the owner only
    restrictToOwner(varDir);
    let redisTarget = redisTargetOf(config.redis);
    if (redisTarget === undefined) {
      // supervised: restarted when it dies (its AOF keeps the state); past the restart budget the VNFM stops
      const fatal = (reason: string): void => {
        log.error(`stopping the VNFM: ${reason}`);
        void stopAll().finally(() => onFatal(reason));
      };
      const embedded = await startEmbeddedRedis({ varDir, log, onFatal: fatal });
      stops.push(() => embedded.stop());
      // NOTE: the URL carries the generated password; never log it (embedded.address is loggable)
      redisTarget = { kind: 'url', url: embedded.url };
    } else {
      log.info(`Redis: ${describeRedisTarget(redisTarget)}`);
    }
    const redis = createRedisClient(redisTarget, { log });
    stops.push(async () => void redis.disconnect());
    const prefix = config.redis.prefix;
    const publicUrl = config.publicUrl ?? `http://${config.listen.host}:${config.listen.port}`;
    // NOTE: API and worker processes on other machines must share this key (auth.secretKey), as they share token.key
    const box = new SecretBox(loadOrCreateSecretKey(varDir, config.auth.secretKey));
    const library = loadTypeLibrary();
    const built = await buildVim(config, log);
    if (built.stop) stops.push(built.stop);
    const agents = new HttpVnfAgentFactory();
    const vim = instrument.vim ? instrument.vim(built.vim) : built.vim;
    // one registry per process (several VNFMs may share a process: the tests)
    const metrics = new VnfmMetrics({ role, version: vnfmVersion(), log });
    const nfvo = buildNfvo(config, publicUrl);
    if (nfvo !== undefined)
      log.info(`NFVO ${config.nfvo.url ?? ''}: grants every resource change, serves its packages`);
    const { enabled: _, ...monitorOptions } = config.monitor;
    const graph = buildGraph({
      redis,
      redisTarget,
      prefix,
      box,
      library,
      publicUrl,
      vim,
      vims: new VimFactory(openStackVimOptions(config)),
      agents: instrument.agents ? instrument.agents(agents) : agents,
      ...(built.readiness !== undefined ? { readiness: built.readiness } : {}),
      outbound: { allowLinkLocal: config.notifications.allowLinkLocal },
      log,
      ...(nfvo !== undefined ? { granter: nfvo.granter, nfvoPackages: nfvo.packages } : {}),
      ...(nfvo?.subscriptions !== undefined ? { nfvoSubscriptions: nfvo.subscriptions } : {}),
      packageLimitBytes: config.api.packageLimitBytes,
      webDir: webDir(),
      monitor: monitorOptions,
      metrics,
    });
    stops.push(() => graph.close());
    const embedded = config.redis.url === undefined && config.redis.sentinels === undefined;
    await sealStoredCredentials(redis, prefix, graph, embedded, log);
    if (config.onboardSamples) await onboardSamplePackages(redis, prefix, graph, library, log);

    const vnfm: Vnfm = {
      ...(redisTarget.kind === 'url' ? { redisUrl: redisTarget.url } : {}),
      metrics,
      stop: stopAll,
    };
    if (role === 'worker' || role === 'all') {
      const w = config.worker;
      stops.push(
        graph.startWorkers({
          concurrency: w.concurrency,
          ...(w.adaptive ? { governor: governorOf(w) } : {}),
          lockDurationMs: w.lockDurationMs,
          stalledIntervalMs: w.stalledIntervalMs,
          ...(config.monitor.enabled ? { monitor: monitorOptions } : {}),
        }),
      );
      log.info(`LCM worker running on the ${graph.deps.vim.kind} VIM`);
    }
    if (role === 'api' || role === 'all') {
      const limiter = (perMinute: number) => new RedisRateLimiter(redis, prefix, perMinute, 60_000);
      const app = await buildApp({
        instances: graph.instances,
        packages: graph.catalog,
        auth: loadAuth(config, varDir, publicUrl, log),
        publicUrl,
        pageSize: config.api.pageSize,
        bodyLimitBytes: config.api.bodyLimitBytes,
        tokenLimits: {
          perAddress: limiter(config.auth.tokenRequestsPerAddressPerMinute),
          failuresPerClient: limiter(config.auth.tokenFailuresPerClientPerMinute),
        },
        routes: [
          ...graph.routes,
          metricsRoutes({ source: metrics, token: config.metrics.token, vnfs: graph.vnfMetrics }),
        ],
        events: graph.events,
        ...(root !== undefined ? { loggerInstance: root } : { logger: { level: config.log.level, redact: REDACT } }),
      });
      stops.push(() => app.close());
      const address = await app.listen({ host: config.listen.host, port: config.listen.port });
      vnfm.url = address;
      vnfm.app = app;
      log.info(`VNFM API (SOL003 ${API_VERSION}) on ${address}; OpenAPI at ${address}/docs`);
    }
    const served = await serveMetrics(metrics, config, role, log);
    if (served !== undefined) {
      stops.push(() => served.close());
      vnfm.metricsUrl = served.url;
    }
    // once the API listens (the NFVO tests the callback), in the background: an NFVO that is down is asked again
    // with backoff. The subscription outlives a stop: it is not deleted.
    const keeper = graph.keepNfvoSubscription?.(`${publicUrl.replace(/\/+$/, '')}${NFVO_NOTIFICATIONS_PATH}`);
    if (keeper !== undefined) stops.push(() => keeper.stop());
    return vnfm;
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The adaptive concurrency's targets from `worker` (docs/lcm.md, "Worker concurrency"). */
function governorOf(w: Config['worker']): { loop: number; latencyMs: number; machine?: number } {
  const machine = w.machineBusyPercent < 100 ? { machine: w.machineBusyPercent / 100 } : {};
  return { loop: w.loopBusyPercent / 100, latencyMs: w.storeLatencyMs, ...machine };
}
