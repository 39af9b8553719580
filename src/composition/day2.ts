/**
 * The Day-2 part of the graph: fault management, performance management and VNF indicators. Their
 * repositories, notifiers and routes, their subscriptions (the delivery lookup, the backlog metric), the VNFs'
 * Prometheus exposition, and what a worker runs next to the LCM jobs: the monitor (faults, auto-heal, auto-scale,
 * samples) with PM as its sample consumer, and the PM report loop.
 */
import type Redis from 'ioredis';
import type { RouteModule } from '../api';
import { fmRoutes } from '../api/routes/vnffm/alarms';
import { pmRoutes } from '../api/routes/vnfpm/thresholds';
import type { StoredSubscription } from '../domain/subscription';
import type { LcmDeps } from '../lcm/deps';
import { DEFAULT_MONITOR_OPTIONS, startMonitor, type MonitorOptions } from '../lcm/monitor/monitor';
import { requestAlarmListRebuild } from '../lcm/monitor/rebuild';
import { pmConsumer } from '../lcm/pm/collect';
import { DEFAULT_PM_OPTIONS, type PmDeps } from '../lcm/pm/deps';
import { startPmReports } from '../lcm/pm/reports';
import { vnfExposition } from '../metrics';
import { CachedSubscriptions, FmNotifier, PmNotifier, type NotifyBullOptions } from '../notify';
import type { Logger } from '../ports/logger';
import type { MetricsSource } from '../ports/observer';
import type { Repository, VnfInstanceRepository } from '../ports/store';
import { RedisAlarmStore, RedisMonitorStore, RedisPmStore, type SecretBox } from '../store';
import { buildIndicators } from './indicators';
import { fmSubscriptionRepository, pmRepositories, pmSubscriptionRepository } from './stores';

export interface Day2Options {
  redis: Redis;
  prefix: string;
  box: SecretBox;
  publicUrl: string;
  deps: LcmDeps;
  instances: VnfInstanceRepository;
  /** A BullMQ connection for each notifier's queue. */
  bull(): NotifyBullOptions;
  notifierRetry?: { attempts: number; backoffMs: number };
  log: Logger;
  /** The deployment's monitor options (PM checks a job's collection period against its interval). */
  monitor?: Partial<MonitorOptions>;
  testCallback(sub: Pick<StoredSubscription, 'callbackUri' | 'authentication'>): Promise<void>;
}

type Callable = Pick<StoredSubscription, 'callbackUri' | 'authentication'>;

export function buildDay2(o: Day2Options) {
  const alarms = new RedisAlarmStore(o.redis, o.prefix);
  const fmSubscriptions = fmSubscriptionRepository(o.redis, o.prefix, o.box);
  const fmNotifier = new FmNotifier(
    o.redis,
    o.prefix,
    fmSubscriptions,
    o.instances,
    o.publicUrl,
    o.bull(),
    o.notifierRetry,
  );
  const pmSubscriptions = pmSubscriptionRepository(o.redis, o.prefix, o.box);
  const pmNotifier = new PmNotifier(
    o.redis,
    o.prefix,
    pmSubscriptions,
    o.instances,
    o.publicUrl,
    o.bull(),
    o.notifierRetry,
  );
  const { jobs, thresholds, generations } = pmRepositories(o.redis, o.prefix);
  const monitorStore = new RedisMonitorStore(o.redis, o.prefix);
  const monitorOptions: MonitorOptions = { ...DEFAULT_MONITOR_OPTIONS, ...o.monitor };
  const listedJobs = new CachedSubscriptions(o.redis, jobs, generations.jobs);
  const listedThresholds = new CachedSubscriptions(o.redis, thresholds, generations.thresholds);
  const pm: PmDeps = {
    lcm: o.deps,
    jobs,
    thresholds,
    store: new RedisPmStore(o.redis, o.prefix),
    samples: monitorStore,
    notifier: pmNotifier,
    allJobs: () => listedJobs.list(),
    allThresholds: () => listedThresholds.list(),
    options: { ...DEFAULT_PM_OPTIONS, intervalMs: monitorOptions.intervalMs },
    log: o.log,
  };
  const indicators = buildIndicators(o);
  const routes: RouteModule[] = [
    ...fmRoutes({
      alarms,
      subscriptions: fmSubscriptions,
      testCallback: o.testCallback,
      rebuild: (at) =>
        requestAlarmListRebuild({ alarms, faults: fmNotifier, store: monitorStore, instances: o.instances }, at),
    }),
    ...pmRoutes({ pm, subscriptions: pmSubscriptions, testCallback: o.testCallback }),
    ...indicators.routes,
  ];
  return {
    alarms,
    fmSubscriptions,
    pmSubscriptions,
    pm,
    routes,
    /** The Day-2 APIs' subscriptions, for the delivery worker (by id) and the backlog metric. */
    subscriptionRepositories: [fmSubscriptions, pmSubscriptions, indicators.subscriptions] as Array<
      Repository<{ id: string } & Callable>
    >,
    /** The VNFs' measurements in the Prometheus format (GET /metrics/vnfs): each VNFC's newest sample. */
    vnfMetrics: {
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
      // a VNFC not sampled for 5 minutes is gone (healed, scaled in) or no longer watched
      scrape: async () => vnfExposition(await monitorStore.latest(Date.now(), 300_000)),
    } satisfies MetricsSource,
    /** Starts the monitor (PM folds its samples and evaluates the thresholds) and the PM report loop. */
    startMonitor(options: Partial<MonitorOptions>): () => Promise<void> {
      const opts: MonitorOptions = { ...monitorOptions, ...options };
      const pmw: PmDeps = { ...pm, options: { ...pm.options, intervalMs: opts.intervalMs } };
      const monitor = startMonitor({
        lcm: o.deps,
        alarms,
        faults: fmNotifier,
        store: monitorStore,
        log: o.log,
        options: opts,
        consumers: [pmConsumer(pmw), indicators.consumer],
        forget: [indicators.forget],
      });
      const reports = startPmReports(pmw);
      return async () => {
        await monitor.stop();
        await reports.stop();
      };
    },
    close: async () => {
      await fmNotifier.close();
      await pmNotifier.close();
      await indicators.close();
    },
  };
}
