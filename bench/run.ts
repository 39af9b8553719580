/**
 * `npm run bench`: runs every benchmark under bench/ one after another, each as a child process (its own
 * heap and Redis), printing its output as it goes and a summary at the end. Each bench writes its own
 * section of docs/benchmarks.md, as when run alone.
 *
 * Run: `npm run build && npm run bench [-- --only lcm-calls,click-parse] [-- --quick]`
 * `--quick` passes BENCH_RUNS=3 to the benches that read it (lcm-calls, openstack-overhead,
 * openstack-baseline): fewer timed instantiations. Skipped, saying why: `fuzz` (the long fuzz run has its own
 * script, `npm run fuzz`), `chaos` (`npm run chaos`), `dataplane` (needs an image and QEMU), and
 * `openstack-overhead` and `openstack-baseline` unless OS_CLOUD is set (they need the mini-cloud:
 * `. .minicloud/openrc` first).
 * Exit code 1 when a bench failed.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

function needsCloud(env: NodeJS.ProcessEnv): string | undefined {
  return env['OS_CLOUD'] === undefined
    ? 'needs the mini-cloud (OS_CLOUD is not set; `. .minicloud/openrc` first to run it)'
    : undefined;
}

/** Benches that are not run here, and why (undefined: run it). */
const SKIP: Record<string, (env: NodeJS.ProcessEnv) => string | undefined> = {
  fuzz: () => 'the long fuzz run; run it alone: npm run fuzz -- --requests N',
  chaos: () => 'the long chaos run (process kills, Redis restarts, VIM faults); run it alone: npm run chaos',
  dataplane: () =>
    'needs a built Click-on-OSv image and QEMU: node dist/bench/dataplane.js --image PATH [--click PATH]',
  'openstack-overhead': (env) => needsCloud(env),
  'openstack-baseline': (env) => needsCloud(env),
};
/** Not benches: this runner and the shared helpers. */
const NOT_BENCHES = new Set(['run', 'support']);

interface Outcome {
  name: string;
  status: 'ok' | 'FAILED' | 'skipped';
  seconds: number;
  note: string;
}

/** The compiled benches next to this file, by name, in alphabetical order. */
export function benchNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => basename(f, '.js'))
    .filter((n) => !NOT_BENCHES.has(n))
    .sort();
}

function runOne(file: string, env: NodeJS.ProcessEnv): Promise<{ code: number; lastLine: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let tail = '';
    child.stdout.on('data', (d: Buffer) => {
      process.stdout.write(d);
      tail = (tail + d.toString()).slice(-4000);
    });
    child.on('close', (code, signal) => {
      // the result worth a summary line: the last row of the bench's table, else its last line
      const lines = tail.split('\n').filter((l) => l.trim() !== '');
      const rows = lines.filter((l) => l.startsWith('|') && !/^\|[-| ]+\|$/.test(l));
      resolve({ code: code ?? (signal !== null ? 128 : 1), lastLine: rows.pop() ?? lines.pop() ?? '' });
    });
  });
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',').filter(Boolean)) : undefined;
  const env = { ...process.env, ...(args.includes('--quick') ? { BENCH_RUNS: '3' } : {}) };
  const outcomes: Outcome[] = [];
  for (const name of benchNames(__dirname)) {
    if (only !== undefined && !only.has(name)) continue;
    const why = SKIP[name]?.(env);
    if (why !== undefined) {
      process.stdout.write(`\n=== ${name}: skipped: ${why}\n`);
      outcomes.push({ name, status: 'skipped', seconds: 0, note: why });
      continue;
    }
    process.stdout.write(`\n=== ${name}\n`);
    const t0 = Date.now();
    const r = await runOne(join(__dirname, `${name}.js`), env);
    const seconds = Math.round((Date.now() - t0) / 100) / 10;
    outcomes.push({
      name,
      status: r.code === 0 ? 'ok' : 'FAILED',
      seconds,
      note: r.code === 0 ? r.lastLine.slice(0, 110) : `exit code ${r.code}`,
    });
  }
  process.stdout.write('\n=== summary\n');
  for (const o of outcomes)
    process.stdout.write(`${o.name.padEnd(20)} ${o.status.padEnd(8)} ${String(o.seconds).padStart(6)} s  ${o.note}\n`);
  const failed = outcomes.filter((o) => o.status === 'FAILED').length;
  const ran = outcomes.filter((o) => o.status !== 'skipped').length;
  process.stdout.write(`${ran} run, ${failed} failed, ${outcomes.length - ran} skipped\n`);
  return failed > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}
