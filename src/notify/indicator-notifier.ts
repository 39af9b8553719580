import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  indicatorSubscriptionMatches,
  type IndicatorNotificationFacts,
  type StoredIndicator,
  type StoredIndicatorSubscription,
} from '../domain/indicator';
import type { IndicatorNotifier as IndicatorNotifierPort } from '../ports/indicators';
import { silentLogger } from '../ports/logger';
import type { Repository, VnfInstanceRepository } from '../ports/store';
import { appendToOutbox, CachedSubscriptions, derivedUuid, type DeliveryRetry } from './outbox';
import { NOTIFY_QUEUE, type NotifyBullOptions } from './subscription-notifier';

/** The key whose value changes whenever an indicator subscription is created or deleted. */
export function indicatorSubscriptionGenerationKey(prefix: string): string {
  return `${prefix}:indsub:generation`;
}

const IDENTITY = ['vnfdId', 'vnfProvider', 'vnfProductName', 'vnfSoftwareVersion', 'vnfdVersion', 'vnfInstanceName'];

/**
 * Sends VnfIndicatorValueChangeNotification to the matching indicator subscriptions through the same ordered
 * outboxes and delivery worker as the other notifications: in order per subscription, retried with backoff
 * while the consumer is down. A notification's id derives from the subscription, the indicator and the time
 * its value was read, so one sent again keeps its id.
 * @see SOL003 8.5.2.5
 */
export class IndicatorNotifier implements IndicatorNotifierPort {
  private readonly queue: Queue;
  private readonly listed: CachedSubscriptions<StoredIndicatorSubscription>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    subscriptions: Repository<StoredIndicatorSubscription>,
    private readonly instances: VnfInstanceRepository,
    private readonly publicUrl: string,
    bull: NotifyBullOptions,
    private readonly retry: DeliveryRetry = { attempts: 30, backoffMs: 500 },
  ) {
    this.queue = new Queue(NOTIFY_QUEUE, { connection: bull.connection, prefix: bull.prefix });
    const log = bull.log ?? silentLogger;
    this.queue.on('error', (err) => log.error({ err }, 'indicator notification queue: error (Redis connection)'));
    this.listed = new CachedSubscriptions(redis, subscriptions, indicatorSubscriptionGenerationKey(prefix));
  }

  async close(): Promise<void> {
    await this.queue.close();
  }

  async valueChanged(indicator: StoredIndicator): Promise<void> {
    const subscriptions = await this.listed.list();
    if (subscriptions.length === 0) return;
    const facts: IndicatorNotificationFacts = {
      notificationType: 'VnfIndicatorValueChangeNotification',
      vnfInstanceId: indicator.vnfInstanceId,
      indicatorId: indicator.id,
      ...(await this.identity(indicator.vnfInstanceId, subscriptions)),
    };
    const timeStamp = new Date(indicator.at).toISOString();
    for (const sub of subscriptions) {
      if (!matchesSafely(sub, facts)) continue;
      const what = [sub.id, indicator.vnfInstanceId, indicator.id, String(indicator.at), String(indicator.value)];
      const payload = {
        id: derivedUuid(what.join('\n')),
        notificationType: facts.notificationType,
        subscriptionId: sub.id,
        timeStamp,
        vnfIndicatorId: indicator.id,
        ...(indicator.name !== undefined ? { name: indicator.name } : {}),
        value: indicator.value,
        vnfInstanceId: indicator.vnfInstanceId,
        _links: {
          subscription: { href: `${this.publicUrl}/vnfind/v1/subscriptions/${sub.id}` },
          vnfInstance: { href: `${this.publicUrl}/vnflcm/v1/vnf_instances/${indicator.vnfInstanceId}` },
        },
      };
      await appendToOutbox(this.redis, this.queue, this.prefix, sub.id, payload, this.retry);
    }
  }

  /** The instance's identity, read only when some subscription filters on it. */
  private async identity(vnfInstanceId: string, subs: StoredIndicatorSubscription[]): Promise<Record<string, string>> {
    if (!subs.some((s) => s.filter?.vnfInstanceSubscriptionFilter !== undefined)) return {};
    const inst = (await this.instances.get(vnfInstanceId))?.doc;
    if (inst === undefined) return {};
    const o = inst as unknown as Record<string, unknown>;
    return Object.fromEntries(IDENTITY.flatMap((k) => (typeof o[k] === 'string' ? [[k, o[k]]] : [])));
  }
}

function matchesSafely(sub: StoredIndicatorSubscription, facts: IndicatorNotificationFacts): boolean {
  try {
    return indicatorSubscriptionMatches(sub.filter, facts);
  } catch {
    return false;
  }
}
