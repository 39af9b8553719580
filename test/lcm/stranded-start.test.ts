import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { useRedis } from '../support/redis';
import {
  buildLcmHarness,
  createSampleInstance,
  instantiateOpOcc,
  requestInstantiate,
  waitForOp,
  type LcmHarness,
} from '../support/lcm';
import { resumeStranded } from '../../src/lcm/occurrences';
import { LCM_QUEUE } from '../../src/queue';
import { ORPHANED_LOCK_MS, runJob } from '../../src/lcm/engine';

// Found by the chaos run (bench/chaos.ts): an API process SIGKILLed inside POST .../instantiate, after the op-occ
// was stored STARTING and before its job was queued, left it STARTING for ever and its instance locked.
const redis = useRedis();
let h: LcmHarness;
let queue: Queue;
let stopWorkers: (() => Promise<void>) | undefined;

beforeAll(async () => {
  h = await buildLcmHarness(redis.url, { worker: false });
  queue = new Queue(LCM_QUEUE, { connection: { url: redis.url }, prefix: `${h.prefix}:bull` });
}, 60_000);
afterAll(async () => {
  await stopWorkers?.();
  await queue.close();
  await h.close();
}, 60_000);

const jobs = async (): Promise<number> => {
  const c = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
  return Object.values(c).reduce((a, b) => a + b, 0);
};

describe('op-occs left STARTING without a job', () => {
  it('the sweep leaves an op-occ whose job merely waits alone; one whose job is gone is queued once', async () => {
    const inst = await createSampleInstance(h, 'forwarder');
    const res = await requestInstantiate(h, inst.id);
    expect(res.statusCode).toBe(202);
    expect(await jobs()).toBe(1);
    const opId = (res.headers['location'] as string).split('/').pop()!;
    // the job names the instance too, and carries the op-occ as created (sealed as stored): the worker's first
    // round trip moves it to PROCESSING and reads the instance
    const stored = (await h.redis.hget(`${h.prefix}:opocc:doc`, opId)) as string;
    expect((await queue.getJob(opId))?.data).toEqual({ opOccId: opId, vnfInstanceId: inst.id, created: stored });
    // a backlog longer than the cutoff: not stranded (no second job, no START sent again)
    expect(await resumeStranded(h.deps, 0)).toEqual([]);
    expect(await jobs()).toBe(1);
    // its job lost (as when the API process died before queueing it)
    await queue.remove(opId);
    expect(await jobs()).toBe(0);
    expect(await resumeStranded(h.deps, 0)).toEqual([opId]);
    expect(await jobs()).toBe(1);
    expect((await queue.getJob(opId))?.data).toEqual({ opOccId: opId, vnfInstanceId: inst.id });
    expect(await resumeStranded(h.deps, 0)).toEqual([]);
  });

  it('reads STARTING op-occs oldest first and stops at a page of young ones (not all of a burst)', async () => {
    const stored = async (ageMs: number): Promise<string> => {
      const op = instantiateOpOcc(randomUUID(), {}, ageMs);
      await h.deps.opOccs.create(op);
      return op.id;
    };
    const old = [await stored(3_600_000), await stored(3_000_000), await stored(2_400_000)];
    const young: string[] = [];
    for (let i = 0; i < 120; i++) young.push(await stored(0));
    const list = jest.spyOn(h.deps.opOccs, 'list');
    try {
      expect(await resumeStranded(h.deps, 1_800_000)).toEqual(old);
      expect(list).toHaveBeenCalledTimes(1); // the first page of 50 held young ones: the later pages are not read
    } finally {
      list.mockRestore();
      for (const id of [...old, ...young]) {
        await queue.remove(id);
        await h.deps.opOccs.delete(id);
      }
    }
  });

  it('a job that names its instance: the op-occ and the instance are read together (one round trip)', async () => {
    const inst = await createSampleInstance(h, 'forwarder');
    const res = await requestInstantiate(h, inst.id);
    const opId = (res.headers['location'] as string).split('/').pop()!;
    await queue.remove(opId); // run here, by hand, not by a worker
    const events: string[] = [];
    const openRun = h.deps.opOccs.openRun.bind(h.deps.opOccs);
    const get = h.deps.instances.get.bind(h.deps.instances);
    const spies = [
      jest.spyOn(h.deps.opOccs, 'openRun').mockImplementation(async (id) => {
        events.push(`openRun ${id}`);
        const r = await openRun(id);
        events.push(`openRun ${id} answered`);
        return r;
      }),
      jest.spyOn(h.deps.instances, 'get').mockImplementation(async (id) => {
        events.push(`get ${id}`);
        return get(id);
      }),
    ];
    try {
      await runJob(h.deps, opId, 'run', inst.id);
    } finally {
      for (const s of spies) s.mockRestore();
    }
    // asked before the op-occ's answer came back, and not asked again
    expect(events.slice(0, 3)).toEqual([`openRun ${opId}`, `get ${inst.id}`, `openRun ${opId} answered`]);
    expect(events.filter((e) => e === `get ${inst.id}`)).toHaveLength(1);
    expect((await h.deps.opOccs.get(opId))?.doc.operationState).toBe('COMPLETED');
  }, 30_000);

  it('one stored and locked as startOperation does, never queued: the workers queue it, it completes', async () => {
    const inst = await createSampleInstance(h, 'nat');
    // the state a process leaves when it dies between opOccs.create and the queueing (src/lcm/occurrences/start.ts)
    const op = instantiateOpOcc(inst.id);
    const id = op.id;
    expect(await h.deps.instances.tryBeginOperation(inst.id, id, ['NOT_INSTANTIATED'])).toEqual({ ok: true });
    await h.deps.opOccs.create(op);
    expect(await resumeStranded(h.deps, 60_000)).toEqual([]); // too young to be stranded
    stopWorkers = h.graph.startWorkers({ lockDurationMs: 5000, stalledIntervalMs: 1000, strandedAfterMs: 1500 });
    const done = await waitForOp(h, `http://vnfm.test/vnflcm/v1/vnf_lcm_op_occs/${id}`, ['COMPLETED', 'FAILED_TEMP']);
    expect(done.error).toBeUndefined();
    expect(done.operationState).toBe('COMPLETED');
    expect(await h.deps.instances.activeOperation(inst.id)).toBeUndefined();
    const first = await h.instances.get(inst.id);
    expect(first?.doc.instantiationState).toBe('INSTANTIATED');
  }, 60_000);
});

