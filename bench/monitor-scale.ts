/**
 * The monitor at scale (issue: "2,000 monitored VNFCs on the emulated cloud, 10 s interval, with 2 worker
 * processes: CPU per worker and Redis memory per VNFC; target under 50 % of one core and 50 KB per VNFC").
 * Run: `npm run build && node dist/bench/monitor-scale.js [--vnfcs N] [--seconds S] [--workers W]`
 * (defaults 2,000 VNFCs, a 60 s window, 2 workers; only the default run writes its section of docs/benchmarks.md).
 *
 * Every party is its own process: a private redis-server, the emulated cloud (`clickvnfm emulate-cloud
 * --addressing loopback`: each VM on its own 127.24.x.y, API at 8000, ControlSocket at 8001), one API process and
 * worker processes (this file again with `--child api|worker`: startVnfm with that role, as `clickvnfm serve
 * --role` does). Setup: N single-VNFC instances of the nat sample (osv-controlsocket: its VNFCs report every
 * element handler, the heavier case), instantiated by 2 workers with the monitor off, which then stop. Measured:
 * W fresh worker processes with the monitor on (the LCM worker idle), after a warm-up interval, over the window:
 * CPU of each process from /proc/<pid>/stat, Redis's from INFO cpu, Redis's memory from INFO memory (before the
 * monitor vs after the window), the samples in each VNFC's series, and each worker's looks (its Prometheus
 * metrics: VIM describes, one per look at an instance). BENCH_PROF=<dir> runs the measured workers under
 * `node --cpu-prof`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { hashSecret } from '../src/api';
import { loadConfig, processEnv } from '../src/config';
import { startCloudProcess } from '../src/emulator';
import { startVnfm } from '../src/main';
import type { VnfcSample } from '../src/ports/monitoring';
import { RedisServer } from '../src/store';
import { apiCaller, percentile, runMain, writeSection } from './support';

const ROOT = resolve(__dirname, '../..');
const TICK_MS = 10; // /proc/<pid>/stat counts CPU in clock ticks of 10 ms (USER_HZ 100)
const SAMPLE = 'nat';

interface MonitorSettings {
  enabled: boolean;
  intervalMs?: number;
  concurrency?: number;
}

interface Settings {
  redisUrl: string;
  cloudUrl: string;
  varDir: string;
  passwordHash: string;
  monitor: MonitorSettings;
}

// ---- the child processes: one API or one worker ----

async function child(role: 'api' | 'worker'): Promise<void> {
  const s = JSON.parse(processEnv()['BENCH_SETTINGS'] ?? '{}') as Settings;
  const config = loadConfig(processEnv(), {
    overrides: {
      listen: { host: '127.0.0.1', port: 0 },
      varDir: s.varDir,
      redis: { url: s.redisUrl },
      vim: { kind: 'emulated', emulatedCloudUrl: s.cloudUrl },
      onboardSamples: role === 'api',
      auth: { basic: true, users: [{ name: 'admin', passwordHash: s.passwordHash, roles: ['admin'] }] },
      log: { level: 'warn' },
      // several workers on one host: none takes the default metrics port (their metrics are read over IPC)
      metrics: { listen: 'off' },
      monitor: s.monitor,
    },
  });
  // the monitor's warnings (a pass that failed): counted, the first few shown
  let warnings = 0;
  const warn = (obj: unknown, msg?: string): void => {
    if (++warnings <= 3) process.stderr.write(`${role} warn: ${msg ?? ''} ${JSON.stringify(obj)}\n`);
  };
  const log = { info: () => undefined, warn, error: (m: unknown) => process.stderr.write(`${String(m)}\n`) };
  const vnfm = await startVnfm(config, role, log);
  process.on('message', (m: { type: string }) => {
    if (m.type === 'metrics')
      void vnfm.metrics.scrape().then((text) => process.send?.({ type: 'metrics', text, warnings }));
    else if (m.type === 'stop') void vnfm.stop().finally(() => process.exit(0));
  });
  process.send?.({ type: 'ready', url: vnfm.url });
}

interface Child {
  proc: ChildProcess;
  url?: string;
  ask<T>(type: string): Promise<T>;
  stop(): Promise<void>;
}

function startChild(role: 'api' | 'worker', settings: Settings, name: string): Promise<Child> {
  const prof = settings.monitor.enabled ? processEnv()['BENCH_PROF'] : undefined;
  const execArgv =
    prof !== undefined ? ['--cpu-prof', '--cpu-prof-dir', prof, `--cpu-prof-name=${name}.cpuprofile`] : [];
  const proc = fork(__filename, ['--child', role], {
    env: { ...process.env, BENCH_SETTINGS: JSON.stringify(settings) },
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(type: string): Promise<T> =>
    new Promise((res) => {
      proc.once('message', (m: { type: string } & T) => res(m));
      proc.send({ type });
    });
  return new Promise((res, rej) => {
    const early = (code: number | null): void => rej(new Error(`${name} exited with ${String(code)} before ready`));
    proc.once('exit', early);
    proc.once('message', (m: { type: string; url?: string }) => {
      proc.off('exit', early);
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      res({
        proc,
        ...(m.url !== undefined ? { url: m.url } : {}),
        ask,
        stop: async () => {
          if (proc.exitCode !== null || proc.signalCode !== null) return;
          proc.send({ type: 'stop' });
          const t = setTimeout(() => proc.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(t);
        },
      });
    });
  });
}

// ---- measuring ----

/** CPU time of a process so far, ms: user + system, and system alone. */
function cpuMs(pid: number | undefined): { all: number; sys: number } {
  if (pid === undefined) return { all: NaN, sys: NaN };
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd on
  const sys = Number(f[12]) * TICK_MS; // stime (15th)
  return { all: Number(f[11]) * TICK_MS + sys, sys }; // utime (14th)
}

