import { cpus } from 'node:os';
import { DEFAULT_MIN_JOBS, governConcurrency, machineUtilization, nextConcurrency } from './load-governor';

const o = { min: 4, max: 24 };

describe('the worker concurrency governor', () => {
  it('grows by a quarter while under pressure 1 and the slots are taken, up to max', () => {
    expect(nextConcurrency(4, 4, 0.5, o)).toBe(5);
    expect(nextConcurrency(16, 15, 0.5, o)).toBe(20);
    expect(nextConcurrency(22, 22, 0.1, o)).toBe(24);
  });

  it('does not grow when slots are free (no work waits), nor in the band between 1 and 1.3', () => {
    expect(nextConcurrency(16, 8, 0.1, o)).toBe(16);
    expect(nextConcurrency(16, 16, 1.2, o)).toBe(16);
  });

  it('shrinks by a quarter over 1.3, down to min; back to min when idle', () => {
    expect(nextConcurrency(20, 20, 2, o)).toBe(15);
    expect(nextConcurrency(5, 5, 2, o)).toBe(4);
    expect(nextConcurrency(20, 0, 0, o)).toBe(4);
  });

  it('drives a worker: starts at min, follows the loop and the store round trip', async () => {
    const w = { concurrency: 24 };
    let busy = 0;
    let rttMs = 0.1;
    const g = governConcurrency(w, () => w.concurrency, {
      max: 24,
      loopTarget: 0.5,
      latencyTargetMs: 2,
      probe: () => Promise.resolve(rttMs),
      intervalMs: 5,
      utilization: () => busy,
    });
    expect(w.concurrency).toBe(DEFAULT_MIN_JOBS);
    const until = async (ok: () => boolean): Promise<void> => {
      for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
      expect(ok()).toBe(true);
    };
    await until(() => w.concurrency === 24);
    rttMs = 20; // the store slows down: fewer jobs at once
    await until(() => w.concurrency === DEFAULT_MIN_JOBS);
    rttMs = 0.1;
    busy = 0.95; // so does a busy loop
    await new Promise((r) => setTimeout(r, 100));
    expect(w.concurrency).toBeLessThan(8);
    g.stop();
  });

  it("holds while the machine's cores (other processes too) are busy over its target, then grows", async () => {
    const w = { concurrency: 24 };
    let machine = 0.99;
    const g = governConcurrency(w, () => w.concurrency, {
      max: 24,
      loopTarget: 0.5,
      latencyTargetMs: 2,
      machineTarget: 0.85,
      probe: () => Promise.resolve(0.1),
      intervalMs: 5,
      utilization: () => 0.1,
      machineUtilization: () => machine,
    });
    await new Promise((r) => setTimeout(r, 150));
    // a few looks grew it before the smoothed share passed the target; then it holds
    const held = w.concurrency;
    expect(held).toBeLessThan(12);
    await new Promise((r) => setTimeout(r, 150));
    expect(w.concurrency).toBe(held);
    machine = 0.3;
    for (let i = 0; i < 400 && w.concurrency < 24; i++) await new Promise((r) => setTimeout(r, 5));
    expect(w.concurrency).toBe(24);
    g.stop();
  });

  it("reads the machine's CPU utilization from every core: a busy stretch shows, in [0, 1]", () => {
    const look = machineUtilization();
    const until = Date.now() + 300;
    let x = 0;
    while (Date.now() < until) x += Math.sqrt(x + 1);
    const u = look();
    expect(x).toBeGreaterThan(0);
    // one of the cores was busy for the whole stretch
    expect(u).toBeGreaterThanOrEqual(0.9 / cpus().length - 0.1);
    expect(u).toBeLessThanOrEqual(1);
  });
});
