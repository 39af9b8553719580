// jest's hooks: not in test/support/lcm.ts, which the benchmarks build with tsc (no jest globals there)
import type { Consumer } from './consumer';
import { buildLcmHarness, type LcmHarness } from './lcm';
import type { TestRedis } from './redis';

/**
 * A harness whose worker runs the monitor every `intervalMs`, with notification delivery and `consumer` started:
 * its hooks for the Day-2 tests. Call it inside the describe, after `useRedis()`: afterAll hooks run in declaration
 * order, and the workers must stop before the file's Redis does.
 */
export function useMonitoredHarness(
  redis: TestRedis,
  consumer: Consumer,
  intervalMs: number,
  set: (h: LcmHarness) => void,
): void {
  let h: LcmHarness | undefined;
  beforeAll(async () => {
    await consumer.start();
    h = await buildLcmHarness(redis.url, {
      subscriptions: true,
      monitor: { intervalMs, reconcileMs: intervalMs, agentTimeoutMs: 1000 },
    });
    set(h);
  });
  afterAll(async () => {
    await h?.close();
    await consumer.stop();
  }, 60_000);
}
