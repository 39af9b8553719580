import { setTimeout as delay } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { subscriptionMatches, type NotificationFacts, type StoredSubscription } from '../domain/subscription';
import type { NotificationEvent, Notifier } from '../ports/lcm';
import { silentLogger, type Logger } from '../ports/logger';
import { pages, type Repository, type VnfInstanceRepository } from '../ports/store';
import { callConsumer } from './delivery';
import { DEFAULT_OUTBOUND_POLICY, type OutboundPolicy } from './url-guard';
import { EventLogNotifier } from './event-log-notifier';
import { appendToOutbox, CachedSubscriptions, derivedUuid, matchesSafely } from './outbox';

/** The key whose value changes whenever a subscription is created or deleted. */
export function subscriptionGenerationKey(prefix: string): string {
  return `${prefix}:sub:generation`;
}

function pick(o: Record<string, unknown>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.flatMap((k) => (typeof o[k] === 'string' ? [[k, o[k]]] : [])));
}

export const NOTIFY_QUEUE = 'clickvnfm-notify';

export interface NotifyBullOptions {
  connection: ConnectionOptions;
  /** BullMQ key prefix. */
  prefix: string;
  /** Where the queue's and the worker's 'error' and 'failed' events are reported (nowhere by default). */
  log?: Logger;
}

/**
 * Publishes notifications to the matching subscriptions: each notification goes to an ordered
 * per-subscription outbox in Redis (`<prefix>:outbox:<subscriptionId>`), and a BullMQ job drains it.
 * One drainer per subscription at a time (a Redis lock) keeps the order; a consumer that is down
 * makes the job fail and retry with backoff, and the outbox keeps everything until it is back.
 */
export class SubscriptionNotifier implements Notifier {
  private readonly log: EventLogNotifier;
  private readonly queue: Queue;
  private readonly listed: CachedSubscriptions<StoredSubscription>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly subscriptions: Repository<StoredSubscription>,
    private readonly instances: VnfInstanceRepository,
    private readonly publicUrl: string,
    bull: NotifyBullOptions,
    private readonly retry = { attempts: 30, backoffMs: 500 },
  ) {
    this.log = new EventLogNotifier(redis, prefix);
    this.listed = new CachedSubscriptions(redis, subscriptions, subscriptionGenerationKey(prefix));
    this.queue = new Queue(NOTIFY_QUEUE, { connection: bull.connection, prefix: bull.prefix });
    // NOTE: BullMQ forwards connection errors as 'error' events; unheard, Node would crash the process.
    // Enqueueing itself rejects, so the caller still sees the failure and nothing is lost.
    const log = bull.log ?? silentLogger;
    this.queue.on('error', (err) => log.error({ err }, 'notification queue: error (Redis connection)'));
  }

  async close(): Promise<void> {
    // NOTE: close() drops the listeners of the shared connection while BullMQ's own initialisation on it may
    // still be in flight (a stop right after start); when the connection then goes, that initialisation fails
    // into an unheard 'error' event (an uncaught exception). Let it finish first; bounded, as a Redis that is
    // down never gets ready.
    await Promise.race([this.queue.waitUntilReady().catch(() => undefined), delay(3000, undefined, { ref: false })]);
    await this.queue.close();
  }

  /** The delivery jobs by state (`waiting`, `active`, `delayed`, `failed`), in one round trip: for the metrics. */
  jobCounts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
  }

  async publish(event: NotificationEvent): Promise<void> {
    const subscriptions = await this.logAndListSubscriptions(event);
    if (subscriptions.length === 0) return;
    // a deleted instance is gone from the store: its identity travels in the event (the engine sends it always)
    const inst = event.instance ?? (await this.instances.get(event.vnfInstanceId))?.doc;
    const facts: NotificationFacts = {
      notificationType: event.notificationType,
      vnfInstanceId: event.vnfInstanceId,
      ...(inst !== undefined
        ? pick(inst as Record<string, unknown>, [
            'vnfdId',
            'vnfProvider',
            'vnfProductName',
            'vnfSoftwareVersion',
            'vnfdVersion',
            'vnfInstanceName',
          ])
        : {}),
      ...(event.opOcc !== undefined
        ? { operationType: event.opOcc.operation, operationState: event.opOcc.operationState }
        : {}),
    };
    for (const sub of subscriptions) {
      if (!matchesSafely(subscriptionMatches, sub.filter, facts)) continue;
      await appendToOutbox(this.redis, this.queue, this.prefix, sub.id, this.payload(event, sub.id), this.retry);
    }
  }

  /**
   * Appends the event to the event log and reads the subscriptions' generation in one round trip; the
   * subscriptions are listed again only when their generation changed since this process last listed
   * them (every create and delete bumps it: SUBSCRIPTION_GENERATION).
   */
  private async logAndListSubscriptions(event: NotificationEvent): Promise<StoredSubscription[]> {
    const res = (await this.redis
      .multi()
      .xadd(...this.log.entry(event))
      .get(subscriptionGenerationKey(this.prefix))
      .exec()) as [unknown, [null, string | null]];
    return this.listed.list(res[1][1]);
  }

  /** The SOL003 notification body, with absolute `_links`. @see SOL003 5.5.2.17 - 5.5.2.19 */
  private payload(e: NotificationEvent, subscriptionId: string): Record<string, unknown> {
    const base = `${this.publicUrl}/vnflcm/v1`;
    const common = {
      id: notificationId(e, subscriptionId),
      notificationType: e.notificationType,
      subscriptionId,
      timeStamp: new Date().toISOString(),
      vnfInstanceId: e.vnfInstanceId,
    };
    const links: Record<string, { href: string }> = {
      vnfInstance: { href: `${base}/vnf_instances/${e.vnfInstanceId}` },
      subscription: { href: `${base}/subscriptions/${subscriptionId}` },
    };
    if (e.opOcc === undefined) return { ...common, _links: links };
    const op = e.opOcc;
    return {
      ...common,
      notificationStatus: e.notificationStatus,
      operationState: op.operationState,
      operation: op.operation,
      isAutomaticInvocation: op.isAutomaticInvocation,
      vnfLcmOpOccId: op.id,
      ...(op.resourceChanges?.affectedVnfcs ? { affectedVnfcs: op.resourceChanges.affectedVnfcs } : {}),
      ...(op.error ? { error: op.error } : {}),
      _links: { ...links, vnfLcmOpOcc: { href: `${base}/vnf_lcm_op_occs/${op.id}` } },
    };
  }
}

