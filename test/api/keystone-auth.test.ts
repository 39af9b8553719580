/**
 * OpenStack-native access: Keystone tokens in X-Auth-Token, validated against a fake Keystone as
 * keystonemiddleware does (service token + X-Subject-Token), mapped to our roles, cached by digest, and
 * never shown in an answer or a log line, also when Keystone is down.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import type { AuthSettings, KeystoneAuthSettings } from '../../src/api';
import { loadAuth } from '../../src/composition/credentials';
import { keystoneServiceAuth } from '../../src/composition/keystone';
import { ConfigError, loadConfig } from '../../src/config';
import { KeystoneTokenValidator } from '../../src/openstack';
import { SAMPLE_VNFD, buildTestApi, type TestApi } from '../support/api';
import { startFakeKeystone, type FakeKeystone, type UserToken } from '../support/fake-keystone';
import { useRedis } from '../support/redis';

const redis = useRedis();
const SVC_PW = `svc-pw-${randomBytes(6).toString('hex')}`;
const HOUR = 3600_000;
const logs: string[] = [];
const logger = pino({ level: 'trace' }, { write: (line: string) => void logs.push(line) });

function validatorFor(ks: FakeKeystone, o: { now?: () => number } = {}): KeystoneTokenValidator {
  return new KeystoneTokenValidator({
    auth: {
      authUrl: ks.authUrl,
      username: 'clickvnfm',
      password: SVC_PW,
      projectName: 'service',
      userDomainName: 'Default',
      projectDomainName: 'Default',
    },
    ...o,
  });
}

function authWith(keystone: Omit<KeystoneAuthSettings, 'roles'> & Partial<KeystoneAuthSettings>): AuthSettings {
  return {
    basic: true,
    oauth2: false,
    tokenTtlSeconds: 60,
    tokenKey: randomBytes(32),
    users: [],
    clients: [],
    keystone: { roles: { admin: ['admin'], reader: ['member', 'reader'] }, ...keystone },
  };
}

const user = (roles: string[], project = { id: 'p-demo', name: 'demo' }, expiresAt = Date.now() + HOUR): UserToken => ({
  user: { id: 'u-alice', name: 'alice' },
  project,
  roles,
  expiresAt,
});

let ks: FakeKeystone;
let api: TestApi;
const list = (token: string) =>
  api.app.inject({ method: 'GET', url: '/vnflcm/v1/vnf_instances', headers: { 'x-auth-token': token } });
const create = (token: string) =>
  api.app.inject({
    method: 'POST',
    url: '/vnflcm/v1/vnf_instances',
    headers: { 'x-auth-token': token },
    payload: { vnfdId: SAMPLE_VNFD.vnfdId },
  });

beforeAll(async () => {
  ks = await startFakeKeystone({ users: { clickvnfm: SVC_PW } });
  api = await buildTestApi(redis.url, { auth: authWith({ validator: validatorFor(ks) }), loggerInstance: logger });
});
afterAll(async () => {
  await api.close();
  await ks.close();
});

describe('Keystone tokens (X-Auth-Token)', () => {
  it('a token with role admin may read and write; Keystone is asked as keystonemiddleware asks', async () => {
    const token = ks.addUserToken(user(['admin', 'member']));
    expect((await list(token)).statusCode).toBe(200);
    const created = await create(token);
    expect(created.statusCode).toBe(201);
    const validation = ks.calls.find((c) => c.method === 'GET' && c.path === '/v3/auth/tokens');
    expect(validation?.headers['x-subject-token']).toBe(token);
    expect(String(validation?.headers['x-auth-token'])).toMatch(/^svc-/);
    const login = JSON.parse(ks.calls.find((c) => c.method === 'POST')?.body ?? '{}') as {
      auth: { identity: { password: { user: { name: string } } } };
    };
    expect(login.auth.identity.password.user.name).toBe('clickvnfm');
  });

  it('role member maps to reader: GET 200, POST 403 naming the role', async () => {
    const token = ks.addUserToken(user(['member']));
    expect((await list(token)).statusCode).toBe(200);
    const res = await create(token);
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 403, detail: expect.stringMatching(/alice@demo may only read/) });
  });

  it('a token with none of the mapped roles: 403 that says which roles count', async () => {
    const token = ks.addUserToken(user(['load-balancer_observer']));
    const res = await list(token);
    expect(res.statusCode).toBe(403);
    expect(res.json<{ detail: string }>().detail).toBe(
      'Keystone user alice@demo has none of the roles this VNFM maps (admin: admin; reader: member, reader); ' +
        "the token's roles: load-balancer_observer",
    );
  });

  it('an unknown token and an expired one: 401 ProblemDetails with the Keystone challenge', async () => {
    const unknown = `gAAAAA${randomBytes(24).toString('base64url')}`;
    const expired = ks.addUserToken(user(['admin'], undefined, Date.now() - 1000));
    for (const token of [unknown, expired]) {
      const res = await list(token);
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json<{ detail: string }>().detail).toBe('the Keystone token (X-Auth-Token) is invalid or has expired');
      expect(res.headers['www-authenticate']).toContain(`Keystone uri="${ks.authUrl}"`);
      expect(res.body).not.toContain(token);
    }
  });

  it('the Authorization header wins over X-Auth-Token', async () => {
    const token = ks.addUserToken(user(['admin']));
    const res = await api.app.inject({
      method: 'GET',
      url: '/vnflcm/v1/vnf_instances',
      headers: { 'x-auth-token': token, authorization: 'Basic ' + Buffer.from('nobody:x').toString('base64') },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json<{ detail: string }>().detail).toBe('the user name or password is wrong');
  });

  it('a token validated once is not sent to Keystone again; concurrent requests share one call', async () => {
    const token = ks.addUserToken(user(['reader']));
    const before = ks.count('GET', '/v3/auth/tokens');
    expect((await list(token)).statusCode).toBe(200);
    expect((await list(token)).statusCode).toBe(200);
    expect(ks.count('GET', '/v3/auth/tokens')).toBe(before + 1);
    const burst = ks.addUserToken(user(['reader']));
    const answers = await Promise.all(Array.from({ length: 5 }, () => list(burst)));
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(ks.count('GET', '/v3/auth/tokens')).toBe(before + 2);
  });

  it("the service token is renewed after Keystone answers 401 to it; the caller's request succeeds", async () => {
    const token = ks.addUserToken(user(['admin']));
    const logins = ks.count('POST', '/v3/auth/tokens');
    ks.revokeIssuedTokens();
    expect((await list(token)).statusCode).toBe(200);
    expect(ks.count('POST', '/v3/auth/tokens')).toBe(logins + 1);
    const checks = ks.calls.filter((c) => c.method === 'GET' && c.headers['x-subject-token'] === token);
    expect(checks).toHaveLength(2);
    expect(checks[0]?.headers['x-auth-token']).not.toBe(checks[1]?.headers['x-auth-token']);
  });

  it('without Keystone configured, X-Auth-Token is not accepted', async () => {
    const plain = await buildTestApi(redis.url);
    try {
      const res = await plain.app.inject({
        method: 'GET',
        url: '/vnflcm/v1/vnf_instances',
        headers: { 'x-auth-token': ks.addUserToken(user(['admin'])) },
      });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).not.toContain('Keystone');
    } finally {
      await plain.close();
    }
  });
});

describe('projects allow-list', () => {
  it('a token scoped to another project is 403; the allowed one by name or id passes', async () => {
    const scoped = await buildTestApi(redis.url, {
      auth: authWith({ validator: validatorFor(ks), projects: ['demo', 'p-ops'] }),
    });
    try {
      const get = (token: string) =>
        scoped.app.inject({ method: 'GET', url: '/vnflcm/v1/vnf_instances', headers: { 'x-auth-token': token } });
      const other = await get(ks.addUserToken(user(['admin'], { id: 'p-other', name: 'other' })));
      expect(other.statusCode).toBe(403);
      expect(other.json<{ detail: string }>().detail).toMatch(/alice@other: .*not scoped to a project .*accepts/);
      expect((await get(ks.addUserToken(user(['admin'])))).statusCode).toBe(200);
      expect((await get(ks.addUserToken(user(['admin'], { id: 'p-ops', name: 'operations' })))).statusCode).toBe(200);
    } finally {
      await scoped.close();
    }
  });
});

describe('the validator', () => {
  it('believes a cached token only until it expires (then asks Keystone, which now says expired)', async () => {
    let now = Date.now();
    const v = validatorFor(ks, { now: () => now });
    const token = ks.addUserToken(user(['admin'], undefined, now + 60_000));
    expect((await v.validate(token))?.user.name).toBe('alice');
    const asked = ks.count('GET', '/v3/auth/tokens');
    now += 30_000;
    expect(await v.validate(token)).toBeDefined();
    expect(ks.count('GET', '/v3/auth/tokens')).toBe(asked);
    now += 31_000; // past expires_at (and still within 5 minutes)
    expect(await v.validate(token)).toBeUndefined();
    expect(ks.count('GET', '/v3/auth/tokens')).toBe(asked + 1);
  });

  it('keeps at most cacheSize tokens, the oldest going first', async () => {
    const v = new KeystoneTokenValidator({
      auth: { authUrl: ks.authUrl, username: 'clickvnfm', password: SVC_PW, projectName: 'service' },
      cacheSize: 2,
    });
    const [a, b, c] = [0, 1, 2].map(() => ks.addUserToken(user(['reader']))) as [string, string, string];
    for (const t of [a, b, c]) await v.validate(t);
    const asked = ks.count('GET', '/v3/auth/tokens');
    await v.validate(c);
    await v.validate(b);
    expect(ks.count('GET', '/v3/auth/tokens')).toBe(asked);
    await v.validate(a); // evicted
    expect(ks.count('GET', '/v3/auth/tokens')).toBe(asked + 1);
  });
});

describe('Keystone down', () => {
  it('503 ProblemDetails naming Keystone; the token in no answer and no log line', async () => {
    const down = await startFakeKeystone({ users: { clickvnfm: SVC_PW } });
    const app = await buildTestApi(redis.url, {
      auth: authWith({ validator: validatorFor(down) }),
      loggerInstance: logger,
    });
    try {
      const first = down.addUserToken(user(['admin']));
      expect(
        (await app.app.inject({ method: 'GET', url: '/vnflcm/v1/vnf_instances', headers: { 'x-auth-token': first } }))
          .statusCode,
      ).toBe(200);
      await down.close();
      logs.length = 0;
      const token = `gAAAAA${randomBytes(24).toString('base64url')}`;
      const res = await app.app.inject({
        method: 'GET',
        url: '/vnflcm/v1/vnf_instances',
        headers: { 'x-auth-token': token },
      });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json<{ detail: string }>().detail).toBe(
        `could not validate the token: Keystone at ${down.authUrl} did not answer (ECONNREFUSED)`,
      );
      expect(JSON.stringify(res.headers) + res.body).not.toContain(token);
      // the failure was logged (so the check below looked at something), without the token or the service's
      expect(logs.join('\n')).toContain('could not validate the token');
      for (const secret of [token, SVC_PW, 'svc-']) expect(logs.join('\n')).not.toContain(secret);
    } finally {
      await app.close();
    }
  });
});

describe('configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keystone-config-'));
  const clouds = join(dir, 'clouds.yaml');
  writeFileSync(
    clouds,
    'clouds:\n  vnfm-service:\n    auth:\n      auth_url: http://ks.example:5000/v3\n' +
      '      application_credential_id: ac-1\n      application_credential_secret: ac-secret\n',
  );
  const where = { home: dir, cwd: dir };

  it('CLICKVNFM_KEYSTONE_* set the section; lists are comma-separated; nothing configured is undefined', () => {
    const c = loadConfig({
      CLICKVNFM_KEYSTONE_AUTH_URL: 'http://ks.example:5000/v3',
      CLICKVNFM_KEYSTONE_USERNAME: 'clickvnfm',
      CLICKVNFM_KEYSTONE_PASSWORD: 'pw',
      CLICKVNFM_KEYSTONE_PROJECT_NAME: 'service',
      CLICKVNFM_KEYSTONE_ADMIN_ROLES: 'admin, nfv-admin',
      CLICKVNFM_KEYSTONE_PROJECTS: 'demo,ops',
    });
    expect(c.keystone.roles).toEqual({ admin: ['admin', 'nfv-admin'], reader: ['member', 'reader'] });
    expect(c.keystone.projects).toEqual(['demo', 'ops']);
    expect(keystoneServiceAuth(c.keystone, {}, where)?.auth).toMatchObject({ username: 'clickvnfm', password: 'pw' });
    expect(keystoneServiceAuth(loadConfig({}).keystone, {}, where)).toBeUndefined();
  });

  it('a clouds.yaml entry (found through OS_CLIENT_CONFIG_FILE; OS_PASSWORD of the VIM does not leak in)', () => {
    const c = loadConfig({ CLICKVNFM_KEYSTONE_CLOUD: 'vnfm-service' });
    const s = keystoneServiceAuth(c.keystone, { OS_CLIENT_CONFIG_FILE: clouds, OS_PASSWORD: 'vim-pw' }, where);
    expect(s?.auth).toEqual({
      authUrl: 'http://ks.example:5000/v3',
      applicationCredentialId: 'ac-1',
      applicationCredentialSecret: 'ac-secret',
    });
  });

  it('incomplete credentials: a ConfigError at start that shows no secret', () => {
    const c = loadConfig({ CLICKVNFM_KEYSTONE_AUTH_URL: 'http://ks.example:5000', CLICKVNFM_KEYSTONE_USERNAME: 'u' });
    expect(() => keystoneServiceAuth(c.keystone, {}, where)).toThrow(ConfigError);
    expect(() => keystoneServiceAuth(c.keystone, {}, where)).toThrow(/^keystone .*no credentials/);
  });

  it('loadAuth wires the validator only when configured', async () => {
    const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    const users = [{ name: 'x', passwordHash: 'scrypt$16384$a$b', roles: ['admin'] }];
    const base = { CLICKVNFM_VAR_DIR: dir };
    const without = loadAuth(loadConfig(base, { overrides: { auth: { users } } }), dir, 'http://v', quiet);
    expect(without.keystone).toBeUndefined();
    const config = loadConfig(
      { ...base, CLICKVNFM_KEYSTONE_AUTH_URL: ks.authUrl, CLICKVNFM_KEYSTONE_USERNAME: 'clickvnfm' },
      { overrides: { auth: { users }, keystone: { password: SVC_PW, projectName: 'service' } } },
    );
    const withKs = loadAuth(config, dir, 'http://v', quiet);
    const token = ks.addUserToken(user(['reader']));
    expect((await withKs.keystone?.validator.validate(token))?.roles).toEqual(['reader']);
    expect(withKs.keystone?.roles).toEqual({ admin: ['admin'], reader: ['member', 'reader'] });
  });
});
