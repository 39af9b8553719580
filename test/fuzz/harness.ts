/**
 * The fuzz target: the whole VNFM API (every production route module: instances, LCM tasks, op-occs,
 * subscriptions, packages, the console extension) on a real Redis with the LCM worker running on the
 * emulated VIM, plus the invariants every answer and the whole process must keep.
 *
 * No jest globals here: bench/fuzz.ts (compiled by tsconfig.build.json) uses this file too.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { hashSecret, type ApiApp } from '../../src/api';
import { loadTypeLibrary } from '../../src/tosca';
import { onboardSamples } from '../../src/lcm/packages/onboard-samples';
import { buildLcmHarness, type LcmHarness } from '../support/lcm';
import { ADMIN, READER, basicAdmin, basicReader } from '../support/api';

/** One operation of the OpenAPI document. */
export interface RouteSpec {
  method: string;
  /** OpenAPI form: `/vnflcm/v1/vnf_instances/{vnfInstanceId}` */
  path: string;
  pathParams: string[];
  query: Record<string, JsonSchema>;
  body?: JsonSchema;
  /** `GET /vnflcm/v1/vnf_instances` */
  key: string;
}

export type JsonSchema = Record<string, unknown>;

/** Every path x method of an OpenAPI 3 document, with its parameters and JSON body schema. */
export function routesFromOpenApi(doc: { paths?: Record<string, Record<string, unknown>> }): RouteSpec[] {
  const out: RouteSpec[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, opRaw] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const op = opRaw as {
        parameters?: Array<{ in: string; name: string; schema?: JsonSchema }>;
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
      };
      const params = op.parameters ?? [];
      const query: Record<string, JsonSchema> = {};
      for (const p of params) if (p.in === 'query') query[p.name] = p.schema ?? {};
      const content = op.requestBody?.content ?? {};
      const body = content['application/json']?.schema ?? Object.values(content)[0]?.schema;
      const M = method.toUpperCase();
      out.push({
        method: M,
        path,
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string),
        query,
        ...(body !== undefined ? { body } : {}),
        key: `${M} ${path}`,
      });
    }
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/** Ids that exist in the target. `seeded*` are never given to a mutating request; `fuzz*` are the fuzzer's own. */
export interface Seeds {
  vnfdId: string;
  seededInstances: string[];
  fuzzInstances: string[];
  packages: string[];
  fuzzPackage: string;
  subscriptions: string[];
  opOccs: string[];
  callbackUri: string;
}

export interface Credentials {
  admin: string;
  reader: string;
  bearer: string;
}

export interface FuzzTarget {
  app: ApiApp;
  lcm: LcmHarness;
  routes: RouteSpec[];
  seeds: Seeds;
  creds: Credentials;
  close(): Promise<void>;
}

/** The repository root (holds vnfd/ and tosca/), from the source tree or from dist/. */
function repoRoot(): string {
  let d = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(d, 'vnfd')) && existsSync(join(d, 'tosca'))) return d;
    d = dirname(d);
  }
  throw new Error(`the repository root (with vnfd/ and tosca/) was not found above ${__dirname}`);
}

