import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import Redis from 'ioredis';
import { buildApp, hashSecret, type ApiApp, type ApiEvents, type AuthSettings, type RouteModule } from './api';
import type { Config } from './config';
import { credentialCodec, keptRandomSecret, loadOrCreateSecretKey, restrictToOwner, resealAll, RedisRateLimiter, startEmbeddedRedis, RedisVnfInstanceRepository, RedisVnfPackageRepository, SecretBox } from './store';
import type { VnfPackageRepository } from './ports/package-store';
import { defaultToscaDir, loadTypeLibrary, type TypeLibrary } from './tosca';
import { vnfPackageRoutes } from './api/routes/vnfpkgm/vnf-packages';
import { onboardSamples } from './lcm/packages/onboard-samples';
import { lcmTaskRoutes } from './api/routes/vnflcm/lcm-tasks';
import { opOccRoutes } from './api/routes/vnflcm/op-occs';
import { vnfcRoutes } from './api/routes/console/vnfc-routes';
import { consoleRoutes } from './api/routes/console/static';
import { HttpVnfAgentFactory } from './agent';
import { EmulatedCloud, EmulatedVim } from './emulator';
import type { LcmDeps } from './lcm/deps';
import { runJob } from './lcm/engine';
import { SubscriptionNotifier, startDeliveryWorker, callConsumer, type OutboundPolicy } from './notify';
import { subscriptionRoutes } from './api/routes/vnflcm/subscriptions';
import { RedisRepository } from './store';
import type { StoredSubscription } from './domain/subscription';
import { BullLcmQueue, startLcmWorker } from './queue';
import { RedisOpOccRepository } from './store';
import type { Vim } from './ports/vim';
import type { VnfAgentFactory } from './ports/vnf-agent';
import { OpenStackClient, OpenStackVim, resolveCloud } from './openstack';
import { processEnv } from './config';
import { homedir } from 'node:os';
import type { VnfInstanceRepository } from './ports/store';

/**
 * The composition root: reads the frozen Config, builds every adapter, wires them into the roles
 * asked for (`api`, `worker`, or `all`), and tears everything down in reverse order on stop().
 * The only module that knows every adapter.
 */
export type Role = 'api' | 'worker' | 'all';

export interface Vnfm {
  /** The HTTP address the API listens on (api and all roles). */
  url?: string;
  app?: ApiApp;
  redisUrl: string;
  stop(): Promise<void>;
}

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** What the roles share: built once per process. */
export interface Core {
  config: Readonly<Config>;
  redis: Redis;
  redisUrl: string;
  prefix: string;
  instances: VnfInstanceRepository;
  packages: VnfPackageRepository;
  /** Seals credentials at rest (VIM accessInfo, subscription secrets); key in varDir/secret.key or auth.secretKey. */
  box: SecretBox;
  library: TypeLibrary;
  publicUrl: string;
  log: Logger;
  /** Registers something to stop when the VNFM stops (in reverse order). */
  onStop(stop: () => Promise<void>): void;
  instrument: Instrument;
}

/** Wrappers around the VIM and the agents (benchmarks time the calls; tests may inject faults). */
export interface Instrument {
  vim?: (vim: Vim) => Vim;
  agents?: (agents: VnfAgentFactory) => VnfAgentFactory;
}

/**
 * A feature that plugs into the composition root: its API routes and, for the worker role, what it
 * starts. Features are listed in FEATURES below, in start order.
 */
export interface Feature {
  name: string;
  routes?(core: Core): RouteModule[] | Promise<RouteModule[]>;
  /** Hooks on API events (instance created or deleted). */
  events?(core: Core): Promise<ApiEvents>;
  /** Starts the feature's background work in the worker role; returns its stop function. */
  startWorker?(core: Core): Promise<() => Promise<void>>;
  /** Runs once at start in every role after the store is up (e.g. onboarding sample packages). */
  init?(core: Core): Promise<void>;
}

/** VNF packages: the /vnfpkgm/v1 API, and the sample packages onboarded at start. */
const packagesFeature: Feature = {
  name: 'packages',
  routes: (core) => [vnfPackageRoutes({ packages: core.packages, library: core.library, packageLimitBytes: core.config.api.packageLimitBytes })],
  init: async (core) => {
    if (!core.config.onboardSamples) return;
    const vnfdDir = join(dirname(defaultToscaDir()), 'vnfd');
    const lock = async (): Promise<boolean> => (await core.redis.set(`${core.prefix}:samples-lock`, '1', 'EX', 60, 'NX')) === 'OK';
    for (const r of await onboardSamples(core.packages, core.library, vnfdDir, lock, core.publicUrl)) {
      if (r.result === 'failed') core.log.warn(`sample package ${r.name} was not onboarded: ${r.detail ?? ''}`);
      else if (r.result === 'onboarded') core.log.info(`sample package ${r.name} onboarded and enabled (vnfPkgId ${r.vnfPkgId ?? ''})`);
    }
  },
};