/** A field of INFO (e.g. `used_memory`, `used_cpu_user`). */
async function info(redis: Redis, section: string, field: string): Promise<number> {
  const m = new RegExp(`^${field}:(\\S+)`, 'm').exec(await redis.info(section));
  return Number(m?.[1]);
}

async function redisCpuS(redis: Redis): Promise<number> {
  return (await info(redis, 'cpu', 'used_cpu_user')) + (await info(redis, 'cpu', 'used_cpu_sys'));
}

/** The sum of a Prometheus metric's samples whose labels match. */
function metricSum(text: string, name: string, labels: RegExp): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const close = line.indexOf('}');
    if (labels.test(line.slice(name.length, close + 1))) sum += Number(line.slice(close + 2));
  }
  return sum;
}

interface WorkerCounts {
  looks: number;
  agentCalls: number;
  agentErrors: number;
  warnings: number;
}

async function workerCounts(w: Child): Promise<WorkerCounts> {
  const m = await w.ask<{ text: string; warnings: number }>('metrics');
  const count = (name: string, labels: RegExp): number => metricSum(m.text, `clickvnfm_${name}_count`, labels);
  return {
    looks: count('vim_call_duration_seconds', /method="describe"/),
    agentCalls: count('agent_call_duration_seconds', /method="(status|metrics)"/),
    agentErrors: count('agent_call_duration_seconds', /outcome="error"/),
    warnings: m.warnings,
  };
}

interface OpDoc {
  id: string;
  operationState: string;
  error?: unknown;
}

/** Waits until every op-occ is final; how many did not complete, and the first error. */
async function waitAll(redis: Redis, ids: string[]): Promise<{ failed: number; error?: unknown }> {
  const key = (await redis.keys('*:opocc:doc'))[0] ?? '';
  let pending = ids;
  let failed = 0;
  let error: unknown;
  while (pending.length > 0) {
    await sleep(500);
    const raws = await redis.hmget(key, ...pending);
    const still: string[] = [];
    raws.forEach((raw, i) => {
      const op = raw === null ? undefined : (JSON.parse(raw) as OpDoc);
      if (op === undefined || !['COMPLETED', 'FAILED_TEMP', 'FAILED'].includes(op.operationState))
        still.push(pending[i] as string);
      else if (op.operationState !== 'COMPLETED') {
        failed++;
        error ??= op.error;
      }
    });
    pending = still;
  }
  return { failed, error };
}

