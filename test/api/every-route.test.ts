import type { RouteSpec } from '../fuzz/harness';
import { useFuzzTarget } from '../fuzz/use-target';

/**
 * Every route of the OpenAPI document, each with the same fixed set of bad requests: every answer
 * that is not 2xx must be ProblemDetails with the right status (the token endpoint: RFC 6749 JSON),
 * and none may be a 5xx. The fuzz suite draws random requests; this one leaves no route out.
 */
const fuzz = useFuzzTarget();

const OPEN = new Set([
  'GET /vnflcm/v1/api_versions',
  'GET /vnflcm/api_versions',
  'GET /vnffm/v1/api_versions',
  'GET /vnffm/api_versions',
  'GET /vnfpm/v1/api_versions',
  'GET /vnfpm/api_versions',
  'GET /vnfind/v1/api_versions',
  'GET /vnfind/api_versions',
  'POST /oauth2/token',
  'GET /',
  'GET /console/main.js',
  'GET /console/main.css',
]);
const isToken = (r: RouteSpec): boolean => r.path === '/oauth2/token';

function url(r: RouteSpec, param: string): string {
  return r.path.replace(/\{[^}]+\}/g, param);
}

interface Case {
  name: string;
  applies(r: RouteSpec): boolean;
  request(r: RouteSpec): { method: string; url: string; headers: Record<string, string>; payload?: string };
  /** The statuses that are right for it (any 4xx when undefined). */
  statuses?: number[];
}

const admin = (): Record<string, string> => ({ authorization: fuzz.target.creds.admin });
const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const takesBody = (r: RouteSpec): boolean => WRITE.has(r.method) && r.method !== 'DELETE';

const CASES: Case[] = [
  {
    name: 'no credentials',
    applies: (r) => !OPEN.has(`${r.method} ${r.path}`) && !r.path.startsWith('/docs'),
    request: (r) => ({ method: r.method, url: url(r, 'x'), headers: {} }),
    statuses: [401],
  },
  {
    name: 'a reader writes',
    applies: (r) => WRITE.has(r.method) && !isToken(r),
    request: (r) => ({ method: r.method, url: url(r, 'x'), headers: { authorization: fuzz.target.creds.reader } }),
    statuses: [403],
  },
  {
    name: 'Version 9.9.9',
    applies: (r) => !r.path.endsWith('/api_versions'),
    request: (r) => ({ method: r.method, url: url(r, 'x'), headers: { ...admin(), version: '9.9.9' } }),
    statuses: [406],
  },
  {
    name: 'a path id of 300 characters',
    applies: (r) => r.pathParams.length > 0,
    request: (r) => ({ method: r.method, url: url(r, 'a'.repeat(300)), headers: admin() }),
    statuses: [414],
  },
  {
    name: "a path id '%zz'",
    applies: (r) => r.pathParams.length > 0,
    request: (r) => ({ method: r.method, url: url(r, '%zz'), headers: admin() }),
    statuses: [400],
  },
  {
    name: 'an unknown id',
    applies: (r) => r.pathParams.length > 0,
    request: (r) => ({
      method: r.method,
      url: url(r, '00000000-0000-4000-8000-000000000000'),
      headers: admin(),
      ...(takesBody(r) ? { payload: '{}' } : {}),
    }),
  },
  {
    name: 'a selector through a prototype',
    applies: (r) => r.method === 'GET' && 'exclude_fields' in r.query,
    request: (r) => ({
      method: 'GET',
      url: `${url(r, 'x')}?exclude_fields=__proto__/hasOwnProperty`,
      headers: admin(),
    }),
    statuses: [400],
  },
  {
    name: 'a filter through a prototype',
    applies: (r) => r.method === 'GET' && 'filter' in r.query,
    request: (r) => ({
      method: 'GET',
      url: `${url(r, 'x')}?filter=(eq,constructor/prototype/auth,false)`,
      headers: admin(),
    }),
    statuses: [400],
  },
  ...[
    ['broken JSON', 'application/json', '{"a":'],
    ['a __proto__ key', 'application/json', '{"__proto__":{"auth":false}}'],
    [
      'a merge-patch with constructor/prototype',
      'application/merge-patch+json',
      '{"metadata":{"constructor":{"prototype":{"auth":false}}}}',
    ],
    ['nesting 1,100 levels', 'application/json', '{"a":'.repeat(1100) + '1' + '}'.repeat(1100)],
    ['text/plain', 'text/plain', 'hello'],
    ['a body over the limit', 'application/json', `{"a":"${'z'.repeat(1_200_000)}"}`],
  ].map(([name, type, payload]): Case => ({
    name: name as string,
    applies: takesBody,
    request: (r) => ({
      method: r.method,
      url: url(r, fuzz.target.seeds.fuzzInstances[0] ?? 'x'),
      headers: { ...admin(), 'content-type': type as string },
      payload: payload as string,
    }),
  })),
];

it('answers every bad request on every route of the OpenAPI document with ProblemDetails, never a 5xx', async () => {
  const failures: string[] = [];
  let checked = 0;
  for (const r of fuzz.target.routes) {
    for (const c of CASES.filter((k) => k.applies(r))) {
      const req = c.request(r);
      const res = await fuzz.target.app.inject({
        method: req.method as 'GET',
        url: req.url,
        headers: req.headers,
        ...(req.payload !== undefined ? { payload: req.payload } : {}),
      });
      checked += 1;
      const where = `${r.key} / ${c.name}: ${res.statusCode}`;
      if (res.statusCode >= 500) failures.push(`${where} (5xx) ${res.body.slice(0, 200)}`);
      else if (res.statusCode < 400) {
        if (c.statuses !== undefined) failures.push(`${where} (expected ${c.statuses.join('|')})`);
      } else if (c.statuses !== undefined && !c.statuses.includes(res.statusCode))
        failures.push(`${where} (expected ${c.statuses.join('|')}) ${res.body.slice(0, 160)}`);
      else if (res.statusCode >= 400) {
        const body = (() => {
          try {
            return JSON.parse(res.body) as Record<string, unknown>;
          } catch {
            return undefined;
          }
        })();
        const type = String(res.headers['content-type']);
        const problem =
          /^application\/problem\+json/.test(type) &&
          body?.['status'] === res.statusCode &&
          typeof body['detail'] === 'string';
        const oauth =
          isToken(r) &&
          /^application\/json/.test(type) &&
          typeof body?.['error'] === 'string' &&
          typeof body['error_description'] === 'string';
        if (!problem && !oauth) failures.push(`${where} not ProblemDetails: ${type} ${res.body.slice(0, 160)}`);
      }
    }
  }
  expect(failures).toEqual([]);
  expect(checked).toBeGreaterThan(fuzz.target.routes.length * 4);
}, 120_000);
