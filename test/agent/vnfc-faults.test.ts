/**
 * Faults injected into a running VNFC (docs/emulator.md, "Faults in a running VNFC"), seen as the VNFM sees
 * them: through the real agent clients (both dialects) and the EmulatedVim.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmulatedCloud, EmulatedVim, EmulatedVm, type VmFaultInForce } from '../../src/emulator';
import { ControlSocketClient, HttpVnfAgentFactory } from '../../src/agent';
import type { ManagementDialect, NormalizedMetrics, VnfAgent } from '../../src/ports/vnf-agent';
import type { VnfDeployment } from '../../src/ports/vim';
import { freePort } from '../../src/net/free-port';

const click = (name: string): string =>
  readFileSync(join(__dirname, `../../vnfd/${name}/Files/click/${name}.click`), 'utf8');
const FORWARDER = click('forwarder');
const RATE_LIMITER = click('rate-limiter');
const factory = new HttpVnfAgentFactory({ timeoutMs: 3000 });
const fast = { graceMs: 0, intervalMs: 25, deadlineMs: 5000 };

type FaultsAnswer = { status: number; faults: VmFaultInForce[]; message?: string };

/** `/_emulator/faults` on an API at `base` (the VM's, or the cloud's `/servers/{id}`). */
async function faults(url: string, method: 'GET' | 'PUT' | 'DELETE', body?: unknown): Promise<FaultsAnswer> {
  const res = await fetch(url, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const json = (await res.json()) as { faults?: VmFaultInForce[]; message?: string };
  return {
    status: res.status,
    faults: json.faults ?? [],
    ...(json.message !== undefined ? { message: json.message } : {}),
  };
}

async function bootVm(dialect: ManagementDialect): Promise<{ vm: EmulatedVm; agent: VnfAgent; url: string }> {
  const controlPort = await freePort();
  const vm = new EmulatedVm({ dialect, host: '127.0.0.1', port: 0, controlPort });
  await vm.boot();
  const port = vm.address!.port;
  const agent = factory.forEndpoint({ address: '127.0.0.1', port, dialect, controlSocketPort: controlPort });
  await agent.waitReady(fast);
  return { vm, agent, url: `http://127.0.0.1:${port}/_emulator/faults` };
}

const counter = (m: NormalizedMetrics, element: string, handler: string): number => {
  const c = m.elements.find((e) => e.element === element && e.handler === handler);
  if (c === undefined) throw new Error(`no ${element}.${handler} in ${JSON.stringify(m.elements)}`);
  return c.value;
};

/** How fast `element.handler` grows, per second, between two metrics() calls about `gapMs` apart. */
async function growth(agent: VnfAgent, element: string, handler: string, gapMs = 500): Promise<number> {
  const a = await agent.metrics();
  await sleep(gapMs);
  const b = await agent.metrics();
  return (counter(b, element, handler) - counter(a, element, handler)) / ((b.timeMs - a.timeMs) / 1000);
}

describe.each<ManagementDialect>(['click-plugin', 'osv-controlsocket'])('faults in a running VNFC (%s)', (dialect) => {
  let vm: EmulatedVm;
  let agent: VnfAgent;
  let url: string;
  beforeEach(async () => {
    ({ vm, agent, url } = await bootVm(dialect));
    await agent.deploy(FORWARDER);
  });
  afterEach(async () => vm.powerOff());

  it('nf-crash: Click no longer runs, its log carries the message, and a deploy runs it again', async () => {
    const put = await faults(url, 'PUT', { fault: 'nf-crash', message: 'Segmentation fault in c_in0' });
    expect(put).toMatchObject({ status: 200, faults: [{ fault: 'nf-crash', message: 'Segmentation fault in c_in0' }] });
    expect((await agent.status()).running).toBe(false);
    expect(await agent.log()).toContain('Segmentation fault in c_in0');
    expect((await agent.identification()).name).toBe('');
    // a crash of a Click that no longer runs is refused
    expect((await faults(url, 'PUT', { fault: 'nf-crash' })).status).toBe(409);

    const again = await agent.deploy(FORWARDER);
    expect(again.running).toBe(true);
    expect((await agent.status()).running).toBe(true);
    expect((await faults(url, 'GET')).faults).toEqual([]);
    await faults(url, 'PUT', { fault: 'nf-crash' });
    expect(await agent.log()).toContain('Segmentation fault (injected fault nf-crash)');
  });

  it('api-hang: calls are accepted and never answered until DELETE; the fault path still answers', async () => {
    expect((await faults(url, 'PUT', { fault: 'api-hang' })).faults).toEqual([
      { fault: 'api-hang', since: expect.any(Number) },
    ]);
    const started = Date.now();
    await expect(agent.status({ timeoutMs: 300 })).rejects.toThrow(/no answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2500);
    expect((await faults(url, 'GET')).faults.map((f) => f.fault)).toEqual(['api-hang']);

    expect((await faults(url, 'DELETE')).faults).toEqual([]);
    expect(await agent.status({ timeoutMs: 1000 })).toMatchObject({ reachable: true, running: true });
  });

  it('a bad fault is refused with the reason (400), and a VM reboot clears the faults', async () => {
    expect(await faults(url, 'PUT', { fault: 'meltdown' })).toMatchObject({ status: 400, message: /fault must be/ });
    expect(await faults(url, 'PUT', { fault: 'drops', pps: -1 })).toMatchObject({ status: 400, message: /pps/ });
    expect(await faults(url, 'PUT', { fault: 'drops', pps: 5, element: 'c_in0' })).toMatchObject({
      status: 400,
      message: /no drop counter/,
    });
    await faults(url, 'PUT', { fault: 'drops', pps: 5 });
    await vm.reboot();
    await agent.waitReady(fast);
    expect((await faults(url, 'GET')).faults).toEqual([]);
  });
});

describe('drops, as the element counters show them (osv-controlsocket)', () => {
  let vm: EmulatedVm;
  let agent: VnfAgent;
  let url: string;
  beforeEach(async () => ({ vm, agent, url } = await bootVm('osv-controlsocket')));
  afterEach(async () => vm.powerOff());

  it("the first output device's dropped grows at pps from the injection on, and stops after DELETE", async () => {
    await agent.deploy(FORWARDER);
    const before = await agent.metrics();
    // Click's names: ToDPDKDevice counts its drops in dropped, FromDPDKDevice the NIC's in hw_dropped
    expect(before.elements.filter((e) => e.handler === 'dropped').map((e) => e.value)).toEqual([0, 0]);
    expect(before.elements.filter((e) => e.handler === 'hw_dropped').map((e) => e.value)).toEqual([0, 0]);
    expect(before.elements.filter((e) => /bytes$/.test(e.handler)).map((e) => e.handler)).toEqual(
      Array<string>(4).fill('hw_bytes'),
    );
    const put = await faults(url, 'PUT', { fault: 'drops', pps: 2000 });
    const element = put.faults[0]?.fault === 'drops' ? put.faults[0].element : '';
    expect(element).toMatch(/^ToDPDKDevice@/);
    const rate = await growth(agent, element, 'dropped');
    expect(rate).toBeGreaterThan(1500);
    expect(rate).toBeLessThan(2500);

    // cleared: the counter stops where it was (it does not go back to 0)
    await faults(url, 'DELETE');
    expect(await growth(agent, element, 'dropped', 200)).toBe(0);
    expect(counter(await agent.metrics(), element, 'dropped')).toBeGreaterThan(500);
  });

  it("a named queue's drops grow at pps, the queue full while it drops (length = highwater = capacity)", async () => {
    await agent.deploy(RATE_LIMITER);
    expect(counter(await agent.metrics(), 'q', 'drops')).toBe(0);
    await faults(url, 'PUT', { fault: 'drops', element: 'q', pps: 1000 });
    const rate = await growth(agent, 'q', 'drops');
    expect(rate).toBeGreaterThan(700);
    expect(rate).toBeLessThan(1300);
    const m = await agent.metrics();
    expect(counter(m, 'q', 'length')).toBe(2048);
    expect(counter(m, 'q', 'highwater_length')).toBe(2048);
    await faults(url, 'DELETE');
    const after = await agent.metrics();
    expect([counter(after, 'q', 'length'), counter(after, 'q', 'highwater_length')]).toEqual([0, 2048]);
  });

  it('api-hang holds the ControlSocket too: no greeting, until DELETE', async () => {
    await agent.deploy(FORWARDER);
    await faults(url, 'PUT', { fault: 'api-hang' });
    const port = agent.endpoint.controlSocketPort!;
    await expect(ControlSocketClient.open('127.0.0.1', port, 300)).rejects.toThrow(/did not reply within 300 ms/);
    await faults(url, 'DELETE');
    const c = await ControlSocketClient.open('127.0.0.1', port, 1000);
    expect((await c.read('version')).code).toBe(200);
    c.close();
  });
});

describe('EmulatedCloud: faults by server id', () => {
  const cloud = new EmulatedCloud({ vmReadyDelayMs: 20 });
  let vim: EmulatedVim;
  beforeAll(async () => {
    vim = new EmulatedVim(await cloud.start());
  });
  afterAll(async () => cloud.stop());

  const deployment = (id: string, count: number): VnfDeployment => ({
    vnfInstanceId: id,
    flavourId: 'simple',
    virtualLinks: [],
    vdus: [
      {
        vduId: 'click_vdu',
        name: 'click',
        count,
        dialect: 'osv-controlsocket',
        managementPort: 8000,
        flavor: { vcpus: 1, memoryMb: 512, diskGb: 1 },
        image: {
          name: 'click-on-osv',
          version: '2017.1',
          checksum: { algorithm: 'sha-256', hash: 'ef'.repeat(32) },
          containerFormat: 'bare',
          diskFormat: 'qcow2',
          minDiskGb: 1,
          minRamMb: 192,
          sizeBytes: 27_000_000,
        },
        cps: [{ cpdId: 'mgmt', order: 0, vnicType: 'normal', portSecurity: true, management: true }],
      },
    ],
  });
  const agentOf = async (instanceId: string, serverId: string): Promise<VnfAgent> => {
    const v = (await vim.describe(instanceId)).find((x) => x.resourceId === serverId)!;
    const agent = factory.forEndpoint({
      address: v.managementAddress!,
      port: v.managementPort!,
      dialect: 'osv-controlsocket',
      controlSocketPort: v.controlSocketPort!,
      vmControlSocketPort: 8001,
    });
    await agent.waitReady(fast);
    return agent;
  };

  it('shutoff: SHUTOFF in describe() and a dead API; start: ACTIVE, the API back, Click not running', async () => {
    const [a, b] = await vim.apply(deployment('f1', 2));
    const agent = await agentOf('f1', a!.resourceId);
    await agent.deploy(FORWARDER);

    await cloud.injectVnfcFault(a!.resourceId, { fault: 'shutoff' });
    const status = async (): Promise<Record<string, string>> =>
      Object.fromEntries((await vim.describe('f1')).map((v) => [v.resourceId, v.status]));
    expect(await status()).toEqual({ [a!.resourceId]: 'SHUTOFF', [b!.resourceId]: 'ACTIVE' });
    await expect(agent.status({ timeoutMs: 500 })).rejects.toThrow(/ECONNREFUSED/);
    await expect(cloud.injectVnfcFault(a!.resourceId, { fault: 'shutoff' })).rejects.toThrow(/while it is SHUTOFF/);

    // Nova's action names on the cloud's HTTP API
    const action = (body: unknown): Promise<Response> =>
      fetch(`${cloud.url}/servers/${a!.resourceId}/action`, { method: 'POST', body: JSON.stringify(body) });
    expect((await action({ 'os-start': null })).status).toBe(202);
    expect((await status())[a!.resourceId]).toBe('ACTIVE');
    const again = await agentOf('f1', a!.resourceId);
    expect(await again.status()).toMatchObject({ reachable: true, running: false });
    expect(await again.readConfig()).toBe(FORWARDER);
    expect((await again.start()).running).toBe(true);
    expect((await action({ 'os-start': null })).status).toBe(409);
    expect((await action({ reboot: { type: 'HARD' } })).status).toBe(400);
    await vim.destroy('f1');
  });

  it('VM faults by server id, in-process and over PUT|GET|DELETE /servers/{id}/faults', async () => {
    const [v] = await vim.apply(deployment('f2', 1));
    const id = v!.resourceId;
    const agent = await agentOf('f2', id);
    await agent.deploy(FORWARDER);

    await cloud.injectVnfcFault(id, { fault: 'nf-crash' });
    expect((await agent.status()).running).toBe(false);
    expect(await agent.log()).toContain('injected fault nf-crash');
    await agent.deploy(FORWARDER);

    const base = `${cloud.url}/servers/${id}/faults`;
    expect(await faults(base, 'PUT', { fault: 'drops', element: 'c_in0', pps: 10 })).toMatchObject({ status: 400 });
    expect(await faults(base, 'PUT', { fault: 'api-hang' })).toMatchObject({ status: 200 });
    await expect(agent.status({ timeoutMs: 300 })).rejects.toThrow(/no answer within 300 ms/);
    expect((await faults(base, 'GET')).faults.map((f) => f.fault)).toEqual(['api-hang']);
    expect(cloud.vnfcFaults(id).map((f) => f.fault)).toEqual(['api-hang']);
    expect((await faults(base, 'DELETE')).faults).toEqual([]);
    expect((await agent.status()).running).toBe(true);

    expect(await faults(base, 'PUT', { fault: 'shutoff' })).toMatchObject({ status: 200, faults: [] });
    expect(await faults(base, 'PUT', { fault: 'api-hang' })).toMatchObject({ status: 409, message: /SHUTOFF/ });
    expect((await faults(`${cloud.url}/servers/nope/faults`, 'GET')).status).toBe(404);
    await vim.destroy('f2');
  });
});
