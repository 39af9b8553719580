import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { auditState, settle, type StateAudit } from './audit';
import { ChaosClient } from './client';
import { Cluster, PASSWORD, PREFIX, USER } from './cluster';
import { Lane, newLaneStats, type LaneStats } from './lanes';
import { auditNotifications, type NotificationAudit } from './notifications';
import { Random } from './random';
import { Receiver } from './receiver';
import type { FaultProxyStats } from './fault-proxy';

export interface ChaosOptions {
  /** The built CLI: dist/src/cli/index.js. */
  cli: string;
  lanes: number;
  /** Lanes start no new cycle after this long and once every fault was injected; the faults are planned over it. */
  durationMs: number;
  /** Lanes start no new cycle once this many operations were started (default: no limit). */
  maxOps?: number;
  /** SIGKILLs of VNFM processes (API or worker, drawn evenly), spread over the duration. */
  kills: number;
  redisRestarts: number;
  /** Fraction of the workers' requests to the cloud that get a fault. */
  vimFaultRate: number;
  seed: number;
  apis?: number;
  workers?: number;
  /** An op-occ in one running state this long is stuck (default 60 s). */
  stuckMs?: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  options: Omit<ChaosOptions, 'cli' | 'log'>;
  seconds: number;
  lanes: LaneStats;
  kills: { apiKills: number; workerKills: number; redisKills: number };
  crashes: string[];
  vim: FaultProxyStats;
  state: Omit<StateAudit, 'opOccs' | 'instances'> & { opOccs: number; instances: number };
  notifications: NotificationAudit;
  /** Why the audit is not clean (empty: clean). */
  problems: string[];
  /** Where the processes' logs are (kept when the audit is not clean). */
  dir: string;
}

interface FaultPlan {
  at: number;
  kind: 'api' | 'worker' | 'redis';
}

function plan(o: ChaosOptions, random: Random): FaultPlan[] {
  const out: FaultPlan[] = [];
  for (let i = 0; i < o.kills; i++)
    out.push({ at: ((i + random.next()) / o.kills) * o.durationMs, kind: random.chance(0.5) ? 'api' : 'worker' });
  for (let j = 0; j < o.redisRestarts; j++)
    out.push({ at: ((j + 0.5) / o.redisRestarts) * o.durationMs, kind: 'redis' });
  return out.sort((a, b) => a.at - b.at);
}

/** The faults, at their planned times, one after another, until the plan ends or `done` says so. */
async function inject(cluster: Cluster, faults: FaultPlan[], random: Random, t0: number, done: () => boolean) {
  for (const f of faults) {
    while (Date.now() - t0 < f.at && !done()) await delay(50);
    if (done()) return;
    if (f.kind === 'redis') await cluster.killRedis(random.int(500, 2000));
    else await cluster.killOne(f.kind, random.int(100, 1000));
  }
}

/** Waits until every op-occ's final state was notified and nothing more comes for 3 s (at most `ms`). */
async function notificationsSettle(r: Receiver, opOccs: StateAudit['opOccs'], ms: number): Promise<void> {
  const until = Date.now() + ms;
  let count = -1;
  let quietSince = Date.now();
  while (Date.now() < until) {
    const finals = new Set(r.received.map((x) => `${x.vnfLcmOpOccId ?? ''}:${x.operationState ?? ''}`));
    const all = opOccs.every((o) => finals.has(`${o.id}:${o.operationState}`));
    if (r.received.length !== count) [count, quietSince] = [r.received.length, Date.now()];
    if (all && Date.now() - quietSince > 3000) return;
    await delay(250);
  }
}

