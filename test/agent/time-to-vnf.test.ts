import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { EmulatedVm } from '../../src/emulator';
import { HttpVnfAgentFactory, AgentNotReadyError, ClickConfigError } from '../../src/agent';
import { clickFailed, jittered, readinessPause } from '../../src/agent/base-agent';
import type { ManagementDialect, VnfAgent } from '../../src/ports/vnf-agent';
import { freePort } from '../../src/net/free-port';

const FORWARDER = readFileSync(join(__dirname, '../../vnfd/forwarder/Files/click/forwarder.click'), 'utf8');
const BAD = FORWARDER.replace('c_in0 :: Counter', 'c_in0 :: Countr');
/** The samples' VNFD timing: grace 10 s, interval 2 s, deadline 45 s. */
const SAMPLE = { graceMs: 10_000, intervalMs: 2_000, deadlineMs: 45_000 };
const factory = new HttpVnfAgentFactory({ timeoutMs: 5000 });

async function vmOf(
  dialect: ManagementDialect,
  extra: Partial<ConstructorParameters<typeof EmulatedVm>[0]> = {},
): Promise<{ vm: EmulatedVm; agent: VnfAgent; port: number }> {
  const port = await freePort();
  const controlPort = await freePort();
  const vm = new EmulatedVm({ dialect, host: '127.0.0.1', port, controlPort, ...extra });
  void vm.bootInBackground();
  const agent = factory.forEndpoint({ address: '127.0.0.1', port, dialect, controlSocketPort: controlPort });
  return { vm, agent, port };
}

describe('the readiness pause', () => {
  it('starts at 100 ms, grows to the interval, reaches it at the grace and keeps it', () => {
    const pauses = [0, 1000, 3000, 6000, 9999, 10_000, 30_000].map((t) => readinessPause(t, SAMPLE));
    expect(pauses[0]).toBe(100);
    expect(pauses.slice(0, 5).every((p) => p < 2000)).toBe(true);
    for (let i = 1; i < pauses.length; i++) expect(pauses[i]).toBeGreaterThanOrEqual(pauses[i - 1]!);
    expect(pauses.slice(5)).toEqual([2000, 2000]);
    // looks within the grace: far more than the 5 of a fixed 2 s interval, yet bounded
    let t = 0;
    let looks = 0;
    while (t < SAMPLE.graceMs) {
      t += readinessPause(t, SAMPLE);
      looks++;
    }
    expect(looks).toBeGreaterThan(20);
    expect(looks).toBeLessThan(40);
  });

  it('each pause is spread over ±20 % at random, so that VMs created together are not looked at in step', () => {
    expect(jittered(100, () => 0)).toBe(80);
    expect(jittered(100, () => 0.5)).toBe(100);
    expect(jittered(100, () => 0.999999)).toBe(120);
    const seen = new Set(Array.from({ length: 200 }, () => jittered(1000)));
    expect([...seen].every((p) => p >= 800 && p <= 1200)).toBe(true);
    expect(seen.size).toBeGreaterThan(50);
  });

  it('grace 0 is the interval at once; an interval under 100 ms is kept', () => {
    expect(readinessPause(0, { graceMs: 0, intervalMs: 200 })).toBe(200);
    expect(readinessPause(0, { graceMs: 5000, intervalMs: 25 })).toBe(25);
  });
});

