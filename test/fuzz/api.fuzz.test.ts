/**
 * Property-based fuzzing of every route of the OpenAPI document (short run; the long one is
 * `npm run build && npm run fuzz`). Two runs: a fixed seed, and a random one (FUZZ_SEED replays any).
 * Every request is checked against the invariants of test/fuzz/harness.ts; a failure prints the
 * distinct findings, each with a minimal request.
 */
import { useFuzzTarget } from './use-target';
import { reportMarkdown, runFuzz, type FuzzReport } from './runner';

const FIXED_SEED = 20260101;
const RANDOM_SEED =
  process.env['FUZZ_SEED'] !== undefined
    ? Number(process.env['FUZZ_SEED'])
    : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
/** RSS may grow by this much over a short run (bodies up to 1.3 MB are generated; V8 keeps some). */
const RSS_GROWTH_BOUND_MB = 400;

const fuzz = useFuzzTarget();

function verdict(r: FuzzReport, label: string): void {
  const text = reportMarkdown(r, `FUZZ_SEED=${r.seed} npx jest test/fuzz/api.fuzz.test.ts`);
  if (r.findings.length > 0) {
    // the seed first: it is what replays the run
    console.error(
      `fuzz ${label}: seed ${r.seed} (replay: FUZZ_SEED=${r.seed} npx jest test/fuzz/api.fuzz.test.ts)\n${text}`,
    );
  }
  expect({
    seed: r.seed,
    findings: r.findings.map(
      (f) => `${f.kind} | ${f.route} | ${f.shortest.request.slice(0, 240)} -> ${f.shortest.detail.slice(0, 140)}`,
    ),
  }).toEqual({ seed: r.seed, findings: [] });
  expect(r.rss.peakMb - r.rss.startMb).toBeLessThan(RSS_GROWTH_BOUND_MB);
}

it('covers every route of the OpenAPI document', () => {
  const keys = fuzz.target.routes.map((r) => r.key);
  expect(keys).toEqual(
    expect.arrayContaining([
      'GET /vnflcm/v1/vnf_instances',
      'PATCH /vnflcm/v1/vnf_instances/{vnfInstanceId}',
      'POST /oauth2/token',
      'GET /vnfpkgm/v1/vnf_packages',
    ]),
  );
  expect(keys.length).toBeGreaterThan(20);
});

it(`keeps every invariant over 1,000 requests (fixed seed ${FIXED_SEED})`, async () => {
  verdict(await runFuzz(fuzz.target, { seed: FIXED_SEED, requests: 1000, timeBudgetSeconds: 40 }), 'fixed seed');
}, 90_000);

it(`keeps every invariant over 500 requests (random seed ${RANDOM_SEED}; FUZZ_SEED replays)`, async () => {
  verdict(
    await runFuzz(fuzz.target, { seed: RANDOM_SEED, requests: 500, timeBudgetSeconds: 20, finalDelete: true }),
    'random seed',
  );
}, 60_000);
