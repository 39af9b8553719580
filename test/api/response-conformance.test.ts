import { createServer, type Server } from 'node:http';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { useRedis } from '../support/redis';
import { AUTH, buildLcmHarness, waitForOp, type LcmHarness } from '../support/lcm';
import type { OpenApiDocument } from '../support/openapi3';

/**
 * Every answer the VNFM gives in a whole lifecycle, and in the errors a client meets, carries what the
 * spec marks required: each JSON body (resources, lists, ProblemDetails) and each notification delivered
 * is checked against the schema the OpenAPI document publishes for that path, method and status (ajv,
 * required attributes enforced, nothing else loosened). A status the document does not name is a finding too.
 */
const redis = useRedis();
let h: LcmHarness;
let doc: OpenApiDocument;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const findings: string[] = [];
let checked = 0;

/** A notification consumer on 127.0.0.1 (GET 204 for the callback test, POSTs recorded). */
const received: Array<Record<string, unknown>> = [];
let consumer: Server;
let callbackUri = '';

beforeAll(async () => {
  consumer = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST') received.push(JSON.parse(text) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => consumer.listen(0, '127.0.0.1', () => r()));
  const a = consumer.address();
  callbackUri = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/notify`;
  h = await buildLcmHarness(redis.url, { subscriptions: true });
  doc = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json() as OpenApiDocument;
  ajv.addSchema({ components: (doc as unknown as { components: unknown }).components }, 'openapi');
}, 60_000);
afterAll(async () => {
  await h.close();
  await new Promise<void>((r) => consumer.close(() => r()));
}, 60_000);

type Schema = Record<string, unknown>;
/** The document's `#/components/...` references, pointed at the schema registered as 'openapi'. */
const rebased = (s: unknown): unknown =>
  Array.isArray(s)
    ? s.map(rebased)
    : s !== null && typeof s === 'object'
      ? Object.fromEntries(
          Object.entries(s).map(([k, v]) => [
            k,
            k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `openapi${v}` : rebased(v),
          ]),
        )
      : s;
const validators = new Map<string, ValidateFunction>();
const validatorOf = (key: string, schema: Schema): ValidateFunction => {
  let v = validators.get(key);
  if (v === undefined) validators.set(key, (v = ajv.compile(rebased(schema) as Schema)));
  return v;
};

/** The document's path template for a concrete path (`/vnf_instances/abc` -> `/vnf_instances/{vnfInstanceId}`). */
function templateOf(path: string): string | undefined {
  const bare = path.split('?')[0] as string;
  return Object.keys(doc.paths).find((t) =>
    new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+').replace(/\//g, '\\/')}$`).test(bare),
  );
}

/** Checks one answer against the document; what does not conform goes to `findings`. */
function conform(method: string, target: string, status: number, contentType: string, body: string): void {
  const parsed = new URL(target, 'http://vnfm.test');
  const url = `${parsed.pathname}${parsed.search}`;
  const where = `${method} ${url} -> ${status}`;
  const template = templateOf(url);
  const op = template === undefined ? undefined : doc.paths[template]?.[method.toLowerCase()];
  if (op === undefined) return void findings.push(`${where}: not in the OpenAPI document`);
  const answer = op.responses[String(status)] ?? op.responses['default'];
  if (answer === undefined) return void findings.push(`${where}: status not documented`);
  if (!contentType.startsWith('application/json') && !contentType.startsWith('application/problem+json')) return;
  const media = contentType.split(';')[0] as string;
  const schema = (answer.content?.[media] ?? answer.content?.['application/json'])?.schema as Schema | undefined;
  if (schema === undefined) return void findings.push(`${where}: ${media} body but no schema for it`);
  const validate = validatorOf(`${method} ${template} ${status} ${media}`, schema);
  checked += 1;
  const value = JSON.parse(body) as unknown;
  if (!validate(value))
    findings.push(`${where}: ${ajv.errorsText(validate.errors, { separator: '; ', dataVar: 'body' })}`);
  // a list schema leaves required attributes out (selectors may drop them): without a selector each item
  // is the whole resource, so it is checked against the schema of GET on that resource
  const list = template ?? '';
  const item = Object.keys(doc.paths).find((t) => t.startsWith(`${list}/{`) && !t.slice(list.length + 1).includes('/'));
  if (
    method === 'GET' &&
    status === 200 &&
    Array.isArray(value) &&
    item !== undefined &&
    !/fields|exclude_/.test(url)
  ) {
    const one = doc.paths[item]?.['get']?.responses['200']?.content?.['application/json']?.schema as Schema;
    const validateOne = validatorOf(`GET ${item} 200 application/json`, one);
    value.forEach((v, i) => {
      checked += 1;
      if (!validateOne(v)) findings.push(`${where}: [${i}] ${ajv.errorsText(validateOne.errors, { dataVar: 'item' })}`);
    });
  }
}

async function call(method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const res = await h.app.inject({
    method: method as 'GET',
    url,
    headers: { ...AUTH, ...headers },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  conform(method, url, res.statusCode, String(res.headers['content-type'] ?? ''), res.body);
  return res;
}
async function task(url: string, payload: unknown): Promise<string> {
  const res = await call('POST', url, payload);
  expect(res.statusCode).toBe(202);
  const op = await waitForOp(h, res.headers.location as string, ['COMPLETED']);
  await call('GET', res.headers.location as string);
  return op.id;
}

describe('every answer carries what its published schema marks required', () => {
  it('a whole lifecycle, its lists, its notifications and the errors clients meet', async () => {
    const I = '/vnflcm/v1/vnf_instances';
    const sub = await call('POST', '/vnflcm/v1/subscriptions', { callbackUri });
    expect(sub.statusCode).toBe(201);
    await call('GET', `/vnflcm/v1/subscriptions/${sub.json<{ id: string }>().id}`);
    await call('GET', '/vnflcm/v1/subscriptions');
    await call('GET', '/vnfpkgm/v1/vnf_packages');
    const pkg = (await call('GET', '/vnfpkgm/v1/vnf_packages')).json<Array<{ id: string }>>()[0]!;
    await call('GET', `/vnfpkgm/v1/vnf_packages/${pkg.id}`);
    await call('GET', '/vnflcm/api_versions');
    await call('GET', '/vnflcm/v1/api_versions');

    const created = await call('POST', I, { vnfdId: h.vnfdIds['forwarder'], vnfInstanceName: 'conformance' });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string }>().id;
    await call('GET', `${I}/${id}`);
    await task(`${I}/${id}/instantiate`, { flavourId: 'simple' });
    await call('GET', `${I}/${id}`);
    await call('GET', I);
    await task(`${I}/${id}/scale`, { type: 'SCALE_OUT', aspectId: 'click_aspect' });
    await task(`${I}/${id}/scale`, { type: 'SCALE_IN', aspectId: 'click_aspect' });
    await task(`${I}/${id}/operate`, { changeStateTo: 'STOPPED' });
    await task(`${I}/${id}/operate`, { changeStateTo: 'STARTED' });
    await task(`${I}/${id}/heal`, { cause: 'conformance' });
    await call('GET', `${I}/${id}`);
    await call('GET', '/vnflcm/v1/vnf_lcm_op_occs');

    // the errors clients meet: each a ProblemDetails with status and detail
    await call('GET', `${I}/00000000-0000-4000-8000-000000000000`);
    await call('POST', I, { vnfdId: 42 });
    await call('POST', `${I}/${id}/instantiate`, { flavourId: 'simple' });
    await call('GET', `${I}?filter=(eq,attribute_not_exist,x)`);
    await call('GET', I, undefined, { authorization: 'Basic bm9ib2R5Om5vcGU=' });
    await call('GET', I, undefined, { accept: 'application/xml' });
    await call('DELETE', `${I}/${id}`);
    await call('GET', '/vnflcm/v1/vnf_lcm_op_occs/00000000-0000-4000-8000-000000000000');

    await task(`${I}/${id}/terminate`, { terminationType: 'FORCEFUL' });
    const del = await call('DELETE', `${I}/${id}`);
    expect(del.statusCode).toBe(204);

    // the notifications delivered, against the callbacks the document publishes
    const callbacks = doc.paths['/vnflcm/v1/subscriptions']?.['post']?.callbacks ?? {};
    const deadline = Date.now() + 10_000;
    while (!received.some((n) => n['notificationType'] === 'VnfIdentifierDeletionNotification')) {
      if (Date.now() > deadline) throw new Error(`only ${received.length} notifications arrived`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await call('DELETE', `/vnflcm/v1/subscriptions/${sub.json<{ id: string }>().id}`);
    for (const n of received) {
      const type = String(n['notificationType']);
      const schema = callbacks[type]?.['{$request.body#/callbackUri}']?.['post']?.requestBody?.content[
        'application/json'
      ]?.schema as Schema | undefined;
      if (schema === undefined) {
        findings.push(`notification ${type}: no callback in the document`);
        continue;
      }
      const validate = validatorOf(`callback ${type}`, schema);
      checked += 1;
      if (!validate(n)) findings.push(`notification ${type}: ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
    }
    expect(findings).toEqual([]);
    // every kind was seen: the check ran on resources, lists, errors and notifications
    expect(checked).toBeGreaterThan(40);
    expect(new Set(received.map((n) => n['notificationType'])).size).toBe(3);
  }, 120_000);

  it('a missing required attribute is found (the check can fail)', async () => {
    const before = findings.length;
    const res = await call('GET', '/vnflcm/v1/vnf_instances');
    const list = res.json<Array<Record<string, unknown>>>();
    const broken = JSON.stringify([{ ...(list[0] ?? { id: 'x' }), id: undefined, vnfdId: undefined }]);
    conform('GET', '/vnflcm/v1/vnf_instances', 200, 'application/json', broken);
    conform('GET', '/vnflcm/v1/vnf_instances/x', 404, 'application/problem+json', '{"title":"no status"}');
    conform('GET', '/vnflcm/v1/vnf_instances', 418, 'application/json', '{}');
    const found = findings.splice(before);
    expect(found.join('\n')).toMatch(/must have required property 'id'/);
    expect(found.join('\n')).toMatch(/must have required property 'status'/);
    expect(found.join('\n')).toMatch(/418: status not documented/);
  });
});
