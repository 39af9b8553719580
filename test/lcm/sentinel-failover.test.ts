import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { hashSecret } from '../../src/api';
import { loadConfig } from '../../src/config';
import { EmulatedCloud } from '../../src/emulator';
import { LCM_QUEUE } from '../../src/queue';
import { startVnfm } from '../../src/main';
import { createRedisClient } from '../../src/store';
import type { VnfInstance } from '../../src/domain/vnf-instance';
import { AUTH, buildLcmHarness, createSampleInstance, waitForOp, type LcmHarness } from '../support/lcm';
import { MASTER_NAME, startSentinelDeployment, type SentinelDeployment } from '../support/sentinel';

// VMs take 2 s to answer, so the worker is caught in the middle of its instantiates when the primary dies
const cloud = new EmulatedCloud({ vmReadyDelayMs: 2000 });
let s: SentinelDeployment;
// the primary and the replica require it: the VNFM's connections authenticate through the factory
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
let h: LcmHarness;
// what the VNFM logs (connection errors go there, not to the console)
const lines: string[] = [];
const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
const consoleErrors = jest.spyOn(console, 'error');

beforeAll(async () => {
  s = await startSentinelDeployment({ password: PASSWORD });
  await cloud.start();
  // the API, the queue, the worker and every BullMQ connection reach Redis through the sentinels
  h = await buildLcmHarness(s.target, { cloud, log });
}, 40_000);
afterAll(async () => {
  await h?.close();
  await cloud.stop();
  await s?.stop();
}, 30_000);

function instantiate(inst: VnfInstance) {
  return h.app.inject({
    method: 'POST',
    url: `/vnflcm/v1/vnf_instances/${inst.id}/instantiate`,
    headers: AUTH,
    payload: { flavourId: 'simple' },
  });
}

function opIdOf(location: string): string {
  return new URL(location).pathname.split('/').pop() ?? '';
}

