import { redisTargetOf } from '../composition/redis-target';
import { describeRedisTarget } from '../store/redis-connection';
import { ConfigError, loadConfig } from './load-config';

/** The message of the ConfigError loadConfig throws for this environment (fails when it does not throw). */
function refusal(env: NodeJS.ProcessEnv, overrides: Record<string, unknown> = {}): string {
  try {
    loadConfig(env, { overrides });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('redis settings: Sentinel', () => {
  it('reads the sentinels, the master group name and the passwords from the environment', () => {
    const config = loadConfig({
      CLICKVNFM_REDIS_SENTINELS: '10.0.0.1:26379, 10.0.0.2:26380,[fd00::3]:26381',
      CLICKVNFM_REDIS_SENTINEL_NAME: 'vnfm',
      CLICKVNFM_REDIS_PASSWORD: 'data-secret',
      CLICKVNFM_REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
    });
    const target = redisTargetOf(config.redis);
    expect(target).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
        { host: 'fd00::3', port: 26381 },
      ],
      name: 'vnfm',
      password: 'data-secret',
      sentinelPassword: 'sentinel-secret',
    });
    // what is logged names the group and the sentinels, never a password
    const shown = describeRedisTarget(target ?? { kind: 'url', url: '' });
    expect(shown).toBe("Redis Sentinel master group 'vnfm' via 10.0.0.1:26379,10.0.0.2:26380,[fd00::3]:26381");
    expect(shown).not.toMatch(/secret/);
  });

  it('no url and no sentinels: the embedded server; a url: that server', () => {
    expect(redisTargetOf(loadConfig({}).redis)).toBeUndefined();
    const target = redisTargetOf(loadConfig({ REDIS_URL: 'redis://:pw@db:6380/2' }).redis);
    expect(target).toEqual({ kind: 'url', url: 'redis://:pw@db:6380/2' });
    expect(describeRedisTarget(target ?? { kind: 'url', url: '' })).toBe('redis://db:6380/2');
  });

  it('refuses sentinels without the master group name, naming the setting', () => {
    const message = refusal({ CLICKVNFM_REDIS_SENTINELS: '127.0.0.1:26379' });
    expect(message).toContain('redis.sentinelName (CLICKVNFM_REDIS_SENTINEL_NAME): required with redis.sentinels');
  });

  it('refuses a url together with sentinels', () => {
    const message = refusal({
      REDIS_URL: 'redis://127.0.0.1:6379',
      CLICKVNFM_REDIS_SENTINELS: '127.0.0.1:26379',
      CLICKVNFM_REDIS_SENTINEL_NAME: 'vnfm',
    });
    expect(message).toContain('redis.url (REDIS_URL): not together with redis.sentinels');
  });

  it('refuses Sentinel-only settings without sentinels', () => {
    expect(refusal({ CLICKVNFM_REDIS_SENTINEL_NAME: 'vnfm' })).toContain(
      'redis.sentinelName (CLICKVNFM_REDIS_SENTINEL_NAME): only with redis.sentinels',
    );
    expect(refusal({ REDIS_URL: 'redis://db:6379', CLICKVNFM_REDIS_PASSWORD: 'x' })).toContain(
      'redis.password (CLICKVNFM_REDIS_PASSWORD): only with redis.sentinels',
    );
  });

  it('refuses a sentinel address that is not host:port', () => {
    const message = refusal({}, { redis: { sentinels: ['127.0.0.1'], sentinelName: 'vnfm' } });
    expect(message).toContain("redis.sentinels (CLICKVNFM_REDIS_SENTINELS): '127.0.0.1' is not host:port");
    expect(refusal({}, { redis: { sentinels: ['h:70000'], sentinelName: 'vnfm' } })).toContain("'h:70000'");
  });

  it('refuses an empty sentinel list from the file', () => {
    expect(refusal({}, { redis: { sentinels: [], sentinelName: 'vnfm' } })).toMatch(
      /redis\.sentinels.*must NOT have fewer/,
    );
  });
});
