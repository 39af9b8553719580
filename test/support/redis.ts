import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { RedisServer } from '../../src/store/redis-server';

/**
 * A private, real redis-server for one test file: random port, temp directory, removed afterwards.
 *
 * @example
 * const redis = useRedis();
 * it('...', async () => { const client = new Redis(redis.url); ... });
 */
export interface TestRedis {
  readonly url: string;
  readonly server: RedisServer;
  /** Stops the server (SIGTERM flushes the AOF) and starts it again on the same port and directory. */
  restart(): Promise<void>;
}

export async function startTestRedis(
  options: { appendOnly?: boolean } = {},
): Promise<TestRedis & { stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'clickvnfm-redis-'));
  let server = await RedisServer.start({ dir, appendOnly: options.appendOnly ?? false });
  return {
    get url() {
      return server.url;
    },
    get server() {
      return server;
    },
    async restart() {
      const port = server.port;
      await server.stop();
      server = await RedisServer.start({ dir, port, appendOnly: options.appendOnly ?? false });
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Jest hook form: starts one server before the file's tests and stops it after. */
export function useRedis(options: { appendOnly?: boolean } = {}): TestRedis {
  let inner: Awaited<ReturnType<typeof startTestRedis>> | undefined;
  beforeAll(async () => {
    inner = await startTestRedis(options);
  });
  afterAll(async () => {
    await inner?.stop();
  });
  const get = (): Awaited<ReturnType<typeof startTestRedis>> => {
    if (inner === undefined) throw new Error('useRedis(): the server starts in beforeAll; use it inside a test');
    return inner;
  };
  return {
    get url() {
      return get().url;
    },
    get server() {
      return get().server;
    },
    restart: () => get().restart(),
  };
}

/** One raw RESP command on a fresh connection, the first reply as text (shows what a bare client gets). */
export function rawRedisCommand(port: number, line: string): Promise<string> {
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
