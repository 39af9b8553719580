import Redis from 'ioredis';
import { startTestRedis } from '../../test/support/redis';
import { RedisVnfInstanceRepository } from './vnf-instance-repository';
import type { VnfInstance } from '../domain/vnf-instance';

function calls(stats: string, command: string): number {
  const m = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats);
  return m === null ? 0 : Number(m[1]);
}

describe('Lua scripts', () => {
  it(
    'go by EVALSHA: each script text is sent at most once per server, ' +
      'however many repositories share the connection',
    async () => {
      const server = await startTestRedis();
      const redis = new Redis(server.url, { lazyConnect: true });
      try {
        const a = new RedisVnfInstanceRepository(redis, '{t}');
        const b = new RedisVnfInstanceRepository(redis, '{t}');
        for (let i = 0; i < 10; i++) {
          const repo = i % 2 === 0 ? a : b;
          const inst = { id: `i${i}`, instantiationState: 'NOT_INSTANTIATED' } as VnfInstance;
          await repo.create(inst);
          await repo.put({ ...inst, vnfInstanceName: 'x' });
          expect(await repo.tryBeginOperation(inst.id, `op${i}`)).toEqual({ ok: true });
          await repo.endOperation(inst.id, `op${i}`);
          expect(await repo.deleteIfRemovable(inst.id)).toEqual({ ok: true });
          await repo.create(inst);
          expect(await repo.delete(inst.id)).toBe(true);
        }
        const stats = await redis.info('commandstats');
        // 70 script calls; the first call of each of the six scripts is answered NOSCRIPT and sent again by EVAL
        expect(calls(stats, 'eval')).toBe(6);
        expect(calls(stats, 'evalsha')).toBeGreaterThanOrEqual(70 - 6);
      } finally {
        redis.disconnect();
        await server.stop();
      }
    },
  );
});
