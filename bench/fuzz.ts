/**
 * The long fuzz run: `npm run build && npm run fuzz -- --requests N [--seed S] [--global-every K]`.
 * The whole API (test/fuzz/harness.ts) on a private redis-server, N generated hostile requests with
 * every invariant checked, the figures printed and written to docs/benchmarks.md under "Fuzzing".
 * Exit code 1 when an invariant was broken.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RedisServer } from '../src/store';
import { startFuzzTarget } from '../test/fuzz/harness';
import { reportMarkdown, runFuzz } from '../test/fuzz/runner';
import { writeSection } from './support';

/** RSS may grow by at most this much over a long run (start to end), or the run fails. */
const RSS_GROWTH_BOUND_MB = 512;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v =
    i >= 0
      ? Number(process.argv[i + 1])
      : process.env[`FUZZ_${name.toUpperCase().replace(/-/g, '_')}`] !== undefined
        ? Number(process.env[`FUZZ_${name.toUpperCase().replace(/-/g, '_')}`])
        : fallback;
  if (!Number.isFinite(v)) throw new Error(`--${name} needs a number`);
  return v;
}

async function main(): Promise<void> {
  const requests = arg('requests', 100_000);
  const seed = arg('seed', (Date.now() ^ (Math.random() * 0x7fffffff)) | 0);
  const globalEvery = arg('global-every', 10);
  const dir = mkdtempSync(join(tmpdir(), 'bench-fuzz-'));
  const server = await RedisServer.start({ dir });
  const target = await startFuzzTarget(server.url);
  console.log(
    `fuzz: ${target.routes.length} operations from the OpenAPI document, ${requests} requests,` +
      ` seed ${seed} (replay: FUZZ_SEED=${seed})`,
  );
  let code = 0;
  try {
    const report = await runFuzz(target, {
      seed,
      requests,
      globalEvery,
      finalDelete: true,
      onProgress: (done, r) => {
        if (done % 5000 === 0) {
          const rssMb = Math.round(process.memoryUsage().rss / 1048576);
          console.log(
            `  ${done} requests, ${r.fiveXx} 5xx, ${r.nonProblemDetails} non-ProblemDetails,` +
              ` ${r.protoPollutions} pollutions, ${r.findings.length} distinct findings, RSS ${rssMb} MiB`,
          );
        }
      },
    });
    const flags = `--requests ${requests} --seed ${seed} --global-every ${globalEvery}`;
    const command = `npm run build && npm run fuzz -- ${flags}`;
    const rssOk = report.rss.endMb - report.rss.startMb < RSS_GROWTH_BOUND_MB;
    const md = [
      '## Fuzzing: every route of the OpenAPI document with hostile requests',
      '',
      'Generated requests (test/fuzz/generators.ts) through app.inject() on the whole API' +
        ' with the LCM worker on the emulated VIM and a private redis-server;' +
        ' after every request: no 5xx, every error ProblemDetails (RFC 6749 JSON allowed on /oauth2/token),' +
        ` the prototypes untouched; every ${globalEvery} requests: unauthenticated list is 401,` +
        ' the seeded instances readable and listed;' +
        ' at the end a socket smoke of URL-level cases and the seeded instances deletable.' +
        ` RSS growth bound: ${RSS_GROWTH_BOUND_MB} MiB (${rssOk ? 'kept' : '**exceeded**'}).`,
      '',
      reportMarkdown(report, command),
      '',
      `Measured ${new Date().toISOString().slice(0, 10)}.`,
    ].join('\n');
    console.log(md);
    writeSection(resolve(__dirname, '..', '..'), 'fuzz', md);
    if (report.findings.length > 0 || !rssOk) code = 1;
  } finally {
    await target.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(code);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
