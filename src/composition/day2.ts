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
import type { Logger } from '../ports/logger';
import type { Repository, VnfInstanceRepository } from '../ports/store';
import { RedisAlarmStore, RedisMonitorStore, type SecretBox } from '../store';
import { buildIndicators } from './indicators';
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
  const indicators = buildIndicators(o);
  const consumers: SampleConsumer[] = [indicators.consumer];
  return {
    alarms,
    routes: [
      ...fmRoutes({ alarms, subscriptions: fmSubscriptions, testCallback: o.testCallback }),
      ...indicators.routes,
    ],
    subscriptionRepositories: [fmSubscriptions, indicators.subscriptions],
    startWorkers: (deps, options) => {
      const monitor = startMonitor({
        lcm: deps,
        alarms,
        faults: fmNotifier,
        store: new RedisMonitorStore(o.redis, o.prefix),
        log: o.log,
        options: { ...DEFAULT_MONITOR_OPTIONS, ...options },
        consumers,
        forget: [indicators.forget],
      });
      return () => monitor.stop();
    },
    close: async () => {
      await fmNotifier.close();
      await indicators.close();
    },
  };
}
