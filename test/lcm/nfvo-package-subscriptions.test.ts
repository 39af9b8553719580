import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { useRedis } from '../support/redis';
import { AUTH, buildLcmHarness, waitForOp, type LcmHarness } from '../support/lcm';
import { NfvoSimulator, type PkgmSubscription } from '../support/nfvo-simulator';
import { buildVariant } from '../support/packages';
import { NFVO_NOTIFICATIONS_PATH } from '../../src/api/routes/vnfpkgm/nfvo-notifications';
import { NfvoPackages, NfvoPkgmSubscriptions } from '../../src/nfvo';
import { SecretBox } from '../../src/store';
import { hashSecret } from '../../src/api';
import { loadConfig } from '../../src/config';
import { startVnfm } from '../../src/main';
import { freePort } from '../../src/net/free-port';
import type { VnfInstance } from '../../src/domain/vnf-instance';

/**
 * The VNFM's subscription to the NFVO's package notifications (SOL003 10.4.7, VNFM side), and what it does
 * with them: a package disabled at the NFVO is not instantiated here, a deleted one is dropped.
 */
const redis = useRedis();
const NFVO_USER = { user: 'vnfm', password: 'pkg-secret' };
let sim: NfvoSimulator;

/** Every log line of every VNFM of this file (graph and request log), to look for secrets in. */
const logLines: string[] = [];
const log = pino(
  { level: 'debug' },
  new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  }),
);
/** Every answer the VNFMs gave to an API call or a delivery, likewise. */
const answers: string[] = [];
const harnesses: LcmHarness[] = [];
/** The processes of one deployment share the key that seals credentials (production: varDir/secret.key). */
const box = new SecretBox(randomBytes(32));

beforeAll(async () => {
  sim = new NfvoSimulator({ auth: { basic: NFVO_USER } });
  await sim.start();
}, 30_000);
afterAll(async () => {
  for (const h of harnesses) await h.close();
  await sim.stop();
}, 60_000);
beforeEach(() => {
  sim.forgetSubscriptions();
  sim.failSubscriptions = false;
});

interface Vnfm {
  h: LcmHarness;
  /** the callbackUri of this VNFM's deployment (its listening address) */
  callback: string;
}

/** A VNFM under the simulator, its API listening (the NFVO delivers to it); `prefix` shares its Redis state. */
async function vnfm(prefix = `{s${randomBytes(4).toString('hex')}}`, callback?: string): Promise<Vnfm> {
  const nfvo = { url: sim.url, auth: { basic: NFVO_USER } };
  const h = await buildLcmHarness(redis.url, {
    prefix,
    nfvoPackages: new NfvoPackages(nfvo),
    nfvoSubscriptions: new NfvoPkgmSubscriptions(nfvo),
    box,
    log,
  });
  harnesses.push(h);
  const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
  return { h, callback: callback ?? `${address}${NFVO_NOTIFICATIONS_PATH}` };
}

async function subscribed(v: Vnfm): Promise<string> {
  const keeper = v.h.graph.keepNfvoSubscription?.(v.callback, { initialBackoffMs: 50, maxBackoffMs: 200 });
  if (keeper === undefined) throw new Error('no keepNfvoSubscription: the graph has no NFVO subscriptions');
  const id = await keeper.ready;
  await keeper.stop();
  return id;
}

function subscriptionOf(id: string): PkgmSubscription {
  const s = sim.subscriptions.find((x) => x.id === id);
  if (s?.basic === undefined) throw new Error(`the simulator holds no subscription ${id} with credentials`);
  return s;
}

async function call(v: Vnfm, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) {
  const res = await v.h.app.inject({
    method,
    url,
    headers: AUTH,
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });
  answers.push(res.body);
  return res;
}

/** A forwarder package onboarded at the NFVO only; its NFVO package id and VNFD id. */
async function nfvoPackage(): Promise<{ vnfPkgId: string; vnfdId: string }> {
  const vnfdId = randomUUID();
  const csar = await buildVariant({ sample: 'forwarder', vnfdId });
  const info = sim.addPackage({
    vnfdId,
    csar,
    provider: 'Click-on-OSv Project',
    productName: 'forwarder',
    softwareVersion: '1.0',
    vnfdVersion: '1.0',
  });
  return { vnfPkgId: info.id, vnfdId };
}

