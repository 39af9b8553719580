import { buildLcmHarness, type HarnessOptions, type LcmHarness } from './lcm';

// NOTE: apart from ./lcm.ts, which bench/fuzz.ts builds too (without jest's globals)

/**
 * One harness for a test file, on the file's Redis (useRedis): built before its tests, closed after them. Its
 * properties are read through, so the tests write `h.deps` as with a harness of their own.
 */
export function useLcmHarness(redis: { readonly url: string }, options: HarnessOptions = {}): LcmHarness {
  let built: LcmHarness | undefined;
  beforeAll(async () => {
    built = await buildLcmHarness(redis.url, options);
  }, 60_000);
  afterAll(async () => built?.close(), 60_000);
  return new Proxy({} as LcmHarness, {
    get: (_target, prop) => {
      if (built === undefined) throw new Error('the harness is built in beforeAll: use it inside a test');
      return Reflect.get(built, prop) as unknown;
    },
  });
}
