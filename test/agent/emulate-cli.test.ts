import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EmulatedVim, startCloudProcess, type CloudProcess } from '../../src/emulator';
import { HttpVnfAgentFactory } from '../../src/agent';
import type { VnfDeployment } from '../../src/ports/vim';
import { freePort } from '../../src/net/free-port';

const ROOT = join(__dirname, '../..');
const CLI = resolve(ROOT, 'dist/src/cli/index.js');

/** The newest mtime under the sources the built CLI depends on here. */
function newestSource(): number {
  const dirs = ['src/emulator', 'src/agent', 'src/cli', 'src/click'].map((d) => join(ROOT, d));
  let newest = 0;
  for (const d of dirs)
    for (const f of readdirSync(d, { recursive: true }) as string[])
      newest = Math.max(newest, statSync(join(d, f)).mtimeMs);
  return newest;
}

beforeAll(() => {
  // the mini-cloud and the composition root run the built CLI: test that one, rebuilt when stale
  if (!existsSync(CLI) || statSync(CLI).mtimeMs < newestSource())
    spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
}, 180_000);

function run(args: string[]): {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
} {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore' });
  return { child, exited: new Promise((r) => child.once('exit', (code, signal) => r({ code, signal }))) };
}

async function poll(url: string, tries = 100): Promise<string> {
  for (let i = 0; i < tries; i++) {
    const text = await fetch(url).then(
      (r) => r.text(),
      () => '',
    );
    if (text !== '') return text;
    await new Promise((r) => setTimeout(r, 50));
  }
  return '';
}

describe('clickvnfm emulate (what the mini-cloud starts per server)', () => {
  it('serves click-plugin on the address and exits 0 on POST /os/shutdown', async () => {
    const port = await freePort();
    const { exited } = run(['emulate', '--dialect', 'click-plugin', '--listen', `127.0.0.1:${port}`]);
    expect(await poll(`http://127.0.0.1:${port}/click_plugin/version`)).toBe('"2.0"');
    // OSv powers off before it answers: the connection drops (seen on the real image)
    await fetch(`http://127.0.0.1:${port}/os/shutdown`, { method: 'POST' }).catch(() => undefined);
    expect(await exited).toEqual({ code: 0, signal: null });
  });

  it(
    '`emulate --dialect osv-controlsocket --listen <ip>:8000`:' +
      ' nothing listens before the ready delay, SIGTERM ends it cleanly',
    async () => {
      const ip = `127.22.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`;
      const { child, exited } = run([
        'emulate',
        '--dialect',
        'osv-controlsocket',
        '--listen',
        `${ip}:8000`,
        '--ready-delay-ms',
        '800',
      ]);
      await new Promise((r) => setTimeout(r, 300));
      await expect(fetch(`http://${ip}:8000/os/uptime`)).rejects.toThrow();
      const agent = new HttpVnfAgentFactory().forEndpoint({ address: ip, port: 8000, dialect: 'osv-controlsocket' });
      await agent.waitReady({ graceMs: 0, intervalMs: 50, deadlineMs: 10_000 });
      expect((await agent.status()).reachable).toBe(true);
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
    },
  );
});

describe('clickvnfm emulate-cloud in its own process: a killed client leaves no duplicate VM', () => {
  let cloud: CloudProcess;
  beforeAll(async () => {
    cloud = await startCloudProcess({ cliPath: CLI, vmReadyDelayMs: 20 });
  }, 30_000);
  afterAll(async () => cloud.stop());

  const deployment: VnfDeployment = {
    vnfInstanceId: 'crash-1',
    flavourId: 'simple',
    virtualLinks: [],
    vdus: [
      {
        vduId: 'click_vdu',
        name: 'click',
        count: 3,
        dialect: 'click-plugin',
        managementPort: 8000,
        flavor: { vcpus: 1, memoryMb: 512, diskGb: 1 },
        image: {
          name: 'img',
          version: '1',
          checksum: { algorithm: 'sha-256', hash: 'ef'.repeat(32) },
          containerFormat: 'bare',
          diskFormat: 'qcow2',
          minDiskGb: 1,
          minRamMb: 192,
          sizeBytes: 1,
        },
        cps: [{ cpdId: 'mgmt', order: 0, vnicType: 'normal', portSecurity: true, management: true }],
      },
    ],
  };

  it('a worker SIGKILLed in the middle of its apply, then the retry: exactly the requested VNFCs', async () => {
    // the "worker": sends the create-or-update and is killed before it can read the answer
    const body = JSON.stringify({ vdus: [{ vduId: 'click_vdu', count: 3, dialect: 'click-plugin' }] });
    const stackUrl = JSON.stringify(`${cloud.url}/stacks/crash-1`);
    const script = `fetch(${stackUrl}, { method: 'PUT', body: ${JSON.stringify(body)} }); setInterval(() => {}, 1000);`;
    const worker = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    const gone = new Promise((r) => worker.once('exit', r));
    await new Promise((r) => setTimeout(r, 150));
    worker.kill('SIGKILL');
    await gone;
    const vim = new EmulatedVim(cloud.url);
    const vnfcs = await vim.apply(deployment);
    expect(vnfcs).toHaveLength(3);
    expect(await vim.describe('crash-1')).toHaveLength(3);
    expect(new Set(vnfcs.map((v) => v.name))).toEqual(
      new Set(['vnf-crash-1-click_vdu-0', 'vnf-crash-1-click_vdu-1', 'vnf-crash-1-click_vdu-2']),
    );
    const all = (await (await fetch(`${cloud.url}/servers`)).json()) as unknown[];
    expect(all).toHaveLength(3);
    await vim.destroy('crash-1');
    expect(await vim.leftovers('crash-1')).toEqual([]);
  });
});
