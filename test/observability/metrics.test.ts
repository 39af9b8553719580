import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../../src/api';
import { metricsRoutes } from '../../src/api/routes/metrics';
import { metricsListener, parseListen } from '../../src/composition/metrics';
import { ConfigError, loadConfig } from '../../src/config';
import { settleFinished, transition } from '../../src/lcm/engine';
import type { LcmDeps } from '../../src/lcm/deps';
import { startMetricsServer, VnfmMetrics } from '../../src/metrics';
import type { Vim } from '../../src/ports/vim';
import type { VnfAgent, VnfAgentFactory } from '../../src/ports/vnf-agent';
import type { VnfLcmOpOcc } from '../../src/domain/lcm-op-occ';

/**
 * The exposition of the VNFM's own metrics (names, labels, values), the wrappers that time VIM and agent calls, the
 * LCM's observer hook, and the two places /metrics is served (the API route, a worker's own listener) with the
 * metrics.token check.
 */
const TOKEN = 'a-metrics-token-of-32-characters';

/** The sample lines of one metric (`name{labels} value`), without HELP and TYPE. */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

const noProcess = () => new VnfmMetrics({ role: 'worker', version: '9.8.7', processMetrics: false });

describe('the exposition', () => {
  it('counts and times the operations an LCM ends, by operation and state', async () => {
    const m = noProcess();
    m.operationFinished('INSTANTIATE', 'COMPLETED', 2500);
    m.operationFinished('INSTANTIATE', 'COMPLETED', 500);
    m.operationFinished('HEAL', 'FAILED_TEMP', 42_000);
    const text = await m.scrape();
    expect(samples(text, 'clickvnfm_lcm_operations_total').sort()).toEqual([
      'clickvnfm_lcm_operations_total{operation="HEAL",state="FAILED_TEMP"} 1',
      'clickvnfm_lcm_operations_total{operation="INSTANTIATE",state="COMPLETED"} 2',
    ]);
    expect(text).toContain('# TYPE clickvnfm_lcm_operation_duration_seconds histogram');
    expect(text).toContain('clickvnfm_lcm_operation_duration_seconds_sum{operation="INSTANTIATE",state="COMPLETED"} 3');
    expect(text).toContain(
      'clickvnfm_lcm_operation_duration_seconds_bucket{le="1",operation="INSTANTIATE",state="COMPLETED"} 1',
    );
    expect(text).toContain('clickvnfm_lcm_operation_duration_seconds_count{operation="HEAL",state="FAILED_TEMP"} 1');
    expect(samples(text, 'clickvnfm_build_info')).toEqual(['clickvnfm_build_info{version="9.8.7",role="worker"} 1']);
  });

  it('has the process metrics under their usual names; two registries in one process do not collide', async () => {
    const a = new VnfmMetrics({ role: 'api', version: '1' });
    const b = new VnfmMetrics({ role: 'worker', version: '1' });
    a.operationFinished('TERMINATE', 'COMPLETED', 1);
    const [ta, tb] = await Promise.all([a.scrape(), b.scrape()]);
    for (const t of [ta, tb]) {
      expect(t).toMatch(/^process_cpu_seconds_total /m);
      expect(t).toMatch(/^nodejs_eventloop_lag_seconds /m);
    }
    expect(samples(ta, 'clickvnfm_lcm_operations_total')).toHaveLength(1);
    expect(samples(tb, 'clickvnfm_lcm_operations_total')).toHaveLength(0);
    expect(a.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('reads queues and backlog at scrape time; a source that fails or hangs is left out, not the scrape', async () => {
    const m = new VnfmMetrics({ role: 'all', version: '1', processMetrics: false, sourceTimeoutMs: 200 });
    let backlog = 3;
    m.watchQueues(async () => [
      { queue: 'lcm', counts: { waiting: 2, active: 1, delayed: 0, failed: 0 } },
      { queue: 'notification', counts: { waiting: 5 } },
    ]);
    m.watchNotificationBacklog(async () => backlog);
    let text = await m.scrape();
    expect(samples(text, 'clickvnfm_queue_jobs')).toEqual(
      expect.arrayContaining([
        'clickvnfm_queue_jobs{queue="lcm",state="waiting"} 2',
        'clickvnfm_queue_jobs{queue="lcm",state="active"} 1',
        'clickvnfm_queue_jobs{queue="notification",state="waiting"} 5',
        'clickvnfm_queue_jobs{queue="notification",state="failed"} 0',
      ]),
    );
    expect(samples(text, 'clickvnfm_queue_jobs')).toHaveLength(8);
    expect(samples(text, 'clickvnfm_notification_backlog')).toEqual(['clickvnfm_notification_backlog 3']);
    backlog = 7;
    expect(samples(await m.scrape(), 'clickvnfm_notification_backlog')).toEqual(['clickvnfm_notification_backlog 7']);

    const broken = new VnfmMetrics({ role: 'all', version: '1', processMetrics: false, sourceTimeoutMs: 200 });
    broken.watchQueues(() => Promise.reject(new Error('Redis is down')));
    broken.watchNotificationBacklog(() => new Promise<number>(() => undefined));
    text = await broken.scrape();
    expect(samples(text, 'clickvnfm_queue_jobs')).toEqual([]);
    expect(samples(text, 'clickvnfm_build_info')).toHaveLength(1);
  });

  it('appends what registered collectors render, leaves out one that fails, and unregisters', async () => {
    const m = noProcess();
    const remove = m.registerCollector(async () => '# TYPE clickvnf_up gauge\nclickvnf_up{vnf="fw-1"} 1');
    m.registerCollector(() => Promise.reject(new Error('the VNF does not answer')));
    let text = await m.scrape();
    expect(text.endsWith('clickvnf_up{vnf="fw-1"} 1\n')).toBe(true);
    expect(text.indexOf('clickvnfm_build_info')).toBeLessThan(text.indexOf('clickvnf_up'));
    remove();
    text = await m.scrape();
    expect(text).not.toContain('clickvnf_up');
  });
});

it('docs/operations.md and the Grafana dashboard name only metrics that exist, and document every one', async () => {
  const m = noProcess();
  m.watchQueues(async () => []);
  m.watchNotificationBacklog(async () => 0);
  const exposed = new Set([...(await m.scrape()).matchAll(/^# TYPE (clickvnfm_\w+) /gm)].map((x) => x[1] ?? ''));
  const named = (file: string): Set<string> =>
    new Set(
      [...readFileSync(join(__dirname, '..', '..', 'docs', file), 'utf8').matchAll(/clickvnfm_[a-z_]+/g)].map((x) =>
        x[0].replace(/_(bucket|count|sum)$/, ''),
      ),
    );
  const doc = named('operations.md');
  expect([...doc].filter((n) => !exposed.has(n))).toEqual([]);
  expect([...exposed].filter((n) => !doc.has(n))).toEqual([]);
  expect([...named('grafana-dashboard.json')].filter((n) => !exposed.has(n))).toEqual([]);
});

describe('the timed VIM and agents', () => {
  const fakeVim = (fail: boolean): Vim =>
    ({
      kind: 'emulated',
      vimType: 'ETSINFV.OPENSTACK_KEYSTONE.v_3',
      computeResourceType: 'OS::Nova::Server',
      describe: async () => (fail ? Promise.reject(new Error('down')) : []),
      destroy: async () => undefined,
    }) as unknown as Vim;

  it('times every call by VIM kind, method and outcome, and changes neither answers nor errors', async () => {
    const m = noProcess();
    const ok = m.vim(fakeVim(false));
    expect(ok.kind).toBe('emulated');
    expect(ok.vimType).toBe('ETSINFV.OPENSTACK_KEYSTONE.v_3');
    expect(await ok.describe('i1')).toEqual([]);
    await ok.destroy('i1');
    await expect(m.vim(fakeVim(true)).describe('i1')).rejects.toThrow('down');
    const text = await m.scrape();
    for (const [method, outcome] of [
      ['describe', 'ok'],
      ['destroy', 'ok'],
      ['describe', 'error'],
    ])
      expect(text).toContain(
        `clickvnfm_vim_call_duration_seconds_count{vim="emulated",method="${method}",outcome="${outcome}"} 1`,
      );
    const provider = m.vims({ forConnection: async () => fakeVim(false) });
    await (await provider.forConnection({ id: 'c', vimType: 'x' })).describe('i2');
    expect(await m.scrape()).toContain(
      'clickvnfm_vim_call_duration_seconds_count{vim="emulated",method="describe",outcome="ok"} 2',
    );
  });

  it('times agent calls by dialect, method and outcome', async () => {
    const m = noProcess();
    const factory: VnfAgentFactory = {
      forEndpoint: (endpoint) =>
        ({
          endpoint,
          status: async () => ({ reachable: true, running: true }),
          deploy: async () => Promise.reject(new Error('bad config')),
        }) as unknown as VnfAgent,
    };
    const agent = m.agents(factory).forEndpoint({ address: '10.0.0.1', port: 8000, dialect: 'click-plugin' });
    expect(agent.endpoint.address).toBe('10.0.0.1');
    expect(await agent.status()).toEqual({ reachable: true, running: true });
    await expect(agent.deploy('x')).rejects.toThrow('bad config');
    const text = await m.scrape();
    expect(text).toContain(
      'clickvnfm_agent_call_duration_seconds_count{dialect="click-plugin",method="status",outcome="ok"} 1',
    );
    expect(text).toContain(
      'clickvnfm_agent_call_duration_seconds_count{dialect="click-plugin",method="deploy",outcome="error"} 1',
    );
  });
});

describe("the LCM's observer", () => {
  const op = (state: VnfLcmOpOcc['operationState']): VnfLcmOpOcc =>
    ({
      id: 'o1',
      vnfInstanceId: 'i1',
      operation: 'SCALE',
      operationState: state,
      startTime: '2024-01-01T00:00:00.000Z',
      stateEnteredTime: '2024-01-01T00:00:00.000Z',
    }) as VnfLcmOpOcc;

  function deps(heard: Array<[string, string, number]>, throwing = false): LcmDeps {
    let stored = op('PROCESSING');
    return {
      clock: { now: () => new Date('2024-01-01T00:01:30.000Z') },
      opOccs: {
        update: async (_id: string, mutate: (o: VnfLcmOpOcc) => VnfLcmOpOcc) => {
          stored = mutate(stored);
          return { doc: stored, version: 2 };
        },
        get: async () => ({ doc: stored, version: 2 }),
        openRun: async () => ({ op: { doc: stored, version: 2 }, done: [], state: {} }),
      },
      instances: { get: async () => undefined, endOperation: async () => undefined },
      notifier: { publish: async () => undefined },
      observer: {
        operationFinished: (operation: string, state: string, ms: number) => {
          if (throwing) throw new Error('an observer bug');
          heard.push([operation, state, ms]);
        },
      },
    } as unknown as LcmDeps;
  }

  it('hears each ending state once, with the time since startTime, and never the others', async () => {
    const heard: Array<[string, string, number]> = [];
    const d = deps(heard);
    await transition(d, 'o1', 'FAILED_TEMP');
    await transition(d, 'o1', 'ROLLING_BACK');
    await transition(d, 'o1', 'ROLLED_BACK');
    // a finished op-occ's lock met later: notified again, not counted again
    await settleFinished(d, 'i1', 'o1');
    expect(heard).toEqual([
      ['SCALE', 'FAILED_TEMP', 90_000],
      ['SCALE', 'ROLLED_BACK', 90_000],
    ]);
  });

  it('an observer that throws does not fail the operation', async () => {
    await expect(transition(deps([], true), 'o1', 'COMPLETED')).resolves.toBeDefined();
  });
});

describe('where /metrics is served', () => {
  const source = { contentType: 'text/plain; version=0.0.4; charset=utf-8', scrape: async () => 'x_up 1\n' };
  const auth = { basic: true, oauth2: false, tokenTtlSeconds: 60, tokenKey: Buffer.alloc(32), users: [], clients: [] };
  const app = (token?: string) =>
    buildApp({
      instances: {} as never,
      packages: {} as never,
      auth,
      publicUrl: 'http://vnfm.test',
      routes: [metricsRoutes({ source, ...(token !== undefined ? { token } : {}) })],
    });

  it('the API: open by default, outside the OpenAPI document', async () => {
    const a = await app();
    const res = await a.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(source.contentType);
    expect(res.body).toBe('x_up 1\n');
    const doc = (await a.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
    await a.close();
  });

  it('the API: with metrics.token, the bearer token and nothing else (ProblemDetails 401)', async () => {
    const a = await app(TOKEN);
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, 'Bearer', `Bearer ${TOKEN} more`]) {
      const res = await a.inject({
        method: 'GET',
        url: '/metrics',
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body).not.toContain(TOKEN);
    }
    const ok = await a.inject({ method: 'GET', url: '/metrics', headers: { authorization: `bearer ${TOKEN}` } });
    expect(ok.statusCode).toBe(200);
    await a.close();
  });

  it("a worker's own listener: /metrics only, the same token check", async () => {
    const server = await startMetricsServer(source, { listen: { host: '127.0.0.1', port: 0 }, token: TOKEN });
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
      const ok = await fetch(`${server.url}/metrics?x=1`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe(source.contentType);
      expect(await ok.text()).toBe('x_up 1\n');
      expect((await fetch(`${server.url}/`)).status).toBe(404);
      expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });

  it('metrics.listen: 127.0.0.1:9464 for a worker by default, none for the API, off, or where it says', () => {
    const config = (metrics: Record<string, unknown>, env: Record<string, string> = {}) =>
      loadConfig(env, { overrides: { metrics } });
    expect(metricsListener(config({}), 'worker')).toEqual({ at: { host: '127.0.0.1', port: 9464 }, explicit: false });
    expect(metricsListener(config({}), 'api')).toBeUndefined();
    expect(metricsListener(config({}), 'all')).toBeUndefined();
    expect(metricsListener(config({ listen: 'off' }), 'worker')).toBeUndefined();
    expect(metricsListener(config({ listen: '[::1]:0' }), 'api')).toEqual({
      at: { host: '::1', port: 0 },
      explicit: true,
    });
    const fromEnv = config({}, { CLICKVNFM_METRICS_LISTEN: '0.0.0.0:9100', CLICKVNFM_METRICS_TOKEN: TOKEN });
    expect(fromEnv.metrics).toEqual({ listen: '0.0.0.0:9100', token: TOKEN });
    expect(parseListen('localhost:9464')).toEqual({ host: 'localhost', port: 9464 });
    expect(() => config({ listen: 'nowhere' })).toThrow(ConfigError);
    expect(() => config({ listen: 'h:70000' })).toThrow(/metrics\.listen/);
    // a short token is refused, and the message does not repeat it
    expect(() => config({ token: 'short' })).toThrow(/metrics\.token \(CLICKVNFM_METRICS_TOKEN\)/);
    try {
      config({ token: 'short' });
    } catch (err) {
      expect((err as Error).message).not.toContain('short');
    }
  });
});
