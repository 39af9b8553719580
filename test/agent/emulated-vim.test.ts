import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EmulatedCloud, EmulatedVim } from '../../src/emulator';
import { HttpVnfAgentFactory } from '../../src/agent';
import type { VnfDeployment, VduSpec } from '../../src/ports/vim';
import { freePort } from '../../src/store/redis-server';

const vdu = (count: number, dialect: VduSpec['dialect'] = 'click-plugin'): VduSpec => ({
  vduId: 'click_vdu',
  name: 'click',
  count,
  dialect,
  managementPort: 8000,
  flavor: { vcpus: 1, memoryMb: 512, diskGb: 1 },
  image: { name: 'click-on-osv', version: '2017.1', checksum: { algorithm: 'sha-256', hash: 'ab'.repeat(32) }, containerFormat: 'bare', diskFormat: 'qcow2', minDiskGb: 1, minRamMb: 192, sizeBytes: 27_000_000 },
  cps: [{ cpdId: 'mgmt', order: 0, vnicType: 'normal', portSecurity: true, management: true }],
});
const deployment = (id: string, count: number): VnfDeployment => ({ vnfInstanceId: id, flavourId: 'simple', vdus: [vdu(count)], virtualLinks: [] });

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
      const agent = new HttpVnfAgentFactory().forEndpoint({ address: v.managementAddress!, port: v.managementPort!, dialect: 'click-plugin' });
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

  it('destroy leaves no leftovers (servers and the image it alone used)', async () => {
    await vim.ensureImages('i3', [{ ...vdu(1).image, checksum: { algorithm: 'sha-256', hash: 'cd'.repeat(32) }, name: 'only-i3' }]);
    await vim.apply(deployment('i3', 2));
    expect(await vim.leftovers('i3')).toEqual(expect.arrayContaining([expect.stringMatching(/^server vnf-i3-/), 'image only-i3']));
    await vim.destroy('i3');
    await vim.destroy('i3'); // idempotent
    expect(await vim.leftovers('i3')).toEqual([]);
  });

  it('injected faults surface as errors that say what failed', async () => {
    const put = (body: unknown): Promise<Response> => fetch(`${cloud.url}/faults`, { method: 'PUT', body: JSON.stringify(body) });
    await put({ instanceId: 'bad-img', fault: 'image-upload-refused' });
    await expect(vim.ensureImages('bad-img', [vdu(1).image])).rejects.toThrow(/answered 403: image upload of click-on-osv refused/);
    await put({ instanceId: 'bad-stack', fault: 'stack-create-failed' });
    await expect(vim.apply(deployment('bad-stack', 1))).rejects.toThrow(/creating the servers of VNF instance bad-stack failed: .*No valid host/);
    await vim.destroy('bad-stack');
    await put({ instanceId: 'mute', fault: 'agent-never-ready' });
    const [v] = await vim.apply(deployment('mute', 1));
    const agent = new HttpVnfAgentFactory().forEndpoint({ address: v!.managementAddress!, port: v!.managementPort!, dialect: 'click-plugin' });
    await expect(agent.waitReady({ graceMs: 0, intervalMs: 50, deadlineMs: 300 })).rejects.toThrow(/did not become ready/);
    await fetch(`${cloud.url}/faults`, { method: 'DELETE' });
  });
});

describe('clickvnfm emulate (what the mini-cloud starts per server)', () => {
  const CLI = resolve(__dirname, '../../dist/src/cli/index.js');
  beforeAll(() => {
    if (!existsSync(CLI)) spawnSync('npm', ['run', '--silent', 'build'], { cwd: join(__dirname, '../..'), stdio: 'inherit' });
  });

  it('serves the dialect on the address and exits on POST /os/shutdown', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [CLI, 'emulate', '--dialect', 'click-plugin', '--listen', `127.0.0.1:${port}`], { stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    let version = '';
    for (let i = 0; i < 100 && version === ''; i++) {
      version = await fetch(`http://127.0.0.1:${port}/click_plugin/version`).then((r) => r.text(), () => '');
      if (version === '') await new Promise((r) => setTimeout(r, 100));
    }
    expect(version).toBe('"2.0"');
    await fetch(`http://127.0.0.1:${port}/os/shutdown`, { method: 'POST' });
    expect(await exited).toBe(0);
  });
});
