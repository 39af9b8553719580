import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmulatedCloud, EmulatedVim, EmulatedVimError } from '../../src/emulator';
import { AgentNotReadyError, ClickConfigError, HttpVnfAgentFactory } from '../../src/agent';
import type { VnfcResource, VnfDeployment, VduSpec } from '../../src/ports/vim';

const FORWARDER = readFileSync(join(__dirname, '../../vnfd/forwarder/Files/click/forwarder.click'), 'utf8');
const fast = { graceMs: 0, intervalMs: 25, deadlineMs: 3000 };
const agentOf = (v: VnfcResource, dialect: VduSpec['dialect'] = 'click-plugin') =>
  new HttpVnfAgentFactory({ timeoutMs: 3000 }).forEndpoint({
    address: v.managementAddress!,
    port: v.managementPort!,
    dialect,
    controlSocketPort: v.controlSocketPort!,
    // Click's port inside the VM (the VDU's), which the cloud forwards to controlSocketPort
    vmControlSocketPort: 8001,
  });

const vdu = (count: number, dialect: VduSpec['dialect'] = 'click-plugin'): VduSpec => ({
  vduId: 'click_vdu',
  name: 'click',
  count,
  dialect,
  managementPort: 8000,
  flavor: { vcpus: 1, memoryMb: 512, diskGb: 1 },
  image: {
    name: 'click-on-osv',
    version: '2017.1',
    checksum: { algorithm: 'sha-256', hash: 'ab'.repeat(32) },
    containerFormat: 'bare',
    diskFormat: 'qcow2',
    minDiskGb: 1,
    minRamMb: 192,
    sizeBytes: 27_000_000,
  },
  cps: [{ cpdId: 'mgmt', order: 0, vnicType: 'normal', portSecurity: true, management: true }],
});
const deployment = (id: string, count: number, dialect: VduSpec['dialect'] = 'click-plugin'): VnfDeployment => ({
  vnfInstanceId: id,
  flavourId: 'simple',
  vdus: [vdu(count, dialect)],
  virtualLinks: [],
});

