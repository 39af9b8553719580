import { EmulatedCloud } from '../../src/emulator';
import type { VnfInstance } from '../../src/domain/vnf-instance';
import { AUTH, buildLcmHarness, createSampleInstance, waitForOp, type LcmHarness } from '../support/lcm';
import { startSentinelDeployment, type SentinelDeployment } from '../support/sentinel';

/**
 * What asynchronous replication loses in a failover, forced: the writes after cutReplication() never reach the
 * replica, then the primary dies. The VNFM reports what the promoted replica holds: an operation accepted (202)
 * just before is absent (404), the instance is as it was before it, and a new request on it works.
 */
const cloud = new EmulatedCloud({ vmReadyDelayMs: 50 });
let s: SentinelDeployment;
let h: LcmHarness;

beforeAll(async () => {
  s = await startSentinelDeployment();
  await cloud.start();
  // no worker while the lost operation is accepted: its job would be taken from the primary before it dies
  h = await buildLcmHarness(s.target, { cloud, worker: false });
}, 40_000);
afterAll(async () => {
  await h?.close();
  await cloud.stop();
  await s?.stop();
}, 30_000);

/**
 * A GET as a client does it: while the VNFM's connection follows the failover it answers 503 with Retry-After
 * (README, "Production: Redis with Sentinel"); the client waits and asks again, for at most 20 s.
 */
async function get(url: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await h.app.inject({ method: 'GET', url, headers: AUTH });
    if (res.statusCode !== 503 || Date.now() > deadline) return res;
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Redis Sentinel: writes that never reached the replica', () => {
  it('an operation accepted just before the failover is absent afterwards; it can be asked again', async () => {
    const kept = await createSampleInstance(h, 'forwarder');
    expect(await s.syncReplica()).toBe(1);

    await s.cutReplication();
    const lostInstance = await createSampleInstance(h, 'forwarder');
    const accepted = await h.app.inject({
      method: 'POST',
      url: `/vnflcm/v1/vnf_instances/${kept.id}/instantiate`,
      headers: AUTH,
      payload: { flavourId: 'simple' },
    });
    expect(accepted.statusCode).toBe(202);
    const lostOp = new URL(accepted.headers['location'] as string).pathname;
    expect((await get(lostOp)).statusCode).toBe(200);

    await s.primary.stop('SIGKILL');
    s.resumeReplica();
    await s.waitForFailover();

    // what the VNFM reports now: the promoted replica's state, from before the cut
    expect((await get(lostOp)).statusCode).toBe(404);
    expect((await get(`/vnflcm/v1/vnf_instances/${lostInstance.id}`)).statusCode).toBe(404);
    const before = (await get(`/vnflcm/v1/vnf_instances/${kept.id}`)).json() as VnfInstance;
    expect(before.instantiationState).toBe('NOT_INSTANTIATED');
    const ops = (await get('/vnflcm/v1/vnf_lcm_op_occs')).json() as unknown[];
    expect(ops).toEqual([]);

    // the NFVO asks again: accepted (no operation in progress is left over) and done
    h.startWorker();
    const again = await h.app.inject({
      method: 'POST',
      url: `/vnflcm/v1/vnf_instances/${kept.id}/instantiate`,
      headers: AUTH,
      payload: { flavourId: 'simple' },
    });
    expect(again.statusCode).toBe(202);
    const done = await waitForOp(h, again.headers['location'] as string, ['COMPLETED', 'FAILED_TEMP'], 30_000);
    expect(done.operationState).toBe('COMPLETED');
  }, 60_000);
});
