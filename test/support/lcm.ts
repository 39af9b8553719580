import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import { buildApp, hashSecret, type ApiApp } from '../../src/api';
import { lcmTaskRoutes } from '../../src/api/routes/vnflcm/lcm-tasks';
import { opOccRoutes } from '../../src/api/routes/vnflcm/op-occs';
import { subscriptionRoutes } from '../../src/api/routes/vnflcm/subscriptions';
import { SubscriptionNotifier, startDeliveryWorker, callConsumer } from '../../src/notify';
import { credentialCodec, RedisRepository, SecretBox } from '../../src/store';
import type { StoredSubscription } from '../../src/domain/subscription';
import { vnfPackageRoutes } from '../../src/api/routes/vnfpkgm/vnf-packages';
import { HttpVnfAgentFactory } from '../../src/agent';
import { EmulatedCloud, EmulatedVim } from '../../src/emulator';
import type { LcmDeps } from '../../src/lcm/deps';
import { runJob } from '../../src/lcm/engine';
import { onboardSamples } from '../../src/lcm/packages/onboard-samples';
import type { NotificationEvent, Notifier } from '../../src/ports/lcm';
import { BullLcmQueue, startLcmWorker } from '../../src/queue';
import { RedisOpOccRepository, RedisVnfInstanceRepository, RedisVnfPackageRepository } from '../../src/store';
import { loadTypeLibrary } from '../../src/tosca';
import type { VnfLcmOpOcc } from '../../src/domain/lcm-op-occ';

export const AUTH = { authorization: 'Basic ' + Buffer.from('admin:pw').toString('base64') };
/** A user with role reader (may GET, nothing else). */
export const READER_AUTH = { authorization: 'Basic ' + Buffer.from('reader:rpw').toString('base64') };
let adminHash: string | undefined;
let readerHash: string | undefined;

/** Records what the engine publishes, in order (the delivery to subscribers is tested on its own). */
export class RecordingNotifier implements Notifier {
  readonly events: NotificationEvent[] = [];
  async publish(e: NotificationEvent): Promise<void> {
    this.events.push(structuredClone(e));
  }
}

export interface LcmHarness {
  app: ApiApp;
  deps: LcmDeps;
  cloud: EmulatedCloud;
  redis: Redis;
  prefix: string;
  notifier: RecordingNotifier;
  /** The key that seals credentials at rest in this harness (as production's varDir/secret.key). */
  box: SecretBox;
  instances: RedisVnfInstanceRepository;
  subscriptions: RedisRepository<StoredSubscription>;
  vnfdIds: Record<string, string>;
  stopWorker(): Promise<void>;
  startWorker(): void;
  close(): Promise<void>;
}

