import { rawRedisCommand, startTestRedis } from '../../test/support/redis';

describe('RedisServer', () => {
  it('starts a private server, keeps AOF data across a restart, and stops', async () => {
    const redis = await startTestRedis({ appendOnly: true });
    try {
      expect(await rawRedisCommand(redis.server.port, 'SET k v')).toBe('+OK\r\n');
      await redis.restart();
      expect(await rawRedisCommand(redis.server.port, 'GET k')).toBe('$1\r\nv\r\n');
    } finally {
      await redis.stop();
    }
  });
});
