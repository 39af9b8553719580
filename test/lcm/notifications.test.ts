import { randomUUID } from 'node:crypto';
import { publishOwed } from '../../src/lcm/announce';
import { RedisAnnouncements } from '../../src/store';
import { Consumer } from '../support/consumer';
import { useRedis } from '../support/redis';
import { AUTH, buildLcmHarness, waitForOp, type LcmHarness, createSampleInstance } from '../support/lcm';

const redis = useRedis();
let h: LcmHarness;

const consumer = new Consumer();

beforeAll(async () => {
  await consumer.start();
  h = await buildLcmHarness(redis.url, { subscriptions: true });
});
afterAll(async () => {
  await h.close();
  await consumer.stop();
}, 60_000);

const subscribe = (payload: Record<string, unknown>) =>
  h.app.inject({ method: 'POST', url: '/vnflcm/v1/subscriptions', headers: AUTH, payload });

async function waitReceived(n: number, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (consumer.received.length < n) {
    if (Date.now() > deadline) throw new Error(`only ${consumer.received.length} of ${n} notifications arrived`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('subscriptions and notifications', () => {
  it(
    'create: the callback is tested with GET (204, else 422);' + ' a duplicate is 303; credentials never echoed',
    async () => {
      consumer.getStatus = 200;
      const bad = await subscribe({ callbackUri: consumer.url });
      expect(bad.statusCode).toBe(422);
      expect(bad.json()).toMatchObject({
        field: 'callbackUri',
        detail: 'the callback URI did not answer the test GET with 204',
      });
      consumer.getStatus = 204;
      const filter = {
        operationTypes: ['INSTANTIATE', 'TERMINATE'],
        notificationTypes: ['VnfLcmOperationOccurrenceNotification'],
      };
      const ok = await subscribe({
        callbackUri: consumer.url,
        filter,
        authentication: { authType: ['BASIC'], paramsBasic: { userName: 'nfvo', password: 's3cret-pw' } },
      });
      expect(ok.statusCode).toBe(201);
      expect(ok.body).not.toContain('s3cret-pw');
      expect(ok.json()).not.toHaveProperty('authentication');
      const dup = await subscribe({ callbackUri: consumer.url, filter });
      expect(dup.statusCode).toBe(303);
      expect(dup.headers['location']).toBe(ok.headers['location']);
      const list = await h.app.inject({ method: 'GET', url: '/vnflcm/v1/subscriptions', headers: AUTH });
      expect(list.body).not.toContain('s3cret-pw');
    },
  );

  it(
    'START before RESULT, in order, with absolute links,' + ' authenticated; none lost while the consumer is down',
    async () => {
      const inst = await createSampleInstance(h, 'forwarder');
      const res = await h.app.inject({
        method: 'POST',
        url: `/vnflcm/v1/vnf_instances/${inst.id}/instantiate`,
        headers: AUTH,
        payload: { flavourId: 'simple' },
      });
      await waitForOp(h, res.headers['location'] as string, ['COMPLETED']);
      await waitReceived(3);
      const mine = consumer.received.filter((r) => r.body['vnfInstanceId'] === inst.id);
      expect(mine.map((r) => `${String(r.body['notificationStatus'])}:${String(r.body['operationState'])}`)).toEqual([
        'START:STARTING',
        'RESULT:PROCESSING',
        'RESULT:COMPLETED',
      ]);
      expect(mine[0]!.auth).toBe('Basic ' + Buffer.from('nfvo:s3cret-pw').toString('base64'));
      expect(mine[2]!.body['_links']).toMatchObject({
        vnfInstance: { href: `http://vnfm.test/vnflcm/v1/vnf_instances/${inst.id}` },
        vnfLcmOpOcc: { href: res.headers['location'] },
      });

      // the consumer goes down for a while: the terminate's notifications wait and come in order
      consumer.down = true;
      const term = await h.app.inject({
        method: 'POST',
        url: `/vnflcm/v1/vnf_instances/${inst.id}/terminate`,
        headers: AUTH,
        payload: { terminationType: 'FORCEFUL' },
      });
      await waitForOp(h, term.headers['location'] as string, ['COMPLETED']);
      await new Promise((r) => setTimeout(r, 1000));
      const before = consumer.received.length;
      consumer.down = false;
      await waitReceived(before + 3);
      const t = consumer.received
        .filter((r) => r.body['operation'] === 'TERMINATE')
        .map((r) => `${String(r.body['notificationStatus'])}:${String(r.body['operationState'])}`);
      expect(t).toEqual(['START:STARTING', 'RESULT:PROCESSING', 'RESULT:COMPLETED']);
    },
    60_000,
  );

  it('VnfIdentifierCreationNotification and DeletionNotification, filtered by vnfdId', async () => {
    const second = new Consumer();
    await second.start();
    try {
      const sub = await subscribe({
        callbackUri: second.url,
        filter: {
          notificationTypes: ['VnfIdentifierCreationNotification', 'VnfIdentifierDeletionNotification'],
          vnfInstanceSubscriptionFilter: { vnfdIds: [h.vnfdIds['nat']!] },
        },
      });
      expect(sub.statusCode).toBe(201);
      const other = await createSampleInstance(h, 'forwarder');
      const inst = await createSampleInstance(h, 'nat');
      await h.app.inject({ method: 'DELETE', url: `/vnflcm/v1/vnf_instances/${inst.id}`, headers: AUTH });
      const deadline = Date.now() + 10_000;
      while (second.received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(
        second.received.map((r) => `${String(r.body['notificationType'])}:${String(r.body['vnfInstanceId'])}`),
      ).toEqual([`VnfIdentifierCreationNotification:${inst.id}`, `VnfIdentifierDeletionNotification:${inst.id}`]);
      expect(second.received.some((r) => r.body['vnfInstanceId'] === other.id)).toBe(false);
    } finally {
      await second.stop();
    }
  });

  it('a creation or deletion whose API process died before notifying is notified by the sweep, same id', async () => {
    const third = new Consumer();
    await third.start();
    try {
      const types = ['VnfIdentifierCreationNotification', 'VnfIdentifierDeletionNotification'];
      const sub = await subscribe({ callbackUri: third.url, filter: { notificationTypes: types } });
      expect(sub.statusCode).toBe(201);
      const owedKey = `${h.prefix}:lcm:owed`;
      const inst = await createSampleInstance(h, 'nat');
      // the API's own path: owed before the create, published, then no longer owed
      expect(await h.redis.hgetall(owedKey)).toEqual({});
      const wait = async (n: number) => {
        const deadline = Date.now() + 10_000;
        while (third.received.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      };
      await wait(1);
      // a process that died after storing: the creation is owed (since a minute ago), and a deletion of an instance
      // now gone, with its identity; and two whose change never happened (dropped)
      const past = new RedisAnnouncements(h.redis, h.prefix, () => Date.now() - 60_000);
      const goneId = randomUUID();
      await past.intend('created', inst.id);
      await past.intend('deleted', goneId, { vnfdId: h.vnfdIds['nat'] });
      await past.intend('created', randomUUID());
      await past.intend('deleted', inst.id, { vnfdId: h.vnfdIds['nat'] });
      const owed = new RedisAnnouncements(h.redis, h.prefix);
      const published = await publishOwed({ instances: h.instances, notifier: h.deps.notifier, owed }, Date.now());
      expect(published.sort()).toEqual([`created:${inst.id}`, `deleted:${goneId}`].sort());
      expect(await h.redis.hgetall(owedKey)).toEqual({});
      await wait(3);
      const bodies = third.received.map((r) => r.body);
      // the sweep publishes the owed ones in no particular order (they concern different instances)
      expect(bodies.map((b) => `${String(b['notificationType'])}:${String(b['vnfInstanceId'])}`).sort()).toEqual(
        [
          `VnfIdentifierCreationNotification:${inst.id}`,
          `VnfIdentifierCreationNotification:${inst.id}`,
          `VnfIdentifierDeletionNotification:${goneId}`,
        ].sort(),
      );
      // the same notification again: the same id, so the consumer can tell
      const creations = bodies.filter((b) => b['notificationType'] === 'VnfIdentifierCreationNotification');
      expect(creations[1]!['id']).toBe(creations[0]!['id']);
    } finally {
      await third.stop();
    }
  });

  it('OAUTH2_CLIENT_CREDENTIALS to the consumer: a token from its endpoint, sent as Bearer', async () => {
    const third = new Consumer();
    await third.start();
    try {
      const tokenEndpoint = third.url.replace('/notify', '/token');
      const sub = await subscribe({
        callbackUri: third.url,
        filter: { notificationTypes: ['VnfIdentifierCreationNotification'] },
        authentication: {
          authType: ['OAUTH2_CLIENT_CREDENTIALS'],
          paramsOauth2ClientCredentials: { clientId: 'vnfm-client', clientPassword: 'client-pw', tokenEndpoint },
        },
      });
      expect(sub.statusCode).toBe(201);
      expect(sub.body).not.toContain('client-pw');
      await h.app.inject({
        method: 'POST',
        url: '/vnflcm/v1/vnf_instances',
        headers: AUTH,
        payload: { vnfdId: h.vnfdIds['forwarder'] },
      });
      const deadline = Date.now() + 10_000;
      while (third.received.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(third.received[0]?.auth).toBe('Bearer tok-123');
    } finally {
      await third.stop();
    }
  });

  it('filters: an operation type not subscribed is not sent', async () => {
    const n = consumer.received.length;
    const inst = await createSampleInstance(h, 'firewall');
    const mod = await h.app.inject({
      method: 'PATCH',
      url: `/vnflcm/v1/vnf_instances/${inst.id}`,
      headers: AUTH,
      payload: { vnfInstanceDescription: 'x' },
    });
    await waitForOp(h, mod.headers['location'] as string, ['COMPLETED']);
    await new Promise((r) => setTimeout(r, 500));
    expect(consumer.received.length).toBe(n);
  });
});
