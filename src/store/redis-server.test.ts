import { Socket } from 'node:net';
import { startTestRedis } from '../../test/support/redis';

function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = new Socket();
    sock.connect(port, '127.0.0.1', () => sock.write(line + '\r\n'));
    sock.once('data', (d) => {
      sock.destroy();
      resolve(d.toString());
    });
    sock.once('error', reject);
  });
}

describe('RedisServer', () => {
  it('starts a private server, keeps AOF data across a restart, and stops', async () => {
    const redis = await startTestRedis({ appendOnly: true });
    try {
      expect(await command(redis.server.port, 'SET k v')).toBe('+OK\r\n');
      await redis.restart();
      expect(await command(redis.server.port, 'GET k')).toBe('$1\r\nv\r\n');
    } finally {
      await redis.stop();
    }
  });
});
