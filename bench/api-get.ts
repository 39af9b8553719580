/**
 * GET one VNF instance through the real HTTP server (startVnfm, role api: every plugin, auth, hooks) next to a
 * bare Fastify route in the same process doing the same Redis reads (MULTI: HGET document, HGET version) and
 * returning the same JSON. 10,000 instances on a private redis-server; a keep-alive load generator in a child
 * process (so the server's CPU is this process's, process.cpuUsage) at a fixed concurrency.
 * Target: our req/s >= 50 % of the bare route's. Run: `npm run build && node dist/bench/api-get.js`
 * (BENCH_SECONDS=3 per timed round by default, BENCH_ROUNDS=8 rounds of each, alternating which goes first).
 */
import { fork } from 'node:child_process';
import { deepStrictEqual } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import Redis from 'ioredis';
import { hashSecret } from '../src/api';
import { loadConfig, processEnv } from '../src/config';
import { startVnfm } from '../src/main';
import { RedisServer, RedisVnfInstanceRepository, SecretBox } from '../src/store';
import { vnfInstanceLinks, type VnfInstance } from '../src/domain/vnf-instance';
import { percentile, runMain, writeSection } from './support';

const N = 10_000;
const CONCURRENCY = 32;
const SECONDS = Number(processEnv()['BENCH_SECONDS'] ?? 3);
const ROUNDS = Number(processEnv()['BENCH_ROUNDS'] ?? 8);

/** This bench at b8d936b (before issue 19), back to back with the run of the figures in docs (load average 13-17). */
const BEFORE = { commit: 'b8d936b', bareCpuUs: 437, oursCpuUs: 1094, ratio: '0.47x', cpuRatio: '2.25x' };

interface LoadOrder {
  base: string;
  ids: string[];
  seconds: number;
  headers: Record<string, string>;
}
interface LoadResult {
  done: number;
  errors: number;
  seconds: number;
  p99ms: number;
}

/** The child: CONCURRENCY keep-alive connections, each sending one GET after the other for `seconds`. */
async function loadGenerator(o: LoadOrder): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const url = new URL(o.base);
  const lat: number[] = [];
  let done = 0;
  let errors = 0;
  const t0 = process.hrtime.bigint();
  const end = Date.now() + o.seconds * 1000;
  const one = (path: string): Promise<number> =>
    new Promise((ok) => {
      const req = request(
        { agent, host: url.hostname, port: url.port, path, headers: o.headers, method: 'GET' },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => ok(res.statusCode ?? 0));
        },
      );
      req.on('error', () => ok(0));
      req.end();
    });
  let k = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        const id = o.ids[k++ % o.ids.length] as string;
        const s = process.hrtime.bigint();
        const status = await one(`${url.pathname.replace(/\/$/, '')}/${id}`);
        lat.push(Number(process.hrtime.bigint() - s) / 1e6);
        if (status === 200) done++;
        else errors++;
      }
    }),
  );
  agent.destroy();
  lat.sort((a, b) => a - b);
  return { done, errors, seconds: Number(process.hrtime.bigint() - t0) / 1e9, p99ms: percentile(lat, 99) };
}

function instanceDoc(k: number): VnfInstance {
  const id = randomUUID();
  const doc: VnfInstance = {
    id,
    vnfInstanceName: `vnf-${k}`,
    vnfInstanceDescription: `bench instance ${k}`,
    vnfdId: ['fw', 'nat', 'lb', 'fwd'][k % 4] as string,
    vnfProvider: 'Click-on-OSv Project',
    vnfProductName: 'bench',
    vnfSoftwareVersion: '1.0',
    vnfdVersion: '1.0',
    vnfPkgId: `pkg-${k % 4}`,
    instantiationState: k % 2 === 0 ? 'INSTANTIATED' : 'NOT_INSTANTIATED',
    metadata: { rank: k, site: k % 3 === 0 ? 'north' : 'south' },
  };
  if (k % 2 === 0) {
    doc.vimConnectionInfo = [
      {
        id: 'vim-1',
        vimType: 'ETSINFV.OPENSTACK_KEYSTONE.v_2',
        interfaceInfo: { endpoint: 'http://keystone:5000/v3' },
        accessInfo: { username: 'nfv', password: 'secret', project: 'vnf', userDomain: 'Default' },
      },
    ];
    doc.instantiatedVnfInfo = {
      flavourId: 'simple',
      vnfState: 'STARTED',
      extCpInfo: [{ id: 'cp-1', cpdId: 'ext_cp', cpProtocolInfo: [{ layerProtocol: 'IP_OVER_ETHERNET' }] }],
      vnfcResourceInfo: [
        {
          id: `vnfc-${k}`,
          vduId: 'click_vdu',
          computeResource: {
            vimConnectionId: 'vim-1',
            resourceId: randomUUID(),
            vimLevelResourceType: 'OS::Nova::Server',
          },
        },
      ],
    } as VnfInstance['instantiatedVnfInfo'];
  }
  return doc;
}

