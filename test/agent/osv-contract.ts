/**
 * The osv-controlsocket agent's contract, black box: only the agent and what the VM answers, so the same suite runs
 * against the emulator (test/agent/osv-contract.test.ts, in CI) and a real Click-on-OSv VM under QEMU
 * (test/realvm/real-vm.test.ts, `npm run test:realvm -- --image PATH`). The configurations use only elements that
 * run without DPDK (RatedSource, Counter, Queue, Discard) and carry the VNF header on line 1.
 */
import { ClickConfigError, HttpVnfAgentFactory } from '../../src/agent';
import type { AgentEndpoint, VnfAgent } from '../../src/ports/vnf-agent';

export interface OsvTarget {
  endpoint: AgentEndpoint;
  /** How long the VM may take to answer after boot. */
  readyDeadlineMs: number;
  close(): Promise<void>;
}

const ID = '5f0e4d0a-7d3c-4a53-9c35-0c4f7e2b9a11';
export const contractConfig = (name: string, body: string): string =>
  [
    '//VNF_HEADER',
    '//VNF_VERSION: 1.0',
    `//VNF_ID: ${ID}`,
    '//VNF_PROVIDER: click-osv-vnfm contract',
    `//VNF_NAME: ${name}`,
    '//VNF_RELEASE_DATE: 2026-12-02 00:00',
    '//VNF_RELEASE_VERSION: 1.0',
    '//VNF_RELEASE_LIFESPAN: 2031-12-02 00:00',
    `//VNF_DESCRIPTION: the agent contract (${name})`,
    body,
    '',
  ].join('\n');

export const COUNTING = contractConfig('counting', 'src :: RatedSource(RATE 200) -> c :: Counter -> Discard;');
const QUEUED = contractConfig(
  'queued',
  'src :: RatedSource(RATE 200) -> c :: Counter -> q :: Queue(64) -> u :: Unqueue -> extra :: Counter -> Discard;',
);
const BAD = contractConfig('bad', 'src :: RatedSource(RATE 200) -> x :: NoSuchElement -> Discard;');

const value = (m: Awaited<ReturnType<VnfAgent['metrics']>>, element: string, handler: string) =>
  m.elements.find((e) => e.element === element && e.handler === handler)?.value;

/** The suite, on a target booted once for it (beforeAll) and powered off at its end. */
export function describeOsvContract(name: string, boot: () => Promise<OsvTarget>): void {
  describe(`the osv-controlsocket agent contract (${name})`, () => {
    let target: OsvTarget;
    let agent: VnfAgent;
    beforeAll(async () => {
      target = await boot();
      agent = new HttpVnfAgentFactory({ timeoutMs: 10_000 }).forEndpoint(target.endpoint);
      await agent.waitReady({ graceMs: 2000, intervalMs: 250, deadlineMs: target.readyDeadlineMs });
    }, 180_000);
    afterAll(async () => target?.close());
    it('answers its status: reachable, a version', async () => {
      const s = await agent.status();
      expect(s.reachable).toBe(true);
      expect(typeof s.version).toBe('string');
      expect(s.version!.length).toBeGreaterThan(0);
    });

    it('deploys a configuration: Click runs it, the header identifies it, the file holds it', async () => {
      const r = await agent.deploy(COUNTING);
      expect(r.running).toBe(true);
      expect((await agent.status()).running).toBe(true);
      expect(await agent.identification()).toMatchObject({ id: ID, name: 'counting', version: '1.0' });
      expect(await agent.readConfig()).toBe(COUNTING);
    });

    it("reads metrics: Click's counters move, CPU and memory in 0..100", async () => {
      const a = await agent.metrics();
      await new Promise((r) => setTimeout(r, 500));
      const b = await agent.metrics({ baseline: a.baseline! });
      expect(value(b, 'c', 'count')!).toBeGreaterThan(value(a, 'c', 'count')!);
      for (const m of [a, b]) {
        expect(m.cpuPercent).toBeGreaterThanOrEqual(0);
        expect(m.cpuPercent).toBeLessThanOrEqual(100);
        expect(m.memoryPercent).toBeGreaterThan(0);
        expect(m.memoryPercent).toBeLessThan(100);
      }
    });

    it('reconfigures hot (the same Click), and a bad configuration leaves the running one', async () => {
      expect(await agent.reconfigure(QUEUED)).toEqual({ hot: true });
      const m = await agent.metrics();
      expect(value(m, 'extra', 'count')).toBeDefined();
      expect(value(m, 'q', 'length')).toBeDefined();
      const refused = await agent.reconfigure(BAD).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ClickConfigError);
      expect((refused as ClickConfigError).clickMessage).toMatch(/unknown element class 'NoSuchElement'/);
      expect((await agent.status()).running).toBe(true);
      expect(await agent.readConfig()).toBe(QUEUED);
    });

    it("a bad configuration deployed: Click's own error, Click not running, the error in its log", async () => {
      const err = await agent.deploy(BAD).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClickConfigError);
      expect((err as ClickConfigError).clickMessage).toMatch(/func\.click:\d+: unknown element class 'NoSuchElement'/);
      expect((await agent.status()).running).toBe(false);
      const log = await agent.log();
      expect(log).toMatch(/NoSuchElement/);
      // only this run's error: the log was emptied at the start
      expect(log.match(/NoSuchElement/g)?.length).toBe(1);
    });

    it('stops and starts again, several times in one boot', async () => {
      for (let i = 0; i < 3; i++) {
        await agent.deploy(COUNTING);
        expect((await agent.status()).running).toBe(true);
        await agent.stop();
        expect((await agent.status()).running).toBe(false);
      }
      await agent.stop(); // idempotent
      expect((await agent.start()).running).toBe(true);
    });

    it('shuts down gracefully: the API goes away', async () => {
      await agent.shutdown();
      const deadline = Date.now() + 20_000;
      let gone = false;
      while (!gone && Date.now() < deadline) {
        gone = await agent.status({ timeoutMs: 1000 }).then(
          () => false,
          () => true,
        );
        if (!gone) await new Promise((r) => setTimeout(r, 250));
      }
      expect(gone).toBe(true);
    }, 30_000);
  });
}
