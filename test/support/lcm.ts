import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type Redis from 'ioredis';
import { buildApp, hashSecret, type ApiApp, type AuthSettings } from '../../src/api';
import { createRedisClient, RedisRepository, SecretBox, type RedisTarget } from '../../src/store';
import type { FastifyBaseLogger } from 'fastify';
import { buildGraph, type Graph } from '../../src/composition/graph';
import { openStackVimOptions, VimFactory } from '../../src/composition/vims';
import { loadConfig } from '../../src/config';
import type { StoredSubscription } from '../../src/domain/subscription';
import { HttpVnfAgentFactory } from '../../src/agent';
import { EmulatedCloud, EmulatedVim } from '../../src/emulator';
import type { LcmDeps } from '../../src/lcm/deps';
import type { MonitorOptions } from '../../src/lcm/monitor/monitor';
import { onboardSamples } from '../../src/lcm/packages/onboard-samples';
import type { Granter } from '../../src/ports/granter';
import type { NfvoPackageSource, NfvoPackageSubscriptions } from '../../src/ports/nfvo-packages';
import type { NotificationEvent, Notifier } from '../../src/ports/lcm';
import type { RedisVnfInstanceRepository } from '../../src/store';
import { loadTypeLibrary } from '../../src/tosca';
import type { VnfLcmOpOcc } from '../../src/domain/lcm-op-occ';
import type { VnfInstance, VnfcResourceInfo } from '../../src/domain/vnf-instance';

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
  /** The production graph the harness built (e.g. its keepNfvoSubscription). */
  graph: Graph;
  stopWorker(): Promise<void>;
  startWorker(): void;
  close(): Promise<void>;
}

export type HarnessOptions = NonNullable<Parameters<typeof buildLcmHarness>[1]>;

/** A VNFM on a real Redis, the emulated cloud, BullMQ and a worker in this process, with the samples onboarded. */
export async function buildLcmHarness(
  /** A redis URL, or a target (e.g. a Sentinel master group, test/support/sentinel.ts). */
  redisAt: string | RedisTarget,
  options: {
    worker?: boolean;
    prefix?: string;
    cloud?: EmulatedCloud;
    subscriptions?: boolean;
    auth?: AuthSettings;
    webDir?: string;
    granter?: Granter;
    nfvoPackages?: NfvoPackageSource;
    /** The NFVO's package notification subscriptions (the callback route and keepNfvoSubscription). */
    nfvoSubscriptions?: NfvoPackageSubscriptions;
    /** The key that seals credentials (processes of one deployment share it); a new one by default. */
    box?: SecretBox;
    /** A pino logger for the graph and the API's request log (e.g. one that captures the lines). */
    log?: FastifyBaseLogger;
    /** Serve the VIMs a request's vimConnectionInfo names too (emulated clouds, or OpenStack). */
    vims?: boolean;
    /** Run the monitor in the worker (src/lcm/monitor), with these options. */
    monitor?: Partial<MonitorOptions>;
  } = {},
): Promise<LcmHarness> {
  const redisTarget: RedisTarget = typeof redisAt === 'string' ? { kind: 'url', url: redisAt } : redisAt;
  // the production factory (src/store/redis-connection.ts), as every connection of the graph
  const redis = createRedisClient(redisTarget, options.log !== undefined ? { log: options.log } : {});
  const prefix = options.prefix ?? `{l${randomBytes(4).toString('hex')}}`;
  const cloud = options.cloud ?? new EmulatedCloud({ vmReadyDelayMs: 50 });
  if (options.cloud === undefined) await cloud.start();
  const library = loadTypeLibrary();
  // credentials sealed at rest, as in production
  const box = options.box ?? new SecretBox(randomBytes(32));
  const publicUrl = 'http://vnfm.test';
  const notifier = new RecordingNotifier();
  // the production graph (src/composition/graph.ts), with the test's VIM, agents, readiness and notifier
  const vim = new EmulatedVim(cloud.url);
  const graph = buildGraph({
    redis,
    redisTarget,
    prefix,
    box,
    library,
    publicUrl,
    vim,
    ...(options.vims === true ? { vims: new VimFactory(openStackVimOptions(loadConfig({}))) } : {}),
    agents: new HttpVnfAgentFactory({ timeoutMs: 3000 }),
    readiness: { graceMs: 0, intervalMs: 50, deadlineMs: 5000 },
    ...(options.subscriptions === true ? { notifierRetry: { attempts: 40, backoffMs: 100 } } : { notifier }),
    packageLimitBytes: 1 << 24,
    ...(options.webDir !== undefined ? { webDir: options.webDir } : {}),
    ...(options.granter !== undefined ? { granter: options.granter } : {}),
    ...(options.nfvoPackages !== undefined ? { nfvoPackages: options.nfvoPackages } : {}),
    ...(options.nfvoSubscriptions !== undefined ? { nfvoSubscriptions: options.nfvoSubscriptions } : {}),
    ...(options.log !== undefined ? { log: options.log } : {}),
    ...(options.monitor !== undefined ? { monitor: options.monitor } : {}),
  });
  const { deps, instances, subscriptions } = graph;
  const samples = await onboardSamples(graph.packages, library, join(__dirname, '../../vnfd'), async () => true);
  const vnfdIds: Record<string, string> = {};
  for (const s of samples) {
    const pkg = await graph.packages.get(s.vnfPkgId ?? '');
    if (pkg?.doc.vnfdId) vnfdIds[s.name] = pkg.doc.vnfdId;
  }
  adminHash ??= hashSecret('pw');
  readerHash ??= hashSecret('rpw');
  const users = [
    { name: 'admin', passwordHash: adminHash, roles: ['admin'] },
    { name: 'reader', passwordHash: readerHash, roles: ['reader'] },
  ];
  const auth = options.auth ?? {
    basic: true,
    oauth2: false,
    tokenTtlSeconds: 60,
    tokenKey: randomBytes(32),
    users,
    clients: [],
  };
  const app = await buildApp({
    instances,
    packages: graph.catalog,
    publicUrl,
    auth,
    events: graph.events,
    routes: graph.routes,
    ...(options.log !== undefined ? { loggerInstance: options.log } : {}),
  });
  let stopWorkers: (() => Promise<void>) | undefined;
  const startWorker = (): void => {
    stopWorkers = graph.startWorkers({
      lockDurationMs: 5000,
      stalledIntervalMs: 1000,
      ...(options.monitor !== undefined ? { monitor: options.monitor } : {}),
    });
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
    graph,
    startWorker,
    stopWorker: async () => {
      await stopWorkers?.();
      stopWorkers = undefined;
    },
    async close() {
      await stopWorkers?.();
      await graph.close();
      await app.close();
      if (options.cloud === undefined) await cloud.stop();
      redis.disconnect();
    },
  };
}

