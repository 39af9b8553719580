import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { hashSecret } from '../../src/api';
import { startCloudProcess, type CloudProcess } from '../../src/emulator';
import { freePort } from '../../src/net/free-port';
import { RedisServer } from '../../src/store';
import { FaultProxy } from './fault-proxy';
import type { Random } from './random';

export const USER = 'chaos';
export const PASSWORD = 'chaos-pw';
export const PREFIX = '{chaos}';

export type Role = 'api' | 'worker';

/** One VNFM process (`clickvnfm serve --role api|worker`), restarted under the same name when killed. */
interface Member {
  name: string;
  role: Role;
  port?: number;
  child?: ChildProcess;
  exited?: Promise<void>;
  /** Set while we kill or stop it: any other exit is a crash. */
  expected?: boolean;
  /** The current process's log file. */
  log?: string;
}

export interface ClusterOptions {
  /** The built CLI (dist/src/cli/index.js). */
  cli: string;
  dir: string;
  apis: number;
  workers: number;
  vimFaultRate: number;
  random: Random;
  /** Each emulated VM's API comes up after this long. */
  vmReadyDelayMs?: number;
}

/**
 * The VNFM as the chaos run deploys it: a real redis-server with AOF on, the emulated cloud in its own process,
 * the fault proxy in front of it (the workers' VIM URL), API processes on fixed ports and worker processes, each
 * a child that can be SIGKILLed and started again.
 */
export class Cluster {
  redis!: RedisServer;
  cloud!: CloudProcess;
  proxy!: FaultProxy;
  private readonly members: Member[] = [];
  private readonly redisDir: string;
  private readonly configFile: string;
  private readonly varDir: string;
  private logSeq = 0;
  private stopping = false;
  readonly counts = { apiKills: 0, workerKills: 0, redisKills: 0 };
  /** VNFM processes that exited on their own (each is started again): which, and its log. */
  readonly crashes: string[] = [];

  constructor(private readonly o: ClusterOptions) {
    this.redisDir = join(o.dir, 'redis');
    this.varDir = join(o.dir, 'var');
    this.configFile = join(o.dir, 'vnfm.yaml');
  }

  /** API base URLs (the processes keep their port across restarts). */
  apiUrls(): string[] {
    return this.members.filter((m) => m.role === 'api').map((m) => `http://127.0.0.1:${m.port ?? 0}`);
  }

  async start(): Promise<void> {
    mkdirSync(join(this.o.dir, 'logs'), { recursive: true });
    mkdirSync(this.varDir, { recursive: true, mode: 0o700 });
    const user = { name: USER, passwordHash: hashSecret(PASSWORD), roles: ['admin'] };
    writeFileSync(this.configFile, `auth:\n  users:\n    - ${JSON.stringify(user)}\n`);
    this.redis = await RedisServer.start({ dir: this.redisDir, appendOnly: true });
    this.cloud = await startCloudProcess({ cliPath: this.o.cli, vmReadyDelayMs: this.o.vmReadyDelayMs ?? 300 });
    this.proxy = new FaultProxy(this.cloud.url, this.o.vimFaultRate, this.o.random);
    await this.proxy.start();
    for (let i = 0; i < this.o.apis; i++) this.members.push({ name: `api-${i}`, role: 'api', port: await freePort() });
    for (let i = 0; i < this.o.workers; i++) this.members.push({ name: `worker-${i}`, role: 'worker' });
    // the first API process alone: it writes the shared keys and onboards the sample packages
    const [first, ...rest] = this.members;
    this.spawn(first as Member, true);
    await this.waitUp(first as Member);
    for (const m of rest) this.spawn(m, false);
    for (const m of rest) await this.waitUp(m);
  }