describe('EmulatedVim on the emulated cloud (the Vim port)', () => {
  const cloud = new EmulatedCloud({ vmReadyDelayMs: 50 });
  let vim: EmulatedVim;
  beforeAll(async () => {
    vim = new EmulatedVim(await cloud.start());
  });
  afterAll(async () => cloud.stop());

  it('apply creates N VNFCs whose management APIs answer; apply again is idempotent', async () => {
    const images = await vim.ensureImages('i1', [vdu(1).image]);
    expect(images['click-on-osv']).toMatch(/^[0-9a-f-]{36}$/);
    const first = await vim.apply(deployment('i1', 2));
    expect(first).toHaveLength(2);
    const again = await vim.apply(deployment('i1', 2));
    expect(again.map((v) => v.resourceId).sort()).toEqual(first.map((v) => v.resourceId).sort());
    for (const v of first) {
      const agent = new HttpVnfAgentFactory().forEndpoint({
        address: v.managementAddress!,
        port: v.managementPort!,
        dialect: 'click-plugin',
      });
      await agent.waitReady({ graceMs: 0, intervalMs: 25, deadlineMs: 3000 });
      expect((await agent.status()).reachable).toBe(true);
    }
  });

  it('scales by changing counts, heals by replacing one server, powers off and on', async () => {
    const three = await vim.apply(deployment('i2', 3));
    const one = await vim.apply(deployment('i2', 1));
    expect(one).toHaveLength(1);
    expect(three.map((v) => v.resourceId)).toContain(one[0]!.resourceId);
    const healed = await vim.heal('i2', one[0]!.resourceId);
    expect(healed.resourceId).not.toBe(one[0]!.resourceId);
    expect((await vim.describe('i2')).map((v) => v.resourceId)).toEqual([healed.resourceId]);
    await vim.power('i2', healed.resourceId, 'off');
    expect((await vim.describe('i2'))[0]!.status).toBe('SHUTOFF');
    await vim.power('i2', healed.resourceId, 'on');
    expect((await vim.describe('i2'))[0]!.status).toBe('ACTIVE');
  });

  it("a VDU's availability zone is recorded on its servers and kept by a heal", async () => {
    const zoned = { ...deployment('iz', 2), vdus: [{ ...vdu(2), availabilityZone: 'az-2' }] };
    const vnfcs = await vim.apply(zoned);
    const zones = async () =>
      ((await (await fetch(`${cloud.url}/stacks/iz`)).json()) as Array<{ id: string; availabilityZone?: string }>).map(
        (s) => s.availabilityZone,
      );
    expect(await zones()).toEqual(['az-2', 'az-2']);
    await vim.heal('iz', vnfcs[0]!.resourceId);
    expect(await zones()).toEqual(['az-2', 'az-2']);
    await vim.apply(deployment('iz-plain', 1));
    const plain = (await (await fetch(`${cloud.url}/stacks/iz-plain`)).json()) as Array<Record<string, unknown>>;
    expect(plain[0]).not.toHaveProperty('availabilityZone');
    await vim.destroy('iz');
    await vim.destroy('iz-plain');
  });

  it('destroy leaves no leftovers (servers and the image it alone used)', async () => {
    await vim.ensureImages('i3', [
      { ...vdu(1).image, checksum: { algorithm: 'sha-256', hash: 'cd'.repeat(32) }, name: 'only-i3' },
    ]);
    await vim.apply(deployment('i3', 2));
    expect(await vim.leftovers('i3')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^server vnf-i3-/), 'image only-i3']),
    );
    await vim.destroy('i3');
    await vim.destroy('i3'); // idempotent
    expect(await vim.leftovers('i3')).toEqual([]);
  });

  it('injected faults surface as errors that say what failed', async () => {
    const put = (body: unknown): Promise<Response> =>
      fetch(`${cloud.url}/faults`, { method: 'PUT', body: JSON.stringify(body) });
    await put({ instanceId: 'bad-img', fault: 'image-upload-refused' });
    await expect(vim.ensureImages('bad-img', [vdu(1).image])).rejects.toThrow(
      /answered 403: image upload of click-on-osv refused/,
    );
    await put({ instanceId: 'bad-stack', fault: 'stack-create-failed' });
    await expect(vim.apply(deployment('bad-stack', 1))).rejects.toThrow(
      /creating the servers of VNF instance bad-stack failed: .*No valid host/,
    );
    await vim.destroy('bad-stack');
    await put({ instanceId: 'mute', fault: 'agent-never-ready' });
    const [v] = await vim.apply(deployment('mute', 1));
    const agent = new HttpVnfAgentFactory().forEndpoint({
      address: v!.managementAddress!,
      port: v!.managementPort!,
      dialect: 'click-plugin',
    });
    await expect(agent.waitReady({ graceMs: 0, intervalMs: 50, deadlineMs: 300 })).rejects.toThrow(
      /did not become ready/,
    );
    await fetch(`${cloud.url}/faults`, { method: 'DELETE' });
  });

  it('two applies at once (a retried step racing the first) create each VNFC once', async () => {
    const [a, b] = await Promise.all([vim.apply(deployment('race', 3)), vim.apply(deployment('race', 3))]);
    expect(a.map((v) => v.resourceId).sort()).toEqual(b.map((v) => v.resourceId).sort());
    expect(await vim.describe('race')).toHaveLength(3);
    expect(new Set((await vim.describe('race')).map((v) => v.managementPort)).size).toBe(3);
    await vim.destroy('race');
  });

  it('the ports of a VNFC follow its connection points; the management one carries the address', async () => {
    const d = deployment('cps', 1);
    d.vdus[0]!.cps.push({ cpdId: 'data0', order: 1, vnicType: 'direct', portSecurity: false, management: false });
    const [v] = await vim.apply(d);
    expect(v!.ports.map((p) => [p.cpdId, p.vnicType])).toEqual([
      ['mgmt', 'normal'],
      ['data0', 'direct'],
    ]);
    expect(v!.ports[0]!.ipAddresses).toEqual([v!.managementAddress]);
    expect(v!.ports[1]!.macAddress).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/);
    await vim.destroy('cps');
  });

  it(
    'heal: a new server at the same address,' + ' booted from the image (fresh disk); power off/on keeps the disk',
    async () => {
      const [v] = await vim.apply(deployment('disk', 1, 'osv-controlsocket'));
      const agent = agentOf(v!, 'osv-controlsocket');
      await agent.waitReady(fast);
      await agent.deploy(FORWARDER);
      await vim.power('disk', v!.resourceId, 'off');
      await expect(agent.status({ timeoutMs: 300 })).rejects.toThrow(/ECONNREFUSED/);
      await vim.power('disk', v!.resourceId, 'on');
      await agent.waitReady(fast);
      expect(await agent.readConfig()).toBe(FORWARDER);
      expect((await agent.status()).running).toBe(false); // a boot does not start Click by itself
      const healed = await vim.heal('disk', v!.resourceId);
      expect(healed.resourceId).not.toBe(v!.resourceId);
      expect([healed.managementAddress, healed.managementPort, healed.controlSocketPort]).toEqual([
        v!.managementAddress,
        v!.managementPort,
        v!.controlSocketPort,
      ]);
      await agent.waitReady(fast);
      expect(await agent.readConfig()).toBe('');
      await vim.destroy('disk');
      expect(await vim.leftovers('disk')).toEqual([]);
    },
  );

  it('after a fault is cleared, apply again replaces the servers in ERROR', async () => {
    cloud.injectFault({ instanceId: 'retry', fault: 'server-error', vduId: 'click_vdu' });
    const err = await vim.apply(deployment('retry', 2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmulatedVimError);
    expect((err as EmulatedVimError).status).toBe(502);
    expect((await vim.describe('retry')).map((v) => v.status)).toEqual(['ERROR', 'ERROR']);
    cloud.clearFaults('retry');
    const ok = await vim.apply(deployment('retry', 2));
    expect(ok.map((v) => v.status)).toEqual(['ACTIVE', 'ACTIVE']);
    await vim.destroy('retry');
  });

  it('agent-never-ready and click-rejects-config surface through the agent as its typed errors', async () => {
    cloud.injectFault({ instanceId: 'mute2', fault: 'agent-never-ready' });
    const [m] = await vim.apply(deployment('mute2', 1));
    const notReady = await agentOf(m!)
      .waitReady({ graceMs: 0, intervalMs: 50, deadlineMs: 300 })
      .catch((e: unknown) => e);
    expect(notReady).toBeInstanceOf(AgentNotReadyError);
    expect((notReady as Error).message).toContain(`${m!.managementAddress}:${m!.managementPort}`);
    cloud.injectFault({ instanceId: 'picky', fault: 'click-rejects-config' });
    const [p] = await vim.apply(deployment('picky', 1));
    await agentOf(p!).waitReady(fast);
    const rejected = await agentOf(p!)
      .deploy(FORWARDER)
      .catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(ClickConfigError);
    expect((rejected as ClickConfigError).clickMessage).toMatch(
      /^func\.click:1: .*injected fault click-rejects-config/,
    );
    await vim.destroy('mute2');
    await vim.destroy('picky');
    cloud.clearFaults();
  });

  it('bad requests to the cloud are 400 with the reason; an unknown server is 404', async () => {
    const put = await fetch(`${cloud.url}/stacks/x`, {
      method: 'PUT',
      body: JSON.stringify({ vdus: [{ vduId: 'v', count: -1, dialect: 'click-plugin' }] }),
    });
    expect(put.status).toBe(400);
    expect(await put.json()).toEqual({ message: 'vdus[0].count must be an integer 0..64' });
    const fault = await fetch(`${cloud.url}/faults`, {
      method: 'PUT',
      body: JSON.stringify({ instanceId: 'x', fault: 'meteor' }),
    });
    expect(fault.status).toBe(400);
    await expect(vim.heal('x', 'nope')).rejects.toThrow(/answered 404: no server nope in VNF instance x/);
  });
});

