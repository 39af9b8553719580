import type { Redis } from 'ioredis';
import {
  alarmView,
  fmSubscriptionMatches,
  type FmNotificationFacts,
  type FmNotificationsFilter,
  type FmNotificationType,
  type StoredAlarm,
  type StoredFmSubscription,
} from '../domain/alarm';
import type { FaultNotifier } from '../ports/fm';
import type { Repository, VnfInstanceRepository } from '../ports/store';
import { derivedUuid, matchesSafely, type DeliveryRetry } from './outbox';
import { OutboxNotifier } from './outbox-notifier';
import type { NotifyBullOptions } from './subscription-notifier';

/** The key whose value changes whenever an FM subscription is created or deleted. */
export function fmSubscriptionGenerationKey(prefix: string): string {
  return `${prefix}:fmsub:generation`;
}

/**
 * Sends AlarmNotification, AlarmClearedNotification and AlarmListRebuiltNotification to the matching FM
 * subscriptions through the same ordered outboxes and delivery worker as the LCM notifications: in order per
 * subscription, retried with backoff while the consumer is down, nothing dropped.
 * @see SOL003 7.5.2.5, 7.5.2.6, 7.5.2.8
 */
export class FmNotifier extends OutboxNotifier<StoredFmSubscription> implements FaultNotifier {
  constructor(
    redis: Redis,
    prefix: string,
    subscriptions: Repository<StoredFmSubscription>,
    instances: VnfInstanceRepository,
    publicUrl: string,
    bull: NotifyBullOptions,
    retry?: DeliveryRetry,
  ) {
    super({
      redis,
      prefix,
      subscriptions,
      generationKey: fmSubscriptionGenerationKey(prefix),
      instances,
      publicUrl,
      bull,
      ...(retry !== undefined ? { retry } : {}),
      what: 'FM',
    });
  }

  alarmRaised(alarm: StoredAlarm): Promise<void> {
    return this.send('AlarmNotification', alarm, (subscriptionId) => ({
      alarm: alarmView(this.publicUrl, alarm),
      _links: { subscription: this.subscriptionLink(subscriptionId) },
    }));
  }

  alarmCleared(alarm: StoredAlarm): Promise<void> {
    return this.send('AlarmClearedNotification', alarm, (subscriptionId) => ({
      alarmId: alarm.id,
      alarmClearedTime: alarm.alarmClearedTime ?? alarm.alarmChangedTime ?? alarm.alarmRaisedTime,
      _links: {
        subscription: this.subscriptionLink(subscriptionId),
        alarm: { href: `${this.publicUrl}/vnffm/v1/alarms/${alarm.id}` },
      },
    }));
  }

  alarmListRebuilt(): Promise<void> {
    return this.send('AlarmListRebuiltNotification', undefined, (subscriptionId) => ({
      _links: {
        subscription: this.subscriptionLink(subscriptionId),
        alarms: { href: `${this.publicUrl}/vnffm/v1/alarms` },
      },
    }));
  }

  private subscriptionLink(subscriptionId: string): { href: string } {
    return { href: `${this.publicUrl}/vnffm/v1/subscriptions/${subscriptionId}` };
  }

  private async send(
    notificationType: FmNotificationType,
    alarm: StoredAlarm | undefined,
    body: (subscriptionId: string) => Record<string, unknown>,
  ): Promise<void> {
    const subscriptions = await this.listed.list();
    if (subscriptions.length === 0) return;
    const facts: FmNotificationFacts = {
      notificationType,
      vnfInstanceId: alarm?.managedObjectId ?? '',
      ...(alarm !== undefined ? { alarm, ...(await this.identity(alarm.managedObjectId, subscriptions)) } : {}),
    };
    const at = new Date().toISOString();
    for (const sub of subscriptions) {
      // a list rebuilt concerns every instance: only the notification type filters it
      const match = alarm === undefined ? rebuiltMatches : fmSubscriptionMatches;
      if (!matchesSafely(match, sub.filter, facts)) continue;
      const what = [sub.id, notificationType, alarm?.id ?? at, alarm?.alarmChangedTime ?? alarm?.alarmRaisedTime ?? ''];
      const payload = {
        id: derivedUuid(what.join('\n')),
        notificationType,
        subscriptionId: sub.id,
        timeStamp: at,
        ...body(sub.id),
      };
      await this.append(sub.id, payload);
    }
  }
}

function rebuiltMatches(filter: FmNotificationsFilter | undefined, facts: FmNotificationFacts): boolean {
  const types = filter?.notificationTypes;
  return types === undefined || types.length === 0 || types.includes(facts.notificationType);
}