  private spawn(m: Member, onboard: boolean): void {
    const logName = join(this.o.dir, 'logs', `${m.name}.${this.logSeq++}.log`);
    const log = openSync(logName, 'a');
    const child = spawn(process.execPath, [this.o.cli, 'serve', '--role', m.role, '--config', this.configFile], {
      cwd: this.o.dir,
      env: {
        PATH: process.env['PATH'] ?? '',
        REDIS_URL: this.redis.url,
        CLICKVNFM_REDIS_PREFIX: PREFIX,
        CLICKVNFM_VAR_DIR: this.varDir,
        CLICKVNFM_EMULATED_CLOUD_URL: this.proxy.url,
        CLICKVNFM_ONBOARD_SAMPLES: onboard ? 'true' : 'false',
        CLICKVNFM_HOST: '127.0.0.1',
        CLICKVNFM_PORT: String(m.port ?? 0),
        CLICKVNFM_PUBLIC_URL: `http://127.0.0.1:${m.port ?? 0}`,
        // a killed worker's jobs are taken over after about this long
        CLICKVNFM_WORKER_LOCK_MS: '5000',
        CLICKVNFM_WORKER_STALLED_MS: '1000',
        // several workers on one host: none takes the default metrics port (127.0.0.1:9464)
        CLICKVNFM_METRICS_LISTEN: 'off',
        // info: the worker says when it runs ('LCM worker running'), which a restart waits for
        CLICKVNFM_LOG_LEVEL: m.role === 'worker' ? 'info' : 'warn',
      },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    m.child = child;
    m.log = logName;
    m.expected = false;
    m.exited = new Promise((r) =>
      child.once('exit', (code, signal) => {
        r();
        if (m.expected || this.stopping) return;
        // a crash: the VNFM process ended although nobody killed it; recorded, and started again
        this.crashes.push(`${m.name} exited with ${signal ?? `code ${String(code)}`} (log ${logName})`);
        setTimeout(() => !this.stopping && this.spawn(m, false), 500);
      }),
    );
  }

  /** Until the process serves: an API answers, a worker logged that it runs. */
  private async waitUp(m: Member, timeoutMs = 120_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (m.role === 'worker') {
        if (m.log !== undefined && readFileSync(m.log, 'utf8').includes('LCM worker running')) return;
        await delay(100);
        continue;
      }
      try {
        const res = await fetch(`http://127.0.0.1:${m.port ?? 0}/vnflcm/v1/api_versions`);
        await res.arrayBuffer();
        if (res.status < 500) return;
      } catch {
        // not listening yet
      }
      await delay(100);
    }
    throw new Error(`${m.name} did not answer within ${timeoutMs} ms`);
  }

  /**
   * SIGKILLs one VNFM process of the role (a random one), starts it again after `downMs`; an API process is waited
   * for until it answers, so the next fault comes to an API that recovered from this one (kills faster than a start
   * left no API up at all on a loaded machine, which tests nothing). A worker is not waited for: the other works.
   */
  async killOne(role: Role, downMs: number): Promise<string> {
    const m = this.o.random.pick(this.members.filter((x) => x.role === role));
    m.expected = true;
    m.child?.kill('SIGKILL');
    await m.exited;
    if (role === 'api') this.counts.apiKills++;
    else this.counts.workerKills++;
    await delay(downMs);
    this.spawn(m, false);
    if (role === 'api') await this.waitUp(m);
    return m.name;
  }

  /** SIGKILLs redis-server, and starts it again on the same port and AOF after `downMs`. */
  async killRedis(downMs: number): Promise<void> {
    const port = this.redis.port;
    await this.redis.stop('SIGKILL');
    this.counts.redisKills++;
    await delay(downMs);
    this.redis = await RedisServer.start({ dir: this.redisDir, port, appendOnly: true, startTimeoutMs: 30_000 });
  }

  /** Waits until every API process answers (after kills and crashes). */
  async allUp(): Promise<void> {
    await delay(600);
    for (const m of this.members) await this.waitUp(m);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const m of this.members) m.child?.kill('SIGTERM');
    await Promise.race([Promise.all(this.members.map((m) => m.exited)), delay(10_000)]);
    for (const m of this.members)
      if (m.child?.exitCode === null && m.child.signalCode === null) m.child.kill('SIGKILL');
    await Promise.all(this.members.map((m) => m.exited));
    await this.proxy?.stop();
    await this.cloud?.stop();
    await this.redis?.stop();
  }
}
