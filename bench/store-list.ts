/**
 * Filtered, paged list of 10,000 VNF instances through the real API (Fastify inject) on a real
 * redis-server. Target: p99 < 50 ms. Run: `npm run build && node dist/bench/store-list.js`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { buildApp, hashSecret } from '../src/api';
import { RedisPackageCatalog, RedisServer, RedisVnfInstanceRepository } from '../src/store';
import { vnfInstanceLinks, type VnfInstance } from '../src/domain/vnf-instance';
import { leafText, parseFilter } from '../src/domain/query';
import { leafMatcher } from '../src/store/leaf-match';
import { percentile, writeSection } from './support';

const N = 10_000;
const ROUNDS = 200;

/** This bench on the commit before issue 19 (same machine, back to back with the figures below). */
const BEFORE: { commit: string; memoryPerInstance: number | string; p99: Record<string, string> } = {
  commit: 'b8d936b',
  memoryPerInstance: 2311,
  // measured at b8d936b with this file's cases, back to back with the run below (load average 14-15)
  p99: {
    'first page, no filter': '192.1',
    'common filter (eq vnfdId, 1 in 4)': '144.0',
    'two terms (INSTANTIATED and site)': '110.8',
    'rare filter on an indexed attribute (one match)': '14.1',
    'rare filter on metadata (one match)': '210.9',
    'nested + all_fields': '146.0',
    'rare match on extensions (one match)': '267.9',
    'rare match on vnfInstanceDescription (one match)': '290.2',
    'rare match, nested (instantiatedVnfInfo/vnfcResourceInfo/computeResource/resourceId)': '339.9',
    'rare match with neq (vnfProvider, one differs)': '531.1',
    'rare match with cont (vnfInstanceDescription)': '458.4',
    'rare match with gt (metadata/rank > N - 10, 9 matches)': '599.0',
    'no match at all (eq metadata/site)': '259.2',
  },
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
  const server = await RedisServer.start({ dir });
  const redis = new Redis(server.url);
  try {
    const prefix = '{bench}';
    const instances = new RedisVnfInstanceRepository(redis, prefix);
    const usedMemory = async (): Promise<number> =>
      Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? NaN);
    const memory0 = await usedMemory();
    let rareResource = '';
    const texts: string[] = [];
    for (let i = 0; i < N; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, N - i) }, (_, j) => {
          const k = i + j;
          const id = randomUUID();
          const doc: VnfInstance = {
            id,
            vnfInstanceName: `vnf-${k}`,
            vnfdId: ['fw', 'nat', 'lb', 'fwd'][k % 4] as string,
            vnfProvider: k === N - 11 ? 'Another Project' : 'Click-on-OSv Project',
            vnfProductName: 'bench',
            vnfSoftwareVersion: '1.0',
            vnfdVersion: '1.0',
            instantiationState: k % 10 === 0 ? 'INSTANTIATED' : 'NOT_INSTANTIATED',
            vnfInstanceDescription: `bench instance ${k}.`,
            metadata: { rank: k, site: k % 3 === 0 ? 'north' : 'south' },
            extensions: { owner: `team-${k}` },
            _links: vnfInstanceLinks('http://bench/vnflcm/v1', id, 'NOT_INSTANTIATED'),
          };
          if (k % 10 === 0) {
            const resourceId = randomUUID();
            if (k === N - 10) rareResource = resourceId;
            doc.instantiatedVnfInfo = {
              flavourId: 'simple',
              vnfState: 'STARTED',
              extCpInfo: [],
              vnfcResourceInfo: [{ id: `vnfc-${k}`, vduId: 'click_vdu', computeResource: { resourceId } }],
            };
          }
          texts.push(leafText(doc));
          return instances.create(doc);
        }),
      );
    }
    const pw = 'bench';
    const app = await buildApp({
      instances,
      packages: new RedisPackageCatalog(redis, prefix),
      publicUrl: 'http://bench',
      auth: {
        basic: true,
        oauth2: false,
        tokenTtlSeconds: 600,
        tokenKey: randomBytes(32),
        users: [{ name: 'b', passwordHash: hashSecret(pw), roles: ['admin'] }],
        clients: [],
      },
      pageSize: 100,
    });
    const headers = { authorization: 'Basic ' + Buffer.from(`b:${pw}`).toString('base64') };
    const cases: Array<[string, string]> = [
      ['first page, no filter', ''],
      ['common filter (eq vnfdId, 1 in 4)', '?filter=(eq,vnfdId,nat)'],
      ['two terms (INSTANTIATED and site)', '?filter=(eq,instantiationState,INSTANTIATED);(eq,metadata/site,north)'],
      ['rare filter on an indexed attribute (one match)', `?filter=(eq,vnfInstanceName,vnf-${N - 7})`],
      ['rare filter on metadata (one match)', `?filter=(eq,metadata/rank,${N - 7})`],
      ['nested + all_fields', '?filter=(eq,instantiatedVnfInfo/vnfState,STARTED)&all_fields'],
      ['rare match on extensions (one match)', `?filter=(eq,extensions/owner,team-${N - 3})`],
      [
        'rare match on vnfInstanceDescription (one match)',
        `?filter=(eq,vnfInstanceDescription,bench instance ${N - 5}.)`,
      ],
      [
        'rare match, nested (instantiatedVnfInfo/vnfcResourceInfo/computeResource/resourceId)',
        `?filter=(eq,instantiatedVnfInfo/vnfcResourceInfo/computeResource/resourceId,${rareResource})`,
      ],
      ['rare match with neq (vnfProvider, one differs)', "?filter=(neq,vnfProvider,'Click-on-OSv Project')"],
      ['rare match with cont (vnfInstanceDescription)', `?filter=(cont,vnfInstanceDescription,instance ${N - 13}.)`],
      ['rare match with gt (metadata/rank > N - 10, 9 matches)', `?filter=(gt,metadata/rank,${N - 10})`],
      ['no match at all (eq metadata/site)', '?filter=(eq,metadata/site,east)'],
    ];
    const memoryPerInstance = Math.round(((await usedMemory()) - memory0) / N);
    const rows: string[] = [];
    let missed = 0;
    // the in-process part of a search alone: the filter matched on all 10,000 leaf texts (median of 21)
    const scanMs = (q: string): string => {
      const expr = new URLSearchParams(q.slice(1)).get('filter');
      if (expr === null) return '-';
      const match = leafMatcher(parseFilter(expr));
      const runs: number[] = [];
      for (let r = 0; r < 21; r++) {
        const t0 = process.hrtime.bigint();
        for (const t of texts) match(t);
        runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      return percentile(
        runs.sort((a, b) => a - b),
        50,
      ).toFixed(1);
    };
    const load0 = loadavg()[0] ?? NaN;
    for (const [name, q] of cases) {
      const times: number[] = [];
      for (let r = 0; r < ROUNDS + 20; r++) {
        const t0 = process.hrtime.bigint();
        const res = await app.inject({ method: 'GET', url: `/vnflcm/v1/vnf_instances${q}`, headers });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (res.statusCode !== 200) throw new Error(`${name}: HTTP ${res.statusCode} ${res.body}`);
        if (r === 0 && name.startsWith('rare match') && (JSON.parse(res.body) as unknown[]).length === 0)
          throw new Error(`${name}: no match`);
        if (r >= 20) times.push(ms);
      }
      times.sort((a, b) => a - b);
      const p50 = percentile(times, 50).toFixed(1);
      const p99 = percentile(times, 99).toFixed(1);
      const under = percentile(times, 99) < 50 ? 'yes' : 'NO';
      if (percentile(times, 99) >= 50) missed++;
      rows.push(`| ${name} | ${BEFORE.p99[name] ?? '-'} | ${p50} | ${p99} | ${under} | ${scanMs(q)} |`);
    }
    await app.close();
    const md = [
      '## VNF instance list: 10,000 instances, filtered and paged (issues 2 and 19)',
      '',
      'Command: `npm run build && node dist/bench/store-list.js`' +
        ' (real redis-server, the API through Fastify inject, page size 100,',
      `${ROUNDS} timed requests per case after 20 warm-up ones). Target: p99 < 50 ms for every case.`,
      'Indexed attributes (eq/in read only their matches): vnfdId, vnfPkgId, instantiationState, vnfInstanceName, and',
      'id (the documents are kept by id), each read only for a rare value (a page or fewer). Any other filter is',
      "matched in the API process on each document's leaf text (one `path<TAB>value` line per scalar leaf, kept in",
      'creation order and brought up to date from the change set `<prefix>:inst:chg` before each search,',
      'src/store/repository-search.ts); only the matching documents are read from Redis, and matched in full again.',
      `Before: ${BEFORE.commit} (nine indexes; other filters read every document in batches with a text pre-filter);`,
      'its p99 column was measured at a load average of 14-15 (the same bench of this version then: 31-121 ms p99).',
      'The first filtered list of a process loads every leaf text once (10,000 documents read): not in the timings.',
      '',
      '| case | before p99 ms | p50 ms | p99 ms | p99 < 50 ms | leaf-text scan alone, ms |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
      `Redis memory per instance (INFO used_memory after the 10,000 creates, over ${N}): before` +
        ` ${BEFORE.memoryPerInstance} bytes, now ${memoryPerInstance} bytes.`,
      missed === 0
        ? 'Target p99 < 50 ms: **met** in every case.'
        : `Target p99 < 50 ms: **NOT met** in ${missed} of ${cases.length} cases on this run (see the load below; the` +
          ' last column is the in-process scan of a search alone).',
      `Load average (1 min) ${load0.toFixed(2)} before the cases, ${loadavg()[0]?.toFixed(2) ?? '?'} after (2 cores).`,
      `Measured ${new Date().toISOString().slice(0, 10)}.`,
    ].join('\n');
    process.stdout.write(md + '\n');
    writeSection(resolve(__dirname, '../..'), 'store-list', md);
  } finally {
    redis.disconnect();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
