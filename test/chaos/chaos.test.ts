import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runChaos } from '../../bench/chaos/run';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/src/cli/index.js');

beforeAll(() => {
  if (!existsSync(CLI)) spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
}, 120_000);

describe('chaos (the short run of `npm run chaos`)', () => {
  it('2 lanes, 4 kills, a Redis restart, 10 % VIM faults: nothing stuck or leaked, every notification', async () => {
    const seed = Number(process.env['CHAOS_SEED'] ?? Date.now() & 0x7fffffff);
    const report = await runChaos({
      cli: CLI,
      lanes: 2,
      durationMs: 40_000,
      kills: 4,
      redisRestarts: 1,
      vimFaultRate: 0.1,
      seed,
      log: (line) => process.stdout.write(`${line}\n`),
    });
    const summary = { seed, problems: report.problems, crashes: report.crashes, dir: report.dir };
    // the run did what it says: operations ran, faults were injected, notifications came
    expect(report.lanes.started).toBeGreaterThan(4);
    expect(report.kills.apiKills + report.kills.workerKills).toBe(4);
    expect(report.kills.redisKills).toBe(1);
    expect(report.vim.requests).toBeGreaterThan(0);
    expect(report.notifications.received).toBeGreaterThan(0);
    expect(summary).toEqual({ seed, problems: [], crashes: [], dir: report.dir });
  }, 360_000);
});
