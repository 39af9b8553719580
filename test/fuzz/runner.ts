/**
 * The fuzz loop: requests drawn from the generators with a seed (replayable), sent with app.inject(),
 * every invariant checked after every request; findings grouped by kind and route, each with the
 * first request that showed it and the shortest one. Then a real-socket smoke for URL-level cases.
 */
import fc from 'fast-check';
import type { AddressInfo } from 'node:net';
import {
  checkDeletable,
  checkGlobal,
  checkResponse,
  diffPrototypes,
  restorePrototypes,
  snapshotPrototypes,
  type FuzzRequest,
  type FuzzTarget,
  type Violation,
} from './harness';
import { describe, requestArb } from './generators';

export interface Finding {
  kind: string;
  /** The route, or `*` when one framework error (same status and code) shows on many routes. */
  route: string;
  routes: string[];
  count: number;
  first: { request: string; detail: string; index: number };
  shortest: { request: string; detail: string; size: number };
}

export interface FuzzReport {
  seed: number;
  requests: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  fiveXx: number;
  nonProblemDetails: number;
  protoPollutions: number;
  crashes: number;
  findings: Finding[];
  rss: { startMb: number; peakMb: number; endMb: number };
  seconds: number;
  reqPerSec: number;
}

export interface FuzzOptions {
  seed: number;
  requests: number;
  /** Run the HTTP-level global invariants after every n-th request (1 = every request). */
  globalEvery?: number;
  /** Stop generating after this many seconds (the report says how many were sent). */
  timeBudgetSeconds?: number;
  /** At the end, delete the seeded instances (they must answer 204): for the last run on a target. */
  finalDelete?: boolean;
  onProgress?(done: number, report: FuzzReport): void;
}

const BATCH = 250;