/** Every key matching the pattern (SCAN). */
async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** POSTs over at most 100 kept-alive connections (thousands of connections at once overflow the listen backlog). */
function poster(base: string, password: string) {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 100 });
  const auth = 'Basic ' + Buffer.from(`admin:${password}`).toString('base64');
  const post = (path: string, body: unknown): Promise<{ status: number; text: string; location?: string }> =>
    new Promise((res, rej) => {
      const headers = { authorization: auth, version: '1.3.0', 'content-type': 'application/json' };
      const req = httpRequest(`${base}${path}`, { method: 'POST', agent, headers }, (r) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (d: string) => (text += d));
        r.on('end', () => {
          const loc = r.headers.location;
          res({ status: r.statusCode ?? 0, text, ...(typeof loc === 'string' ? { location: loc } : {}) });
        });
      });
      req.on('error', rej);
      req.end(JSON.stringify(body));
    });
  return { post, close: () => agent.destroy() };
}

// ---- the run ----

interface Result {
  vnfcs: number;
  workers: number;
  intervalMs: number;
  concurrency: number;
  setupS: number;
  windowS: number;
  /** % of one core over the window. */
  workerCpu: number[];
  /** Of which in the kernel (system time): the sockets. */
  workerSys: number[];
  cloudCpu: number;
  redisCpu: number;
  /** Looks (VIM describes) each worker did in the window. */
  looks: number[];
  agentCalls: number;
  agentErrors: number;
  warnings: number;
  /** Samples per VNFC per interval over the window: mean, min, max. */
  perInterval: { mean: number; min: number; max: number };
  /** Time between two samples of one VNFC, ms. */
  gap: { p50: number; p99: number; max: number };
  activeAlarms: number;
  memory: {
    before: number;
    after: number;
    /** (after - before) / VNFCs. */
    perVnfc: number;
    /** MEMORY USAGE of every monitor key (mon:*), / VNFCs. */
    monKeysPerVnfc: number;
    samplesPerList: number;
    /** One VNFC's series as measured, and at keepSamples (built from its own samples). */
    listBytes: number;
    fullListBytes: number;
    keepSamples: number;
    sampleJsonBytes: number;
    /** Of which the element handlers (`el`: [element, handler, value] each) and the ports. */
    elBytes: number;
    portsBytes: number;
    /** One sample as stored. */
    sample: string;
    /** The due set's share per VNFC (one instance per VNFC here). */
    dueBytesPerVnfc: number;
    /** What one VNFC costs with its series full: fullListBytes + dueBytesPerVnfc. */
    steadyPerVnfc: number;
  };
  load: { start: string; end: string };
}

const loadNow = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

interface RunOptions {
  n: number;
  workers: number;
  seconds: number;
  intervalMs: number;
  /** monitor.concurrency (instances one worker looks at at once); absent: the default. */
  concurrency?: number;
}

