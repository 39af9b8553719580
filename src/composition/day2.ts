/**
 * Day-2 operations in the graph: the monitor and what it feeds (fault management, with PM and indicators beside
 * it), their stores, notifiers, routes and the worker-side loops. buildGraph (graph.ts) calls it once.
 */
import type Redis from 'ioredis';
import type { RouteModule } from '../api';
import { fmRoutes } from '../api/routes/vnffm/alarms';
import type { StoredSubscription } from '../domain/subscription';
import type { LcmDeps } from '../lcm/deps';
import {
  DEFAULT_MONITOR_OPTIONS,
  startMonitor,
  type MonitorOptions,
  type SampleConsumer,
} from '../lcm/monitor/monitor';
import { FmNotifier, type NotifyBullOptions } from '../notify';
import { vnfExposition } from '../metrics';
import type { Logger } from '../ports/logger';
import type { MetricsSource } from '../ports/observer';
import type { Repository, VnfInstanceRepository } from '../ports/store';
import { RedisAlarmStore, RedisMonitorStore, type SecretBox } from '../store';
import { fmSubscriptionRepository } from './stores';

type Callable = Pick<StoredSubscription, 'callbackUri' | 'authentication'>;

export interface Day2Options {
  redis: Redis;
  prefix: string;
  box: SecretBox;
  publicUrl: string;
  instances: VnfInstanceRepository;
  /** A new BullMQ connection for each queue. */
  bull: () => NotifyBullOptions;
  notifierRetry?: { attempts: number; backoffMs: number };
  /** Tests a subscription's callback (GET, 204). */
  testCallback: (sub: Callable) => Promise<void>;
  log: Logger;
}

export interface Day2 {
  alarms: RedisAlarmStore;
  /** The routes of /vnffm (and the other Day-2 APIs). */
  routes: RouteModule[];
  /** The Day-2 APIs' subscriptions, for the delivery worker (by id) and the backlog metric. */
  subscriptionRepositories: Array<Repository<{ id: string } & Callable>>;
  /** The VNFs' measurements in the Prometheus format (GET /metrics/vnfs): each VNFC's newest sample. */
  vnfMetrics: MetricsSource;
  /** Starts the monitor and its consumers in a worker; returns their stop. */
  startWorkers(deps: LcmDeps, options: Partial<MonitorOptions>): () => Promise<void>;
  close(): Promise<void>;
}

export function buildDay2(o: Day2Options): Day2 {
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
  const consumers: SampleConsumer[] = [];
  const monitorStore = new RedisMonitorStore(o.redis, o.prefix);
  return {
    alarms,
    routes: fmRoutes({ alarms, subscriptions: fmSubscriptions, testCallback: o.testCallback }),
    subscriptionRepositories: [fmSubscriptions],
    vnfMetrics: {
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
      // a VNFC not sampled for 5 minutes is gone (healed, scaled in) or no longer watched
      scrape: async () => vnfExposition(await monitorStore.latest(Date.now(), 300_000)),
    },
    startWorkers: (deps, options) => {
      const monitor = startMonitor({
        lcm: deps,
        alarms,
        faults: fmNotifier,
        store: monitorStore,
        log: o.log,
        options: { ...DEFAULT_MONITOR_OPTIONS, ...options },
        consumers,
      });
      return () => monitor.stop();
    },
    close: () => fmNotifier.close(),
  };
}
