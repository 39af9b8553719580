import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmulatedVm } from '../../src/emulator';
import { HttpVnfAgentFactory, AgentNotReadyError, ClickConfigError } from '../../src/agent';
import type { ManagementDialect, VnfAgent } from '../../src/ports/vnf-agent';
import { freePort } from '../../src/net/free-port';

const FORWARDER = readFileSync(join(__dirname, '../../vnfd/forwarder/Files/click/forwarder.click'), 'utf8');
const BAD = FORWARDER.replace('c_in0 :: Counter', 'c_in0 :: Countr');
const factory = new HttpVnfAgentFactory({ timeoutMs: 3000 });
const fast = { graceMs: 0, intervalMs: 50, deadlineMs: 5000 };

async function bootVm(
  dialect: ManagementDialect,
  extra: Partial<ConstructorParameters<typeof EmulatedVm>[0]> = {},
): Promise<{ vm: EmulatedVm; agent: VnfAgent }> {
  const controlPort = await freePort();
  const vm = new EmulatedVm({ dialect, host: '127.0.0.1', port: 0, controlPort, ...extra });
  await vm.boot();
  const agent = factory.forEndpoint({
    address: '127.0.0.1',
    port: vm.address!.port,
    dialect,
    controlSocketPort: controlPort,
  });
  return { vm, agent };
}

describe.each<ManagementDialect>(['click-plugin', 'osv-controlsocket'])('the in-VM agent contract (%s)', (dialect) => {
  let vm: EmulatedVm;
  let agent: VnfAgent;
  beforeEach(async () => {
    ({ vm, agent } = await bootVm(dialect));
    await agent.waitReady(fast);
  });
  afterEach(async () => vm.powerOff());

  it('good config -> running, with the VNF identification from its header', async () => {
    const r = await agent.deploy(FORWARDER);
    expect(r.running).toBe(true);
    expect((await agent.status()).running).toBe(true);
    expect(await agent.readConfig()).toBe(FORWARDER);
    expect(await agent.identification()).toEqual({
      id: 'b1bb0ce7-ebca-4fa7-95ed-4840d70a1177',
      version: '1.0',
      name: 'forwarder',
      description: expect.stringContaining('RFC 2544'),
      provider: 'Click-on-OSv Project',
    });
  });

  it("bad config -> a clear error carrying Click's message, and Click is not running", async () => {
    const err = await agent.deploy(BAD).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClickConfigError);
    expect((err as Error).message).toMatch(/func\.click:\d+: unknown element class 'Countr'/);
    expect((err as Error).message).toContain(`127.0.0.1:${vm.address!.port}`);
    expect((await agent.status()).running).toBe(false);
  });

  it('reconfigures (hot, without a restart, for osv-controlsocket)', async () => {
    const first = await agent.deploy(FORWARDER);
    const startedAt = vm.click!.startedAt;
    await new Promise((r) => setTimeout(r, 20));
    const next = FORWARDER.replace('c_out0 :: Counter', 'c_out0 :: Counter -> extra :: Counter');
    const r = await agent.reconfigure(next);
    expect(r.hot).toBe(dialect === 'osv-controlsocket');
    expect(await agent.readConfig()).toBe(next);
    expect((await agent.status()).running).toBe(true);
    if (dialect === 'osv-controlsocket') {
      // the same Click process: same pid, and its thread's CPU time keeps growing from the first start
      expect(vm.click!.pid).toBe(first.pid);
      expect(vm.click!.startedAt).toBeLessThanOrEqual(startedAt);
      const m = await agent.metrics();
      expect(m.elements.some((e) => e.element === 'extra' && e.handler === 'count')).toBe(true);
    } else {
      expect(vm.click!.pid).not.toBe(first.pid);
      expect(vm.click!.startedAt).toBeGreaterThanOrEqual(startedAt);
    }
    // a bad hot config is refused and the old one keeps running
    const refused = await agent.reconfigure(BAD).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ClickConfigError);
    // a hot configuration is read as an expression: Click's landmark is config:LINE (real image), else the file's
    expect((refused as ClickConfigError).clickMessage).toMatch(
      /^(func\.click|config):\d+: unknown element class 'Countr'/,
    );
    expect((await agent.status()).running).toBe(true);
    // the previous router still runs (hot: never replaced; plugin: written back and started again)
    expect(vm.click!.config).toBe(next);
  });

  it('metrics move over time', async () => {
    await agent.deploy(FORWARDER);
    const a = await agent.metrics();
    await new Promise((r) => setTimeout(r, 300));
    const b = await agent.metrics();
    expect(b.timeMs).toBeGreaterThan(a.timeMs);
    expect(b.cpuPercent).toBeGreaterThan(0);
    expect(b.memoryPercent).toBeGreaterThan(0);
    // the Counters' handlers, over the ControlSocket in both dialects (click-plugin: Click runs with -p 8001)
    const count = (m: typeof a): number =>
      m.elements.find((e) => e.element === 'c_in0' && e.handler === 'count')!.value;
    expect(count(b)).toBeGreaterThan(count(a));
    expect(b.elements.find((e) => e.element === 'c_in0' && e.handler === 'rate')!.value).toBeGreaterThan(0);
    if (dialect === 'click-plugin') {
      expect(b.ports[0]!.rxPercent).toBeGreaterThan(0);
    } else {
      // per-port counters and rates from the DPDK device elements
      const rx = b.ports.find((p) => p.rxBytes !== undefined)!;
      expect(rx.rxPackets).toBeGreaterThan(0);
      expect(rx.rxRate).toBeGreaterThan(0);
      expect(b.ports.some((p) => (p.txRate ?? 0) > 0)).toBe(true);
    }
  });

  it('stops, and starts again', async () => {
    await agent.deploy(FORWARDER);
    await agent.stop();
    expect((await agent.status()).running).toBe(false);
    await agent.stop(); // idempotent
    const r = await agent.start();
    expect(r.running).toBe(true);
  });

  it('shuts down gracefully: the API goes away', async () => {
    await agent.deploy(FORWARDER);
    await agent.shutdown();
    await new Promise((r) => setTimeout(r, 100));
    expect(vm.isUp).toBe(false);
    await expect(agent.status({ timeoutMs: 500 })).rejects.toThrow(/ECONNREFUSED|failed/);
  });
});