/** Runs the fuzz loop against a started target. Never throws for a finding: they are in the report. */
export async function runFuzz(t: FuzzTarget, opts: FuzzOptions): Promise<FuzzReport> {
  const snap = snapshotPrototypes();
  const arb = requestArb({ routes: t.routes, seeds: t.seeds, creds: t.creds });
  const findings = new Map<string, Finding>();
  const report: FuzzReport = {
    seed: opts.seed,
    requests: 0,
    byRoute: {},
    byStatus: {},
    fiveXx: 0,
    nonProblemDetails: 0,
    protoPollutions: 0,
    crashes: 0,
    findings: [],
    rss: { startMb: mb(), peakMb: mb(), endMb: 0 },
    seconds: 0,
    reqPerSec: 0,
  };
  const started = Date.now();
  const globalEvery = opts.globalEvery ?? 1;
  const crashes: unknown[] = [];
  const onCrash = (err: unknown): void => void crashes.push(err);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  const record = (v: Violation, req: FuzzRequest, index: number): void => {
    // a framework error (FST_ERR_*) is one finding whatever the route; anything else is per route
    const code = /"code":"(FST_ERR_[A-Z_]+)"/.exec(v.detail)?.[1];
    const kind = code === undefined ? v.kind : `${v.kind}: ${v.detail.split(' ')[0] ?? ''} ${code}`;
    const route = code === undefined ? v.route : '*';
    const key = `${kind} | ${route}`;
    const text = describe(req);
    const size = req.url.length + (req.payload?.length ?? 0) + Object.values(req.headers).join('').length;
    const f = findings.get(key);
    if (f === undefined)
      findings.set(key, {
        kind,
        route,
        routes: [v.route],
        count: 1,
        first: { request: text, detail: v.detail, index },
        shortest: { request: text, detail: v.detail, size },
      });
    else {
      f.count += 1;
      if (!f.routes.includes(v.route)) f.routes.push(v.route);
      if (size < f.shortest.size) f.shortest = { request: text, detail: v.detail, size };
    }
  };
  try {
    for (let batch = 0; report.requests < opts.requests; batch++) {
      if (opts.timeBudgetSeconds !== undefined && Date.now() - started > opts.timeBudgetSeconds * 1000) break;
      const n = Math.min(BATCH, opts.requests - report.requests);
      // one sample per batch, seeded from the run's seed: the whole run replays from FUZZ_SEED
      const reqs = fc.sample(arb, { seed: (opts.seed + batch * 7919) | 0, numRuns: n });
      for (const req of reqs) {
        const index = report.requests++;
        report.byRoute[req.route] = (report.byRoute[req.route] ?? 0) + 1;
        let res;
        try {
          res = await t.app.inject({
            method: req.method as 'GET',
            url: req.url,
            headers: req.headers,
            ...(req.payload !== undefined ? { payload: req.payload } : {}),
          });
        } catch (err) {
          report.crashes += 1;
          record({ kind: 'inject threw', route: req.route, detail: String(err).slice(0, 200) }, req, index);
          continue;
        }
        report.byStatus[String(res.statusCode)] = (report.byStatus[String(res.statusCode)] ?? 0) + 1;
        for (const v of checkResponse(req, res)) {
          if (v.kind === '5xx') report.fiveXx += 1;
          else report.nonProblemDetails += 1;
          record(v, req, index);
        }
        const pollution = diffPrototypes(snap);
        if (pollution.length > 0) {
          report.protoPollutions += 1;
          // the 401 check sees the pollution's effect before the prototypes are put back
          const unauth = await t.app.inject({ method: 'GET', url: '/vnflcm/v1/vnf_instances' });
          record(
            {
              kind: 'prototype pollution',
              route: req.route,
              detail:
                `${pollution.join('; ')};` +
                ` unauthenticated GET /vnflcm/v1/vnf_instances then answered ${unauth.statusCode}`,
            },
            req,
            index,
          );
          restorePrototypes(snap);
        }
        if (crashes.length > 0) {
          report.crashes += crashes.length;
          record(
            {
              kind: 'uncaught exception / unhandled rejection',
              route: req.route,
              detail: crashes.map((c) => String(c).slice(0, 160)).join('; '),
            },
            req,
            index,
          );
          crashes.length = 0;
        }
        if (index % globalEvery === 0) for (const v of await checkGlobal(t)) record(v, req, index);
        if (index % 50 === 0) report.rss.peakMb = Math.max(report.rss.peakMb, mb());
        if (opts.onProgress && index % 1000 === 999) opts.onProgress(index + 1, finish(report, findings, started));
      }
    }
    for (const v of await socketSmoke(t)) record(v, v.request, report.requests);
    for (const v of await checkGlobal(t))
      record(v, { route: '(end)', method: 'GET', url: '(end of run)', headers: {} }, report.requests);
    if (opts.finalDelete === true)
      for (const v of await checkDeletable(t))
        record(v, { route: '(end)', method: 'DELETE', url: '(end of run)', headers: {} }, report.requests);
  } finally {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
  report.rss.endMb = mb();
  report.rss.peakMb = Math.max(report.rss.peakMb, report.rss.endMb);
  return finish(report, findings, started);
}

function finish(report: FuzzReport, findings: Map<string, Finding>, started: number): FuzzReport {
  report.seconds = (Date.now() - started) / 1000;
  report.reqPerSec = report.requests / Math.max(report.seconds, 0.001);
  report.findings = [...findings.values()].sort(
    (a, b) => a.kind.localeCompare(b.kind) || a.route.localeCompare(b.route),
  );
  return report;
}

function mb(): number {
  return Math.round(process.memoryUsage().rss / 1048576);
}

/** URL-level cases over a real socket (inject may normalise them): the same per-answer invariants. */
export async function socketSmoke(t: FuzzTarget): Promise<Array<Violation & { request: FuzzRequest }>> {
  const out: Array<Violation & { request: FuzzRequest }> = [];
  const address = await t.app.listen({ host: '127.0.0.1', port: 0 }).catch(() => undefined);
  const port = address === undefined ? (t.app.server.address() as AddressInfo).port : Number(new URL(address).port);
  const base = `http://127.0.0.1:${port}`;
  const auth = { authorization: t.creds.admin };
  const cases: FuzzRequest[] = [
    {
      route: 'GET /vnflcm/v1/vnf_instances/{vnfInstanceId}',
      method: 'GET',
      url: '/vnflcm/v1/vnf_instances/%zz',
      headers: auth,
    },
    {
      route: 'GET /vnflcm/v1/vnf_instances/{vnfInstanceId}',
      method: 'GET',
      url: '/vnflcm/v1/vnf_instances/%00',
      headers: auth,
    },
    {
      route: 'GET /vnflcm/v1/vnf_instances/{vnfInstanceId}',
      method: 'GET',
      url: `/vnflcm/v1/vnf_instances/${'a'.repeat(101)}`,
      headers: auth,
    },
    {
      route: 'GET /vnflcm/v1/vnf_instances/{vnfInstanceId}',
      method: 'GET',
      url: `/vnflcm/v1/vnf_instances/${'a'.repeat(10_001)}`,
      headers: auth,
    },
    {
      route: 'GET /vnflcm/v1/vnf_instances/{vnfInstanceId}',
      method: 'GET',
      url: '/vnflcm/v1/vnf_instances/..%2f..%2fetc%2fpasswd',
      headers: auth,
    },
    { route: 'GET /vnflcm/v1/vnf_instances', method: 'GET', url: '/vnflcm/v1/vnf_instances?filter=%zz', headers: auth },
    { route: 'GET /vnflcm/v1/vnf_instances', method: 'GET', url: '/vnflcm/v1/vnf_instances?%zz', headers: auth },
    {
      route: 'GET /vnfpkgm/v1/vnf_packages/{vnfPkgId}',
      method: 'GET',
      url: '/vnfpkgm/v1/vnf_packages/%E0%A4%A',
      headers: auth,
    },
    { route: 'UNKNOWN', method: 'GET', url: '/%zz', headers: auth },
    {
      route: 'POST /oauth2/token',
      method: 'POST',
      url: '/oauth2/token',
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    },
  ];
  for (const c of cases) {
    try {
      const res = await fetch(base + c.url, {
        method: c.method,
        headers: c.headers,
        ...(c.payload !== undefined
          ? { body: typeof c.payload === 'string' ? c.payload : new Uint8Array(c.payload) }
          : {}),
      });
      const body = await res.text();
      const headers: Record<string, unknown> = {};
      res.headers.forEach((v, k) => (headers[k] = v));
      for (const v of checkResponse(c, { statusCode: res.status, headers, body }))
        out.push({ ...v, kind: `${v.kind} (socket)`, request: c });
    } catch (err) {
      out.push({ kind: 'socket request failed', route: c.route, detail: String(err), request: c });
    }
  }
  return out;
}

/** The report as markdown (docs/benchmarks.md and the test's failure message). */
export function reportMarkdown(r: FuzzReport, command: string): string {
  const lines = [
    `Command: \`${command}\` (seed ${r.seed}; replay with FUZZ_SEED=${r.seed})`,
    '',
    '| figure | value |',
    '|---|---|',
    `| requests | ${r.requests} |`,
    `| 5xx answers | ${r.fiveXx} |`,
    `| non-ProblemDetails error answers | ${r.nonProblemDetails} |`,
    `| prototype pollutions | ${r.protoPollutions} |`,
    `| crashes (uncaught, inject threw) | ${r.crashes} |`,
    `| RSS start / peak / end (MiB) | ${r.rss.startMb} / ${r.rss.peakMb} / ${r.rss.endMb} |`,
    `| duration | ${r.seconds.toFixed(1)} s |`,
    `| requests/s (with the invariant checks) | ${r.reqPerSec.toFixed(0)} |`,
    '',
    '| route | requests |',
    '|---|---|',
    ...Object.entries(r.byRoute)
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([k, v]) => `| ${k} | ${v} |`),
    '',
    `Statuses: ${Object.entries(r.byStatus)
      .sort()
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')}`,
    '',
    r.findings.length === 0 ? 'No invariant was broken.' : `Distinct findings (${r.findings.length}):`,
    '',
    ...r.findings.map((f) => {
      const where = f.route === '*' ? `${f.routes.length} routes` : f.route;
      const request = f.shortest.request.replace(/`/g, "'");
      const detail = f.shortest.detail.replace(/`/g, "'").replace(/\n/g, ' ').slice(0, 200);
      return `- **${f.kind}** on \`${where}\` (${f.count}x): \`${request}\` → ${detail}`;
    }),
  ];
  return lines.join('\n');
}