describe('EmulatedCloud with loopback addressing (a VM per loopback address at 8000, like the mini-cloud)', () => {
  const cloud = new EmulatedCloud({
    vmReadyDelayMs: 20,
    addressing: 'loopback',
    loopbackPrefix: '127.21',
    faults: [{ instanceId: 'lb-bad', fault: 'image-upload-refused' }],
  });
  let vim: EmulatedVim;
  beforeAll(async () => {
    vim = new EmulatedVim(await cloud.start());
  });
  afterAll(async () => cloud.stop());

  it(
    'gives each VNFC its own address on port 8000 (ControlSocket 8001),' + ' and faults from the options apply',
    async () => {
      const vnfcs = await vim.apply(deployment('lb', 2, 'osv-controlsocket'));
      expect(vnfcs.map((v) => [v.managementPort, v.controlSocketPort])).toEqual([
        [8000, 8001],
        [8000, 8001],
      ]);
      expect(new Set(vnfcs.map((v) => v.managementAddress)).size).toBe(2);
      for (const v of vnfcs) {
        expect(v.managementAddress).toMatch(/^127\.21\.\d+\.\d+$/);
        const agent = agentOf(v, 'osv-controlsocket');
        await agent.waitReady(fast);
        expect((await agent.deploy(FORWARDER)).running).toBe(true);
      }
      await expect(vim.ensureImages('lb-bad', [vdu(1).image])).rejects.toThrow(/403/);
      await vim.destroy('lb');
    },
  );
});
