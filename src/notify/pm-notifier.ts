import { Queue } from 'bullmq';
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
import { silentLogger } from '../ports/logger';
import type { CrossingState, PmNotifier as PmNotifierPort, StoredReport } from '../ports/pm';
import type { Repository, VnfInstanceRepository } from '../ports/store';
import { appendToOutbox, CachedSubscriptions, derivedUuid, type DeliveryRetry } from './outbox';
import { NOTIFY_QUEUE, type NotifyBullOptions } from './subscription-notifier';

/** The key whose value changes whenever a PM subscription is created or deleted. */
export function pmSubscriptionGenerationKey(prefix: string): string {
  return `${prefix}:pmsub:generation`;
}

const IDENTITY = ['vnfdId', 'vnfProvider', 'vnfProductName', 'vnfSoftwareVersion', 'vnfdVersion', 'vnfInstanceName'];

/**
 * Sends PerformanceInformationAvailableNotification and ThresholdCrossedNotification to the matching PM
 * subscriptions through the same ordered outboxes and delivery worker as the LCM and FM notifications. A
 * notification's id derives from what it tells (the subscription, the report and instance, or the threshold, the
 * place, the direction and the time), so one sent again keeps its id.
 * @see SOL003 6.5.2.2, 6.5.2.3
 */
export class PmNotifier implements PmNotifierPort {
  private readonly queue: Queue;
  private readonly listed: CachedSubscriptions<StoredPmSubscription>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    subscriptions: Repository<StoredPmSubscription>,
    private readonly instances: VnfInstanceRepository,
    private readonly publicUrl: string,
    bull: NotifyBullOptions,
    private readonly retry: DeliveryRetry = { attempts: 30, backoffMs: 500 },
  ) {
    this.queue = new Queue(NOTIFY_QUEUE, { connection: bull.connection, prefix: bull.prefix });
    const log = bull.log ?? silentLogger;
    this.queue.on('error', (err) => log.error({ err }, 'PM notification queue: error (Redis connection)'));
    this.listed = new CachedSubscriptions(redis, subscriptions, pmSubscriptionGenerationKey(prefix));
  }

  async close(): Promise<void> {
    await this.queue.close();
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
      if (!matchesSafely(sub, facts)) continue;
      const payload = {
        id: derivedUuid([sub.id, notificationType, ...what].join('\n')),
        notificationType,
        subscriptionId: sub.id,
        ...body(sub.id),
      };
      await appendToOutbox(this.redis, this.queue, this.prefix, sub.id, payload, this.retry);
    }
  }

  /** The instance's identity, read only when some subscription filters on it. */
  private async identity(vnfInstanceId: string, subs: StoredPmSubscription[]): Promise<Record<string, string>> {
    if (!subs.some((s) => s.filter?.vnfInstanceSubscriptionFilter !== undefined)) return {};
    const inst = (await this.instances.get(vnfInstanceId))?.doc;
    if (inst === undefined) return {};
    const o = inst as unknown as Record<string, unknown>;
    return Object.fromEntries(IDENTITY.flatMap((k) => (typeof o[k] === 'string' ? [[k, o[k]]] : [])));
  }
}

function matchesSafely(sub: StoredPmSubscription, facts: PmNotificationFacts): boolean {
  try {
    return pmSubscriptionMatches(sub.filter, facts);
  } catch {
    return false;
  }
}
