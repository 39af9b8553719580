import { createHash, randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { pages, type Repository } from '../ports/store';

/** How often and how far apart a delivery is tried again while the consumer is down. */
export interface DeliveryRetry {
  attempts: number;
  backoffMs: number;
}

/**
 * Appends a notification to a subscription's ordered outbox (`<prefix>:outbox:<subscriptionId>`) and queues
 * the job that drains it (src/notify/subscription-notifier.ts, startDeliveryWorker): what every API's
 * notifier (LCM, FM, indicators, PM) shares, so that every notification has the same guarantees.
 */
export async function appendToOutbox(
  redis: Redis,
  queue: Queue,
  prefix: string,
  subscriptionId: string,
  payload: unknown,
  retry: DeliveryRetry,
): Promise<void> {
  await redis.rpush(`${prefix}:outbox:${subscriptionId}`, JSON.stringify(payload));
  await queue.add(
    'deliver',
    { subscriptionId },
    {
      jobId: `${subscriptionId}-${randomUUID()}`,
      attempts: retry.attempts,
      backoff: { type: 'exponential', delay: retry.backoffMs },
      removeOnComplete: true,
      removeOnFail: true,
    },
  );
}

/**
 * A subscription collection as last listed, with the generation it had (a cache: Redis stays the truth);
 * listed again only when its generation key changed (every create and delete bumps it).
 */
export class CachedSubscriptions<S extends { id: string }> {
  private cached: { generation: string; items: S[] } | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly repository: Repository<S>,
    private readonly generationKey: string,
  ) {}

  async list(known?: string | null): Promise<S[]> {
    const generation = (known === undefined ? await this.redis.get(this.generationKey) : known) ?? '0';
    if (this.cached?.generation === generation) return this.cached.items;
    const items: S[] = [];
    for await (const page of pages(this.repository, { limit: 500 })) items.push(...page.items);
    this.cached = { generation, items };
    return items;
  }
}

/** A UUID-shaped id (version 8: custom) derived from `text`: what a notification tells gives its id. */
export function derivedUuid(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  const variant = ((parseInt(h[16] as string, 16) & 3) | 8).toString(16);
  return [h.slice(0, 8), h.slice(8, 12), `8${h.slice(13, 16)}`, `${variant}${h.slice(17, 20)}`, h.slice(20, 32)].join(
    '-',
  );
}

/**
 * Whether a subscription's filter passes the notification's facts. A subscription stored before its filter was
 * fully validated must not stop the others from being notified (nor fail the request that raised the event): a
 * filter that cannot be evaluated matches nothing. Every API's notifier matches through it.
 */
export function matchesSafely<F, T>(
  match: (filter: F | undefined, facts: T) => boolean,
  filter: F | undefined,
  facts: T,
) {
  try {
    return match(filter, facts);
  } catch {
    return false;
  }
}