describe.each<ManagementDialect>(['click-plugin', 'osv-controlsocket'])('readiness (%s)', (dialect) => {
  it('waits for a slow VM, and never calls before it is up', async () => {
    const { vm, agent } = await bootVmLater(dialect, 400);
    const t0 = Date.now();
    await agent.waitReady({ graceMs: 100, intervalMs: 50, deadlineMs: 5000 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);
    expect((await agent.status()).reachable).toBe(true);
    await vm.powerOff();
  });

  it(
    'reboots: the API goes away and comes back after the readiness delay,' +
      ' Click is not running, the config stays on disk',
    async () => {
      const { vm, agent } = await bootVmLater(dialect, 150);
      await agent.waitReady({ graceMs: 0, intervalMs: 25, deadlineMs: 3000 });
      await agent.deploy(FORWARDER);
      await agent.reboot();
      await new Promise((r) => setTimeout(r, 50));
      expect(vm.isUp).toBe(false);
      await agent.waitReady({ graceMs: 0, intervalMs: 25, deadlineMs: 3000 });
      expect((await agent.status()).running).toBe(false);
      expect(await agent.readConfig()).toBe(FORWARDER);
      expect((await agent.start()).running).toBe(true);
      await vm.powerOff();
    },
  );

  it('a VM that never becomes ready -> a timeout naming the address and the wait', async () => {
    const port = await freePort();
    const vm = new EmulatedVm({ dialect, host: '127.0.0.1', port, neverReady: true });
    await vm.boot();
    const agent = factory.forEndpoint({ address: '127.0.0.1', port, dialect });
    const err = await agent.waitReady({ graceMs: 50, intervalMs: 100, deadlineMs: 700 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentNotReadyError);
    expect((err as Error).message).toMatch(
      new RegExp(`127\\.0\\.0\\.1:${port} did not become ready within 1 s \\(waited \\d+ ms`),
    );
    expect((err as AgentNotReadyError).waitedMs).toBeGreaterThanOrEqual(600);
    await vm.powerOff();
  });
});

async function bootVmLater(dialect: ManagementDialect, delay: number): Promise<{ vm: EmulatedVm; agent: VnfAgent }> {
  const port = await freePort();
  const vm = new EmulatedVm({ dialect, host: '127.0.0.1', port, readyDelayMs: delay, controlPort: await freePort() });
  void vm.bootInBackground();
  return {
    vm,
    agent: factory.forEndpoint({ address: '127.0.0.1', port, dialect, controlSocketPort: vm.options.controlPort }),
  };
}
