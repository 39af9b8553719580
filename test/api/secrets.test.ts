import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { NON_SECRET_NAME } from '../../src/api/routes/vnflcm/schemas';
import type { VnfLcmOpOcc } from '../../src/domain/lcm-op-occ';
import type { StoredSubscription } from '../../src/domain/subscription';
import type { VnfInstance } from '../../src/domain/vnf-instance';
import {
  RedisOpOccRepository,
  RedisRepository,
  RedisVnfInstanceRepository,
  resealAll,
  SecretBox,
  SecretBoxError,
} from '../../src/store';
import { AUTH, buildLcmHarness, READER_AUTH, type LcmHarness } from '../support/lcm';
import { useRedis } from '../support/redis';

/**
 * Credentials given to the VNFM never come back out of the API and are never stored in clear.
 * The harness is wired as production is: every repository holding credentials gets the SecretBox.
 */
const SECRET = 'hunter2-s3cret';
const SUB_SECRET = 'sub-basic-pw-9f3';
const SUB_CLIENT_SECRET = 'sub-oauth-pw-7a1';
const ADMIN = AUTH;
const READER = READER_AUTH;
/** A VIM the request names (the harness's emulated cloud: its endpoint is set once it runs), with credentials. */
const VIM_CONNECTION = {
  id: 'v1',
  vimType: 'CLICKVNFM.EMULATED.V_1',
  accessInfo: { username: 'u', password: SECRET, project: 'p' },
  interfaceInfo: { endpoint: '' },
};

const redisServer = useRedis();

/** Every value in the (private) Redis, read by type: DUMP's serialization is not searchable. */
async function dumpRedis(redis: Redis): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      let value: unknown;
      if (type === 'string') value = await redis.get(key);
      else if (type === 'hash') value = await redis.hgetall(key);
      else if (type === 'list') value = await redis.lrange(key, 0, -1);
      else if (type === 'set') value = await redis.smembers(key);
      else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES');
      else if (type === 'stream') value = await redis.xrange(key, '-', '+');
      else value = `<unread type ${type}>`;
      out.set(key, `${key} ${JSON.stringify(value)}`);
    }
  } while (cursor !== '0');
  return out;
}

let h: LcmHarness;
let instanceId: string;
let opLocation: string;
let opId: string;

