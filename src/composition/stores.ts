/** The repositories the graph builds beside the store's own classes: sealed subscriptions, and a lock. */
import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { StoredFmSubscription } from '../domain/alarm';
import type { StoredPmJob, StoredPmSubscription, StoredThreshold } from '../domain/pm';
import type { StoredIndicatorSubscription } from '../domain/indicator';
import type { StoredSubscription } from '../domain/subscription';
import {
  fmSubscriptionGenerationKey,
  indicatorSubscriptionGenerationKey,
  pmSubscriptionGenerationKey,
  subscriptionGenerationKey,
} from '../notify';
import { credentialCodec, RedisRepository, type SecretBox } from '../store';

/**
 * The subscriptions repository (credentials sealed; its generation bumped on every change, for the
 * notifier's cache).
 */
export function subscriptionRepository(
  redis: Redis,
  prefix: string,
  box: SecretBox,
): RedisRepository<StoredSubscription> {
  return new RedisRepository<StoredSubscription>(redis, {
    prefix,
    name: 'sub',
    codec: credentialCodec<StoredSubscription>(box),
    generationKey: subscriptionGenerationKey(prefix),
  });
}

/** The FM subscriptions repository (credentials sealed; its generation bumped on every change). */
export function fmSubscriptionRepository(
  redis: Redis,
  prefix: string,
  box: SecretBox,
): RedisRepository<StoredFmSubscription> {
  return new RedisRepository<StoredFmSubscription>(redis, {
    prefix,
    name: 'fmsub',
    codec: credentialCodec<StoredFmSubscription>(box),
    generationKey: fmSubscriptionGenerationKey(prefix),
  });
}

/** The PM subscriptions repository (credentials sealed; its generation bumped on every change). */
export function pmSubscriptionRepository(
  redis: Redis,
  prefix: string,
  box: SecretBox,
): RedisRepository<StoredPmSubscription> {
  return new RedisRepository<StoredPmSubscription>(redis, {
    prefix,
    name: 'pmsub',
    codec: credentialCodec<StoredPmSubscription>(box),
    generationKey: pmSubscriptionGenerationKey(prefix),
  });
}

/** The PM jobs and the thresholds (filters on any attribute; each pass's consumer lists them again on change). */
export function pmRepositories(redis: Redis, prefix: string) {
  const generations = { jobs: `${prefix}:pmjob:generation`, thresholds: `${prefix}:pmthr:generation` };
  return {
    generations,
    jobs: new RedisRepository<StoredPmJob>(redis, {
      prefix,
      name: 'pmjob',
      searchable: true,
      generationKey: generations.jobs,
    }),
    thresholds: new RedisRepository<StoredThreshold>(redis, {
      prefix,
      name: 'pmthr',
      searchable: true,
      generationKey: generations.thresholds,
    }),
  };
}

/** The VNF indicator subscriptions repository (credentials sealed; its generation bumped on every change). */
export function indicatorSubscriptionRepository(
  redis: Redis,
  prefix: string,
  box: SecretBox,
): RedisRepository<StoredIndicatorSubscription> {
  return new RedisRepository<StoredIndicatorSubscription>(redis, {
    prefix,
    name: 'indsub',
    codec: credentialCodec<StoredIndicatorSubscription>(box),
    generationKey: indicatorSubscriptionGenerationKey(prefix),
  });
}

/** A per-VNFD lock in Redis (one process fetches a package from the NFVO at a time), released by its holder only. */
export function lockOf(redis: Redis, prefix: string) {
  return async (vnfdId: string) => {
    const key = `${prefix}:nfvo-package-lock:${vnfdId}`;
    const token = randomUUID();
    if ((await redis.set(key, token, 'EX', 300, 'NX')) !== 'OK') return undefined;
    return {
      release: async () => {
        if ((await redis.get(key)) === token) await redis.del(key);
      },
    };
  };
}
