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
});