beforeAll(async () => {
  h = await buildLcmHarness(redisServer.url, { vims: true });
  VIM_CONNECTION.interfaceInfo.endpoint = h.cloud.url;
  const created = await h.app.inject({
    method: 'POST',
    url: '/vnflcm/v1/vnf_instances',
    headers: ADMIN,
    payload: { vnfdId: h.vnfdIds['forwarder'], vnfInstanceName: 'secrets' },
  });
  expect(created.statusCode).toBe(201);
  instanceId = (created.json() as VnfInstance).id;
  const res = await h.app.inject({
    method: 'POST',
    url: `/vnflcm/v1/vnf_instances/${instanceId}/instantiate`,
    headers: ADMIN,
    payload: {
      flavourId: 'simple',
      vimConnectionInfo: [VIM_CONNECTION],
      additionalParams: { vnfAdminPassword: SECRET },
    },
  });
  expect(res.statusCode).toBe(202);
  opLocation = new URL(res.headers['location'] as string).pathname;
  opId = opLocation.split('/').pop() as string;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const op = (await h.app.inject({ method: 'GET', url: opLocation, headers: ADMIN })).json() as VnfLcmOpOcc;
    if (op.operationState === 'COMPLETED') break;
    if (op.operationState === 'FAILED_TEMP' || Date.now() > deadline)
      throw new Error(`instantiate ended ${op.operationState}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // a second VIM connection with a secret-looking interfaceInfo member on the instance itself
  await h.instances.update(instanceId, (i) => ({
    ...i,
    vimConnectionInfo: [
      ...(i.vimConnectionInfo ?? []),
      { ...VIM_CONNECTION, id: 'v2', interfaceInfo: { endpoint: 'http://k', apiToken: SECRET } },
    ],
  }));
  await h.subscriptions.create({
    id: 'sub1',
    callbackUri: 'http://consumer.test/cb',
    authentication: {
      authType: ['BASIC', 'OAUTH2_CLIENT_CREDENTIALS'],
      paramsBasic: { userName: 'n', password: SUB_SECRET },
      paramsOauth2ClientCredentials: { clientId: 'c', clientPassword: SUB_CLIENT_SECRET, tokenEndpoint: 'http://t' },
    },
    _links: { self: { href: 'http://vnfm.test/vnflcm/v1/subscriptions/sub1' } },
  });
}, 60_000);
afterAll(async () => h.close(), 60_000);

describe('credentials never leave the VNFM', () => {
  const urls = (): string[] => [
    `${opLocation}`,
    `${opLocation}?all_fields`,
    `${opLocation}?fields=operationParams`,
    '/vnflcm/v1/vnf_lcm_op_occs?all_fields',
    '/vnflcm/v1/vnf_lcm_op_occs?fields=operationParams',
    '/vnflcm/v1/vnf_lcm_op_occs?fields=operationParams/vimConnectionInfo/accessInfo',
    '/vnflcm/v1/vnf_lcm_op_occs?fields=operationParams/additionalParams',
    `/vnflcm/v1/vnf_instances/${instanceId}`,
    `/vnflcm/v1/vnf_instances/${instanceId}?all_fields`,
    '/vnflcm/v1/vnf_instances?all_fields',
    '/vnflcm/v1/vnf_instances?fields=vimConnectionInfo/accessInfo',
  ];

  it.each([
    ['admin', ADMIN],
    ['reader', READER],
  ])('no answer to %s carries the password, whatever the selector', async (_who, headers) => {
    for (const url of urls()) {
      const res = await h.app.inject({ method: 'GET', url, headers });
      expect([url, res.statusCode]).toEqual([url, 200]);
      expect([url, res.body.includes(SECRET)]).toEqual([url, false]);
      expect([url, res.body.includes('accessInfo')]).toEqual([url, false]);
      expect([url, res.body.includes('enc:v1:')]).toEqual([url, false]);
    }
  });

  it('still shows what is not a credential', async () => {
    const op = (
      await h.app.inject({ method: 'GET', url: `${opLocation}?all_fields`, headers: READER })
    ).json() as VnfLcmOpOcc & { operationParams: Record<string, unknown> };
    expect(op.operationParams).toEqual({
      flavourId: 'simple',
      vimConnectionInfo: [{ id: 'v1', vimType: VIM_CONNECTION.vimType, interfaceInfo: VIM_CONNECTION.interfaceInfo }],
      additionalParams: {},
    });
    const inst = (
      await h.app.inject({ method: 'GET', url: `/vnflcm/v1/vnf_instances/${instanceId}?all_fields`, headers: READER })
    ).json() as VnfInstance;
    expect(inst.vimConnectionInfo?.find((c) => c.id === 'v2')).toEqual({
      id: 'v2',
      vimType: VIM_CONNECTION.vimType,
      interfaceInfo: { endpoint: 'http://k' },
    });
  });

  it('a filter on a credential path is a 400 naming filter, not an oracle', async () => {
    const cases = [
      `/vnflcm/v1/vnf_lcm_op_occs?filter=(eq,operationParams/vimConnectionInfo/accessInfo/password,${SECRET})`,
      '/vnflcm/v1/vnf_lcm_op_occs?filter=(cont,operationParams/vimConnectionInfo/accessInfo/password,h)',
      '/vnflcm/v1/vnf_lcm_op_occs?filter=(neq,operationParams/additionalParams/vnfAdminPassword,x)',
      '/vnflcm/v1/vnf_instances?filter=(eq,vimConnectionInfo/accessInfo/password,x)',
      '/vnflcm/v1/vnf_instances?filter=(eq,vimConnectionInfo/interfaceInfo/apiToken,x)',
    ];
    for (const url of cases) {
      const res = await h.app.inject({ method: 'GET', url, headers: READER });
      expect([url, res.statusCode, (res.json() as { field?: string }).field]).toEqual([url, 400, 'filter']);
      expect(res.body).not.toContain(SECRET);
    }
    // other paths under operationParams still filter
    const ok = await h.app.inject({
      method: 'GET',
      url:
        '/vnflcm/v1/vnf_lcm_op_occs' + '?filter=(eq,operationParams/vimConnectionInfo/vimType,CLICKVNFM.EMULATED.V_1)',
      headers: READER,
    });
    expect(ok.statusCode).toBe(200);
    expect((ok.json() as VnfLcmOpOcc[]).map((o) => o.id)).toEqual([opId]);
  });

  it('the instance schema does not send secret-looking interfaceInfo members', () => {
    const re = new RegExp(NON_SECRET_NAME);
    for (const name of ['endpoint', 'region', 'certificateAuthority'])
      expect([name, re.test(name)]).toEqual([name, true]);
    for (const name of ['password', 'apiToken', 'API_KEY', 'clientSecret', 'Authorization'])
      expect([name, re.test(name)]).toEqual([name, false]);
  });
});

describe('credentials are sealed at rest', () => {
  it('no Redis value holds a credential in clear', async () => {
    const dump = await dumpRedis(h.redis);
    expect(dump.size).toBeGreaterThan(10);
    for (const [key, text] of dump) {
      for (const secret of [SECRET, SUB_SECRET, SUB_CLIENT_SECRET])
        expect([key, text.includes(secret)]).toEqual([key, false]);
    }
    const stored = JSON.parse((await h.redis.hget(`${h.prefix}:opocc:doc`, opId)) as string) as {
      operationParams: { vimConnectionInfo: Array<{ accessInfo: unknown }>; additionalParams: Record<string, unknown> };
    };
    expect(stored.operationParams.vimConnectionInfo[0]?.accessInfo).toMatch(/^enc:v1:/);
    expect(stored.operationParams.additionalParams['vnfAdminPassword']).toMatch(/^enc:v1:/);
    const sub = JSON.parse((await h.redis.hget(`${h.prefix}:sub:doc`, 'sub1')) as string) as StoredSubscription;
    expect(sub.authentication?.paramsBasic?.password).toMatch(/^enc:v1:/);
    expect(sub.authentication?.paramsBasic?.userName).toBe('n');
  });

  it('the repositories give the worker the credentials opened', async () => {
    const op = (await h.deps.opOccs.get(opId))?.doc.operationParams as {
      vimConnectionInfo: Array<typeof VIM_CONNECTION>;
      additionalParams: Record<string, unknown>;
    };
    expect(op.vimConnectionInfo[0]).toEqual(VIM_CONNECTION);
    expect(op.additionalParams['vnfAdminPassword']).toBe(SECRET);
    const inst = (await h.instances.get(instanceId))?.doc;
    expect(inst?.vimConnectionInfo?.find((c) => c.id === 'v2')?.accessInfo?.['password']).toBe(SECRET);
    const sub = (await h.subscriptions.get('sub1'))?.doc;
    expect(sub?.authentication?.paramsOauth2ClientCredentials?.clientPassword).toBe(SUB_CLIENT_SECRET);
    // a read-modify-write keeps them (sealed again with a fresh IV)
    const before = await h.redis.hget(`${h.prefix}:opocc:doc`, opId);
    await h.deps.opOccs.update(opId, (o) => ({ ...o, isCancelPending: false }));
    const after = await h.redis.hget(`${h.prefix}:opocc:doc`, opId);
    expect(after).not.toBe(before);
    expect(
      ((await h.deps.opOccs.get(opId))?.doc.operationParams as { vimConnectionInfo: Array<typeof VIM_CONNECTION> })
        .vimConnectionInfo[0],
    ).toEqual(VIM_CONNECTION);
  });

  it('a wrong key cannot open them, and says so without the ciphertext', async () => {
    const wrong = new RedisOpOccRepository(h.redis, h.prefix, new SecretBox(randomBytes(32)));
    const err = await wrong.get(opId).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SecretBoxError);
    const stored = (await h.redis.hget(`${h.prefix}:opocc:doc`, opId)) as string;
    const sealed = /enc:v1:[^"]+/.exec(stored)?.[0] as string;
    expect((err as Error).message).not.toContain(sealed.split(':')[4]);
  });

  it('without a SecretBox credentials are stripped on write, never stored in clear', async () => {
    const plain = new RedisVnfInstanceRepository(h.redis, `${h.prefix}x`);
    const doc = { ...(await h.instances.get(instanceId))!.doc, id: 'nobox' };
    await plain.create(doc);
    const raw = (await h.redis.hget(`${h.prefix}x:inst:doc`, 'nobox')) as string;
    expect(raw).not.toContain(SECRET);
    expect(raw).not.toContain('accessInfo');
    expect((await plain.get('nobox'))?.doc.vimConnectionInfo?.every((c) => c.accessInfo === undefined)).toBe(true);
  });

  it('resealAll seals what was stored in clear before sealing existed', async () => {
    const legacy = {
      id: 'old',
      callbackUri: 'http://c',
      authentication: { authType: ['BASIC' as const], paramsBasic: { userName: 'n', password: SUB_SECRET } },
      _links: { self: { href: 'http://x' } },
    };
    await new RedisRepository<StoredSubscription>(h.redis, { prefix: h.prefix, name: 'sub' }).create(legacy);
    expect(await h.redis.hget(`${h.prefix}:sub:doc`, 'old')).toContain(SUB_SECRET);
    expect((await h.subscriptions.get('old'))?.doc).toEqual(legacy); // read as it is meanwhile
    expect(await resealAll(h.subscriptions)).toBe(2);
    expect(await h.redis.hget(`${h.prefix}:sub:doc`, 'old')).not.toContain(SUB_SECRET);
    expect((await h.subscriptions.get('old'))?.doc).toEqual(legacy);
  });
});