/** Where a subscription of any API (LCM, FM, indicators, a PM job or threshold) is to be called; undefined: gone. */
export type SubscriptionLookup = (
  id: string,
) => Promise<Pick<StoredSubscription, 'callbackUri' | 'authentication'> | undefined>;

/**
 * Notifications waiting in every subscription's outbox (`<prefix>:outbox:<subscriptionId>`), at this moment: the
 * subscriptions of each repository (LCM, FM, ...) listed (pages of 500), then one pipelined LLEN per page. For the
 * metrics, at scrape time.
 */
export async function outboxBacklog(
  redis: Redis,
  prefix: string,
  ...repositories: Array<Repository<{ id: string }>>
): Promise<number> {
  let total = 0;
  for (const subscriptions of repositories) total += await backlogOf(redis, prefix, subscriptions);
  return total;
}

async function backlogOf(redis: Redis, prefix: string, subscriptions: Repository<{ id: string }>): Promise<number> {
  let total = 0;
  // as shown: only the ids are needed, no credential is opened
  for await (const page of pages(subscriptions, { limit: 500, shown: true })) {
    if (page.items.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const sub of page.items) pipeline.llen(`${prefix}:outbox:${sub.id}`);
    for (const [err, n] of (await pipeline.exec()) ?? []) {
      if (err !== null) throw err;
      total += Number(n);
    }
  }
  return total;
}

/** The delivery worker: drains one subscription's outbox in order, holding its lock. */
export function startDeliveryWorker(
  redis: Redis,
  prefix: string,
  lookup: SubscriptionLookup,
  bull: NotifyBullOptions,
  policy: OutboundPolicy = DEFAULT_OUTBOUND_POLICY,
): { close(force?: boolean): Promise<void> } {
  const worker = new Worker(
    NOTIFY_QUEUE,
    async (job) => {
      const subId = (job.data as { subscriptionId?: string }).subscriptionId ?? '';
      const outbox = `${prefix}:outbox:${subId}`;
      const lockKey = `${prefix}:outbox-lock:${subId}`;
      const token = randomUUID();
      if ((await redis.set(lockKey, token, 'PX', 30_000, 'NX')) !== 'OK')
        throw new Error('another delivery of this subscription is under way');
      try {
        for (;;) {
          const sub = await lookup(subId);
          if (sub === undefined) {
            await redis.del(outbox); // the subscription is gone: so are its notifications
            return;
          }
          const head = await redis.lindex(outbox, 0);
          if (head === null) return;
          await callConsumer(
            'POST',
            sub.callbackUri,
            sub.authentication,
            JSON.parse(head) as unknown,
            [204, 200],
            policy,
          );
          await redis.lpop(outbox);
          await redis.pexpire(lockKey, 30_000);
        }
      } finally {
        if ((await redis.get(lockKey)) === token) await redis.del(lockKey);
      }
    },
    { connection: bull.connection, prefix: bull.prefix, concurrency: 16 },
  );
  const log = bull.log ?? silentLogger;
  // unheard, an 'error' event would crash the process
  worker.on('error', (err) => log.error({ err }, 'notification worker: error (Redis connection or job lock)'));
  // a consumer that is down fails the job, which is retried with backoff (the outbox keeps the notifications)
  worker.on('failed', (job, err) => {
    const retried = job !== undefined && job.attemptsMade < (job.opts.attempts ?? 1);
    const fields = {
      err,
      jobId: job?.id,
      subscriptionId: (job?.data as { subscriptionId?: unknown } | undefined)?.subscriptionId,
      attemptsMade: job?.attemptsMade,
    };
    if (retried) log.warn(fields, 'notification delivery failed; retrying');
    else
      log.error(
        fields,
        'notification delivery failed; no attempts left (the outbox keeps the notifications for the next delivery)',
      );
  });
  return { close: (force = false) => worker.close(force) };
}

/**
 * The notification's id, derived from what it tells (the subscription; the op-occ, its state and when it was
 * entered; or the instance's creation or deletion): a notification published again (a job run again after its
 * worker died sends the op-occ's state again, src/lcm/engine.ts) has the id of the first, so the consumer can
 * tell it is the same one, as with a delivery repeated after a kill.
 */
export function notificationId(e: NotificationEvent, subscriptionId: string): string {
  const what =
    e.opOcc !== undefined
      ? [e.opOcc.id, e.opOcc.operationState, e.opOcc.stateEnteredTime]
      : [e.notificationType, e.vnfInstanceId];
  return derivedUuid([subscriptionId, ...what].join('\n'));
}