/** A VNFM on a real Redis, the emulated cloud, BullMQ and a worker in this process, with the samples onboarded. */
export async function buildLcmHarness(redisUrl: string, options: { worker?: boolean; prefix?: string; cloud?: EmulatedCloud; subscriptions?: boolean } = {}): Promise<LcmHarness> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const prefix = options.prefix ?? `{l${randomBytes(4).toString('hex')}}`;
  const cloud = options.cloud ?? new EmulatedCloud({ vmReadyDelayMs: 50 });
  if (options.cloud === undefined) await cloud.start();
  const library = loadTypeLibrary();
  const packages = new RedisVnfPackageRepository(redis, prefix);
  // credentials sealed at rest, as in production
  const box = new SecretBox(randomBytes(32));
  const instances = new RedisVnfInstanceRepository(redis, prefix, box);
  const publicUrl = 'http://vnfm.test';
  const notifier = new RecordingNotifier();
  // NOTE: BullMQ's worker blocks its connection while it waits for jobs: every user gets its own
  const connections: Redis[] = [];
  const connect = (): Redis => {
    const c = new Redis(redisUrl, { maxRetriesPerRequest: null });
    connections.push(c);
    return c;
  };
  const queue = new BullLcmQueue({ connection: connect(), prefix: `${prefix}:bull` });
  const subscriptions = new RedisRepository<StoredSubscription>(redis, { prefix, name: 'sub', codec: credentialCodec<StoredSubscription>(box) });
  const subNotifier = options.subscriptions === true ? new SubscriptionNotifier(redis, prefix, subscriptions, instances, publicUrl, { connection: connect(), prefix: `${prefix}:bull` }, { attempts: 40, backoffMs: 100 }) : undefined;
  const delivery = options.subscriptions === true ? startDeliveryWorker(redis, prefix, subscriptions, { connection: connect(), prefix: `${prefix}:bull` }) : undefined;
  const deps: LcmDeps = {
    instances,
    opOccs: new RedisOpOccRepository(redis, prefix, box),
    packages,
    library,
    vim: new EmulatedVim(cloud.url),
    agents: new HttpVnfAgentFactory({ timeoutMs: 3000 }),
    queue,
    notifier: subNotifier ?? notifier,
    publicUrl,
    readiness: { graceMs: 0, intervalMs: 50, deadlineMs: 5000 },
  };
  const samples = await onboardSamples(packages, library, join(__dirname, '../../vnfd'), async () => true, publicUrl);
  const vnfdIds: Record<string, string> = {};
  for (const s of samples) {
    const pkg = await packages.get(s.vnfPkgId ?? '');
    if (pkg?.doc.vnfdId) vnfdIds[s.name] = pkg.doc.vnfdId;
  }
  adminHash ??= hashSecret('pw');
  readerHash ??= hashSecret('rpw');
  const app = await buildApp({
    instances,
    packages,
    publicUrl,
    auth: { basic: true, oauth2: false, tokenTtlSeconds: 60, tokenKey: randomBytes(32), users: [
        { name: 'admin', passwordHash: adminHash, roles: ['admin'] },
        { name: 'reader', passwordHash: readerHash, roles: ['reader'] },
      ], clients: [] },
    events: {
      instanceCreated: (i) => deps.notifier.publish({ notificationType: 'VnfIdentifierCreationNotification', vnfInstanceId: i.id, instance: { vnfdId: i.vnfdId, vnfProvider: i.vnfProvider, vnfProductName: i.vnfProductName } }),
      instanceDeleted: (i) => deps.notifier.publish({ notificationType: 'VnfIdentifierDeletionNotification', vnfInstanceId: i.id, instance: { vnfdId: i.vnfdId, vnfProvider: i.vnfProvider, vnfProductName: i.vnfProductName } }),
    },
    routes: [
      lcmTaskRoutes(deps),
      opOccRoutes(deps),
      vnfPackageRoutes({ packages, library, packageLimitBytes: 1 << 24 }),
      subscriptionRoutes({ subscriptions, testCallback: (sub) => callConsumer('GET', sub.callbackUri, sub.authentication, undefined, [204]) }),
    ],
  });
  let worker: { close(force?: boolean): Promise<void> } | undefined;
  const startWorker = (): void => {
    worker = startLcmWorker((id, kind) => runJob(deps, id, kind), { connection: connect(), prefix: `${prefix}:bull`, lockDurationMs: 5000, stalledIntervalMs: 1000 });
  };
  if (options.worker !== false) startWorker();
  return {
    app,
    deps,
    cloud,
    redis,
    prefix,
    notifier,
    box,
    instances,
    subscriptions,
    vnfdIds,
    startWorker,
    stopWorker: async () => {
      await worker?.close(true);
      worker = undefined;
    },
    async close() {
      // force: a test may leave a job waiting for an agent that never answers
      await worker?.close(true);
      await delivery?.close(true);
      await subNotifier?.close();
      await queue.close();
      await app.close();
      if (options.cloud === undefined) await cloud.stop();
      redis.disconnect();
      for (const c of connections) c.disconnect();
    },
  };
}

/** Polls an op-occ until it reaches one of the states (or fails the test after the timeout). */
export async function waitForOp(h: LcmHarness, location: string, states: string[], timeoutMs = 20_000): Promise<VnfLcmOpOcc> {
  const url = new URL(location).pathname;
  const deadline = Date.now() + timeoutMs;
  let last: VnfLcmOpOcc | undefined;
  while (Date.now() < deadline) {
    last = (await h.app.inject({ method: 'GET', url, headers: AUTH })).json() as VnfLcmOpOcc;
    if (states.includes(last.operationState)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`op-occ ${url} did not reach ${states.join('|')} in ${timeoutMs} ms; it is ${last?.operationState ?? '?'} ${JSON.stringify(last?.error ?? '')}`);
}
