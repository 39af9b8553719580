import { StuckFetchDetector, type FetchLook } from './fetch-watchdog';

const look = (at: number, over: Partial<FetchLook> = {}): FetchLook => ({
  at,
  waiting: 3,
  running: 1,
  concurrency: 4,
  started: 7,
  ...over,
});

describe('StuckFetchDetector', () => {
  it('takes a worker as wedged after jobs waited and a slot was free for stuckMs with no job started', () => {
    const d = new StuckFetchDetector(10_000);
    // the first look only learns the counter; suspicion from the second one on
    expect([0, 5000, 10_000].map((t) => d.observe(look(t)))).toEqual([false, false, false]);
    expect(d.observe(look(15_000))).toBe(true);
    // then it starts over: another stuckMs before it says so again
    expect([20_000, 25_000].map((t) => d.observe(look(t)))).toEqual([false, false]);
    expect(d.observe(look(30_000))).toBe(true);
  });

  it('a job started, a full worker or an empty queue clears the suspicion', () => {
    for (const cleared of [{ started: 8 }, { running: 4 }, { waiting: 0 }]) {
      const d = new StuckFetchDetector(10_000);
      expect([0, 5000, 10_000].map((t) => d.observe(look(t)))).toEqual([false, false, false]);
      expect(d.observe(look(12_000, cleared))).toBe(false);
      // counted again from the next idle look: not wedged 15 s after the first one
      expect([15_000, 20_000].map((t) => d.observe(look(t, { started: cleared.started ?? 7 })))).toEqual([
        false,
        false,
      ]);
      expect(d.observe(look(25_000, { started: cleared.started ?? 7 }))).toBe(true);
    }
  });
});