async function run(o: RunOptions): Promise<Result> {
  const { n, workers, seconds, intervalMs } = o;
  const concurrency = o.concurrency ?? loadConfig({}, {}).monitor.concurrency;
  const dir = mkdtempSync(join(tmpdir(), 'bench-mon-'));
  const server = await RedisServer.start({ dir: join(dir, 'redis') });
  const cloud = await startCloudProcess({
    cliPath: join(ROOT, 'dist/src/cli/index.js'),
    vmReadyDelayMs: 50,
    // each VM on its own 127.24.x.y at 8000/8001: thousands of VMs, and no port picked free for a VM taken by an
    // outgoing connection before the VM listens on it (as with `ports` on 127.0.0.1)
    addressing: 'loopback',
    startTimeoutMs: 30_000,
  });
  const password = randomBytes(8).toString('hex');
  const base: Omit<Settings, 'monitor'> = {
    redisUrl: server.url,
    cloudUrl: cloud.url,
    varDir: join(dir, 'var'),
    passwordHash: hashSecret(password),
  };
  const children: Child[] = [];
  const redis = new Redis(server.url);
  try {
    // setup: N single-VNFC instances, instantiated by 2 workers with the monitor off
    const setup = { ...base, monitor: { enabled: false } };
    const api = await startChild('api', setup, 'api');
    children.push(api);
    const builders = [await startChild('worker', setup, 'setup-0'), await startChild('worker', setup, 'setup-1')];
    children.push(...builders);
    const call = apiCaller(api.url ?? '', 'admin', password);
    const pkgs = await call<Array<{ vnfdId: string; vnfProductName: string }>>('GET', '/vnfpkgm/v1/vnf_packages');
    const vnfdId = pkgs.body.find((p) => p.vnfProductName.toLowerCase() === SAMPLE)?.vnfdId;
    if (vnfdId === undefined) throw new Error(`the ${SAMPLE} sample is not onboarded`);
    const t0 = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < n; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, n - i) }, (_, j) =>
          call<{ id: string }>('POST', '/vnflcm/v1/vnf_instances', { vnfdId, vnfInstanceName: `mon-${i + j}` }),
        ),
      );
      ids.push(...batch.map((b) => b.body.id));
    }
    const http = poster(api.url ?? '', password);
    const answers = await Promise.all(
      ids.map((id) => http.post(`/vnflcm/v1/vnf_instances/${id}/instantiate`, { flavourId: 'simple' })),
    );
    http.close();
    const bad = answers.find((a) => a.status !== 202);
    if (bad !== undefined) throw new Error(`instantiate: ${bad.status} ${bad.text}`);
    const done = await waitAll(
      redis,
      answers.map((a) => (a.location ?? '').split('/').pop() ?? ''),
    );
    if (done.failed > 0) throw new Error(`${done.failed} instantiations failed: ${JSON.stringify(done.error)}`);
    const setupS = (Date.now() - t0) / 1000;
    process.stdout.write(`setup: ${n} instances of ${SAMPLE} instantiated in ${setupS.toFixed(1)} s\n`);
    for (const b of builders) await b.stop();
    children.splice(children.indexOf(builders[0] as Child), 2);
    await sleep(1000);
    const memBefore = await info(redis, 'memory', 'used_memory');

    // the measured workers: the monitor on, the LCM worker idle
    const measured = { ...base, monitor: { enabled: true, intervalMs, concurrency } };
    const ws: Child[] = [];
    for (let i = 0; i < workers; i++) ws.push(await startChild('worker', measured, `monitor-worker-${i + 1}`));
    children.push(...ws);
    // warm-up: the first round (every instance due at once) and a little more
    await sleep(intervalMs + 5000);
    const loadStart = loadNow();
    const pids = [...ws.map((w) => w.proc.pid), cloud.pid];
    const cpu0 = pids.map(cpuMs);
    const redis0 = await redisCpuS(redis);
    const counts0 = await Promise.all(ws.map(workerCounts));
    const w0 = Date.now();
    await sleep(seconds * 1000);
    const w1 = Date.now();
    const cpu1 = pids.map(cpuMs);
    const redis1 = await redisCpuS(redis);
    const counts1 = await Promise.all(ws.map(workerCounts));
    const loadEnd = loadNow();
    const windowMs = w1 - w0;
    const pct = (ms: number): number => (ms / windowMs) * 100;
    const cpu = cpu1.map((c, i) => pct(c.all - (cpu0[i]?.all ?? 0)));
    const sys = cpu1.map((c, i) => pct(c.sys - (cpu0[i]?.sys ?? 0)));
    const delta = (k: keyof WorkerCounts): number[] => counts1.map((c, i) => c[k] - (counts0[i]?.[k] ?? 0));
    const memAfter = await info(redis, 'memory', 'used_memory');

    // the series: samples per VNFC within the window, the time between two samples
    const series = await scanKeys(redis, '*:mon:s:*');
    if (series.length !== n) process.stderr.write(`warning: ${series.length} series for ${n} VNFCs\n`);
    const intervals = windowMs / intervalMs;
    const perVnfc: number[] = [];
    const gaps: number[] = [];
    let lists: Array<[Error | null, unknown]> = [];
    for (let i = 0; i < series.length; i += 500) {
      const p = redis.pipeline();
      for (const k of series.slice(i, i + 500)) p.lrange(k, 0, -1);
      lists = lists.concat((await p.exec()) ?? []);
    }
    for (const [, raw] of lists) {
      const ts = (raw as string[]).map((x) => (JSON.parse(x) as VnfcSample).t).sort((a, b) => a - b);
      perVnfc.push(ts.filter((t) => t >= w0 && t < w1).length / intervals);
      for (let i = 1; i < ts.length; i++)
        if ((ts[i] as number) >= w0) gaps.push((ts[i] as number) - (ts[i - 1] as number));
    }
    for (let i = perVnfc.length; i < n; i++) perVnfc.push(0); // a VNFC never looked at
    gaps.sort((a, b) => a - b);
    const activeAlarms = (await scanKeys(redis, '*:fm:active:*')).length;

    // memory: the monitor's keys, one VNFC's series as it is and full
    const usage = async (key: string): Promise<number> =>
      Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
    let monBytes = 0;
    for (const k of await scanKeys(redis, '*:mon:*')) monBytes += await usage(k);
    const one = series[0] ?? '';
    const samples = await redis.lrange(one, 0, -1);
    const keep = loadConfig({}, {}).monitor.keepSamples;
    const full = `${one}:bench-full`;
    await redis.rpush(full, ...Array.from({ length: keep }, (_, i) => samples[i % samples.length] as string));
    const fullListBytes = await usage(full);
    const newest = JSON.parse(samples[0] ?? '{}') as Partial<VnfcSample>;
    await redis.del(full);
    const dueKey = (await scanKeys(redis, '*:mon:due'))[0] ?? '';
    const dueBytesPerVnfc = (await usage(dueKey)) / n;
    const listBytes = await usage(one);
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    return {
      vnfcs: n,
      workers,
      intervalMs,
      concurrency,
      setupS,
      windowS: windowMs / 1000,
      workerCpu: cpu.slice(0, workers),
      workerSys: sys.slice(0, workers),
      cloudCpu: cpu[workers] ?? NaN,
      redisCpu: ((redis1 - redis0) * 100_000) / windowMs,
      looks: delta('looks'),
      agentCalls: sum(delta('agentCalls')),
      agentErrors: sum(delta('agentErrors')),
      warnings: sum(delta('warnings')),
      perInterval: { mean: sum(perVnfc) / n, min: Math.min(...perVnfc), max: Math.max(...perVnfc) },
      gap: { p50: percentile(gaps, 50), p99: percentile(gaps, 99), max: gaps[gaps.length - 1] ?? NaN },
      activeAlarms,
      memory: {
        before: memBefore,
        after: memAfter,
        perVnfc: (memAfter - memBefore) / n,
        monKeysPerVnfc: monBytes / n,
        samplesPerList: samples.length,
        listBytes,
        fullListBytes,
        keepSamples: keep,
        sampleJsonBytes: sum(samples.map((s) => Buffer.byteLength(s))) / Math.max(1, samples.length),
        elBytes: JSON.stringify((newest as { ev?: unknown }).ev ?? []).length,
        portsBytes: JSON.stringify(newest.ports ?? []).length,
        sample: samples[0] ?? '',
        dueBytesPerVnfc,
        steadyPerVnfc: fullListBytes + dueBytesPerVnfc,
      },
      load: { start: loadStart, end: loadEnd },
    };
  } finally {
    redis.disconnect();
    for (const c of children.reverse()) await c.stop();
    await cloud.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function arg(name: string): string | undefined {
  const args = process.argv.slice(2);
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

function report(r: Result, command: string): string {
  const f1 = (x: number): string => x.toFixed(1);
  const kb = (b: number): string => (b / 1024).toFixed(1);
  const yes = (ok: boolean): string => (ok ? '**YES**' : '**NO**');
  const m = r.memory;
  const memOk = m.steadyPerVnfc < 50 * 1024;
  const looks = r.looks.reduce((a, b) => a + b, 0);
  const intervals = r.windowS / (r.intervalMs / 1000);
  // CPU ms per look (% of a core over the window * window s * 10 = CPU ms)
  const perLook = (pcts: number[]): number => (pcts.reduce((a, b) => a + b, 0) * r.windowS * 10) / Math.max(1, looks);
  const msPerLook = perLook(r.workerCpu);
  // the looks the load needs: every instance once per interval
  const neededPerS = r.vnfcs / (r.intervalMs / 1000);
  const projected = (msPerLook * neededPerS) / r.workers / 10;
  const machine = ((msPerLook + perLook([r.cloudCpu, r.redisCpu])) * neededPerS) / 1000;
  // the CPU measured says something only when the work was done; else the cost of a look times the looks needed
  const complete = r.perInterval.mean >= 0.9;
  const cpuOk = complete ? r.workerCpu.every((c) => c < 50) : projected < 50;
  const tickS = Math.max(0.05, Math.min(1, r.intervalMs / 4000));
  const p = r.perInterval;
  const workerCols = r.workerCpu.map((_, i) => `worker ${i + 1} CPU % (system)`);
  return [
    `## The monitor at scale: ${r.vnfcs.toLocaleString('en')} VNFCs, ${r.intervalMs / 1000} s interval, ` +
      `${r.workers} workers`,
    '',
    `Command: \`${command}\` (${cpus().length} cores; load average (1, 5, 15 min) ${r.load.start} at the window's`,
    `start, ${r.load.end} at its end, other jobs sharing the machine).`,
    `${r.vnfcs} single-VNFC instances of the \`${SAMPLE}\` sample, dialect osv-controlsocket: its VNFCs report every`,
    'element handler, the heavier case. One look at an instance: one VIM describe, the agent status (2 HTTP calls,',
    'one ControlSocket session) and metrics against the previous stored sample (3 HTTP calls and one ControlSocket',
    'session whose `list` and ~35 handler READs go in one write; the element classes read once per configuration;',
    `two samples 200 ms apart only for a VNFC's first look). The emulated cloud in its own process (\`--addressing`,
    `loopback\`: each VM on its own 127.24.x.y); the instances instantiated in ${f1(r.setupS)} s by 2 workers with`,
    `the monitor off, which then stop. Measured: ${r.workers} fresh worker processes with the monitor on (interval`,
    `${r.intervalMs} ms, concurrency ${r.concurrency}, the rest the defaults; the LCM worker idle), after a warm-up`,
    `of one interval + 5 s, over a window of ${f1(r.windowS)} s. CPU: /proc/<pid>/stat, % of one core; Redis: INFO`,
    'cpu. Memory: INFO used_memory after the window minus before the monitor started, per VNFC; a series keeps the',
    "newest 60 samples, so a VNFC's steady cost is its series full: one VNFC's series rebuilt at 60 from its own",
    'samples (MEMORY USAGE) plus its share of the due set.',
    '',
    `| VNFCs | ${workerCols.join(' | ')} | worker CPU ms per look | cloud CPU % (the VMs, not ours) |` +
      ' Redis CPU % | Redis bytes per VNFC after the window | bytes per VNFC, series full |' +
      ' samples per VNFC per interval: mean (min, max) | looks per worker | target met |',
    `|---|${r.workerCpu.map(() => '---|').join('')}---|---|---|---|---|---|---|---|`,
    `| ${r.vnfcs} | ${r.workerCpu.map((c, i) => `${f1(c)} (${f1(r.workerSys[i] ?? NaN)})`).join(' | ')} |` +
      ` ${f1(msPerLook)} | ${f1(r.cloudCpu)} | ${f1(r.redisCpu)} |` +
      ` ${Math.round(m.perVnfc)} (${m.samplesPerList} samples) |` +
      ` ${Math.round(m.steadyPerVnfc)} (${kb(m.steadyPerVnfc)} KB) |` +
      ` ${p.mean.toFixed(2)} (${p.min.toFixed(2)}, ${p.max.toFixed(2)}) | ${r.looks.join(' / ')} |` +
      ` CPU ${yes(cpuOk)}, memory ${yes(memOk)} |`,
    '',
    `Targets: each worker under 50 % of one core: ${yes(cpuOk)}` +
      (complete
        ? '; '
        : ` (the window did ${p.mean.toFixed(2)} of the looks due, so the CPU measured is not the load's: at` +
          ` ${f1(msPerLook)} ms per look, ${Math.round(neededPerS)} looks/s need ${Math.round(projected)} % per` +
          ' worker); ') +
      `under 50 KB per VNFC: ${yes(memOk)} (${kb(m.steadyPerVnfc)} KB with the series full).`,
    '',
    `- Work done: ${looks} looks in ${f1(intervals)} intervals for ${r.vnfcs} instances` +
      ` (${f1(looks / intervals)} per interval); ${r.agentCalls} agent calls (status, metrics), ${r.agentErrors}` +
      ` failed; ${r.warnings} monitor warnings; ${r.activeAlarms} instances with an active alarm. Time between two` +
      ` samples of a VNFC: p50 ${r.gap.p50} ms, p99 ${r.gap.p99} ms, max ${r.gap.max} ms.`,
    `- CPU per look: workers ${f1(msPerLook)} ms, the cloud (the VMs' side) ${f1(perLook([r.cloudCpu]))} ms,` +
      ` Redis ${f1(perLook([r.redisCpu]))} ms: every instance once per interval (${Math.round(neededPerS)}` +
      ` looks/s) needs ${machine.toFixed(2)} cores in all, against ${cpus().length} here shared with other jobs.`,
    `- Claiming: a pass that ends takes the next due instance at once (and every ${tickS} s a tick takes what is` +
      ` due), so \`concurrency\` bounds a worker's passes in flight; what bounds the looks here is the CPU.`,
    `- Memory: used_memory ${kb(m.before)} KB before, ${kb(m.after)} KB after; the monitor's keys (mon:*) ` +
      `${Math.round(m.monKeysPerVnfc)} bytes per VNFC. One series: ${m.samplesPerList} samples ${m.listBytes} bytes,` +
      ` 60 samples ${m.fullListBytes} bytes; a sample is ${Math.round(m.sampleJsonBytes)} bytes of JSON, of which` +
      ` ${m.elBytes} the element handler values (\`ev\`; their names stored once per Click configuration) and` +
      ` ${m.portsBytes} the ports;` +
      ` the due set ${Math.round(m.dueBytesPerVnfc)} bytes per instance.`,
    '',
    'Where the CPU went before (83bdc85: 7.0 ms per look, 0.77 of the looks done; `BENCH_PROF=<dir>` takes a',
    "`--cpu-prof` of each worker): the osv-controlsocket agent's round trips, a look being 7 HTTP calls, 5",
    'ControlSocket sessions and ~68 commands each in its own write (socket writes 20 to 28 % of the busy time,',
    'connect and close 12 %). Now: the previous sample is the baseline for CPU % and port rates (`raw` in the',
    "sample: the VM's clock, Click's CPU time, its memory size), the READs pipelined, the classes cached per",
    "ControlSocket address and read again when `list` changes or a class's first handler goes missing.",
  ].join('\n');
}

async function main(): Promise<void> {
  const n = Number(arg('--vnfcs') ?? 2000);
  const seconds = Number(arg('--seconds') ?? 60);
  const workers = Number(arg('--workers') ?? 2);
  const conc = arg('--concurrency');
  const r = await run({
    n,
    workers,
    seconds,
    intervalMs: 10_000,
    ...(conc !== undefined ? { concurrency: Number(conc) } : {}),
  });
  process.stdout.write(`${JSON.stringify(r)}\n`);
  const command =
    'npm run build && node dist/bench/monitor-scale.js' +
    (arg('--vnfcs') !== undefined ? ` --vnfcs ${n}` : '') +
    (arg('--seconds') !== undefined ? ` --seconds ${seconds}` : '') +
    (arg('--workers') !== undefined ? ` --workers ${workers}` : '') +
    (conc !== undefined ? ` --concurrency ${conc}` : '');
  const md = report(r, command);
  if (n === 2000 && seconds === 60 && workers === 2 && conc === undefined) writeSection(ROOT, 'monitor-scale', md);
  process.stdout.write(`${md}\n`);
}

const role = process.argv[2] === '--child' ? process.argv[3] : undefined;
if (role === 'api' || role === 'worker')
  child(role).catch((err: unknown) => {
    process.stderr.write(`${role}: ${String(err)}\n`);
    process.exit(1);
  });
else runMain(main);
