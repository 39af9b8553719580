import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { loadConfig } from '../../src/config';
import type { StoredSubscription } from '../../src/domain/subscription';
import { startVnfm } from '../../src/main';
import { credentialCodec, loadOrCreateSecretKey, RedisRepository, SecretBox } from '../../src/store';
import { useRedis } from '../support/redis';

/** A Redis written by a version that kept credentials in clear: the first start seals them, once. */
const redisServer = useRedis();
const PASSWORD = 'old-clear-basic-pw-51c';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

it('seals credentials an earlier version stored in clear, and records that it did', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'clickvnfm-seal-'));
  const redis = new Redis(redisServer.url);
  const prefix = '{seal}';
  try {
    // what the earlier version wrote: no codec at all
    const clear = new RedisRepository<StoredSubscription>(redis, { prefix, name: 'sub' });
    const sub: StoredSubscription = {
      id: 's1',
      callbackUri: 'http://127.0.0.1:1/cb',
      authentication: { authType: ['BASIC'], paramsBasic: { userName: 'nfvo', password: PASSWORD } },
      _links: { self: { href: 'http://vnfm.test/vnflcm/v1/subscriptions/s1' } },
    };
    await clear.create(sub);
    const raw = async (): Promise<string> =>
      JSON.stringify(
        await Promise.all(
          (await redis.keys(`${prefix}*`)).map(async (k) =>
            (await redis.type(k)) === 'hash' ? redis.hgetall(k) : (await redis.type(k)) === 'string' ? redis.get(k) : k,
          ),
        ),
      );
    expect(await raw()).toContain(PASSWORD);

    const config = loadConfig(
      {},
      {
        overrides: {
          listen: { host: '127.0.0.1', port: 0 },
          varDir: join(dir, 'var'),
          redis: { url: redisServer.url, prefix },
          onboardSamples: false,
          log: { level: 'silent' },
        },
      },
    );
    const vnfm = await startVnfm(config, 'api', quiet);
    await vnfm.stop();

    expect(await raw()).not.toContain(PASSWORD);
    expect(await redis.exists(`${prefix}:credentials-sealed:v1`)).toBe(1);
    // the worker still gets the password back, with the key of this installation
    const box = new SecretBox(loadOrCreateSecretKey(join(dir, 'var')));
    const sealed = new RedisRepository<StoredSubscription>(redis, {
      prefix,
      name: 'sub',
      codec: credentialCodec<StoredSubscription>(box),
    });
    expect((await sealed.get('s1'))?.doc.authentication?.paramsBasic?.password).toBe(PASSWORD);
  } finally {
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
