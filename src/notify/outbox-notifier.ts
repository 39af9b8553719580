import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { silentLogger } from '../ports/logger';
import type { Repository, VnfInstanceRepository } from '../ports/store';
import { appendToOutbox, CachedSubscriptions, type DeliveryRetry } from './outbox';
import { NOTIFY_QUEUE, type NotifyBullOptions } from './subscription-notifier';

const IDENTITY = ['vnfdId', 'vnfProvider', 'vnfProductName', 'vnfSoftwareVersion', 'vnfdVersion', 'vnfInstanceName'];

/** What every Day-2 notifier is built from. */
export interface OutboxNotifierOptions<S extends { id: string }> {
  redis: Redis;
  prefix: string;
  subscriptions: Repository<S>;
  /** The key every create and delete of a subscription bumps (the cached list is read again then). */
  generationKey: string;
  instances: VnfInstanceRepository;
  publicUrl: string;
  bull: NotifyBullOptions;
  retry?: DeliveryRetry;
  /** Whose notifications, for the queue's error log (e.g. `FM`). */
  what: string;
}

/**
 * The part the FM, PM and indicator notifiers share: their subscriptions as last listed, the notification queue,
 * the ordered outbox they append to (the LCM's delivery worker drains it), and the instance identity their
 * filters look at.
 */
export abstract class OutboxNotifier<S extends { id: string; filter?: { vnfInstanceSubscriptionFilter?: unknown } }> {
  protected readonly redis: Redis;
  protected readonly prefix: string;
  protected readonly publicUrl: string;
  protected readonly listed: CachedSubscriptions<S>;
  private readonly queue: Queue;
  private readonly instances: VnfInstanceRepository;
  private readonly retry: DeliveryRetry;

  protected constructor(o: OutboxNotifierOptions<S>) {
    this.redis = o.redis;
    this.prefix = o.prefix;
    this.publicUrl = o.publicUrl;
    this.instances = o.instances;
    this.retry = o.retry ?? { attempts: 30, backoffMs: 500 };
    this.queue = new Queue(NOTIFY_QUEUE, { connection: o.bull.connection, prefix: o.bull.prefix });
    const log = o.bull.log ?? silentLogger;
    this.queue.on('error', (err) => log.error({ err }, `${o.what} notification queue: error (Redis connection)`));
    this.listed = new CachedSubscriptions(o.redis, o.subscriptions, o.generationKey);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }

  /** Appends the notification to the subscription's ordered outbox and queues its delivery. */
  protected append(subscriptionId: string, payload: unknown): Promise<void> {
    return appendToOutbox(this.redis, this.queue, this.prefix, subscriptionId, payload, this.retry);
  }

  /** The instance's identity (vnfdId, provider, product, ...), read only when some subscription filters on it. */
  protected async identity(vnfInstanceId: string, subs: S[]): Promise<Record<string, string>> {
    if (!subs.some((s) => s.filter?.vnfInstanceSubscriptionFilter !== undefined)) return {};
    const inst = (await this.instances.get(vnfInstanceId))?.doc;
    if (inst === undefined) return {};
    const o = inst as unknown as Record<string, unknown>;
    return Object.fromEntries(IDENTITY.flatMap((k) => (typeof o[k] === 'string' ? [[k, o[k]]] : [])));
  }
}