/**
 * One chaos run: the cluster (cluster.ts) on the emulated cloud behind the fault proxy, a subscriber, N lanes of
 * LCM operations (lanes.ts) while VNFM processes and redis-server are SIGKILLed on a seeded plan; then the audit
 * (audit.ts, notifications.ts) once everything settled. `problems` is empty when the audit is clean.
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const log = o.log ?? (() => undefined);
  const random = new Random(o.seed);
  const dir = mkdtempSync(join(tmpdir(), 'clickvnfm-chaos-'));
  const cluster = new Cluster({
    cli: o.cli,
    dir,
    apis: o.apis ?? 2,
    workers: o.workers ?? 2,
    vimFaultRate: o.vimFaultRate,
    random,
  });
  const receiver = new Receiver();
  const t0 = Date.now();
  let clean = false;
  try {
    await receiver.start();
    await cluster.start();
    log(`cluster up in ${Date.now() - t0} ms (${dir})`);
    const c = new ChaosClient(() => cluster.apiUrls(), USER, PASSWORD);
    const sub = await c.once('POST', '/vnflcm/v1/subscriptions', { callbackUri: receiver.url });
    if (sub.kind !== 'answer' || sub.status !== 201) throw new Error(`subscribing failed: ${JSON.stringify(sub)}`);
    const pkgs = await c.list<{ vnfdId?: string; onboardingState?: string }>('/vnfpkgm/v1/vnf_packages');
    const vnfdIds = pkgs.filter((p) => p.onboardingState === 'ONBOARDED' && p.vnfdId).map((p) => p.vnfdId as string);
    if (vnfdIds.length === 0) throw new Error('no sample package was onboarded');
    const stats = newLaneStats();
    const start = Date.now();
    const laneOptions = {
      vnfdIds,
      until: start + o.durationMs,
      maxOps: o.maxOps ?? Number.POSITIVE_INFINITY,
      stuckMs: o.stuckMs ?? 60_000,
      maxRetries: 5,
      faults: { done: false },
    };
    let lanesDone = false;
    const faults = inject(cluster, plan(o, random), random, start, () => lanesDone).finally(
      () => (laneOptions.faults.done = true),
    );
    const progress = setInterval(() => {
      const k = cluster.counts;
      log(
        `  ${Math.round((Date.now() - start) / 1000)} s: ${stats.started} ops started, ${stats.retries} retries,` +
          ` kills api ${k.apiKills} worker ${k.workerKills} redis ${k.redisKills},` +
          ` ${stats.violations.length} violations`,
      );
    }, 15_000);
    await Promise.all(Array.from({ length: o.lanes }, (_, n) => new Lane(n, c, laneOptions, stats).run()));
    lanesDone = true;
    await faults;
    clearInterval(progress);
    log(`lanes done after ${Math.round((Date.now() - start) / 1000)} s; settling`);
    await cluster.allUp();
    await settle(c, o.stuckMs ?? 60_000);
    let state = await auditState(c, cluster.cloud.url, cluster.redis.url, PREFIX);
    await notificationsSettle(receiver, state.opOccs, 60_000);
    // read again: a notification may have been waiting for a state the first read did not yet show
    state = await auditState(c, cluster.cloud.url, cluster.redis.url, PREFIX);
    const existing = new Set(state.instances.map((i) => i.id));
    const notifications = auditNotifications(receiver.received, state.opOccs, stats.instances, existing);
    const problems = [
      ...stats.violations,
      ...state.stuck.map((s) => `stuck: ${s}`),
      ...state.leaked.map((s) => `leaked: ${s}`),
      ...state.duplicates.map((s) => `duplicate: ${s}`),
      ...notifications.violations.map((s) => `notification: ${s}`),
    ];
    clean = problems.length === 0;
    const { opOccs, instances, ...rest } = state;
    const { cli: _cli, log: _log, ...options } = o;
    return {
      options,
      seconds: Math.round((Date.now() - t0) / 100) / 10,
      lanes: stats,
      kills: { ...cluster.counts },
      crashes: [...cluster.crashes],
      vim: cluster.proxy.stats,
      state: { ...rest, opOccs: opOccs.length, instances: instances.length },
      notifications,
      problems,
      dir,
    };
  } finally {
    await cluster.stop().catch((err: unknown) => log(`stopping the cluster: ${String(err)}`));
    await receiver.stop();
    if (clean) rmSync(dir, { recursive: true, force: true });
  }
}