const create = (v: Vnfm, vnfdId: string) => call(v, 'POST', '/vnflcm/v1/vnf_instances', { vnfdId });
const instantiate = (v: Vnfm, id: string) =>
  call(v, 'POST', `/vnflcm/v1/vnf_instances/${id}/instantiate`, { flavourId: 'simple' });

/** Delivers (and records the answers of) a change of state at the NFVO. */
async function setState(vnfPkgId: string, state: 'ENABLED' | 'DISABLED'): Promise<number[]> {
  const deliveries = await sim.setOperationalState(vnfPkgId, state);
  answers.push(...deliveries.map((d) => d.body));
  return deliveries.map((d) => d.status);
}

describe('the subscription to the NFVO package notifications', () => {
  it('two VNFMs starting on one Redis create one subscription; a restart keeps it', async () => {
    const a = await vnfm();
    const b = await vnfm(a.h.prefix, a.callback);
    const before = sim.subscriptionRequests.length;
    const [idA, idB] = await Promise.all([subscribed(a), subscribed(b)]);
    expect(idA).toBe(idB);
    expect(sim.subscriptionRequests.length - before).toBe(1);
    const sub = subscriptionOf(idA);
    expect(sub).toMatchObject({
      callbackUri: a.callback,
      filter: { notificationTypes: ['VnfPackageOnboardingNotification', 'VnfPackageChangeNotification'] },
    });
    // the password is sealed at rest
    const raw = (await a.h.redis.get(`${a.h.prefix}:nfvo:pkgm-sub`)) ?? '';
    expect(raw).toContain('enc:v1:');
    expect(raw).not.toContain(sub.basic?.password);

    // a restart (a new process on the same Redis) checks it and keeps it
    const c = await vnfm(a.h.prefix, a.callback);
    expect(await subscribed(c)).toBe(idA);
    expect(sim.subscriptionRequests.length - before).toBe(1);
    expect(sim.subscriptions.map((s) => s.id)).toEqual([idA]);
  }, 60_000);

  it('the NFVO lost it: a new one is created, with new credentials; the old ones are refused', async () => {
    const v = await vnfm();
    const first = await subscribed(v);
    const old = subscriptionOf(first).basic;
    sim.forgetSubscriptions();
    const second = await subscribed(v);
    expect(second).not.toBe(first);
    const now = subscriptionOf(second).basic;
    expect(now?.password).not.toBe(old?.password);
    const test = async (auth: { userName: string; password: string } | undefined) =>
      (
        await fetch(v.callback, {
          headers: auth ? { authorization: 'Basic ' + btoa(`${auth.userName}:${auth.password}`) } : {},
        })
      ).status;
    expect(await test(now)).toBe(204);
    expect(await test(old)).toBe(401);
    expect(await test(undefined)).toBe(401);
  }, 60_000);

  it('Redis lost it, the NFVO kept one for this callback (303): it is replaced, its credentials kept', async () => {
    const v = await vnfm();
    const first = await subscribed(v);
    await v.h.redis.del(`${v.h.prefix}:nfvo:pkgm-sub`);
    const second = await subscribed(v);
    expect(second).not.toBe(first);
    expect(sim.subscriptions.map((s) => s.id)).toEqual([second]);
    const { vnfPkgId } = await nfvoPackage();
    expect(await setState(vnfPkgId, 'DISABLED')).toEqual([204]);
  }, 60_000);

  it('an NFVO that fails at start is logged (no secret) and asked again with backoff; the VNFM runs on', async () => {
    const v = await vnfm();
    sim.failSubscriptions = true;
    const from = logLines.length;
    const keeper = v.h.graph.keepNfvoSubscription?.(v.callback, { initialBackoffMs: 50, maxBackoffMs: 100 });
    const deadline = Date.now() + 10_000;
    const failed = () => logLines.slice(from).filter((l) => l.includes('subscribing at the NFVO failed (attempt'));
    while (failed().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(failed().length).toBeGreaterThanOrEqual(3);
    expect(failed()[0]).toContain('the NFVO answered 500 to the package subscription request');
    // the API answers meanwhile
    expect((await call(v, 'GET', '/vnflcm/v1/vnf_instances')).statusCode).toBe(200);
    sim.failSubscriptions = false;
    const id = await keeper?.ready;
    await keeper?.stop();
    expect(sim.subscriptions.map((s) => s.id)).toEqual([id]);
  }, 60_000);
});

describe('clickvnfm under an NFVO (startVnfm)', () => {
  it('subscribes at <publicUrl>/vnfpkgm/v1/nfvo_notifications; a stop keeps it, a restart reuses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clickvnfm-pkgm-'));
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const config = loadConfig(
      {},
      {
        overrides: {
          listen: { host: '127.0.0.1', port },
          publicUrl,
          varDir: dir,
          redis: { url: redis.url, prefix: `{m${randomBytes(4).toString('hex')}}` },
          onboardSamples: false,
          // a client of its own: no first-start credentials printed
          auth: { clients: [{ id: 'nfvo', secretHash: hashSecret('nfvo-secret'), roles: ['admin'] }] },
          nfvo: { url: sim.url, user: NFVO_USER.user, password: NFVO_USER.password },
          log: { level: 'warn' },
        },
      },
    );
    const quiet = {
      info: (m: unknown) => void logLines.push(String(m)),
      warn: (m: unknown) => void logLines.push(String(m)),
      error: (m: unknown) => void logLines.push(String(m)),
    };
    const held = async () => {
      const deadline = Date.now() + 20_000;
      while (sim.subscriptions.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return sim.subscriptions;
    };
    try {
      const before = sim.subscriptionRequests.length;
      const first = await startVnfm(config, 'all', quiet);
      const subs = await held();
      expect(subs.map((s) => s.callbackUri)).toEqual([`${publicUrl}${NFVO_NOTIFICATIONS_PATH}`]);
      await first.stop();
      expect(sim.subscriptions.map((s) => s.id)).toEqual([subs[0]?.id]);

      const second = await startVnfm(config, 'all', quiet);
      const deadline = Date.now() + 20_000;
      while (!logLines.some((l) => l.includes(`subscription ${subs[0]?.id ?? ''} (kept)`)) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      await second.stop();
      expect(sim.subscriptions.map((s) => s.id)).toEqual([subs[0]?.id]);
      expect(sim.subscriptionRequests.length - before).toBe(1);
      expect(logLines.some((l) => l.includes(`subscription ${subs[0]?.id ?? ''} (kept)`))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('the NFVO package notifications', () => {
  let v: Vnfm;
  let subId: string;
  beforeEach(async () => {
    v ??= await vnfm();
    subId = await subscribed(v);
  }, 60_000);

  it('DISABLED at the NFVO: create and instantiate of its VNFD refused (422 vnfdId); ENABLED: allowed', async () => {
    const { vnfPkgId, vnfdId } = await nfvoPackage();
    const created = await create(v, vnfdId);
    expect(created.statusCode).toBe(201);
    const inst = created.json() as VnfInstance;

    expect(await setState(vnfPkgId, 'DISABLED')).toEqual([204]);
    const refused = await create(v, vnfdId);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ field: 'vnfdId', detail: expect.stringContaining('disabled at the NFVO') });
    const notStarted = await instantiate(v, inst.id);
    expect(notStarted.statusCode).toBe(422);
    expect(notStarted.json()).toMatchObject({
      field: 'vnfdId',
      detail: expect.stringContaining('disabled at the NFVO'),
    });
    const local = (await call(v, 'GET', `/vnfpkgm/v1/vnf_packages/${inst.vnfPkgId ?? ''}`)).json() as {
      operationalState: string;
    };
    expect(local.operationalState).toBe('DISABLED');

    expect(await setState(vnfPkgId, 'ENABLED')).toEqual([204]);
    expect((await create(v, vnfdId)).statusCode).toBe(201);
    const started = await instantiate(v, inst.id);
    expect(started.statusCode).toBe(202);
    const op = await waitForOp(v.h, started.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP']);
    expect(op.operationState).toBe('COMPLETED');
  }, 60_000);

  it('a package the NFVO disabled before the VNFM took it is taken disabled', async () => {
    const { vnfPkgId, vnfdId } = await nfvoPackage();
    await setState(vnfPkgId, 'DISABLED');
    const refused = await create(v, vnfdId);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ field: 'vnfdId', detail: expect.stringContaining('disabled at the NFVO') });
    await setState(vnfPkgId, 'ENABLED');
    expect((await create(v, vnfdId)).statusCode).toBe(201);
  }, 60_000);

  it('wrong or no credentials: 401, and nothing is applied', async () => {
    const { vnfPkgId, vnfdId } = await nfvoPackage();
    expect((await create(v, vnfdId)).statusCode).toBe(201);
    const sub = subscriptionOf(subId);
    const n = changeNotification(vnfPkgId, vnfdId, 'DISABLED');
    const wrong = await sim.deliver(subId, n, { auth: { userName: sub.basic?.userName ?? '', password: 'guess' } });
    const none = await sim.deliver(subId, n, { auth: null });
    answers.push(wrong.body, none.body);
    expect([wrong.status, none.status]).toEqual([401, 401]);
    expect(JSON.parse(wrong.body)).toMatchObject({ status: 401 });
    expect((await create(v, vnfdId)).statusCode).toBe(201);
    // the refused deliveries left no trace: the same notification with the right credentials is applied
    expect((await sim.deliver(subId, n)).status).toBe(204);
    expect((await create(v, vnfdId)).statusCode).toBe(422);
  }, 60_000);

  it('a malformed notification: 400 naming the field, and nothing is applied', async () => {
    const { vnfPkgId, vnfdId } = await nfvoPackage();
    expect((await create(v, vnfdId)).statusCode).toBe(201);
    const good = changeNotification(vnfPkgId, vnfdId, 'DISABLED');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...good, vnfdId: undefined }, 'vnfdId'],
      [{ ...good, operationalState: undefined }, 'operationalState'],
      [{ ...good, changeType: 'PKG_MOVE' }, 'changeType'],
      [{ ...good, notificationType: 'VnfLcmOperationOccurrenceNotification' }, 'notificationType'],
      [{ ...good, timeStamp: 'yesterday' }, 'timeStamp'],
      [{ ...good, _links: { subscription: { href: 'x' } } }, '_links.vnfPackage'],
    ];
    for (const [body, field] of cases) {
      const res = await sim.deliver(subId, JSON.parse(JSON.stringify(body)) as unknown);
      answers.push(res.body);
      expect([res.status, (JSON.parse(res.body) as { field?: string }).field]).toEqual([400, field]);
    }
    expect((await create(v, vnfdId)).statusCode).toBe(201);
  }, 60_000);

  it('the same notification twice is applied once', async () => {
    const { vnfPkgId, vnfdId } = await nfvoPackage();
    expect((await create(v, vnfdId)).statusCode).toBe(201);
    const disable = changeNotification(vnfPkgId, vnfdId, 'DISABLED');
    expect((await sim.deliver(subId, disable)).status).toBe(204);
    // re-enabled by a later notification, then the first is delivered again (timestamps would not stop it)
    const enable = changeNotification(vnfPkgId, vnfdId, 'ENABLED', disable.timeStamp);
    expect((await sim.deliver(subId, enable)).status).toBe(204);
    expect((await sim.deliver(subId, disable)).status).toBe(204);
    expect((await create(v, vnfdId)).statusCode).toBe(201);
    const applied = logLines.filter((l) => l.includes(`NFVO notification ${disable.id}: package`));
    expect(applied).toHaveLength(1);
    expect(logLines.filter((l) => l.includes(`${disable.id} delivered again`))).toHaveLength(1);
  }, 60_000);

  it('an older notification does not undo a newer one', async () => {
    const { vnfPkgId, vnfdId } = await nfvoPackage();
    expect((await create(v, vnfdId)).statusCode).toBe(201);
    const later = changeNotification(vnfPkgId, vnfdId, 'DISABLED', new Date(Date.now() + 60_000).toISOString());
    const earlier = changeNotification(vnfPkgId, vnfdId, 'ENABLED', new Date(Date.now() - 60_000).toISOString());
    expect((await sim.deliver(subId, later)).status).toBe(204);
    expect((await sim.deliver(subId, earlier)).status).toBe(204);
    expect((await create(v, vnfdId)).statusCode).toBe(422);
  }, 60_000);

  it('PKG_DELETE: the package goes; its running instance keeps its content, a new instance is refused', async () => {
    const { vnfPkgId, vnfdId } = await nfvoPackage();
    const running = (await create(v, vnfdId)).json() as VnfInstance;
    const idle = (await create(v, vnfdId)).json() as VnfInstance;
    const started = await instantiate(v, running.id);
    expect((await waitForOp(v.h, started.headers['location'] as string, ['COMPLETED'])).operationState).toBe(
      'COMPLETED',
    );
    const localId = running.vnfPkgId ?? '';

    const deliveries = await sim.deletePackage(vnfPkgId);
    expect(deliveries.map((d) => d.status)).toEqual([204]);
    expect((await call(v, 'GET', `/vnfpkgm/v1/vnf_packages/${localId}`)).statusCode).toBe(404);
    const again = await create(v, vnfdId);
    expect(again.statusCode).toBe(422);
    expect(again.json()).toMatchObject({ field: 'vnfdId' });
    const refused = await instantiate(v, idle.id);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ field: 'vnfdId', detail: expect.stringContaining('deleted at the NFVO') });

    // the running instance's later operations still read its package
    const terminated = await call(v, 'POST', `/vnflcm/v1/vnf_instances/${running.id}/terminate`, {
      terminationType: 'FORCEFUL',
    });
    expect(terminated.statusCode).toBe(202);
    const op = await waitForOp(v.h, terminated.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP']);
    expect(op.operationState).toBe('COMPLETED');
    expect(await v.h.deps.packages.getContent(localId)).toBeDefined();

    // once no instance uses it, the next start drops the content
    for (const i of [running, idle])
      expect((await call(v, 'DELETE', `/vnflcm/v1/vnf_instances/${i.id}`)).statusCode).toBe(204);
    await subscribed(v);
    expect(await v.h.deps.packages.getContent(localId)).toBeUndefined();
  }, 60_000);

  it('PKG_DELETE of a package no instance uses: its content goes at once', async () => {
    const { vnfPkgId, vnfdId } = await nfvoPackage();
    const inst = (await create(v, vnfdId)).json() as VnfInstance;
    expect((await call(v, 'DELETE', `/vnflcm/v1/vnf_instances/${inst.id}`)).statusCode).toBe(204);
    await sim.deletePackage(vnfPkgId);
    expect(await v.h.deps.packages.get(inst.vnfPkgId ?? '')).toBeUndefined();
    expect(await v.h.deps.packages.getContent(inst.vnfPkgId ?? '')).toBeUndefined();
  }, 60_000);

  it('an onboarding notification is acknowledged', async () => {
    const { vnfPkgId, vnfdId } = await nfvoPackage();
    const [d] = await sim.notify({ notificationType: 'VnfPackageOnboardingNotification', vnfPkgId, vnfdId });
    expect(d?.status).toBe(204);
  });

  it('the generated passwords appear in no API answer and no log line', () => {
    const passwords = sim.subscriptionRequests.map(
      (r) => (r.body as { authentication?: { paramsBasic?: { password?: string } } }).authentication?.paramsBasic,
    );
    const secrets = passwords.map((p) => p?.password).filter((p): p is string => typeof p === 'string');
    expect(secrets.length).toBeGreaterThan(3);
    expect(logLines.length).toBeGreaterThan(10);
    const said = [...logLines, ...answers, ...sim.deliveries.map((d) => d.body)].join('\n');
    for (const secret of secrets) {
      expect(said).not.toContain(secret);
      expect(said).not.toContain(Buffer.from(secret).toString('base64'));
    }
  });
});

/** A VnfPackageChangeNotification (OP_STATE_CHANGE) as the NFVO would send it to `subId`'s subscriber. */
function changeNotification(
  vnfPkgId: string,
  vnfdId: string,
  operationalState: 'ENABLED' | 'DISABLED',
  timeStamp = new Date().toISOString(),
) {
  return {
    id: randomUUID(),
    notificationType: 'VnfPackageChangeNotification',
    subscriptionId: sim.subscriptions[0]?.id ?? '',
    timeStamp,
    vnfPkgId,
    vnfdId,
    changeType: 'OP_STATE_CHANGE',
    operationalState,
    _links: {
      vnfPackage: { href: `${sim.url}/vnfpkgm/v1/vnf_packages/${vnfPkgId}` },
      subscription: { href: `${sim.url}/vnfpkgm/v1/subscriptions/${sim.subscriptions[0]?.id ?? ''}` },
    },
  };
}
