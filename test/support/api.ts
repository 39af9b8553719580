import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { buildApp, hashSecret, type ApiApp, type AppDeps } from '../../src/api';
import { RedisPackageCatalog, RedisVnfInstanceRepository } from '../../src/store';
import type { VnfdSummary } from '../../src/ports/package-catalog';

/** Credentials every test app accepts. Hashing is slow, so it is done once per test file. */
export const ADMIN = { user: 'admin', password: 'admin-pw', clientId: 'ci-client', clientSecret: 'ci-secret' };
export const READER = { user: 'viewer', password: 'viewer-pw' };

let hashes: { admin: string; reader: string; client: string } | undefined;
function cachedHashes() {
  hashes ??= {
    admin: hashSecret(ADMIN.password),
    reader: hashSecret(READER.password),
    client: hashSecret(ADMIN.clientSecret),
  };
  return hashes;
}

export const basicAdmin = 'Basic ' + Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64');
export const basicReader = 'Basic ' + Buffer.from(`${READER.user}:${READER.password}`).toString('base64');

export const SAMPLE_VNFD: VnfdSummary = {
  vnfdId: 'b1bb0ce7-ebca-4fa7-95ed-4840d70a1177',
  vnfPkgId: '6a1f7c3e-0000-4000-8000-000000000001',
  vnfProvider: 'Click-on-OSv Project',
  vnfProductName: 'forwarder',
  vnfSoftwareVersion: '1.0',
  vnfdVersion: '1.0',
  onboardingState: 'ONBOARDED',
  operationalState: 'ENABLED',
};

export interface TestApi {
  app: ApiApp;
  redis: Redis;
  prefix: string;
  instances: RedisVnfInstanceRepository;
  catalog: RedisPackageCatalog;
  close(): Promise<void>;
}

/** A real API app on a real Redis with a fresh key prefix, seeded with SAMPLE_VNFD. */
export async function buildTestApi(redisUrl: string, overrides: Partial<AppDeps> = {}): Promise<TestApi> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  const prefix = `{t${randomBytes(4).toString('hex')}}`;
  const instances = new RedisVnfInstanceRepository(redis, prefix);
  const catalog = new RedisPackageCatalog(redis, prefix);
  await catalog.put(SAMPLE_VNFD);
  const h = cachedHashes();
  const app = await buildApp({
    instances,
    packages: catalog,
    publicUrl: 'http://vnfm.test:9890',
    auth: {
      basic: true,
      oauth2: true,
      tokenTtlSeconds: 600,
      tokenKey: randomBytes(32),
      users: [
        { name: ADMIN.user, passwordHash: h.admin, roles: ['admin'] },
        { name: READER.user, passwordHash: h.reader, roles: ['reader'] },
      ],
      clients: [{ id: ADMIN.clientId, secretHash: h.client, roles: ['admin'] }],
    },
    ...overrides,
  });
  return {
    app,
    redis,
    prefix,
    instances,
    catalog,
    async close() {
      await app.close();
      redis.disconnect();
    },
  };
}
