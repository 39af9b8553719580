/**
 * The VNF Indicator interface in the graph (SOL003 clause 8): the indicators' store, the subscriptions, the
 * notifier, the routes, and what the monitor is given (its consumer, and what to drop of a terminated instance).
 * buildDay2 (day2.ts) calls it once.
 */
import type Redis from 'ioredis';
import type { RouteModule } from '../api';
import { indicatorRoutes } from '../api/routes/vnfind/indicators';
import type { StoredIndicatorSubscription } from '../domain/indicator';
import { indicatorConsumer } from '../lcm/monitor/indicators';
import type { SampleConsumer } from '../lcm/monitor/monitor';
import { IndicatorNotifier, type NotifyBullOptions } from '../notify';
import type { Logger } from '../ports/logger';
import type { VnfInstanceRepository } from '../ports/store';
import { RedisIndicatorStore, type RedisRepository, type SecretBox } from '../store';
import { indicatorSubscriptionRepository } from './stores';

export interface IndicatorsOptions {
  redis: Redis;
  prefix: string;
  box: SecretBox;
  publicUrl: string;
  instances: VnfInstanceRepository;
  bull: () => NotifyBullOptions;
  notifierRetry?: { attempts: number; backoffMs: number };
  testCallback: (sub: StoredIndicatorSubscription) => Promise<void>;
  log: Logger;
}

export interface Indicators {
  routes: RouteModule[];
  subscriptions: RedisRepository<StoredIndicatorSubscription>;
  /** The monitor's consumer of each pass's samples. */
  consumer: SampleConsumer;
  /** Drops an instance's values once it is no longer instantiated. */
  forget: (vnfInstanceId: string) => Promise<void>;
  close(): Promise<void>;
}

export function buildIndicators(o: IndicatorsOptions): Indicators {
  const store = new RedisIndicatorStore(o.redis, o.prefix);
  const subscriptions = indicatorSubscriptionRepository(o.redis, o.prefix, o.box);
  const notifier = new IndicatorNotifier(
    o.redis,
    o.prefix,
    subscriptions,
    o.instances,
    o.publicUrl,
    o.bull(),
    o.notifierRetry,
  );
  return {
    routes: indicatorRoutes({
      indicators: store,
      instances: o.instances,
      subscriptions,
      testCallback: o.testCallback,
    }),
    subscriptions,
    consumer: indicatorConsumer(store, notifier, o.log),
    forget: (id) => store.drop(id),
    close: () => notifier.close(),
  };
}