/**
 * Lifecycle management: the task and op-occ endpoints (api role) and the BullMQ worker (worker role),
 * on the configured VIM. The emulated VIM runs in-process unless vim.emulatedCloudUrl names one.
 */
function lcmFeature(): Feature {
  let deps: LcmDeps | undefined;
  const build = async (core: Core): Promise<LcmDeps> => {
    if (deps !== undefined) return deps;
    const built = await buildVim(core);
    const vim = core.instrument.vim ? core.instrument.vim(built) : built;
    const bull = { connection: new Redis(core.redisUrl, { maxRetriesPerRequest: null }), prefix: `${core.prefix}:bull` };
    const queue = new BullLcmQueue(bull);
    const notifier = new SubscriptionNotifier(core.redis, core.prefix, subscriptionsOf(core), core.instances, core.publicUrl, bull);
    core.onStop(async () => {
      await notifier.close();
      await queue.close();
      bull.connection.disconnect();
    });
    deps = {
      instances: core.instances,
      opOccs: new RedisOpOccRepository(core.redis, core.prefix, core.box),
      packages: core.packages,
      library: core.library,
      vim,
      agents: core.instrument.agents ? core.instrument.agents(new HttpVnfAgentFactory()) : new HttpVnfAgentFactory(),
      queue,
      notifier,
      publicUrl: core.publicUrl,
      // the emulated VMs answer as soon as they listen: no 10 s grace needed
      ...(vim.kind === 'emulated' ? { readiness: { graceMs: 0, intervalMs: 200, deadlineMs: 30_000 } } : {}),
    };
    return deps;
  };
  return {
    name: 'lcm',
    routes: async (core) => {
      const d = await build(core);
      return [lcmTaskRoutes(d), opOccRoutes(d), vnfcRoutes(d), consoleRoutes(webDir()), subscriptionRoutes({ subscriptions: subscriptionsOf(core), testCallback: (sub) => callConsumer('GET', sub.callbackUri, sub.authentication, undefined, [204], outboundPolicy(core)) })];
    },
    events: async (core) => {
      const d = await build(core);
      const identity = (i: { vnfdId: string; vnfProvider: string; vnfProductName: string }) => ({ vnfdId: i.vnfdId, vnfProvider: i.vnfProvider, vnfProductName: i.vnfProductName });
      return {
        instanceCreated: (i) => d.notifier.publish({ notificationType: 'VnfIdentifierCreationNotification', vnfInstanceId: i.id, instance: identity(i) }),
        instanceDeleted: (i) => d.notifier.publish({ notificationType: 'VnfIdentifierDeletionNotification', vnfInstanceId: i.id, instance: identity(i) }),
      };
    },
    startWorker: async (core) => {
      const d = await build(core);
      const connection = new Redis(core.redisUrl, { maxRetriesPerRequest: null });
      const w = core.config.worker;
      const worker = startLcmWorker((id, kind) => runJob(d, id, kind), { connection, prefix: `${core.prefix}:bull`, concurrency: w.concurrency, lockDurationMs: w.lockDurationMs, stalledIntervalMs: w.stalledIntervalMs });
      const deliveryConnection = new Redis(core.redisUrl, { maxRetriesPerRequest: null });
      const delivery = startDeliveryWorker(core.redis, core.prefix, subscriptionsOf(core), { connection: deliveryConnection, prefix: `${core.prefix}:bull` }, outboundPolicy(core));
      core.log.info(`LCM worker running on the ${d.vim.kind} VIM`);
      return async () => {
        await worker.close();
        await delivery.close();
        connection.disconnect();
        deliveryConnection.disconnect();
      };
    },
  };
}

/**
 * Seals credentials that an earlier version stored in clear (once per Redis: a flag key records it;
 * one process at a time under a lock). The embedded Redis then rewrites its AOF so that the old clear
 * values leave the disk too; an external Redis is the operator's to rewrite.
 */
