/**
 * The one place that wires the VNFM's graph: repositories, the parsed-package cache, the queue, the
 * notifier, the LCM dependencies, the API's route set and events, and the workers. `src/main.ts` builds
 * it with the production adapters; the tests and the benchmarks build it with theirs (an emulated
 * cloud, a recording notifier, short readiness) through the same function, so they cannot drift apart.
 */
import type Redis from 'ioredis';
import type { ApiEvents, RouteModule } from '../api';
import { consoleRoutes } from '../api/routes/console/static';
import { vnfcRoutes } from '../api/routes/console/vnfc-routes';
import { lcmTaskRoutes } from '../api/routes/vnflcm/lcm-tasks';
import { opOccRoutes } from '../api/routes/vnflcm/op-occs';
import { subscriptionRoutes } from '../api/routes/vnflcm/subscriptions';
import { lockOf, subscriptionRepository } from './stores';
import type { MonitorOptions } from '../lcm/monitor/monitor';
import { buildDay2 } from './day2';
import type { StoredFmSubscription } from '../domain/alarm';
import type { StoredPmSubscription } from '../domain/pm';
import type { PmDeps } from '../lcm/pm/deps';
import { packageArtifactRoutes } from '../api/routes/vnfpkgm/package-artifacts';
import { nfvoNotificationRoutes } from '../api/routes/vnfpkgm/nfvo-notifications';
import { packageUploadFromUriRoutes } from '../api/routes/vnfpkgm/package-upload-uri';
import { vnfPackageRoutes } from '../api/routes/vnfpkgm/vnf-packages';
import type { StoredSubscription } from '../domain/subscription';
import type { LcmDeps } from '../lcm/deps';
import { runJob, settleFinished } from '../lcm/engine';
import { resumeStranded } from '../lcm/occurrences';
import { instanceEvents, publishOwed } from '../lcm/announce';
import { PackageModels } from '../lcm/package-models';
import type { VnfmMetrics } from '../metrics';
import {
  callConsumer,
  outboxBacklog,
  packageSource,
  startDeliveryWorker,
  SubscriptionNotifier,
  type OutboundPolicy,
} from '../notify';
import type { Granter } from '../ports/granter';
import type { Notifier } from '../ports/lcm';
import type { NfvoPackageSource, NfvoPackageSubscriptions } from '../ports/nfvo-packages';
import type { PackageCatalog } from '../ports/package-catalog';
import { NfvoBackedCatalog } from '../lcm/packages/nfvo-catalog';
import { sweepKeptContents, type PkgmNotificationDeps } from '../lcm/packages/nfvo-notifications';
import { keepPkgmSubscription, type PkgmSubscriptionKeeper } from '../lcm/packages/nfvo-subscription';
import { silentLogger, type Logger } from '../ports/logger';
import type { MetricsSource } from '../ports/observer';
import type { Vim, VimProvider } from '../ports/vim';
import type { ReadinessOptions, VnfAgentFactory } from '../ports/vnf-agent';
import { BullLcmQueue, startLcmWorker } from '../queue';
import {
  createRedisClient,
  RedisAnnouncements,
  RedisAlarmStore,
  RedisMonitorStore,
  RedisOpOccRepository,
  RedisRepository,
  RedisVnfInstanceRepository,
  RedisPkgmSubscriptionStore,
  RedisVnfPackageRepository,
  type RedisTarget,
  type SecretBox,
} from '../store';
import type { TypeLibrary } from '../tosca';
import { watchGraph } from './metrics';

export interface GraphOptions {
  /** The shared connection of the repositories; `redisTarget` opens the blocking ones BullMQ needs. */
  redis: Redis;
  redisTarget: RedisTarget;
  prefix: string;
  box: SecretBox;
  library: TypeLibrary;
  publicUrl: string;
  vim: Vim;
  agents: VnfAgentFactory;
  readiness?: Partial<Omit<ReadinessOptions, 'signal'>>;
  /** The VIMs VimConnectionInfo may name (absent: the configured VIM only). */
  vims?: VimProvider;
  /** The NFVO's Grant interface (absent: the VNFM grants itself). */
  granter?: Granter;
  /** The NFVO's onboarded packages: an instance of a VNFD not known here is created from the NFVO's package. */
  nfvoPackages?: NfvoPackageSource;
  /** The NFVO's package notification subscriptions: the VNFM subscribes and takes the notifications. */
  nfvoSubscriptions?: NfvoPackageSubscriptions;
  /** Replaces the subscription notifier (tests record the events instead). */
  notifier?: Notifier;
  notifierRetry?: { attempts: number; backoffMs: number };
  /** Where the VNFM may send requests: notification callbacks, token endpoints, package downloads. */
  outbound?: OutboundPolicy;
  packageLimitBytes: number;
  /** The whole download of a package from a URI (upload_from_uri); default 10 minutes. */
  packageDownloadTimeoutMs?: number;
  /** Where the console's bundle is; no console routes without it. */
  webDir?: string;
  /** Where the queue's, the workers' and the notifier's events are logged. */
  log?: Logger;
  /**
   * The process's metrics (src/metrics): the graph times the VIM and agent calls into them, tells them of the
   * operations it ends, and has them read the queues and the outboxes at scrape time. Absent: no metrics.
   */
  metrics?: VnfmMetrics;
  /** The monitor's options in this deployment (a worker's own override them); PM checks jobs against them. */
  monitor?: Partial<MonitorOptions>;
}

