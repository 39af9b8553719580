import { startTestRedis } from '../support/redis';
import { startFuzzTarget, type FuzzTarget } from './harness';

/**
 * The whole API on a private redis-server for one test file (jest hooks; the long run in bench/ builds
 * its own). Read `.target` inside tests, after beforeAll has run.
 */
export function useFuzzTarget(): { readonly target: FuzzTarget } {
  let redis: Awaited<ReturnType<typeof startTestRedis>> | undefined;
  let target: FuzzTarget | undefined;
  beforeAll(async () => {
    redis = await startTestRedis();
    target = await startFuzzTarget(redis.url);
  }, 60_000);
  afterAll(async () => {
    await target?.close();
    await redis?.stop();
  });
  return {
    get target(): FuzzTarget {
      if (target === undefined) throw new Error('the fuzz target is not started yet (use it inside a test)');
      return target;
    },
  };
}
