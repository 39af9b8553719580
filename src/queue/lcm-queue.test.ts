import { setTimeout as delay } from 'node:timers/promises';
import { startTestRedis } from '../../test/support/redis';
import type { Logger } from '../ports/logger';
import { BullLcmQueue, startLcmWorker } from './lcm-queue';

describe('BullLcmQueue and the LCM worker', () => {
  it("report a job that throws through the given logger ('failed' is not swallowed)", async () => {
    const redis = await startTestRedis();
    const port = Number(new URL(redis.url).port);
    const lines: Array<{ level: string; obj: unknown; msg: string | undefined }> = [];
    const log: Logger = {
      debug: (obj, msg) => lines.push({ level: 'debug', obj, msg }),
      info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
      warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
      error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
    };
    const bull = { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null }, prefix: '{t}:bull', log };
    const queue = new BullLcmQueue(bull);
    const worker = startLcmWorker(() => Promise.reject(new Error('engine broke')), bull);
    try {
      await queue.enqueue('op-1', 'run');
      for (let i = 0; i < 100 && lines.length === 0; i++) await delay(50);
      expect(lines).toEqual([
        {
          level: 'error',
          obj: expect.objectContaining({
            opOccId: 'op-1',
            kind: 'run',
            err: expect.objectContaining({ message: 'engine broke' }),
          }),
          msg: 'LCM worker: job failed',
        },
      ]);
    } finally {
      await worker.close();
      await queue.close();
      await redis.stop();
    }
  });

  it('replaces a worker that takes no job while jobs wait and it has free slots (a wedged fetch)', async () => {
    const redis = await startTestRedis();
    const port = Number(new URL(redis.url).port);
    const warnings: string[] = [];
    const log: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (_obj, msg) => void warnings.push(msg ?? ''),
      error: () => undefined,
    };
    const bull = { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null }, prefix: '{w}:bull', log };
    const queue = new BullLcmQueue(bull);
    const ran: string[] = [];
    const handle = startLcmWorker(async (id) => void ran.push(id), {
      ...bull,
      watchdog: { stuckMs: 300, intervalMs: 100 },
    });
    try {
      await queue.enqueue('op-a', 'run');
      for (let i = 0; i < 100 && ran.length === 0; i++) await delay(50);
      expect(ran).toEqual(['op-a']);
      // a paused worker fetches nothing, as a wedged one: from outside the two look the same (the fetch it has in
      // flight may still take one job: op-b)
      const wedged = handle.worker;
      await wedged.pause(true);
      for (const id of ['op-b', 'op-c']) {
        await queue.enqueue(id, 'run');
        for (let i = 0; i < 100 && !ran.includes(id); i++) await delay(50);
      }
      expect(ran).toEqual(['op-a', 'op-b', 'op-c']);
      expect(handle.worker).not.toBe(wedged);
      expect(warnings).toEqual([expect.stringMatching(/taken as wedged; a new worker takes over/)]);
      expect(wedged.isRunning()).toBe(false);
    } finally {
      await handle.close();
      await queue.close();
      await redis.stop();
    }
  });

  it("hands a first run the op-occ as created on its job's first delivery only (not after it died)", async () => {
    const redis = await startTestRedis();
    const port = Number(new URL(redis.url).port);
    const bull = { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null }, prefix: '{f}:bull' };
    const queue = new BullLcmQueue(bull);
    const calls: unknown[][] = [];
    // the first worker takes the job and dies with it (never ends it, never renews its lock)
    const dying = startLcmWorker(
      (...args) => {
        calls.push(args);
        return new Promise<void>(() => undefined);
      },
      { ...bull, lockDurationMs: 500, stalledIntervalMs: 300 },
    );
    let next: ReturnType<typeof startLcmWorker> | undefined;
    try {
      await queue.start('op-1', 'inst-1', '{"id":"op-1"}');
      for (let i = 0; i < 100 && calls.length === 0; i++) await delay(50);
      expect(calls).toEqual([['op-1', 'run', 'inst-1', '{"id":"op-1"}']]);
      await dying.close(true);
      next = startLcmWorker(async (...args) => void calls.push(args), {
        ...bull,
        lockDurationMs: 500,
        stalledIntervalMs: 300,
      });
      for (let i = 0; i < 200 && calls.length === 1; i++) await delay(50);
      expect(calls[1]).toEqual(['op-1', 'run', 'inst-1', undefined]);
    } finally {
      await next?.close();
      await queue.close();
      await redis.stop();
    }
  }, 30_000);
});