/** Polls an op-occ until it reaches one of the states (or fails the test after the timeout). */
export async function waitForOp(
  h: LcmHarness,
  location: string,
  states: string[],
  timeoutMs = 20_000,
): Promise<VnfLcmOpOcc> {
  const url = new URL(location).pathname;
  const deadline = Date.now() + timeoutMs;
  let last: VnfLcmOpOcc | undefined;
  while (Date.now() < deadline) {
    last = (await h.app.inject({ method: 'GET', url, headers: AUTH })).json() as VnfLcmOpOcc;
    if (states.includes(last.operationState)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `op-occ ${url} did not reach ${states.join('|')} in ${timeoutMs} ms; ` +
      `it is ${last?.operationState ?? '?'} ${JSON.stringify(last?.error ?? '')}`,
  );
}

/** POST /vnf_instances for a sample package (by its name, e.g. `forwarder`), as an NFVO would; the created instance. */
export async function createSampleInstance(
  h: LcmHarness,
  sample: string,
  extra: Record<string, unknown> = {},
): Promise<VnfInstance> {
  const payload = { vnfdId: h.vnfdIds[sample], ...extra };
  const res = await h.app.inject({ method: 'POST', url: '/vnflcm/v1/vnf_instances', headers: AUTH, payload });
  if (res.statusCode !== 201) throw new Error(`creating a ${sample} instance: ${res.statusCode} ${res.body}`);
  return res.json() as VnfInstance;
}

/** POST .../instantiate of flavour `simple`, as an NFVO would; the answer (202 with the op-occ's Location). */
export function requestInstantiate(h: LcmHarness, instanceId: string) {
  return h.app.inject({
    method: 'POST',
    url: `/vnflcm/v1/vnf_instances/${instanceId}/instantiate`,
    headers: AUTH,
    payload: { flavourId: 'simple' },
  });
}

/** A VNFC's agent, from what the instance records (the emulated VMs answer as the real ones). */
export function agentOf(v: VnfcResourceInfo) {
  const md = v.metadata as { managementAddress: string; managementPort: number };
  return new HttpVnfAgentFactory().forEndpoint({
    address: md.managementAddress,
    port: md.managementPort,
    dialect: 'click-plugin',
  });
}

/**
 * An INSTANTIATE op-occ document (flavour `simple`) as startOperation stores one, for tests that store it themselves:
 * a new id, STARTING, entered `ageMs` ago; `over` replaces any field.
 */
export function instantiateOpOcc(vnfInstanceId: string, over: Partial<VnfLcmOpOcc> = {}, ageMs = 0): VnfLcmOpOcc {
  const at = new Date(Date.now() - ageMs).toISOString();
  return {
    id: randomUUID(),
    operationState: 'STARTING',
    stateEnteredTime: at,
    startTime: at,
    vnfInstanceId,
    operation: 'INSTANTIATE',
    isAutomaticInvocation: false,
    operationParams: { flavourId: 'simple' },
    isCancelPending: false,
    ...over,
  };
}