export interface WorkerOptions {
  concurrency?: number;
  /** Fewer jobs at once while the loop or the store is slow (LcmWorkerOptions.governor); absent: never. */
  governor?: { loop: number; latencyMs: number; machine?: number };
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** An op-occ STARTING this long with no job is queued again (resumeStranded); default 15 s, swept every third. */
  strandedAfterMs?: number;
  /** Watch the instances (faults, samples, auto-heal: src/lcm/monitor); absent or false: not in this worker. */
  monitor?: Partial<MonitorOptions> | false;
}

export interface Graph {
  deps: LcmDeps;
  /** The packages instances are created from (the local ones; under an NFVO, its packages too). */
  catalog: PackageCatalog;
  instances: RedisVnfInstanceRepository;
  packages: RedisVnfPackageRepository;
  opOccs: RedisOpOccRepository;
  subscriptions: RedisRepository<StoredSubscription>;
  alarms: RedisAlarmStore;
  /** The VNFs' measurements in the Prometheus format (GET /metrics/vnfs). */
  vnfMetrics: MetricsSource;
  fmSubscriptions: RedisRepository<StoredFmSubscription>;
  pmSubscriptions: RedisRepository<StoredPmSubscription>;
  /** Performance management: PM jobs, thresholds, their store. */
  pm: PmDeps;
  /** Every feature's API routes, in the production order. */
  routes: RouteModule[];
  events: ApiEvents;
  /**
   * Under an NFVO with package notifications: keeps the VNFM's subscription (created once per Redis, checked
   * at start, retried with backoff), with `callbackUri` the notification endpoint's public address.
   */
  keepNfvoSubscription?(
    callbackUri: string,
    options?: { initialBackoffMs?: number; maxBackoffMs?: number },
  ): PkgmSubscriptionKeeper;
  /** Starts the LCM worker and the notification delivery worker; returns their stop. */
  startWorkers(options?: WorkerOptions): () => Promise<void>;
  /** Closes the queue, the notifier and the connections the graph opened (not `redis`). */
  close(): Promise<void>;
}