async function sealStoredCredentials(core: Core, instances: RedisVnfInstanceRepository, embedded: boolean): Promise<void> {
  const flag = `${core.prefix}:credentials-sealed:v1`;
  if ((await core.redis.exists(flag)) === 1) return;
  if ((await core.redis.set(`${flag}:lock`, String(process.pid), 'EX', 600, 'NX')) !== 'OK') return;
  const counts = [
    await resealAll(instances),
    await resealAll(new RedisOpOccRepository(core.redis, core.prefix, core.box)),
    await resealAll(subscriptionsOf(core)),
  ];
  await core.redis.set(flag, new Date().toISOString());
  await core.redis.del(`${flag}:lock`);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total > 0) {
    core.log.info(`credentials at rest: ${total} stored documents rewritten with their credentials sealed`);
    if (embedded) await core.redis.bgrewriteaof();
  }
}

/** Where notifications and callback tests may go (link-local and metadata addresses refused unless configured). */
function outboundPolicy(core: Core): OutboundPolicy {
  return { allowLinkLocal: core.config.notifications.allowLinkLocal };
}

function subscriptionsOf(core: Core): RedisRepository<StoredSubscription> {
  return new RedisRepository<StoredSubscription>(core.redis, { prefix: core.prefix, name: 'sub', codec: credentialCodec<StoredSubscription>(core.box) });
}

async function buildVim(core: Core): Promise<Vim> {
  const v = core.config.vim;
  if (v.kind === 'openstack') {
    // clouds.yaml (OS_CLOUD / vim.cloud) or the OS_* variables, as OpenStack users write them
    const cloud = resolveCloud(processEnv(), { ...(v.cloud !== undefined ? { cloudName: v.cloud } : {}), home: homedir(), cwd: process.cwd() });
    const client = await OpenStackClient.connect(cloud);
    core.log.info(`OpenStack VIM: ${cloud.auth.authUrl} (${cloud.source}), management network ${v.managementNetwork}`);
    return new OpenStackVim(client, {
      managementNetwork: v.managementNetwork,
      vnfmCidr: v.vnfmCidr,
      stackTimeoutMs: v.stackTimeoutSeconds * 1000,
      pollMaxMs: v.pollMaxMs,
      ...(v.defaultDataNetwork !== undefined ? { defaultDataNetwork: v.defaultDataNetwork } : {}),
    });
  }
  if (core.config.vim.emulatedCloudUrl !== undefined) return new EmulatedVim(core.config.vim.emulatedCloudUrl);
  const cloud = new EmulatedCloud({ vmReadyDelayMs: 500 });
  const url = await cloud.start();
  core.onStop(() => cloud.stop());
  core.log.info(`emulated VIM on ${url} (each VNFC is an emulated Click-on-OSv VM on 127.0.0.1)`);
  return new EmulatedVim(url);
}

/** The features, in start order: built anew for every VNFM started (no state shared between two). */
function buildFeatures(): Feature[] {
  return [packagesFeature, lcmFeature()];
}

/** What happens when the VNFM cannot go on (its embedded Redis keeps dying): by default the process exits 1. */
export type OnFatal = (reason: string) => void;
const exitOnFatal: OnFatal = () => process.exit(1);