async function waitFor(pred: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function vmsOf(instanceId: string): Promise<number> {
  return ((await (await fetch(`${cloud.url}/stacks/${instanceId}`)).json()) as unknown[]).length;
}

/**
 * The op-occ of the instantiate sent as the primary died. It waits for the new primary (202), unless its MULTI
 * was already on the dead connection: ioredis then aborts it (`Command aborted due to connection close`) instead
 * of replaying a transaction that may have run, and the API answers 503 with Retry-After (the request may or may
 * not have taken effect). The NFVO then looks for the operation, and asks again when there is none.
 */
async function settle(inst: VnfInstance, res: Awaited<ReturnType<typeof instantiate>>): Promise<string> {
  if (res.statusCode === 202) return res.headers['location'] as string;
  expect(res.statusCode).toBe(503);
  expect(res.headers['retry-after']).toBe('1');
  expect(res.json()).toMatchObject({ status: 503, detail: expect.stringMatching(/store \(Redis\)/) });
  const url = `/vnflcm/v1/vnf_lcm_op_occs?filter=(eq,vnfInstanceId,${inst.id})`;
  const found = (await h.app.inject({ method: 'GET', url, headers: AUTH })).json() as Array<{ id: string }>;
  if (found[0] !== undefined) return `http://vnfm.test/vnflcm/v1/vnf_lcm_op_occs/${found[0].id}`;
  const again = await instantiate(inst);
  expect(again.statusCode).toBe(202);
  return again.headers['location'] as string;
}

/** Each op's BullMQ job state (`unknown`: there is none), read through the sentinels on a connection of its own. */
async function jobStates(locations: string[]): Promise<Record<string, string>> {
  const connection = createRedisClient(s.target);
  const queue = new Queue(LCM_QUEUE, { connection, prefix: `${h.prefix}:bull` });
  try {
    const ids = locations.map(opIdOf);
    return Object.fromEntries(await Promise.all(ids.map(async (id) => [id, await queue.getJobState(id)])));
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

describe('Redis Sentinel: configured from the environment', () => {
  it('clickvnfm serve reaches the primary through the sentinels and logs no password', async () => {
    const varDir = mkdtempSync(join(tmpdir(), 'clickvnfm-sentinel-var-'));
    const said: string[] = [];
    const put = (m: unknown, msg?: string): void => void said.push(msg ?? String(m));
    const config = loadConfig(
      {
        CLICKVNFM_REDIS_SENTINELS: s.sentinelPorts.map((p) => `127.0.0.1:${p}`).join(','),
        CLICKVNFM_REDIS_SENTINEL_NAME: MASTER_NAME,
        CLICKVNFM_REDIS_PASSWORD: PASSWORD,
        CLICKVNFM_REDIS_PREFIX: '{serve}',
        CLICKVNFM_EMULATED_CLOUD_URL: cloud.url,
      },
      {
        overrides: {
          listen: { host: '127.0.0.1', port: 0 },
          varDir,
          onboardSamples: false,
          auth: { clients: [{ id: 'ops', secretHash: hashSecret('ops-secret'), roles: ['admin'] }] },
          log: { level: 'warn' },
        },
      },
    );
    const vnfm = await startVnfm(config, 'all', { info: put, warn: put, error: put });
    const direct = createRedisClient(s.target);
    try {
      expect(vnfm.redisUrl).toBeUndefined();
      const token = await fetch(`${vnfm.url ?? ''}/oauth2/token`, {
        method: 'POST',
        headers: {
          authorization: 'Basic ' + Buffer.from('ops:ops-secret').toString('base64'),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      expect(token.status).toBe(200);
      const { access_token: bearer } = (await token.json()) as { access_token: string };
      const list = await fetch(`${vnfm.url ?? ''}/vnflcm/v1/vnf_instances`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
      expect(list.status).toBe(200);
      expect(await list.json()).toEqual([]);
      // what it wrote (the token endpoint's rate counters) is in the group's primary
      expect((await direct.keys('{serve}:*')).length).toBeGreaterThan(0);
      const ports = s.sentinelPorts.map((p) => `127.0.0.1:${p}`).join(',');
      expect(said).toContain(`Redis: Redis Sentinel master group '${MASTER_NAME}' via ${ports}`);
      expect(said.join('\n')).not.toContain(PASSWORD);
    } finally {
      direct.disconnect();
      await vnfm.stop();
      rmSync(varDir, { recursive: true, force: true });
    }
  });
});

describe('Redis Sentinel: the primary killed (SIGKILL) in the middle of LCM operations', () => {
  it('the API waits for the promoted replica, and every operation, started before or after, completes', async () => {
    const before = [await createSampleInstance(h, 'forwarder'), await createSampleInstance(h, 'firewall')];
    const during = await createSampleInstance(h, 'forwarder');
    const after = await createSampleInstance(h, 'nat');
    const started = await Promise.all(before.map(instantiate));
    expect(started.map((r) => r.statusCode)).toEqual([202, 202]);
    const beforeOps = started.map((r) => r.headers['location'] as string);
    // both workers' jobs are past the VIM step and wait for their VMs' agents
    await waitFor(
      async () => {
        const runs = await Promise.all(beforeOps.map((l) => h.deps.opOccs.openRun(opIdOf(l))));
        return runs.every((r) => (r?.done ?? []).includes('resources'));
      },
      20_000,
      "the 'resources' step of both instantiates",
    );
    // what the replica acknowledged survives a failover; later writes of the running jobs may be lost (async
    // replication): the engine redoes their steps from what the promoted replica holds
    expect(await s.syncReplica()).toBe(1);
    const states = await Promise.all(
      beforeOps.map(async (l) => {
        const res = await h.app.inject({ method: 'GET', url: new URL(l).pathname, headers: AUTH });
        return (res.json() as { operationState: string }).operationState;
      }),
    );
    expect(states).toEqual(['PROCESSING', 'PROCESSING']);
    expect(await s.masterPort()).toBe(s.primary.port);

    await s.primary.stop('SIGKILL');
    // sent while there is no primary: it waits in the client's queue instead of failing
    const duringRequest = instantiate(during);
    const failoverMs = await s.waitForFailover();
    expect(failoverMs).toBeLessThan(20_000);
    const duringRes = await duringRequest;
    const duringLocation = await settle(during, duringRes);

    // after the failover: reads answer, and a new operation is accepted
    const list = await h.app.inject({ method: 'GET', url: '/vnflcm/v1/vnf_instances', headers: AUTH });
    expect(list.statusCode).toBe(200);
    expect((list.json() as VnfInstance[]).map((i) => i.id)).toEqual(
      expect.arrayContaining([...before, during, after].map((i) => i.id)),
    );
    const afterRes = await instantiate(after);
    expect(afterRes.statusCode).toBe(202);

    const locations = [...beforeOps, duringLocation, afterRes.headers['location'] as string];
    const ops = await Promise.all(locations.map((l) => waitForOp(h, l, ['COMPLETED', 'FAILED_TEMP'], 40_000))).catch(
      async (err: Error) => {
        // what a failure needs to be understood: where each op's job is, and what the VNFM logged
        throw new Error(`${err.message}\njobs: ${JSON.stringify(await jobStates(locations))}\nlog:\n${lines.join('')}`);
      },
    );
    expect(ops.map((o) => [o.operation, o.operationState])).toEqual(locations.map(() => ['INSTANTIATE', 'COMPLETED']));
    for (const inst of [...before, during, after]) {
      const got = (
        await h.app.inject({ method: 'GET', url: `/vnflcm/v1/vnf_instances/${inst.id}`, headers: AUTH })
      ).json() as VnfInstance;
      expect(got.instantiationState).toBe('INSTANTIATED');
      // a step redone after the failover reused its VMs: no duplicates in the cloud
      expect(await vmsOf(inst.id)).toBe(got.instantiatedVnfInfo?.vnfcResourceInfo?.length);
    }
    // the lost primary was logged by the VNFM's logger (no password in it), nothing went to the console
    const warnings = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^Redis connection: /)]));
    expect(consoleErrors).not.toHaveBeenCalled();
    // the VNFM's connection now talks to the promoted replica, which is a primary
    expect(await h.redis.info('server')).toContain(`tcp_port:${s.replica.port}`);
    expect(((await h.redis.call('ROLE')) as string[])[0]).toBe('master');
  }, 60_000);
});
