import type { Redis } from 'ioredis';
import {
  PM_OBJECT_TYPE,
  pmJobHref,
  pmSubscriptionMatches,
  reportHref,
  thresholdHref,
  type PmNotificationFacts,
  type PmNotificationType,
  type StoredPmJob,
  type StoredPmSubscription,
  type StoredThreshold,
} from '../domain/pm';
import type { CrossingState, PmNotifier as PmNotifierPort, StoredReport } from '../ports/pm';
import type { Repository, VnfInstanceRepository } from '../ports/store';
import { derivedUuid, matchesSafely, type DeliveryRetry } from './outbox';
import { OutboxNotifier } from './outbox-notifier';
import type { NotifyBullOptions } from './subscription-notifier';

/** The key whose value changes whenever a PM subscription is created or deleted. */
export function pmSubscriptionGenerationKey(prefix: string): string {
  return `${prefix}:pmsub:generation`;
}

/**
 * Sends PerformanceInformationAvailableNotification and ThresholdCrossedNotification to the matching PM
 * subscriptions through the same ordered outboxes and delivery worker as the LCM and FM notifications. A
 * notification's id derives from what it tells (the subscription, the report and instance, or the threshold, the
 * place, the direction and the time), so one sent again keeps its id.
 * @see SOL003 6.5.2.2, 6.5.2.3
 */
export class PmNotifier extends OutboxNotifier<StoredPmSubscription> implements PmNotifierPort {
  constructor(
    redis: Redis,
    prefix: string,
    subscriptions: Repository<StoredPmSubscription>,
    instances: VnfInstanceRepository,
    publicUrl: string,
    bull: NotifyBullOptions,
    retry?: DeliveryRetry,
  ) {
    super({
      redis,
      prefix,
      subscriptions,
      generationKey: pmSubscriptionGenerationKey(prefix),
      instances,
      publicUrl,
      bull,
      ...(retry !== undefined ? { retry } : {}),
      what: 'PM',
    });
  }

  async reportAvailable(job: StoredPmJob, report: StoredReport): Promise<void> {
    const byInstance = new Map<string, Set<string>>();
    for (const e of report.entries) {
      const vnfcs = byInstance.get(e.objectInstanceId) ?? new Set<string>();
      if (e.subObjectInstanceId !== undefined) vnfcs.add(e.subObjectInstanceId);
      byInstance.set(e.objectInstanceId, vnfcs);
    }
    for (const [instId, vnfcs] of byInstance) {
      await this.send('PerformanceInformationAvailableNotification', instId, [report.id, instId], (sub) => ({
        timeStamp: report.readyTime,
        pmJobId: job.id,
        objectType: job.objectType,
        objectInstanceId: instId,
        ...(vnfcs.size > 0 ? { subObjectInstanceIds: [...vnfcs] } : {}),
        _links: {
          subscription: this.subscriptionLink(sub),
          objectInstance: this.instanceLink(instId),
          pmJob: { href: pmJobHref(this.publicUrl, job.id) },
          performanceReport: { href: reportHref(this.publicUrl, job.id, report.id) },
        },
      }));
    }
  }

  async thresholdCrossed(t: StoredThreshold, c: CrossingState & { vnfcId: string; port?: string }): Promise<void> {
    const what = [t.id, c.vnfcId, c.port ?? '', c.d, String(c.t)];
    await this.send('ThresholdCrossedNotification', t.objectInstanceId, what, (sub) => ({
      timeStamp: new Date(c.t).toISOString(),
      thresholdId: t.id,
      crossingDirection: c.d,
      objectType: PM_OBJECT_TYPE,
      objectInstanceId: t.objectInstanceId,
      subObjectInstanceId: c.vnfcId,
      performanceMetric: t.criteria.performanceMetric,
      performanceValue: c.v,
      ...(c.port !== undefined ? { context: { port: c.port } } : {}),
      _links: {
        subscription: this.subscriptionLink(sub),
        objectInstance: this.instanceLink(t.objectInstanceId),
        threshold: { href: thresholdHref(this.publicUrl, t.id) },
      },
    }));
  }

  private subscriptionLink(subscriptionId: string): { href: string } {
    return { href: `${this.publicUrl}/vnfpm/v1/subscriptions/${subscriptionId}` };
  }

  private instanceLink(id: string): { href: string } {
    return { href: `${this.publicUrl}/vnflcm/v1/vnf_instances/${id}` };
  }

  private async send(
    notificationType: PmNotificationType,
    vnfInstanceId: string,
    what: string[],
    body: (subscriptionId: string) => Record<string, unknown>,
  ): Promise<void> {
    const subscriptions = await this.listed.list();
    if (subscriptions.length === 0) return;
    const facts: PmNotificationFacts = {
      notificationType,
      vnfInstanceId,
      ...(await this.identity(vnfInstanceId, subscriptions)),
    };
    for (const sub of subscriptions) {
      if (!matchesSafely(pmSubscriptionMatches, sub.filter, facts)) continue;
      const payload = {
        id: derivedUuid([sub.id, notificationType, ...what].join('\n')),
        notificationType,
        subscriptionId: sub.id,
        ...body(sub.id),
      };
      await this.append(sub.id, payload);
    }
  }
}
