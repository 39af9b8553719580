import type { Redis } from 'ioredis';
import type { NotificationEvent, Notifier } from '../ports/lcm';

/**
 * Keeps every notification event in a Redis stream (`<prefix>:events`, capped), in the order the
 * engine published them, after the state they report was stored. Subscriptions and delivery to
 * consumers read from here (not built yet: see docs/lcm.md).
 */
export class EventLogNotifier implements Notifier {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxLen = 100_000,
  ) {}

  async publish(event: NotificationEvent): Promise<void> {
    await this.redis.xadd(...this.entry(event));
  }

  /** The XADD arguments that append `event` (for callers that send it in a MULTI with other commands). */
  entry(event: NotificationEvent): [string, 'MAXLEN', '~', string, '*', 'event', string] {
    return [`${this.prefix}:events`, 'MAXLEN', '~', String(this.maxLen), '*', 'event', JSON.stringify(event)];
  }

  /** The newest events, oldest first. */
  async recent(count = 100): Promise<NotificationEvent[]> {
    const rows = await this.redis.xrevrange(`${this.prefix}:events`, '+', '-', 'COUNT', count);
    return rows.reverse().map(([, fields]) => JSON.parse(fields[1] ?? '{}') as NotificationEvent);
  }
}
