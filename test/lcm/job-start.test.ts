import { runJob } from '../../src/lcm/engine';
import type { LcmDeps } from '../../src/lcm/deps';
import type { NotificationEvent, Notifier } from '../../src/ports/lcm';
import type { Vim } from '../../src/ports/vim';
import { useRedis } from '../support/redis';
import { createSampleInstance, instantiateOpOcc } from '../support/lcm';
import { useLcmHarness } from '../support/use-lcm';

// How a job starts, in fewer round trips before the VIM is called: a first run's PROCESSING notification is published
// while the first step starts (and still comes before every later state's; its failure still ends the job), and the
// op-occ its job carries as created is moved to PROCESSING without a read (a cancel meanwhile still wins).
const h = useLcmHarness(useRedis(), { worker: false });

/** An INSTANTIATE op-occ in STARTING holding its instance's lock, as the API leaves it. */
async function starting(profile: string): Promise<{ opId: string; instanceId: string }> {
  const inst = await createSampleInstance(h, profile);
  const op = instantiateOpOcc(inst.id);
  expect(await h.deps.instances.tryBeginOperation(inst.id, op.id, ['NOT_INSTANTIATED'])).toEqual({ ok: true });
  await h.deps.opOccs.create(op);
  return { opId: op.id, instanceId: inst.id };
}

/** A notifier that holds the PROCESSING publication until released (or failed), recording what happens when. */
function heldNotifier(log: string[]): Notifier & { release(): void; fail(err: Error): void } {
  let settle: { release(): void; fail(err: Error): void } = { release: () => undefined, fail: () => undefined };
  const held = new Promise<void>((resolve, reject) => (settle = { release: resolve, fail: reject }));
  held.catch(() => undefined); // failed before the publication waits for it
  return {
    async publish(e: NotificationEvent): Promise<void> {
      const state = e.opOcc?.operationState ?? e.notificationType;
      log.push(`publish ${state}`);
      if (state === 'PROCESSING') await held;
      log.push(`published ${state}`);
    },
    release: () => settle.release(),
    fail: (err) => settle.fail(err),
  };
}

/** The configured VIM, each call logged as it starts. */
function loggedVim(vim: Vim, log: string[]): Vim {
  return new Proxy(vim, {
    get(t, prop, recv) {
      const v = Reflect.get(t, prop, recv) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        log.push(`vim ${String(prop)}`);
        return (v as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
}

describe("a first run's PROCESSING notification", () => {
  it('is published while the first step calls the VIM, and before COMPLETED', async () => {
    const { opId, instanceId } = await starting('forwarder');
    const log: string[] = [];
    const notifier = heldNotifier(log);
    const deps: LcmDeps = { ...h.deps, notifier, vim: loggedVim(h.deps.vim, log) };
    const job = runJob(deps, opId, 'run', instanceId);
    // the VIM is called while PROCESSING's publication is still pending
    await waitFor(() => log.includes('vim ensureImages'));
    expect(log).not.toContain('published PROCESSING');
    notifier.release();
    await job;
    const states = log.filter((l) => l.startsWith('publish'));
    expect(states).toEqual(['publish PROCESSING', 'published PROCESSING', 'publish COMPLETED', 'published COMPLETED']);
    expect((await h.deps.opOccs.get(opId))?.doc.operationState).toBe('COMPLETED');
  }, 30_000);

  it('comes before FAILED_TEMP when the first step fails', async () => {
    const { opId, instanceId } = await starting('nat');
    const log: string[] = [];
    const notifier = heldNotifier(log);
    const failing: Vim = new Proxy(h.deps.vim, {
      get(t, prop, recv) {
        if (prop !== 'ensureImages') return Reflect.get(t, prop, recv) as unknown;
        return async () => {
          // fails only once PROCESSING's publication has been released: FAILED_TEMP's must then wait for it
          setTimeout(() => notifier.release(), 50);
          throw new Error('Glance said no');
        };
      },
    });
    await runJob({ ...h.deps, notifier, vim: failing }, opId, 'run', instanceId);
    const states = log.filter((l) => l.startsWith('publish'));
    const failed = ['publish FAILED_TEMP', 'published FAILED_TEMP'];
    expect(states).toEqual(['publish PROCESSING', 'published PROCESSING', ...failed]);
    expect((await h.deps.opOccs.get(opId))?.doc).toMatchObject({
      operationState: 'FAILED_TEMP',
      error: { detail: 'Glance said no' },
    });
  }, 30_000);

  it('that cannot be published ends the job with its cause: PROCESSING stays, no step recorded', async () => {
    const { opId, instanceId } = await starting('firewall');
    const log: string[] = [];
    const notifier = heldNotifier(log);
    const job = runJob({ ...h.deps, notifier }, opId, 'run', instanceId);
    notifier.fail(new Error('events stream: OOM'));
    await expect(job).rejects.toThrow('events stream: OOM');
    expect((await h.deps.opOccs.get(opId))?.doc.operationState).toBe('PROCESSING');
    expect((await h.deps.opOccs.openRun(opId))?.done).toEqual([]);
    expect(log.filter((l) => l.startsWith('publish'))).toEqual(['publish PROCESSING']);
  }, 30_000);
});

describe('a first run from the op-occ its job carries as created', () => {
  it('is not read: its move to PROCESSING and the read of the instance go out together', async () => {
    const { opId, instanceId } = await starting('load-balancer');
    const created = h.deps.opOccs.stored((await h.deps.opOccs.get(opId))!.doc);
    const events: string[] = [];
    const openRun = jest.spyOn(h.deps.opOccs, 'openRun');
    const [get, put] = [h.deps.instances.get.bind(h.deps.instances), h.deps.opOccs.put.bind(h.deps.opOccs)];
    const spies = [
      jest.spyOn(h.deps.instances, 'get').mockImplementation(async (id) => {
        events.push(`get ${id}`);
        const r = await get(id);
        events.push(`get ${id} answered`);
        return r;
      }),
      jest.spyOn(h.deps.opOccs, 'put').mockImplementation(async (doc, o) => {
        events.push(`put ${doc.operationState}`);
        const r = await put(doc, o);
        events.push(`put ${doc.operationState} answered`);
        return r;
      }),
    ];
    try {
      await runJob(h.deps, opId, 'run', instanceId, created);
    } finally {
      for (const s of [openRun, ...spies]) s.mockRestore();
    }
    expect(openRun).not.toHaveBeenCalled();
    expect(events.slice(0, 2).sort()).toEqual([`get ${instanceId}`, 'put PROCESSING']);
    expect((await h.deps.opOccs.get(opId))?.doc.operationState).toBe('COMPLETED');
  }, 30_000);

  it('cancelled while it waited in the queue: nothing runs, the cancel stands', async () => {
    const { opId, instanceId } = await starting('rate-limiter');
    const created = h.deps.opOccs.stored((await h.deps.opOccs.get(opId))!.doc);
    await h.deps.opOccs.update(opId, (o) => ({ ...o, operationState: 'ROLLED_BACK' }));
    const log: string[] = [];
    await runJob({ ...h.deps, vim: loggedVim(h.deps.vim, log) }, opId, 'run', instanceId, created);
    expect(log).toEqual([]);
    expect((await h.deps.opOccs.get(opId))?.doc.operationState).toBe('ROLLED_BACK');
  }, 30_000);
});

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