/** Builds the target on a running redis-server and seeds it. */
export async function startFuzzTarget(redisUrl: string): Promise<FuzzTarget> {
  const callbacks: Server = createServer((_req, res) => {
    res.statusCode = 204;
    res.end();
  });
  await new Promise<void>((r) => callbacks.listen(0, '127.0.0.1', r));
  const callbackUri = `http://127.0.0.1:${(callbacks.address() as AddressInfo).port}/notify`;

  // the production route set and graph (src/composition/graph.ts), with OAuth 2 clients and the console
  const auth = {
    basic: true,
    oauth2: true,
    tokenTtlSeconds: 3600,
    tokenKey: Buffer.alloc(32, 7),
    users: [
      { name: ADMIN.user, passwordHash: hashSecret(ADMIN.password), roles: ['admin'] },
      { name: READER.user, passwordHash: hashSecret(READER.password), roles: ['reader'] },
    ],
    clients: [{ id: ADMIN.clientId, secretHash: hashSecret(ADMIN.clientSecret), roles: ['admin'] }],
  };
  const lcm = await buildLcmHarness(redisUrl, { subscriptions: true, auth, webDir: join(repoRoot(), 'dist', 'web') });
  const { app, deps } = lcm;
  // compiled into dist/, the support harness looks for the samples at dist/vnfd: onboard them from the repository then
  let vnfdId = Object.values(lcm.vnfdIds)[0];
  if (vnfdId === undefined) {
    for (const s of await onboardSamples(
      deps.packages,
      loadTypeLibrary(),
      join(repoRoot(), 'vnfd'),
      async () => true,
    )) {
      const pkg = s.vnfPkgId === undefined ? undefined : await deps.packages.get(s.vnfPkgId);
      if (pkg?.doc.vnfdId !== undefined) lcm.vnfdIds[s.name] = pkg.doc.vnfdId;
    }
    vnfdId = lcm.vnfdIds['forwarder'] ?? Object.values(lcm.vnfdIds)[0];
  }
  vnfdId = lcm.vnfdIds['forwarder'] ?? vnfdId;
  if (vnfdId === undefined) throw new Error('no sample VNF package could be onboarded');

  const tokenRes = await app.inject({
    method: 'POST',
    url: '/oauth2/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `grant_type=client_credentials&client_id=${ADMIN.clientId}&client_secret=${ADMIN.clientSecret}`,
  });
  const bearer = `Bearer ${(tokenRes.json() as { access_token: string }).access_token}`;
  const admin = { authorization: basicAdmin };
  const create = async (name: string): Promise<string> => {
    const res = await app.inject({
      method: 'POST',
      url: '/vnflcm/v1/vnf_instances',
      headers: admin,
      payload: { vnfdId, vnfInstanceName: name, metadata: { seed: name } },
    });
    if (res.statusCode !== 201) throw new Error(`seeding ${name}: ${res.statusCode} ${res.body}`);
    return (res.json() as { id: string }).id;
  };
  const seededInstances = [await create('seed-a'), await create('seed-b'), await create('seed-c')];
  const fuzzInstances = [await create('fuzz-a'), await create('fuzz-b'), await create('fuzz-c')];
  // one op-occ: instantiate fuzz-c (the fuzzer may then terminate, heal, operate, scale it)
  const inst = await app.inject({
    method: 'POST',
    url: `/vnflcm/v1/vnf_instances/${fuzzInstances[2]}/instantiate`,
    headers: admin,
    payload: { flavourId: 'simple' },
  });
  const opOccs =
    inst.headers.location === undefined
      ? []
      : [new URL(String(inst.headers.location)).pathname.split('/').pop() as string];
  const sub = await app.inject({
    method: 'POST',
    url: '/vnflcm/v1/subscriptions',
    headers: admin,
    payload: { callbackUri, filter: { notificationTypes: ['VnfLcmOperationOccurrenceNotification'] } },
  });
  const subscriptionsIds = sub.statusCode === 201 ? [(sub.json() as { id: string }).id] : [];
  const pkgRes = await app.inject({
    method: 'POST',
    url: '/vnfpkgm/v1/vnf_packages',
    headers: admin,
    payload: { userDefinedData: { fuzz: 'yes' } },
  });
  const fuzzPackage = (pkgRes.json() as { id: string }).id;
  const pkgList = await app.inject({ method: 'GET', url: '/vnfpkgm/v1/vnf_packages', headers: admin });
  const packages = (pkgList.json() as Array<{ id: string }>).map((p) => p.id).filter((id) => id !== fuzzPackage);

  const doc = app.swagger() as { paths?: Record<string, Record<string, unknown>> };
  return {
    app,
    lcm,
    routes: routesFromOpenApi(doc),
    seeds: {
      vnfdId,
      seededInstances,
      fuzzInstances,
      packages,
      fuzzPackage,
      subscriptions: subscriptionsIds,
      opOccs,
      callbackUri,
    },
    creds: { admin: basicAdmin, reader: basicReader, bearer },
    async close() {
      await lcm.close();
      await new Promise<void>((r) => callbacks.close(() => r()));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Invariants

/** What a request was, for the report (and to replay it). */
export interface FuzzRequest {
  route: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** A short human description of the generator choices. */
  note?: string;
}

export interface Violation {
  kind: string;
  route: string;
  detail: string;
}

interface ResponseLike {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/** Per-answer invariants: no 5xx; a non-2xx answer is ProblemDetails (RFC 6749 JSON on /oauth2/token). */
export function checkResponse(req: FuzzRequest, res: ResponseLike): Violation[] {
  const out: Violation[] = [];
  const path = req.url.split('?')[0] ?? '';
  const ct = String(res.headers['content-type'] ?? '');
  if (res.statusCode >= 500)
    out.push({ kind: '5xx', route: req.route, detail: `${res.statusCode} ${res.body.slice(0, 200)}` });
  // HEAD answers carry no body to check
  if (res.statusCode >= 300 && res.statusCode !== 303 && res.statusCode !== 304 && req.method !== 'HEAD') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      parsed = undefined;
    }
    const p = (parsed ?? {}) as Record<string, unknown>;
    if (path === '/oauth2/token' && res.statusCode < 500) {
      const rfc6749 =
        typeof p['error'] === 'string' &&
        (p['error_description'] === undefined || typeof p['error_description'] === 'string');
      const pd =
        ct.startsWith('application/problem+json') && p['status'] === res.statusCode && typeof p['detail'] === 'string';
      if (!rfc6749 && !pd)
        out.push({
          kind: 'non-RFC6749/ProblemDetails error',
          route: req.route,
          detail: `${res.statusCode} ${ct} ${res.body.slice(0, 200)}`,
        });
    } else if (
      !ct.startsWith('application/problem+json') ||
      p['status'] !== res.statusCode ||
      typeof p['detail'] !== 'string'
    ) {
      out.push({
        kind: 'non-ProblemDetails error',
        route: req.route,
        detail: `${res.statusCode} ${ct || '(no content-type)'} ${res.body.slice(0, 200)}`,
      });
    }
  }
  return out;
}

/** The own property names and descriptors of the prototypes a pollution would reach. */
export interface ProtoSnapshot {
  entries: Array<{ target: object; name: string; props: Map<string | symbol, PropertyDescriptor> }>;
}

/**
 * The prototypes to watch, in every realm the server's objects come from. Under jest the test code
 * runs in a vm context whose Object.prototype is not Node's: structuredClone, Buffer and the other
 * host functions make their objects in the outer realm, so a pollution through them lands there.
 */
function watched(): Array<[string, object]> {
  const out: Array<[string, object]> = [];
  const realms: Array<[string, object, object]> = [
    ['', Object.prototype, Array.prototype],
    [
      'host ',
      Object.getPrototypeOf(structuredClone({})) as object,
      Object.getPrototypeOf(structuredClone([])) as object,
    ],
    ['host ', Object.getPrototypeOf(process.memoryUsage()) as object, Object.getPrototypeOf(process.argv) as object],
  ];
  for (const [label, objectProto, arrayProto] of realms) {
    if (out.some(([, o]) => o === objectProto)) continue;
    const fnProto = Object.getPrototypeOf((objectProto as { constructor: object }).constructor) as object;
    out.push(
      [`${label}Object.prototype`, objectProto],
      [`${label}Array.prototype`, arrayProto],
      [`${label}Function.prototype`, fnProto],
    );
  }
  return out;
}
const WATCHED = watched();

export function snapshotPrototypes(): ProtoSnapshot {
  return {
    entries: WATCHED.map(([name, target]) => ({
      name,
      target,
      props: new Map(
        Reflect.ownKeys(target).map((k) => [k, Object.getOwnPropertyDescriptor(target, k) as PropertyDescriptor]),
      ),
    })),
  };
}

/** Differences from the snapshot (added, removed or changed own properties; `({}).auth`). */
export function diffPrototypes(snap: ProtoSnapshot): string[] {
  const out: string[] = [];
  for (const e of snap.entries) {
    const now = new Set(Reflect.ownKeys(e.target));
    for (const k of now) {
      const before = e.props.get(k);
      const d = Object.getOwnPropertyDescriptor(e.target, k) as PropertyDescriptor;
      if (before === undefined) out.push(`${e.name}.${String(k)} was added (= ${safe(d.value)})`);
      else if (before.value !== d.value || before.get !== d.get || before.set !== d.set)
        out.push(`${e.name}.${String(k)} was changed`);
    }
    for (const k of e.props.keys()) if (!now.has(k)) out.push(`${e.name}.${String(k)} was deleted`);
  }
  for (const o of [{}, structuredClone({})] as Array<Record<string, unknown>>)
    if (o['auth'] !== undefined) out.push(`({}).auth is ${safe(o['auth'])}`);
  return out;
}

/** Puts the prototypes back as they were, so that one pollution does not hide the next finding. */
export function restorePrototypes(snap: ProtoSnapshot): void {
  for (const e of snap.entries) {
    for (const k of Reflect.ownKeys(e.target))
      if (!e.props.has(k)) delete (e.target as Record<PropertyKey, unknown>)[k];
    for (const [k, d] of e.props) {
      const cur = Object.getOwnPropertyDescriptor(e.target, k);
      if (cur === undefined || cur.value !== d.value || cur.get !== d.get || cur.set !== d.set)
        Object.defineProperty(e.target, k, d);
    }
  }
}

function safe(v: unknown): string {
  try {
    return typeof v === 'function' ? '[function]' : (JSON.stringify(v) ?? String(v));
  } catch {
    return '?';
  }
}

/** Whole-target invariants: 401 without credentials, every seeded instance readable and listed. */
export async function checkGlobal(t: FuzzTarget): Promise<Violation[]> {
  const out: Violation[] = [];
  const { seededInstances } = t.seeds;
  const admin = { authorization: t.creds.admin };
  const [unauth, list, ...gets] = await Promise.all([
    t.app.inject({ method: 'GET', url: '/vnflcm/v1/vnf_instances' }),
    t.app.inject({
      method: 'GET',
      url: `/vnflcm/v1/vnf_instances?filter=${encodeURIComponent(`(in,id,${seededInstances.join(',')})`)}`,
      headers: admin,
    }),
    ...seededInstances.map((id) =>
      t.app.inject({ method: 'GET', url: `/vnflcm/v1/vnf_instances/${id}`, headers: admin }),
    ),
  ]);
  if (unauth?.statusCode !== 401)
    out.push({
      kind: 'global: unauthenticated GET /vnflcm/v1/vnf_instances is not 401',
      route: '(global)',
      detail: `${unauth?.statusCode} ${unauth?.body.slice(0, 120)}`,
    });
  if (list?.statusCode !== 200)
    out.push({
      kind: 'global: seeded instances cannot be listed',
      route: '(global)',
      detail: `${list?.statusCode} ${list?.body.slice(0, 160)}`,
    });
  else {
    const ids = new Set((list.json() as Array<{ id?: string }>).map((i) => i.id));
    const missing = seededInstances.filter((id) => !ids.has(id));
    if (missing.length > 0)
      out.push({
        kind: 'global: a seeded instance is missing from the list',
        route: '(global)',
        detail: missing.join(','),
      });
  }
  gets.forEach((g, i) => {
    if (g.statusCode !== 200)
      out.push({
        kind: 'global: a seeded instance is not readable',
        route: '(global)',
        detail: `${seededInstances[i]}: ${g.statusCode} ${g.body.slice(0, 120)}`,
      });
  });
  // an unfiltered list (the first page) must work too: a broken stored document breaks it
  const all = await t.app.inject({ method: 'GET', url: '/vnflcm/v1/vnf_instances', headers: admin });
  if (all.statusCode !== 200)
    out.push({
      kind: 'global: GET /vnflcm/v1/vnf_instances (no query) fails',
      route: '(global)',
      detail: `${all.statusCode} ${all.body.slice(0, 160)}`,
    });
  return out;
}

/** End of run: the seeded (NOT_INSTANTIATED) instances can be deleted. */
export async function checkDeletable(t: FuzzTarget): Promise<Violation[]> {
  const out: Violation[] = [];
  for (const id of t.seeds.seededInstances) {
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/vnflcm/v1/vnf_instances/${id}`,
      headers: { authorization: t.creds.admin },
    });
    if (res.statusCode !== 204)
      out.push({
        kind: 'end: a seeded instance cannot be deleted',
        route: 'DELETE /vnflcm/v1/vnf_instances/{vnfInstanceId}',
        detail: `${id}: ${res.statusCode} ${res.body.slice(0, 160)}`,
      });
  }
  return out;
}
