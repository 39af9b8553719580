import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { useRedis } from '../support/redis';
import { AUTH, buildLcmHarness, waitForOp, type LcmHarness, createSampleInstance } from '../support/lcm';
import { EmulatedCloud } from '../../src/emulator';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/src/cli/index.js');
const redis = useRedis();
// VMs take 3 s to answer, so the worker is caught in the middle of an instantiate
const cloud = new EmulatedCloud({ vmReadyDelayMs: 3000 });
let h: LcmHarness;
let dir: string;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  if (!existsSync(CLI)) spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  await cloud.start();
  dir = mkdtempSync(join(tmpdir(), 'clickvnfm-worker-'));
  // the API and the queue live here; the worker is another process, as in production
  h = await buildLcmHarness(redis.url, { worker: false, cloud });
}, 60_000);
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await h.close();
  await cloud.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

function startWorker(): ChildProcess {
  const w = spawn(process.execPath, [CLI, 'serve', '--role', 'worker'], {
    cwd: dir,
    env: {
      ...process.env,
      REDIS_URL: redis.url,
      CLICKVNFM_REDIS_PREFIX: h.prefix,
      CLICKVNFM_EMULATED_CLOUD_URL: cloud.url,
      CLICKVNFM_ONBOARD_SAMPLES: 'false',
      CLICKVNFM_WORKER_LOCK_MS: '1500',
      CLICKVNFM_WORKER_STALLED_MS: '500',
      // two workers on one host, beside other tests: no metrics listener on the default port
      CLICKVNFM_METRICS_LISTEN: 'off',
      CLICKVNFM_LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  workers.push(w);
  return w;
}

async function waitFor(pred: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function servers(instanceId: string): Promise<number> {
  const list = (await (await fetch(`${cloud.url}/stacks/${instanceId}`)).json()) as unknown[];
  return list.length;
}

describe('a worker killed with SIGKILL', () => {
  it('in the middle of an instantiate: a new worker completes it, with no duplicate VM', async () => {
    const inst = await createSampleInstance(h, 'forwarder');
    const first = startWorker();
    const res = await h.app.inject({
      method: 'POST',
      url: `/vnflcm/v1/vnf_instances/${inst.id}/instantiate`,
      headers: AUTH,
      payload: { flavourId: 'simple' },
    });
    const opId = new URL(res.headers['location'] as string).pathname.split('/').pop()!;
    // the VIM step is done, the worker waits for the VM's agent: kill it now
    await waitFor(
      async () => ((await h.deps.opOccs.openRun(opId))?.done ?? []).includes('resources'),
      20_000,
      "the 'resources' step",
    );
    expect(await servers(inst.id)).toBe(1);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    expect((await h.deps.opOccs.get(opId))?.doc.operationState).toBe('PROCESSING');
    startWorker();
    const done = await waitForOp(h, res.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP'], 40_000);
    expect(done.error).toBeUndefined();
    expect(done.operationState).toBe('COMPLETED');
    expect(await servers(inst.id)).toBe(1);
    // every step recorded but the last, which COMPLETED records
    expect((await h.deps.opOccs.openRun(opId))?.done ?? []).toEqual(['images', 'resources', 'agents', 'config']);
  }, 90_000);

  it('during a rollback: a new worker finishes it, with nothing left', async () => {
    const inst = await createSampleInstance(h, 'nat');
    await fetch(`${cloud.url}/faults`, {
      method: 'PUT',
      body: JSON.stringify({ instanceId: inst.id, fault: 'agent-never-ready' }),
    });
    const res = await h.app.inject({
      method: 'POST',
      url: `/vnflcm/v1/vnf_instances/${inst.id}/instantiate`,
      headers: AUTH,
      payload: { flavourId: 'simple' },
    });
    const loc = res.headers['location'] as string;
    // agents never answer: the worker fails the op after the deadline (the VNFD's: 45 s is too long for a test, so
    // cancel)
    await waitForOp(h, loc, ['PROCESSING'], 20_000);
    await h.app.inject({
      method: 'POST',
      url: `${new URL(loc).pathname}/cancel`,
      headers: AUTH,
      payload: { cancelMode: 'FORCEFUL' },
    });
    await waitForOp(h, loc, ['FAILED_TEMP']);
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    // queue the rollback with no worker alive, start one, and kill it as soon as it takes the job
    await h.app.inject({ method: 'POST', url: `${new URL(loc).pathname}/rollback`, headers: AUTH });
    const killer = startWorker();
    await waitForOp(h, loc, ['ROLLING_BACK', 'ROLLED_BACK']);
    await new Promise((r) => setTimeout(r, 100));
    killer.kill('SIGKILL');
    await new Promise((r) => killer.once('exit', r));
    startWorker();
    const rolled = await waitForOp(h, loc, ['ROLLED_BACK'], 40_000);
    expect(rolled.operationState).toBe('ROLLED_BACK');
    expect(await h.deps.vim.leftovers(inst.id)).toEqual([]);
    await fetch(`${cloud.url}/faults`, { method: 'DELETE' });
  }, 90_000);
});
