import { createServer, type Server } from 'node:http';
import { useRedis } from '../support/redis';
import {
  AUTH,
  buildLcmHarness,
  createSampleInstance,
  requestInstantiate,
  waitForOp,
  type LcmHarness,
} from '../support/lcm';
import { transition } from '../../src/lcm/engine';

// Found by the chaos run (bench/chaos.ts): a worker SIGKILLed between storing an op-occ's state and publishing its
// notification lost that notification for good (the job, run again, found the state and returned), e.g. an
// INSTANTIATE whose subscriber never heard COMPLETED.
const redis = useRedis();
let h: LcmHarness;
let server: Server;
let callback = '';
const received: Array<{ id: string; what: string; op: string; sub: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST') {
        const b = JSON.parse(text) as Record<string, string>;
        if (b['vnfLcmOpOccId'] !== undefined)
          received.push({
            id: b['id'] ?? '',
            what: `${b['notificationStatus']}:${b['operationState']}`,
            op: b['vnfLcmOpOccId'],
            sub: b['subscriptionId'] ?? '',
          });
        else if (b['notificationType'] === 'VnfIdentifierDeletionNotification')
          received.push({ id: b['id'] ?? '', what: 'DELETED', op: '', sub: b['subscriptionId'] ?? '' });
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  callback = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/notify`;
  h = await buildLcmHarness(redis.url, { worker: false, subscriptions: true });
}, 60_000);
afterAll(async () => {
  await h.close();
  await new Promise<void>((r) => server.close(() => r()));
}, 60_000);

async function until(n: number): Promise<void> {
  await waitFor(
    () => received.length >= n,
    () => `only ${received.length} of ${n} notifications arrived`,
  );
}

/** Polls `done` every 50 ms for up to 20 s; then fails saying `why`. */
async function waitFor(done: () => boolean, why: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(why());
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a state stored but not notified (its worker died in between)', () => {
  it('is notified by the job run again; a state notified twice keeps its notification id', async () => {
    const sub = await h.app.inject({
      method: 'POST',
      url: '/vnflcm/v1/subscriptions',
      headers: AUTH,
      payload: { callbackUri: callback, filter: { notificationTypes: ['VnfLcmOperationOccurrenceNotification'] } },
    });
    expect(sub.statusCode).toBe(201);
    const inst = await createSampleInstance(h, 'forwarder');
    const res = await requestInstantiate(h, inst.id);
    const location = res.headers['location'] as string;
    const opId = location.split('/').pop()!;
    // the worker that took the job stored PROCESSING and died before publishing it (the job stays queued, as a
    // stalled job is queued again)
    await transition(h.deps, opId, 'PROCESSING', {}, undefined, { notify: false });
    h.startWorker();
    await waitForOp(h, location, ['COMPLETED']);
    await until(3);
    expect(received.map((r) => r.what)).toEqual(['START:STARTING', 'RESULT:PROCESSING', 'RESULT:COMPLETED']);
    // the job run once more after all was done (a duplicate delivery): nothing is sent again
    await h.deps.queue.enqueue(opId, 'run');
    await new Promise((r) => setTimeout(r, 1500));
    expect(received.length).toBe(3);
    // its worker died inside finish(), after storing COMPLETED, before releasing the instance: the job run again
    // sends COMPLETED again, under the same id, and releases the instance
    expect((await h.deps.instances.tryBeginOperation(inst.id, opId)).ok).toBe(true);
    await h.deps.queue.enqueue(opId, 'run');
    await until(4);
    expect(received[3]).toEqual(received[2]);
  }, 60_000);
});

describe('a finished operation whose worker died before releasing the instance (settleFinished, engine.ts)', () => {
  /** An op-occ stored COMPLETED that still holds the instance's lock, as a worker killed inside finish() leaves. */
  async function finishedHolder(instanceId: string, operation: 'INSTANTIATE' | 'TERMINATE'): Promise<string> {
    const id = `held-${operation}-${Date.now()}`;
    const at = new Date().toISOString();
    await h.deps.opOccs.create({
      id,
      operationState: 'COMPLETED',
      stateEnteredTime: at,
      startTime: at,
      vnfInstanceId: instanceId,
      operation,
      isAutomaticInvocation: false,
      isCancelPending: false,
    });
    const lock = await h.deps.instances.tryBeginOperation(instanceId, id);
    expect(lock.ok).toBe(true);
    return id;
  }

  it('the next operation and the delete settle it (its RESULT first, then theirs); a job run again too', async () => {
    const inst = await createSampleInstance(h, 'forwarder');
    const from = received.length;
    const held = await finishedHolder(inst.id, 'INSTANTIATE');
    // the NFVO's next request is not refused as busy: the holder's RESULT is sent, then the new START
    const res = await requestInstantiate(h, inst.id);
    expect(res.statusCode).toBe(202);
    const location = res.headers['location'] as string;
    await waitForOp(h, location, ['COMPLETED']);
    await until(from + 4);
    expect(received.slice(from, from + 2).map((r) => [r.op === held, r.what])).toEqual([
      [true, 'RESULT:COMPLETED'],
      [false, 'START:STARTING'],
    ]);
    // terminated, then its lock held again by a finished op-occ: DELETE settles it too, RESULT before DELETED
    const term = await h.app.inject({
      method: 'POST',
      url: `/vnflcm/v1/vnf_instances/${inst.id}/terminate`,
      headers: AUTH,
      payload: { terminationType: 'FORCEFUL' },
    });
    await waitForOp(h, term.headers['location'] as string, ['COMPLETED']);
    // one subscription for both kinds, so that their order is one stream's order
    const both = await h.app.inject({
      method: 'POST',
      url: '/vnflcm/v1/subscriptions',
      headers: AUTH,
      payload: {
        callbackUri: callback,
        filter: { notificationTypes: ['VnfLcmOperationOccurrenceNotification', 'VnfIdentifierDeletionNotification'] },
      },
    });
    const bothId = (both.json() as { id: string }).id;
    const before = received.length;
    const held2 = await finishedHolder(inst.id, 'TERMINATE');
    const del = await h.app.inject({ method: 'DELETE', url: `/vnflcm/v1/vnf_instances/${inst.id}`, headers: AUTH });
    expect(del.statusCode).toBe(204);
    await until(before + 3);
    expect(
      received
        .slice(before)
        .filter((r) => r.sub === bothId)
        .map((r) => [r.op === held2, r.what]),
    ).toEqual([
      [true, 'RESULT:COMPLETED'],
      [false, 'DELETED'],
    ]);
    // a job run again for such an op-occ releases the lock itself
    const other = await createSampleInstance(h, 'forwarder');
    const held3 = await finishedHolder(other.id, 'INSTANTIATE');
    await h.deps.queue.enqueue(held3, 'run');
    const deadline = Date.now() + 20_000;
    while ((await h.deps.instances.activeOperation(other.id)) !== undefined && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(await h.deps.instances.activeOperation(other.id)).toBeUndefined();
  }, 90_000);
});

describe('a FAILED_TEMP stored but not notified (its process died in between)', () => {
  const fault = (instanceId: string, f?: string): Promise<Response> =>
    fetch(
      `${h.cloud.url}/faults`,
      f
        ? { method: 'PUT', body: JSON.stringify({ instanceId, fault: f }) }
        : {
            method: 'DELETE',
          },
    );
  /** What one subscription (the first that heard of the op-occ: two listen by now) received of the op-occ. */
  const ofOp = (op: string): string[] => {
    const sub = received.find((r) => r.op === op)?.sub;
    return received.filter((r) => r.op === op && r.sub === sub).map((r) => r.what);
  };

  it('is notified before retry takes the op-occ on; one that was notified is not sent again', async () => {
    // told: a real failure (the image upload refused), then a retry that completes
    const inst = await createSampleInstance(h, 'forwarder');
    await fault(inst.id, 'image-upload-refused');
    const loc = (await requestInstantiate(h, inst.id)).headers['location'] as string;
    const told = loc.split('/').pop()!;
    await waitForOp(h, loc, ['FAILED_TEMP']);
    await fault(inst.id);
    const retry = (id: string) =>
      h.app.inject({ method: 'POST', url: `/vnflcm/v1/vnf_lcm_op_occs/${id}/retry`, headers: AUTH });
    expect((await retry(told)).statusCode).toBe(202);
    await waitForOp(h, loc, ['COMPLETED']);
    await waitFor(
      () => ofOp(told).includes('RESULT:COMPLETED'),
      () => `op-occ ${told}: ${ofOp(told).join(' ')}`,
    );
    expect(ofOp(told)).toEqual([
      'START:STARTING',
      'RESULT:PROCESSING',
      'RESULT:FAILED_TEMP',
      'RESULT:PROCESSING',
      'RESULT:COMPLETED',
    ]);
    // untold: stored FAILED_TEMP and nothing sent, as a worker killed between the two leaves it
    const other = await createSampleInstance(h, 'forwarder');
    const loc2 = (await requestInstantiate(h, other.id)).headers['location'] as string;
    const untold = loc2.split('/').pop()!;
    await waitForOp(h, loc2, ['COMPLETED']);
    const at = new Date().toISOString();
    await h.deps.opOccs.update(untold, (o) => ({
      ...o,
      operationState: 'FAILED_TEMP',
      stateEnteredTime: at,
      error: { status: 500, title: 'Internal Server Error', detail: 'killed' },
    }));
    expect((await h.deps.instances.tryBeginOperation(other.id, untold)).ok).toBe(true);
    expect((await retry(untold)).statusCode).toBe(202);
    await waitForOp(h, loc2, ['COMPLETED']);
    await waitFor(
      () => ofOp(untold).length >= 6,
      () => `op-occ ${untold}: ${ofOp(untold).join(' ')}`,
    );
    expect(ofOp(untold)).toEqual([
      'START:STARTING',
      'RESULT:PROCESSING',
      'RESULT:COMPLETED',
      'RESULT:FAILED_TEMP',
      'RESULT:PROCESSING',
      'RESULT:COMPLETED',
    ]);
  }, 60_000);
});