export function buildGraph(o: GraphOptions): Graph {
  // NOTE: BullMQ's workers block their connection while they wait for jobs: every user gets its own
  const connections: Redis[] = [];
  const connect = (): Redis => {
    const c = createRedisClient(o.redisTarget, o.log ? { log: o.log } : {});
    connections.push(c);
    return c;
  };
  const bull = (): { connection: Redis; prefix: string; log?: Logger } => ({
    connection: connect(),
    prefix: `${o.prefix}:bull`,
    ...(o.log ? { log: o.log } : {}),
  });
  const instances = new RedisVnfInstanceRepository(o.redis, o.prefix, o.box);
  const packages = new RedisVnfPackageRepository(o.redis, o.prefix);
  const opOccs = new RedisOpOccRepository(o.redis, o.prefix, o.box);
  const subscriptions = subscriptionRepository(o.redis, o.prefix, o.box);
  const queue = new BullLcmQueue(bull());
  const subscriptionNotifier =
    o.notifier === undefined
      ? new SubscriptionNotifier(o.redis, o.prefix, subscriptions, instances, o.publicUrl, bull(), o.notifierRetry)
      : undefined;
  const m = o.metrics;
  const catalog: PackageCatalog =
    o.nfvoPackages === undefined
      ? packages
      : new NfvoBackedCatalog(packages, o.library, o.nfvoPackages, lockOf(o.redis, o.prefix));
  const deps: LcmDeps = {
    instances,
    opOccs,
    packages,
    catalog,
    models: new PackageModels(packages, o.library),
    vim: m !== undefined ? m.vim(o.vim) : o.vim,
    agents: m !== undefined ? m.agents(o.agents) : o.agents,
    queue,
    notifier: o.notifier ?? (subscriptionNotifier as Notifier),
    ...(o.readiness !== undefined ? { readiness: o.readiness } : {}),
    ...(o.granter !== undefined ? { granter: o.granter } : {}),
    ...(o.vims !== undefined ? { vims: m !== undefined ? m.vims(o.vims) : o.vims } : {}),
    ...(m !== undefined ? { observer: m } : {}),
  };
  const pkgm: (PkgmNotificationDeps & { nfvo: NfvoPackageSubscriptions }) | undefined =
    o.nfvoSubscriptions === undefined
      ? undefined
      : {
          nfvo: o.nfvoSubscriptions,
          packages,
          instances,
          store: new RedisPkgmSubscriptionStore(o.redis, o.prefix, o.box),
          lock: lockOf(o.redis, o.prefix),
          ...(o.log !== undefined ? { log: o.log } : {}),
        };
  const log = o.log ?? silentLogger;
  const testCallback = (sub: Pick<StoredSubscription, 'callbackUri' | 'authentication'>) =>
    callConsumer('GET', sub.callbackUri, sub.authentication, undefined, [204], o.outbound);
  const day2 = buildDay2({ ...o, deps, instances, bull, log, testCallback });
  const lookupSubscription = async (id: string) => {
    for (const repo of [subscriptions, ...day2.subscriptionRepositories]) {
      const found = (await repo.get(id))?.doc;
      if (found !== undefined) return found;
    }
    return undefined;
  };
  if (m !== undefined) {
    const backlog = () => outboxBacklog(o.redis, o.prefix, subscriptions, ...day2.subscriptionRepositories);
    watchGraph(m, { lcmQueue: queue, ...(subscriptionNotifier ? { notifyQueue: subscriptionNotifier } : {}), backlog });
  }
  const owed = new RedisAnnouncements(o.redis, o.prefix);
  const events: ApiEvents = {
    ...instanceEvents(deps.notifier, owed),
    settleFinished: (instanceId, opOccId) => settleFinished(deps, instanceId, opOccId),
  };
  const routes: RouteModule[] = [
    vnfPackageRoutes({ packages, library: o.library, packageLimitBytes: o.packageLimitBytes, opOccs }),
    packageArtifactRoutes({ packages }),
    packageUploadFromUriRoutes({
      packages,
      library: o.library,
      // the SSRF-guarded download (src/notify/package-download.ts), held to the package size limit
      ...packageSource({
        ...(o.outbound !== undefined ? { policy: o.outbound } : {}),
        limitBytes: o.packageLimitBytes,
        ...(o.packageDownloadTimeoutMs !== undefined ? { timeoutMs: o.packageDownloadTimeoutMs } : {}),
      }),
    }),
    lcmTaskRoutes(deps),
    opOccRoutes(deps),
    vnfcRoutes(deps, new RedisMonitorStore(o.redis, o.prefix)),
    ...(o.webDir !== undefined ? [consoleRoutes(o.webDir)] : []),
    subscriptionRoutes({ subscriptions, testCallback }),
    ...day2.routes,
    ...(pkgm !== undefined ? [nfvoNotificationRoutes(pkgm)] : []),
  ];
  const startWorkers = (w: WorkerOptions = {}): (() => Promise<void>) => {
    deps.models.warm();
    const { governor: g, ...rest } = w;
    // the round trip the steps wait for: a PING queued on their own connection, behind their commands
    const probe = async (): Promise<number> => {
      const t0 = performance.now();
      await o.redis.ping();
      return performance.now() - t0;
    };
    const worker = startLcmWorker((id, kind, instanceId, created) => runJob(deps, id, kind, instanceId, created), {
      ...bull(),
      ...rest,
      ...(g !== undefined ? { governor: { ...g, probe } } : {}),
    });
    const delivery = startDeliveryWorker(o.redis, o.prefix, lookupSubscription, bull(), o.outbound);
    const strandedAfterMs = w.strandedAfterMs ?? 15_000;
    const sweep = setInterval(() => {
      resumeStranded(deps, strandedAfterMs).then(
        (ids) => ids.length > 0 && log.warn({ opOccIds: ids }, 'op-occs left STARTING without a job: queued again'),
        (err: unknown) => log.warn({ err }, 'sweep of op-occs left STARTING failed (next sweep retries)'),
      );
      // creations and deletions whose API process died before their notification went out
      publishOwed({ ...deps, owed }, Date.now() - strandedAfterMs).then(
        (done) => done.length > 0 && log.warn({ notifications: done }, 'owed instance notifications published'),
        (err: unknown) => log.warn({ err }, 'sweep of owed instance notifications failed (next sweep retries)'),
      );
    }, strandedAfterMs / 3);
    sweep.unref();
    const monitor = w.monitor === undefined || w.monitor === false ? undefined : day2.startMonitor(w.monitor);
    return async () => {
      clearInterval(sweep);
      await monitor?.();
      // force: a job may wait for an agent that never answers
      await worker.close(true);
      await delivery.close(true);
    };
  };
  return {
    deps,
    catalog,
    instances,
    packages,
    opOccs,
    subscriptions,
    alarms: day2.alarms,
    vnfMetrics: day2.vnfMetrics,
    fmSubscriptions: day2.fmSubscriptions,
    pmSubscriptions: day2.pmSubscriptions,
    pm: day2.pm,
    routes,
    events,
    ...(pkgm !== undefined
      ? {
          keepNfvoSubscription: (callbackUri: string, options = {}) =>
            keepPkgmSubscription(
              { nfvo: pkgm.nfvo, store: pkgm.store, callbackUri, log },
              { ...options, after: () => sweepKeptContents(pkgm) },
            ),
        }
      : {}),
    startWorkers,
    close: async () => {
      await subscriptionNotifier?.close();
      await day2.close();
      await queue.close();
      for (const c of connections) c.disconnect();
    },
  };
}