describe.each<ManagementDialect>(['click-plugin', 'osv-controlsocket'])('time to VNF (%s)', (dialect) => {
  it('a VM that answers 400 ms after boot is found soon after, not after the VNFD grace of 10 s', async () => {
    const { vm, agent } = await vmOf(dialect, { readyDelayMs: 400 });
    const t0 = Date.now();
    await agent.waitReady(SAMPLE);
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(380);
    expect(waited).toBeLessThan(1500);
    expect((await agent.status()).reachable).toBe(true);
    await vm.powerOff();
  });

  it('looks once more at the deadline: a VM ready between the last pause and the deadline is found', async () => {
    // looks at 0, ~300, ~600 (±20 %), then the pause is cut to end at the deadline (700), where the VM answers
    const { vm, agent } = await vmOf(dialect, { readyDelayMs: 640 });
    await agent.waitReady({ graceMs: 0, intervalMs: 300, deadlineMs: 700 });
    expect((await agent.status()).reachable).toBe(true);
    await vm.powerOff();
  });

  it('the AbortSignal cancels the wait at once', async () => {
    const { vm, agent } = await vmOf(dialect, { neverReady: true });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    const t0 = Date.now();
    await expect(agent.waitReady({ ...SAMPLE, signal: ac.signal })).rejects.toThrow(/cancelled/);
    expect(Date.now() - t0).toBeLessThan(1000);
    await vm.powerOff();
  });

  it('at the deadline: an error naming the VNFC, its address and the last error', async () => {
    const { vm, agent, port } = await vmOf(dialect, { neverReady: true });
    const err = (await agent
      .waitReady({ ...SAMPLE, deadlineMs: 800, subject: 'VNFC fwd-0' })
      .catch((e: unknown) => e)) as AgentNotReadyError;
    expect(err).toBeInstanceOf(AgentNotReadyError);
    expect(err.waitedMs).toBeGreaterThanOrEqual(500);
    expect(err.waitedMs).toBeLessThan(1500);
    expect(err.message).toMatch(
      new RegExp(
        `^VNFC fwd-0: the management API at 127\\.0\\.0\\.1:${port} did not become ready within 1 s ` +
          `\\(waited \\d+ ms; last error: TCP 127\\.0\\.0\\.1:${port}: ECONNREFUSED\\)$`,
      ),
    );
    await vm.powerOff();
  });

  it('Click slow to start (600 ms, past the old fixed 300 ms): deploy waits until it runs', async () => {
    const { vm, agent } = await vmOf(dialect, { clickStartDelayMs: 600 });
    await agent.waitReady({ graceMs: 0, intervalMs: 25, deadlineMs: 5000 });
    const t0 = Date.now();
    const r = await agent.deploy(FORWARDER);
    expect(r.running).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(580);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect((await agent.status()).running).toBe(true);
    await vm.powerOff();
  });

  it("a bad config on a slow Click fails as soon as Click logs its error, with Click's text", async () => {
    const { vm, agent } = await vmOf(dialect, { clickStartDelayMs: 400 });
    await agent.waitReady({ graceMs: 0, intervalMs: 25, deadlineMs: 5000 });
    const t0 = Date.now();
    const err = (await agent.deploy(BAD).catch((e: unknown) => e)) as ClickConfigError;
    expect(err).toBeInstanceOf(ClickConfigError);
    expect(err.clickMessage).toMatch(/func\.click:\d+: unknown element class 'Countr'/);
    // at once, not at the 5 s deadline
    expect(Date.now() - t0).toBeLessThan(2500);
    await vm.powerOff();
  });

  it('Click that never reports running fails at the deadline, saying so', async () => {
    const { vm, agent } = await vmOf(dialect, { clickStartDelayMs: 60_000 });
    await agent.waitReady({ graceMs: 0, intervalMs: 25, deadlineMs: 5000 });
    const t0 = Date.now();
    await expect(agent.deploy(FORWARDER, { timeoutMs: 700 })).rejects.toThrow(/did not report running within 700 ms/);
    expect(Date.now() - t0).toBeLessThan(2500);
    await vm.powerOff();
  });
});

describe('"Click is running" on the plugin API, polled (fake API)', () => {
  async function plugin(
    runningAnswers: string[],
    log: string,
  ): Promise<{ agent: VnfAgent; seen: string[]; close(): Promise<void> }> {
    const seen: string[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url === '/click_plugin/start') return void res.writeHead(200).end('"Sucess: PID 7"');
      if (req.url === '/click_plugin/running') return void res.writeHead(200).end(runningAnswers.shift() ?? 'true');
      if (req.url === '/click_plugin/log') return void res.writeHead(200).end(JSON.stringify(log));
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    return {
      agent: factory.forEndpoint({ address: '127.0.0.1', port, dialect: 'click-plugin' }),
      seen,
      close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
    };
  }

  it('asks until running says true (warnings in the log are no failure), then returns the log', async () => {
    const api = await plugin(['false', 'false', 'false', 'true'], 'func.click:3: warning: unused element\n');
    const r = await api.agent.start();
    expect(r).toEqual({ running: true, pid: 7, log: 'func.click:3: warning: unused element\n' });
    expect(api.seen.filter((s) => s === 'GET /click_plugin/running')).toHaveLength(4);
    await api.close();
  });

  it('running at the first look: no further look and no fixed wait', async () => {
    const api = await plugin(['true'], '');
    const t0 = Date.now();
    await api.agent.start();
    expect(api.seen.filter((s) => s === 'GET /click_plugin/running')).toHaveLength(1);
    expect(Date.now() - t0).toBeLessThan(300);
    await api.close();
  });

  it('an error in the log while Click does not run fails at the first look (HTTP 200 on failure)', async () => {
    const api = await plugin(['false', 'true'], "func.click:1: unknown element class 'Fooo'\n");
    await expect(api.agent.start()).rejects.toThrow(/rejected the configuration: func\.click:1: unknown element/);
    expect(api.seen.filter((s) => s === 'GET /click_plugin/running')).toHaveLength(1);
    await api.close();
  });

  it('clickFailed: errors fail, warnings and an empty log do not', () => {
    expect(clickFailed('')).toBe(false);
    expect(clickFailed('func.click:3: warning: x\n')).toBe(false);
    expect(clickFailed('func.click:3: warning: x\nRouter could not be initialized!\n')).toBe(true);
  });
});