interface Round {
  rps: number;
  cpuUsPerReq: number;
  p99ms: number;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--load') {
    process.once('message', (o: LoadOrder) => {
      void loadGenerator(o).then((r) => process.send?.(r, () => process.exit(0)));
    });
    return new Promise(() => undefined);
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-get-'));
  const server = await RedisServer.start({ dir: join(dir, 'redis') });
  const password = randomBytes(8).toString('hex');
  const secretKey = randomBytes(32).toString('base64');
  const config = loadConfig(processEnv(), {
    overrides: {
      listen: { host: '127.0.0.1', port: 0 },
      varDir: join(dir, 'var'),
      redis: { url: server.url },
      onboardSamples: false,
      publicUrl: 'http://vnfm.example:9890',
      auth: {
        basic: true,
        secretKey,
        users: [{ name: 'admin', passwordHash: hashSecret(password), roles: ['admin'] }],
      },
      log: { level: 'warn' },
    },
  });
  const quiet = { info: () => undefined, warn: () => undefined, error: (m: string) => process.stderr.write(`${m}\n`) };
  const vnfm = await startVnfm(config, 'api', quiet);
  const redis = new Redis(server.url);
  const bare = Fastify({ logger: false });
  try {
    const instances = new RedisVnfInstanceRepository(redis, config.redis.prefix, SecretBox.fromBase64(secretKey));
    const ids: string[] = [];
    for (let i = 0; i < N; i += 500) {
      const docs = Array.from({ length: Math.min(500, N - i) }, (_, j) => instanceDoc(i + j));
      await Promise.all(docs.map((d) => instances.create(d)));
      ids.push(...docs.map((d) => d.id));
    }
    ids.sort(() => Math.random() - 0.5);
    const docKey = `${config.redis.prefix}:inst:doc`;
    const verKey = `${config.redis.prefix}:inst:ver`;
    const publicUrl = 'http://vnfm.example:9890';
    // the bare route: the same two reads in one MULTI, the same JSON (accessInfo left out, _links added)
    bare.get<{ Params: { id: string } }>('/bare/vnf_instances/:id', async (req, reply) => {
      const [[, json], [, ver]] = (await redis
        .multi()
        .hget(docKey, req.params.id)
        .hget(verKey, req.params.id)
        .exec()) as [[null, string | null], [null, string | null]];
      if (json === null || ver === null) return reply.code(404).send({ status: 404 });
      const doc = JSON.parse(json) as VnfInstance;
      for (const c of (doc.vimConnectionInfo ?? []) as Array<Record<string, unknown>>) delete c['accessInfo'];
      doc._links = vnfInstanceLinks(`${publicUrl}/vnflcm/v1`, doc.id, doc.instantiationState);
      return reply.header('ETag', `"${ver}"`).send(doc);
    });
    const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
    const headers = {
      authorization: 'Basic ' + Buffer.from(`admin:${password}`).toString('base64'),
      version: '1.3.0',
      accept: 'application/json',
    };
    const ours = `${vnfm.url ?? ''}/vnflcm/v1/vnf_instances`;
    const theirs = `${bareUrl}/bare/vnf_instances`;
    // the same answer from both
    for (const id of ids.slice(0, 20)) {
      const [a, b] = await Promise.all(
        [ours, theirs].map(async (u) => (await fetch(`${u}/${id}`, { headers })).json() as Promise<unknown>),
      );
      deepStrictEqual(a, b);
    }
    const run = async (base: string, seconds: number): Promise<Round> => {
      const child = fork(__filename, ['--load'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const cpu0 = process.cpuUsage();
      const result = await new Promise<LoadResult>((ok, fail) => {
        child.once('message', (m) => ok(m as LoadResult));
        child.once('error', fail);
        child.send({ base, ids, seconds, headers } satisfies LoadOrder);
      });
      const cpu = process.cpuUsage(cpu0);
      if (result.errors > 0) throw new Error(`${base}: ${result.errors} requests failed`);
      return {
        rps: result.done / result.seconds,
        cpuUsPerReq: (cpu.user + cpu.system) / result.done,
        p99ms: result.p99ms,
      };
    };
    await run(theirs, 1);
    await run(ours, 2);
    const load0 = loadavg()[0] as number;
    const rounds: Array<{ bare: Round; ours: Round }> = [];
    for (let r = 0; r < ROUNDS; r++) {
      // BENCH_ONLY=ours: only our route (for `node --cpu-prof`)
      const only = processEnv()['BENCH_ONLY'];
      const skip = { rps: 1, cpuUsPerReq: 0, p99ms: 0 };
      const runBare = (): Promise<Round> => (only === 'ours' ? Promise.resolve(skip) : run(theirs, SECONDS));
      const runOurs = (): Promise<Round> => (only === 'bare' ? Promise.resolve(skip) : run(ours, SECONDS));
      // which goes first alternates, so that a load that comes and goes weighs on both alike
      const b = r % 2 === 0 ? await runBare() : undefined;
      const o = await runOurs();
      const b2 = b ?? (await runBare());
      rounds.push({ bare: b2, ours: o });
      process.stdout.write(`round ${r}: bare ${JSON.stringify(b2)} ours ${JSON.stringify(o)}\n`);
    }
    const load1 = loadavg()[0] as number;
    const med = (f: (x: { bare: Round; ours: Round }) => number): number =>
      percentile(
        rounds.map(f).sort((x, y) => x - y),
        50,
      );
    const bareRps = med((x) => x.bare.rps);
    const oursRps = med((x) => x.ours.rps);
    const ratio = med((x) => x.ours.rps / x.bare.rps);
    const md = [
      '## GET one VNF instance next to a bare Fastify route (issue 19)',
      '',
      'Command: `npm run build && node dist/bench/api-get.js` (10,000 instances, half of them INSTANTIATED with a',
      'sealed accessInfo, on a private redis-server; ours: startVnfm role api with every plugin, HTTP Basic, log level',
      'warn; bare: `Fastify()` in the same process with one route doing the same MULTI (HGET document, HGET version),',
      'JSON.parse, accessInfo left out and `_links` added, the answers checked equal; a keep-alive load generator in a',
      `child process, ${CONCURRENCY} connections, random ids; ${ROUNDS} rounds of ${SECONDS} s each, alternating;`,
      'medians). Server CPU: process.cpuUsage of the server process over the round, per request.',
      "Target: our req/s at least 50 % of the bare route's.",
      '',
      '| route | req/s | server CPU us/request | p99 ms |',
      '|---|---|---|---|',
      `| bare Fastify, same Redis reads | ${bareRps.toFixed(0)} | ${med((x) => x.bare.cpuUsPerReq).toFixed(0)} |` +
        ` ${med((x) => x.bare.p99ms).toFixed(1)} |`,
      `| GET /vnflcm/v1/vnf_instances/{id} | ${oursRps.toFixed(0)} | ${med((x) => x.ours.cpuUsPerReq).toFixed(0)} |` +
        ` ${med((x) => x.ours.p99ms).toFixed(1)} |`,
      `| **ratio ours/bare (median of the rounds' ratios)** | **${ratio.toFixed(2)}x** |` +
        ` ${med((x) => x.ours.cpuUsPerReq / x.bare.cpuUsPerReq).toFixed(2)}x | |`,
      '',
      `Before (${BEFORE.commit}, the same bench, at a load average of 13-17): ours ${BEFORE.oursCpuUs} us of CPU` +
        ` per request against ${BEFORE.bareCpuUs} us bare (${BEFORE.cpuRatio}), req/s ratio ${BEFORE.ratio}.` +
        ' What went: @fastify/helmet built helmet and parsed the CSP on every request (now computed once),',
      'the stored credentials were unsealed (AES-GCM) and then stripped (now stripped without unsealing, one walk),',
      'the Version hooks were async; and when the Basic cache entry expired (each minute) every connection ran its',
      'own scrypt at once (now one per credential). On 2 cores under load, absolute figures are several times',
      "a quiet machine's; the ratio is taken per round, bare and ours back to back.",
      '',
      `Target >= 0.5x: **${ratio >= 0.5 ? 'met' : 'NOT met'}**. Load average (1 min) ${load0.toFixed(2)} before,` +
        ` ${load1.toFixed(2)} after (2 cores, other work running).`,
      `Measured ${new Date().toISOString().slice(0, 10)}.`,
    ].join('\n');
    process.stdout.write(md + '\n');
    if (processEnv()['BENCH_NO_WRITE'] !== '1') writeSection(resolve(__dirname, '../..'), 'api-get', md);
  } finally {
    await bare.close();
    redis.disconnect();
    await vnfm.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

runMain(main);
