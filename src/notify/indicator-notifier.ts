import type { Redis } from 'ioredis';
import {
  indicatorSubscriptionMatches,
  type IndicatorNotificationFacts,
  type StoredIndicator,
  type StoredIndicatorSubscription,
} from '../domain/indicator';
import type { IndicatorNotifier as IndicatorNotifierPort } from '../ports/indicators';
import type { Repository, VnfInstanceRepository } from '../ports/store';
import { derivedUuid, matchesSafely, type DeliveryRetry } from './outbox';
import { OutboxNotifier } from './outbox-notifier';
import type { NotifyBullOptions } from './subscription-notifier';

/** The key whose value changes whenever an indicator subscription is created or deleted. */
export function indicatorSubscriptionGenerationKey(prefix: string): string {
  return `${prefix}:indsub:generation`;
}

/**
 * Sends VnfIndicatorValueChangeNotification to the matching indicator subscriptions through the same ordered
 * outboxes and delivery worker as the other notifications: in order per subscription, retried with backoff
 * while the consumer is down. A notification's id derives from the subscription, the indicator and the time
 * its value was read, so one sent again keeps its id.
 * @see SOL003 8.5.2.5
 */
export class IndicatorNotifier extends OutboxNotifier<StoredIndicatorSubscription> implements IndicatorNotifierPort {
  constructor(
    redis: Redis,
    prefix: string,
    subscriptions: Repository<StoredIndicatorSubscription>,
    instances: VnfInstanceRepository,
    publicUrl: string,
    bull: NotifyBullOptions,
    retry?: DeliveryRetry,
  ) {
    super({
      redis,
      prefix,
      subscriptions,
      generationKey: indicatorSubscriptionGenerationKey(prefix),
      instances,
      publicUrl,
      bull,
      ...(retry !== undefined ? { retry } : {}),
      what: 'indicator',
    });
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
      if (!matchesSafely(indicatorSubscriptionMatches, sub.filter, facts)) continue;
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
      await this.append(sub.id, payload);
    }
  }
}
