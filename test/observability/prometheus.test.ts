import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { hashSecret } from '../../src/api';
import { loadConfig } from '../../src/config';
import { startVnfm, type Vnfm } from '../../src/main';
import { freePort } from '../../src/net/free-port';
import { useRedis } from '../support/redis';

/**
 * A real Prometheus (Debian's `prometheus`, installed by `scripts/setup.sh test`) scrapes a VNFM started in-process:
 * the API's /metrics and the listener of its own (metrics.listen), both behind metrics.token, every second. After one
 * instantiate on the emulated cloud, Prometheus's query API has the operation counted with its labels, and takes
 * every query of the sample Grafana dashboard (docs/grafana-dashboard.json).
 */
const PROMETHEUS = '/usr/bin/prometheus';
const TOKEN = 'prometheus-test-token-0123456789';
const PASSWORD = 'metrics-admin-pw';
const BASIC = 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

const redis = useRedis();
let dir: string;
let vnfm: Vnfm | undefined;
let prometheus: ChildProcess | undefined;
let prometheusLog = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'clickvnfm-prometheus-'));
});

afterAll(async () => {
  if (prometheus !== undefined && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
    prometheus.kill('SIGTERM');
    await Promise.race([exited, delay(10_000, undefined, { ref: false })]);
    if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
  }
  await vnfm?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${vnfm?.url ?? ''}${path}`, {
    method,
    headers: { authorization: BASIC, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

/** Polls until `probe` answers something, or fails with what `describe` says after `timeoutMs`. */
async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, describe: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await probe().catch(() => undefined);
    if (answer !== undefined) return answer;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await delay(250);
  }
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query of Prometheus's HTTP API; its vector. */
async function query(promUrl: string, promql: string): Promise<Sample[]> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const json = (await res.json()) as { status: string; data?: { result: Sample[] } };
  if (json.status !== 'success') throw new Error(`query ${promql}: ${JSON.stringify(json)}`);
  return json.data?.result ?? [];
}

it('Prometheus scrapes the API and the metrics listener and sees the instantiate counted', async () => {
  expect(existsSync(PROMETHEUS)).toBe(true); // missing: run `bash scripts/setup.sh test` (Debian package prometheus)
  const config = loadConfig(
    {},
    {
      overrides: {
        listen: { host: '127.0.0.1', port: 0 },
        varDir: join(dir, 'var'),
        redis: { url: redis.url },
        onboardSamples: true,
        auth: { users: [{ name: 'admin', passwordHash: hashSecret(PASSWORD), roles: ['admin'] }] },
        metrics: { token: TOKEN, listen: '127.0.0.1:0' },
        monitor: { intervalMs: 500, reconcileMs: 500 },
        log: { level: 'silent' },
      },
    },
  );
  vnfm = await startVnfm(config, 'all', quiet);
  const apiUrl = new URL(vnfm.url ?? '');
  const listenerUrl = new URL(vnfm.metricsUrl ?? '');

  // traffic: one instantiate of the forwarder sample, to COMPLETED
  const packages = await api<Array<{ vnfdId: string; vnfProductName: string }>>('GET', '/vnfpkgm/v1/vnf_packages');
  const vnfdId = packages.body.find((p) => p.vnfProductName === 'forwarder')?.vnfdId;
  expect(vnfdId).toBeDefined();
  const created = await api<{ id: string }>('POST', '/vnflcm/v1/vnf_instances', { vnfdId });
  expect(created.status).toBe(201);
  const started = await api<unknown>('POST', `/vnflcm/v1/vnf_instances/${created.body.id}/instantiate`, {
    flavourId: 'simple',
  });
  expect(started.status).toBe(202);
  let state = '';
  await until(
    async () => {
      const ops = await api<Array<{ operationState: string }>>('GET', '/vnflcm/v1/vnf_lcm_op_occs');
      state = ops.body[0]?.operationState ?? '';
      return ['COMPLETED', 'FAILED_TEMP'].includes(state) ? state : undefined;
    },
    60_000,
    () => `the instantiate is ${state}`,
  );
  expect(state).toBe('COMPLETED');

  // Prometheus: both targets, the bearer token, every second
  const promPort = await freePort();
  const promUrl = `http://127.0.0.1:${promPort}`;
  const job = (name: string, at: URL, path = '/metrics') =>
    [
      `  - job_name: ${name}`,
      `    metrics_path: ${path}`,
      '    authorization:',
      '      type: Bearer',
      `      credentials: ${TOKEN}`,
      '    static_configs:',
      `      - targets: ['${at.host}']`,
    ].join('\n');
  const yml = join(dir, 'prometheus.yml');
  writeFileSync(
    yml,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      job('clickvnfm-api', apiUrl),
      job('clickvnfm-worker', listenerUrl),
      job('clickvnfm-vnfs', apiUrl, '/metrics/vnfs'),
      '',
    ].join('\n'),
  );
  prometheus = spawn(
    PROMETHEUS,
    [
      `--config.file=${yml}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prometheus.stdout?.on('data', (d: Buffer) => (prometheusLog += d.toString()));
  prometheus.stderr?.on('data', (d: Buffer) => (prometheusLog += d.toString()));

  const info = await until(
    async () => {
      const r = await query(promUrl, 'clickvnfm_build_info');
      return r.length === 2 ? r : undefined;
    },
    45_000,
    () => `no clickvnfm_build_info from both targets; Prometheus said: ${prometheusLog.slice(-2000)}`,
  );
  expect(info.map((s) => s.metric['job']).sort()).toEqual(['clickvnfm-api', 'clickvnfm-worker']);
  for (const s of info) expect(s.metric).toMatchObject({ role: 'all', version: expect.stringMatching(/\S/) });

  const counted = await query(
    promUrl,
    'clickvnfm_lcm_operations_total{job="clickvnfm-api",operation="INSTANTIATE",state="COMPLETED"}',
  );
  expect(counted).toHaveLength(1);
  expect(counted[0]?.value[1]).toBe('1');
  expect(counted[0]?.metric).toMatchObject({ instance: apiUrl.host });

  // three targets, each scraped once at least (the third's first scrape may come after the other two's)
  const up = await until(
    async () => {
      const r = await query(promUrl, 'up');
      return r.length === 3 ? r : undefined;
    },
    45_000,
    () => `Prometheus has not scraped all three targets; it said: ${prometheusLog.slice(-2000)}`,
  );
  expect(up.map((s) => s.value[1])).toEqual(['1', '1', '1']);
  // the VNF's own measurements, from the monitor's newest sample of each VNFC (GET /metrics/vnfs)
  const running = await until(
    async () => {
      const r = await query(promUrl, `clickvnf_nf_running{vnf_instance="${created.body.id}"}`);
      return r.length > 0 ? r : undefined;
    },
    30_000,
    () => 'no clickvnf_nf_running series of the instance',
  );
  expect(running[0]?.value[1]).toBe('1');
  expect(running[0]?.metric).toMatchObject({ job: 'clickvnfm-vnfs', vdu: 'click_vdu', vnfc: expect.any(String) });
  const vmUp = await query(promUrl, `clickvnf_vm_active{vnf_instance="${created.body.id}"}`);
  expect(vmUp[0]?.value[1]).toBe('1');
  const vimCalls = await query(promUrl, 'clickvnfm_vim_call_duration_seconds_count{method="apply",outcome="ok"}');
  expect(vimCalls.length).toBeGreaterThan(0);
  expect(vimCalls[0]?.metric['vim']).toBe('emulated');
  const agentCalls = await query(promUrl, 'sum(clickvnfm_agent_call_duration_seconds_count{outcome="ok"})');
  expect(Number(agentCalls[0]?.value[1])).toBeGreaterThan(0);
  const queues = await query(promUrl, 'clickvnfm_queue_jobs{job="clickvnfm-worker",queue="lcm"}');
  expect(queues.map((s) => s.metric['state']).sort()).toEqual(['active', 'delayed', 'failed', 'waiting']);
  expect(await query(promUrl, 'clickvnfm_notification_backlog')).toHaveLength(2);
  expect((await query(promUrl, 'process_resident_memory_bytes')).length).toBe(2);

  // every query of the sample dashboard is one Prometheus takes (Grafana's variables filled in)
  const dashboard = JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'grafana-dashboard.json'), 'utf8')) as {
    panels: Array<{ targets?: Array<{ expr: string }> }>;
  };
  const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
  expect(exprs.length).toBeGreaterThan(10);
  for (const expr of exprs) {
    const filled = expr
      .replace(/\$job/g, '.+')
      .replace(/\$__rate_interval/g, '1m')
      .replace(/\$__range/g, '5m');
    await expect(query(promUrl, filled)).resolves.toBeDefined();
  }
}, 150_000);