// Found by the chaos run: an API process SIGKILLed between taking the instance's lock and storing the op-occ left the
// instance locked by an op-occ that never existed, refused as busy for ever.
describe('a lock whose op-occ was never stored', () => {
  it('is kept while young (its process may be storing it), cleared once older than ORPHANED_LOCK_MS', async () => {
    const inst = await createSampleInstance(h, 'forwarder');
    expect(await h.deps.instances.tryBeginOperation(inst.id, 'ghost', ['NOT_INSTANTIATED'])).toEqual({ ok: true });
    const young = await requestInstantiate(h, inst.id);
    expect(young.statusCode).toBe(409);
    expect(young.json()).toMatchObject({ detail: expect.stringMatching(/operation ghost in progress/) });
    // as if taken ORPHANED_LOCK_MS ago: the hash the lock script keeps its time in
    const client = new Redis(redis.url);
    await client.hset(`${h.prefix}:inst:opsince`, inst.id, String(Date.now() - ORPHANED_LOCK_MS - 1));
    const res = await requestInstantiate(h, inst.id);
    expect(res.statusCode).toBe(202);
    const opId = (res.headers['location'] as string).split('/').pop();
    expect(await h.deps.instances.activeOperation(inst.id)).toBe(opId);
    // an op-occ that exists is never taken for an orphan, however old its lock
    await client.hset(`${h.prefix}:inst:opsince`, inst.id, '0');
    await client.quit();
    expect((await requestInstantiate(h, inst.id)).statusCode).toBe(409);
    expect(await h.deps.instances.activeOperation(inst.id)).toBe(opId);
  });
});
