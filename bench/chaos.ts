/**
 * The chaos run: `npm run build && npm run chaos -- [--lanes N] [--duration-s S] [--ops N] [--kills N]
 * [--redis-restarts N] [--vim-fault-rate F] [--seed S] [--apis N] [--workers N]`.
 * N lanes of LCM operations (create, instantiate, scale out, heal, scale in, terminate, delete) against API and
 * worker processes on the emulated cloud, while VNFM processes and redis-server are SIGKILLed and a proxy makes the
 * cloud fail; then the audit (bench/chaos/). Prints the figures and writes them to docs/benchmarks.md ("Chaos").
 * Exit code 1 when the audit is not clean.
 */
import { join, resolve } from 'node:path';
import { runChaos } from './chaos/run';
import { reportMarkdown } from './chaos/report';
import { writeSection } from './support';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (Number.isNaN(v) || v < 0) throw new Error(`--${name} needs a non-negative number`);
  return v;
}

async function main(): Promise<number> {
  const kills = arg('kills', 100);
  const o = {
    lanes: arg('lanes', 6),
    // by default, time for one kill every 4 s
    durationMs: arg('duration-s', Math.max(60, kills * 4)) * 1000,
    maxOps: arg('ops', Number.POSITIVE_INFINITY),
    kills,
    redisRestarts: arg('redis-restarts', 3),
    vimFaultRate: arg('vim-fault-rate', 0.1),
    seed: arg('seed', (Date.now() ^ (Math.random() * 0x7fffffff)) & 0x7fffffff),
    apis: arg('apis', 2),
    workers: arg('workers', 2),
  };
  const flags =
    `--lanes ${o.lanes} --duration-s ${o.durationMs / 1000}` +
    (Number.isFinite(o.maxOps) ? ` --ops ${o.maxOps}` : '') +
    ` --kills ${o.kills} --redis-restarts ${o.redisRestarts} --vim-fault-rate ${o.vimFaultRate} --seed ${o.seed}` +
    ` --apis ${o.apis} --workers ${o.workers}`;
  console.log(`chaos: ${flags}`);
  const root = resolve(__dirname, '..', '..');
  const report = await runChaos({
    ...o,
    cli: join(root, 'dist', 'src', 'cli', 'index.js'),
    log: (line) => console.log(line),
  });
  const md = [
    '## Chaos: LCM operations under process kills, Redis restarts and VIM faults (issue 19)',
    '',
    'Lanes drive VNFs as an NFVO would (create, instantiate, scale out, heal, scale in, terminate, delete; a lost' +
      ' answer is read back, never retried blindly; FAILED_TEMP is retried up to 5 times, then rolled back or' +
      ' failed) against 2 API and 2 worker processes (`clickvnfm serve --role api|worker`) on a redis-server with' +
      ' AOF and the emulated cloud behind a fault proxy (bench/chaos/). Injected: SIGKILLs of API and worker' +
      " processes, SIGKILLs of redis-server, and a share of the workers' cloud requests delayed, refused, or" +
      ' dropped before or after the cloud acted. Audited once all settled: no op-occ left running, every' +
      ' FAILED_TEMP with its cause, no instance locked by an op-occ that is not running; no server of the cloud' +
      ' outside an INSTANTIATED instance, no two servers for one VNFC, the servers of each instance exactly the' +
      ' VNFCs it records; and every op-occ notification received by a subscriber, once (duplicates by id counted,' +
      ' not under two ids), following the state machine from START to its final state, one op-occ after another' +
      ' per instance, creation first and deletion last.',
    '',
    reportMarkdown(report, `npm run build && npm run chaos -- ${flags}`),
    '',
    `Measured ${new Date().toISOString().slice(0, 10)}.`,
  ].join('\n');
  console.log(md);
  writeSection(root, 'chaos', md);
  return report.problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
