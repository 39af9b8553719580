import { startTestRedis } from '../../test/support/redis';
import type { Logger } from '../ports/logger';
import { createRedisClient } from './redis-connection';

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const put = (level: string) => (m: unknown, msg?: string) => void lines.push(`${level} ${msg ?? String(m)}`);
  return { lines, debug: put('debug'), info: put('info'), warn: put('warn'), error: put('error') };
}

describe('createRedisClient', () => {
  it('a command sent while the server is down waits for it; the outage is logged once, then its end', async () => {
    const redis = await startTestRedis({ appendOnly: true });
    const log = recordingLogger();
    const client = createRedisClient({ kind: 'url', url: redis.url }, { log });
    const consoleErrors = jest.spyOn(console, 'error');
    try {
      await client.set('k', 'v');
      const port = redis.server.port;
      await redis.server.stop();
      // no primary for a while: the command is queued, not failed (maxRetriesPerRequest: null)
      const pending = client.get('k');
      await new Promise((r) => setTimeout(r, 1500));
      const warnings = log.lines.filter((l) => l.startsWith('warn '));
      expect(warnings.length).toBeGreaterThanOrEqual(1);
      // the same refusal, retried many times in 1.5 s, is one line
      expect(new Set(warnings).size).toBe(warnings.length);
      expect(warnings[0]).toContain(`Redis connection: connect ECONNREFUSED 127.0.0.1:${port}`);
      await redis.restart();
      expect(await pending).toBe('v');
      await new Promise((r) => setTimeout(r, 100));
      expect(log.lines[log.lines.length - 1]).toBe('info Redis connection: back');
      expect(consoleErrors).not.toHaveBeenCalled();
    } finally {
      consoleErrors.mockRestore();
      client.disconnect();
      await redis.stop();
    }
  });

  it('reconnects on READONLY (an old primary turned replica) and does not on other errors', async () => {
    const redis = await startTestRedis();
    const client = createRedisClient({ kind: 'url', url: redis.url });
    try {
      const decide = client.options.reconnectOnError as (err: Error) => unknown;
      expect(decide(new Error("READONLY You can't write against a read only replica."))).toBe(2);
      expect(decide(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
      expect(client.options.maxRetriesPerRequest).toBeNull();
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });
});