export async function startVnfm(config: Readonly<Config>, role: Role, log: Logger = consoleLogger, instrument: Instrument = {}, onFatal: OnFatal = exitOnFatal): Promise<Vnfm> {
  const FEATURES = buildFeatures();
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch((err: unknown) => log.error(`stop: ${String(err)}`));
  };
  try {
    const varDir = resolve(config.varDir);
    // keys, hashes and the Redis data: readable by the owner only
    restrictToOwner(varDir);
    let redisUrl = config.redis.url;
    if (redisUrl === undefined) {
      // supervised: restarted when it dies (its AOF keeps the state); past the restart budget the VNFM stops
      const embedded = await startEmbeddedRedis({
        varDir,
        log,
        onFatal: (reason) => {
          log.error(`stopping the VNFM: ${reason}`);
          void stopAll().finally(() => onFatal(reason));
        },
      });
      stops.push(() => embedded.stop());
      redisUrl = embedded.url; // NOTE: carries the generated password; never log it (embedded.address is loggable)
    }
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    stops.push(async () => void redis.disconnect());
    const prefix = config.redis.prefix;
    // NOTE: API and worker processes on other machines must share this key (auth.secretKey), as they share token.key
    const box = new SecretBox(loadOrCreateSecretKey(varDir, config.auth.secretKey));
    const instances = new RedisVnfInstanceRepository(redis, prefix, box);
    const core: Core = {
      config,
      redis,
      redisUrl,
      prefix,
      instances,
      packages: new RedisVnfPackageRepository(redis, prefix),
      box,
      library: loadTypeLibrary(),
      publicUrl: config.publicUrl ?? `http://${config.listen.host}:${config.listen.port}`,
      log,
      onStop: (stop) => void stops.push(stop),
      instrument,
    };
    await sealStoredCredentials(core, instances, config.redis.url === undefined);
    for (const f of FEATURES) await f.init?.(core);

    const vnfm: Vnfm = { redisUrl, stop: stopAll };
    if (role === 'worker' || role === 'all') {
      for (const f of FEATURES) if (f.startWorker) stops.push(await f.startWorker(core));
    }
    if (role === 'api' || role === 'all') {
      const auth = loadAuth(config, varDir, log);
      const routes: RouteModule[] = [];
      for (const f of FEATURES) if (f.routes) routes.push(...(await f.routes(core)));
      const events: ApiEvents = {};
      for (const f of FEATURES) if (f.events) Object.assign(events, await f.events(core));
      const publicUrl = core.publicUrl;
      const app = await buildApp({
        instances: core.instances,
        packages: core.packages,
        auth,
        publicUrl,
        pageSize: config.api.pageSize,
        bodyLimitBytes: config.api.bodyLimitBytes,
        tokenLimits: {
          perAddress: new RedisRateLimiter(core.redis, prefix, config.auth.tokenRequestsPerAddressPerMinute, 60_000),
          failuresPerClient: new RedisRateLimiter(core.redis, prefix, config.auth.tokenFailuresPerClientPerMinute, 60_000),
        },
        routes,
        events,
        logger: { level: config.log.level, redact: ['req.headers.authorization', 'req.headers.cookie'] },
      });
      stops.push(() => app.close());
      const address = await app.listen({ host: config.listen.host, port: config.listen.port });
      vnfm.url = address;
      vnfm.app = app;
      log.info(`VNFM API (SOL003 ${'1.3.0'}) on ${address}; OpenAPI at ${address}/docs`);
    }
    return vnfm;
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The console's bundle: dist/web beside dist/src (from the build), or the repository's dist/web (from sources). */
function webDir(): string {
  const candidates = [join(__dirname, '..', 'web'), join(__dirname, '..', 'dist', 'web')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? (candidates[0] as string);
}

/**
 * Auth settings: the configured users and clients, plus on the first start a generated admin client
 * whose secret is printed once (only its scrypt hash is kept, in varDir/auth.json), and the token key.
 */
function loadAuth(config: Readonly<Config>, varDir: string, log: Logger): AuthSettings {
  const tokenKey = Buffer.from(keptRandomSecret(join(varDir, 'token.key'), 32, 'base64'), 'base64');
  const authFile = join(varDir, 'auth.json');
  if (!existsSync(authFile) && config.auth.clients.length === 0 && config.auth.users.length === 0) {
    const id = 'clickvnfm-admin';
    const secret = randomBytes(18).toString('base64url');
    writeFileSync(authFile, JSON.stringify({ clients: [{ id, secretHash: hashSecret(secret), roles: ['admin'] }] }, null, 2), { mode: 0o600 });
    const base = config.publicUrl ?? `http://${config.listen.host}:${config.listen.port}`;
    log.warn(
      [
        '',
        '  First start: an admin API client was generated. Its secret is shown only now; keep it.',
        `    client id:     ${id}`,
        `    client secret: ${secret}`,
        '  Get a token and call the API:',
        `    TOKEN=$(curl -s -u ${id}:${secret} -d grant_type=client_credentials ${base}/oauth2/token | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')`,
        `    curl -H "Authorization: Bearer $TOKEN" ${base}/vnflcm/v1/vnf_instances`,
        '',
      ].join('\n'),
    );
  }
  const stored = existsSync(authFile)
    ? (JSON.parse(readFileSync(authFile, 'utf8')) as { clients?: AuthSettings['clients']; users?: AuthSettings['users'] })
    : {};
  return {
    basic: config.auth.basic,
    oauth2: config.auth.oauth2,
    tokenTtlSeconds: config.auth.tokenTtlSeconds,
    tokenKey,
    users: [...config.auth.users, ...(stored.users ?? [])],
    clients: [...config.auth.clients, ...(stored.clients ?? [])],
  };
}

const consoleLogger: Logger = {
  info: (m) => process.stdout.write(`${m}\n`),
  warn: (m) => process.stdout.write(`${m}\n`),
  error: (m) => process.stderr.write(`${m}\n`),
};
