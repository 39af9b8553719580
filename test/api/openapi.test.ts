import type { TSchema } from '@sinclair/typebox';
import { useRedis } from '../support/redis';
import { basicAdmin, buildTestApi, type TestApi } from '../support/api';
import { openApiProblems, type OpenApiDocument, type OpenApiOperation } from '../support/openapi3';
import { lcmTaskRoutes } from '../../src/api/routes/vnflcm/lcm-tasks';
import { opOccRoutes } from '../../src/api/routes/vnflcm/op-occs';
import { subscriptionRoutes } from '../../src/api/routes/vnflcm/subscriptions';
import { vnfPackageRoutes } from '../../src/api/routes/vnfpkgm/vnf-packages';
import { packageArtifactRoutes } from '../../src/api/routes/vnfpkgm/package-artifacts';
import { packageUploadFromUriRoutes } from '../../src/api/routes/vnfpkgm/package-upload-uri';
import { vnfcRoutes } from '../../src/api/routes/console/vnfc-routes';
import {
  LccnSubscriptionSchema,
  VnfInstanceSchema,
  VnfLcmOpOccSchema,
  VnfPkgInfoSchema,
} from '../../src/domain/schemas';
import type { StoredSubscription } from '../../src/domain/subscription';
import type { LcmDeps } from '../../src/lcm/deps';
import { RedisOpOccRepository, RedisRepository, RedisVnfPackageRepository } from '../../src/store';
import type { TypeLibrary } from '../../src/tosca';

/**
 * The OpenAPI document at /docs/json: a valid OpenAPI 3.0 document that describes every answer of the
 * SOL003 (and package) resources down to the last attribute, and schemas complete enough that the
 * serializer, which leaves out what a response schema does not name, returns every stored attribute.
 */
const redis = useRedis();
let t: TestApi;
let doc: OpenApiDocument;
const auth = { authorization: basicAdmin };
// the routes read their stores at request time: these are set once the app (and its Redis) exists
const stores = {} as {
  opOccs: RedisOpOccRepository;
  packages: RedisVnfPackageRepository;
  subscriptions: RedisRepository<StoredSubscription>;
};

beforeAll(async () => {
  const lcm = {
    get opOccs() {
      return stores.opOccs;
    },
  } as unknown as LcmDeps;
  t = await buildTestApi(redis.url, {
    routes: [
      lcmTaskRoutes(lcm),
      opOccRoutes(lcm),
      vnfPackageRoutes({
        get packages() {
          return stores.packages;
        },
        library: {} as TypeLibrary,
        packageLimitBytes: 1 << 20,
      }),
      packageArtifactRoutes({
        get packages() {
          return stores.packages;
        },
      }),
      packageUploadFromUriRoutes({
        get packages() {
          return stores.packages;
        },
        library: {} as TypeLibrary,
        fetchPackage: async () => Buffer.alloc(0),
        checkPackageUri: async () => undefined,
      }),
      subscriptionRoutes({
        get subscriptions() {
          return stores.subscriptions;
        },
        testCallback: async () => undefined,
      }),
      vnfcRoutes(lcm, { recent: async () => [] }),
    ],
  });
  const prefix = `${t.prefix}o`;
  stores.opOccs = new RedisOpOccRepository(t.redis, prefix);
  stores.packages = new RedisVnfPackageRepository(t.redis, prefix);
  stores.subscriptions = new RedisRepository<StoredSubscription>(t.redis, { prefix, name: 'sub' });
  doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as OpenApiDocument;
});
afterAll(async () => t.close());

type Schema = Record<string, unknown>;
/** SOL003 4.4.1.4 KeyValuePairs attributes: open maps, whatever they hold must come back. */
const KEY_VALUE_PAIRS = new Set([
  'metadata',
  'extensions',
  'vnfConfigurableProperties',
  'additionalParams',
  'userDefinedData',
  'userMetadata',
  'extra',
]);
const isOpen = (s: Schema): boolean =>
  s['type'] === 'object' &&
  (s['additionalProperties'] === true ||
    (typeof s['additionalProperties'] === 'object' && Object.keys(s['additionalProperties'] as object).length === 0));
const isDescribed = (s: Schema): boolean =>
  ['type', '$ref', 'allOf', 'anyOf', 'oneOf', 'enum', 'not'].some((k) => k in s);

/**
 * Where `schema` has a member or an item that says nothing of its value (`{}`), or a KeyValuePairs that
 * is not open: `path` for each.
 */
function undescribed(schema: Schema, path: string): string[] {
  if (!isDescribed(schema)) return [path];
  const out: string[] = [];
  for (const [name, s] of Object.entries((schema['properties'] ?? {}) as Record<string, Schema>)) {
    if (KEY_VALUE_PAIRS.has(name) && !isOpen(s)) out.push(`${path}.${name} (not an open map)`);
    out.push(...undescribed(s, `${path}.${name}`));
  }
  if (schema['items'] !== undefined) out.push(...undescribed(schema['items'] as Schema, `${path}[]`));
  for (const k of ['allOf', 'anyOf', 'oneOf'])
    for (const s of (schema[k] ?? []) as Schema[]) out.push(...undescribed(s, `${path}(${k})`));
  // NOTE: the values of an open map (additionalProperties: {}) are any JSON: KeyValuePairs are open by design
  return out;
}

function operations(prefixes: string[]): Array<[string, OpenApiOperation]> {
  return Object.entries(doc.paths)
    .filter(([p]) => prefixes.some((x) => p.startsWith(x)))
    .flatMap(([p, item]) =>
      Object.entries(item).map(([m, op]): [string, OpenApiOperation] => [`${m.toUpperCase()} ${p}`, op]),
    );
}

const jsonSchema = (op: OpenApiOperation | undefined, status: string): Schema | undefined =>
  op?.responses[status]?.content?.['application/json']?.schema as Schema | undefined;
const at = (s: Schema | undefined, ...path: string[]): Schema | undefined =>
  path.reduce<Schema | undefined>(
    (cur, p) =>
      p === '[]'
        ? (cur?.['items'] as Schema | undefined)
        : ((cur?.['properties'] as Record<string, Schema> | undefined)?.[p] ?? undefined),
    s,
  );

describe('the OpenAPI document', () => {
  it('is an OpenAPI 3.0 document', () => {
    expect(doc.openapi).toBe('3.0.3');
    expect(openApiProblems(doc)).toEqual([]);
  });

  it('the validator refuses what OpenAPI 3.0 does not have', () => {
    const broken = structuredClone(doc) as unknown as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const get = broken.paths['/vnflcm/v1/vnf_instances/{vnfInstanceId}']?.['get'];
    if (get === undefined) throw new Error('no GET /vnflcm/v1/vnf_instances/{vnfInstanceId}');
    get.responses['200'] = {
      description: 'x',
      content: { 'application/json': { schema: { type: ['string', 'null'], const: 'a' } } },
    };
    get.responses['2000'] = { description: 'x' };
    expect(openApiProblems(broken).length).toBeGreaterThanOrEqual(3);
  });

  it('describes every attribute of every answer of the VNF LCM and package operations', () => {
    const ops = operations(['/vnflcm/', '/vnfpkgm/']);
    expect(ops.length).toBeGreaterThan(20);
    const gaps: string[] = [];
    for (const [name, op] of ops) {
      for (const [status, res] of Object.entries(op.responses)) {
        const schema = res.content?.['application/json']?.schema as Schema | undefined;
        if (schema !== undefined) gaps.push(...undescribed(schema, `${name} ${status}`));
      }
    }
    expect(gaps).toEqual([]);
    // every JSON answer has its schema (the binary ones, the CSAR, the VNFD and the artifacts, are not JSON)
    const noSchema = ops.filter(
      ([name, op]) =>
        !/package_content|vnfd$|\/artifacts\//.test(name) &&
        Object.entries(op.responses).some(
          ([s, r]) =>
            /^2/.test(s) && !['202', '204', '303'].includes(s) && r.content?.['application/json']?.schema === undefined,
        ),
    );
    expect(noSchema.map(([n]) => n)).toEqual([]);
  });

  it('describes VnfInstance, VnfLcmOpOcc, LccnSubscription and VnfPkgInfo down to their nested structures', () => {
    const op = (key: string): OpenApiOperation | undefined => operations(['/']).find(([n]) => n === key)?.[1];
    const instance = jsonSchema(op('GET /vnflcm/v1/vnf_instances/{vnfInstanceId}'), '200');
    expect(
      at(
        instance,
        'instantiatedVnfInfo',
        'vnfcResourceInfo',
        '[]',
        'vnfcCpInfo',
        '[]',
        'cpProtocolInfo',
        '[]',
        'ipOverEthernet',
        'ipAddresses',
        '[]',
        'type',
      )?.['enum'],
    ).toEqual(['IPV4', 'IPV6']);
    expect(
      at(instance, 'instantiatedVnfInfo', 'extCpInfo', '[]', 'cpProtocolInfo', '[]', 'layerProtocol')?.['enum'],
    ).toEqual(['IP_OVER_ETHERNET']);
    expect(at(instance, 'instantiatedVnfInfo', 'scaleStatus', '[]', 'scaleLevel')?.['type']).toBe('integer');
    expect(at(instance, 'vimConnectionInfo', '[]', 'accessInfo')).toBeUndefined(); // credentials: never returned
    expect(at(instance, '_links', 'self', 'href')?.['type']).toBe('string');
    // the KeyValuePairs are open maps
    for (const map of ['metadata', 'extensions', 'vnfConfigurableProperties'])
      expect([map, at(instance, map)?.['additionalProperties']]).toEqual([map, {}]);
    expect(jsonSchema(op('POST /vnflcm/v1/vnf_instances'), '201')).toEqual(instance);
    expect(
      at(
        jsonSchema(op('GET /vnflcm/v1/vnf_instances'), '200'),
        '[]',
        'instantiatedVnfInfo',
        'vnfcResourceInfo',
        '[]',
        'computeResource',
        'resourceId',
      )?.['type'],
    ).toBe('string');

    const opOcc = jsonSchema(op('GET /vnflcm/v1/vnf_lcm_op_occs/{vnfLcmOpOccId}'), '200');
    expect(at(opOcc, 'resourceChanges', 'affectedVnfcs', '[]', 'changeType')?.['enum']).toEqual([
      'ADDED',
      'REMOVED',
      'MODIFIED',
      'TEMPORARY',
    ]);
    expect(at(opOcc, 'error', 'status')?.['type']).toBe('integer');
    expect(at(opOcc, 'operationParams')).toMatchObject({ type: 'object', additionalProperties: true });
    expect(jsonSchema(op('POST /vnflcm/v1/vnf_lcm_op_occs/{vnfLcmOpOccId}/fail'), '200')).toEqual(opOcc);

    const sub = jsonSchema(op('GET /vnflcm/v1/subscriptions/{subscriptionId}'), '200');
    expect(
      at(
        sub,
        'filter',
        'vnfInstanceSubscriptionFilter',
        'vnfProductsFromProviders',
        '[]',
        'vnfProducts',
        '[]',
        'versions',
        '[]',
        'vnfdVersions',
        '[]',
      )?.['type'],
    ).toBe('string');
    expect(at(sub, 'authentication')).toBeUndefined(); // the consumer's secrets: never returned

    const pkg = jsonSchema(op('GET /vnfpkgm/v1/vnf_packages/{vnfPkgId}'), '200');
    expect(at(pkg, 'softwareImages', '[]', 'checksum', 'hash')?.['type']).toBe('string');
    expect(at(pkg, 'onboardingFailureDetails', 'errors', '[]', 'line')?.['type']).toBe('integer');
  });

  it('describes the three notifications as callbacks of POST /subscriptions', () => {
    const callbacks = doc.paths['/vnflcm/v1/subscriptions']?.['post']?.callbacks ?? {};
    expect(Object.keys(callbacks).sort()).toEqual([
      'VnfIdentifierCreationNotification',
      'VnfIdentifierDeletionNotification',
      'VnfLcmOperationOccurrenceNotification',
    ]);
    const occ = callbacks['VnfLcmOperationOccurrenceNotification']?.['{$request.body#/callbackUri}']?.['post']
      ?.requestBody?.content['application/json']?.schema as Schema;
    expect(at(occ, 'affectedVnfcs', '[]', 'computeResource', 'resourceId')?.['type']).toBe('string');
    expect(undescribed(occ, 'VnfLcmOperationOccurrenceNotification')).toEqual([]);
  });
});

/** A document of `schema` with every attribute present, at every depth (open maps get nested values). */
function maximal(schema: Schema, name = 'value'): unknown {
  if (Array.isArray(schema['enum'])) return (schema['enum'] as unknown[]).at(-1);
  switch (schema['type']) {
    case 'string':
      return schema['format'] === 'date-time' ? '2024-05-06T07:08:09.000Z' : `${name}-1`;
    case 'integer':
      return 3;
    case 'boolean':
      return true;
    case 'array':
      return [maximal(schema['items'] as Schema, name)];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, s] of Object.entries((schema['properties'] ?? {}) as Record<string, Schema>))
        out[k] = maximal(s, k);
      for (const [pattern, s] of Object.entries((schema['patternProperties'] ?? {}) as Record<string, Schema>)) {
        const key = ['endpoint', 'anyKey'].find((k) => new RegExp(pattern).test(k)) as string;
        out[key] = maximal(s, key);
      }
      if (schema['additionalProperties'] === true) out['extraMember'] = { nested: [1, 'two', { deep: true }] };
      return out;
    }
    default:
      return { nested: [1, 'two', { deep: true, none: null }] };
  }
}

describe('the response schemas are complete: the serializer drops nothing', () => {
  const full = (s: TSchema) => maximal(s as unknown as Schema) as { id: string };
  // _links are rendered at view time (src/api/render.ts), whatever a stored document holds: compared apart
  const unlinked = (doc: unknown) => ({ ...(doc as object), _links: undefined });
  const selfOf = (doc: unknown) => (doc as { _links: { self: { href: string } } })._links.self.href;

  it('a VNF instance with every attribute comes back whole', async () => {
    const inst = full(VnfInstanceSchema);
    await t.instances.create(inst as never);
    const one: unknown = (
      await t.app.inject({ method: 'GET', url: `/vnflcm/v1/vnf_instances/${inst.id}`, headers: auth })
    ).json();
    expect(unlinked(one)).toEqual(unlinked(inst));
    expect(selfOf(one)).toMatch(new RegExp(`/vnflcm/v1/vnf_instances/${inst.id}$`));
    const list = (
      await t.app.inject({ method: 'GET', url: '/vnflcm/v1/vnf_instances?all_fields', headers: auth })
    ).json() as unknown[];
    expect(list.map(unlinked)).toEqual([unlinked(inst)]);
  });

  it('an op-occ with every attribute comes back whole', async () => {
    const op = full(VnfLcmOpOccSchema);
    await stores.opOccs.create(op as never);
    const one: unknown = (
      await t.app.inject({ method: 'GET', url: `/vnflcm/v1/vnf_lcm_op_occs/${op.id}`, headers: auth })
    ).json();
    expect(unlinked(one)).toEqual(unlinked(op));
    expect(selfOf(one)).toMatch(new RegExp(`/vnflcm/v1/vnf_lcm_op_occs/${op.id}$`));
    const list = (
      await t.app.inject({ method: 'GET', url: '/vnflcm/v1/vnf_lcm_op_occs?all_fields', headers: auth })
    ).json() as unknown[];
    expect(list.map(unlinked)).toEqual([unlinked(op)]);
  });

  it('a subscription and a VNF package with every attribute come back whole', async () => {
    const sub = full(LccnSubscriptionSchema);
    await stores.subscriptions.create(sub as never);
    const shown: unknown = (
      await t.app.inject({ method: 'GET', url: `/vnflcm/v1/subscriptions/${sub.id}`, headers: auth })
    ).json();
    expect(unlinked(shown)).toEqual(unlinked(sub));
    expect(selfOf(shown)).toMatch(new RegExp(`/vnflcm/v1/subscriptions/${sub.id}$`));
    const pkg = full(VnfPkgInfoSchema);
    await stores.packages.create(pkg as never);
    const onePkg: unknown = (
      await t.app.inject({ method: 'GET', url: `/vnfpkgm/v1/vnf_packages/${pkg.id}`, headers: auth })
    ).json();
    expect(unlinked(onePkg)).toEqual(unlinked(pkg));
    expect(selfOf(onePkg)).toMatch(new RegExp(`/vnfpkgm/v1/vnf_packages/${pkg.id}$`));
    const pkgs = (
      await t.app.inject({ method: 'GET', url: '/vnfpkgm/v1/vnf_packages?all_fields', headers: auth })
    ).json() as unknown[];
    expect(pkgs.map(unlinked)).toEqual([unlinked(pkg)]);
  });

  it('selectors may leave out required attributes at any depth of a list', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url:
        '/vnflcm/v1/vnf_instances?exclude_fields=_links/self,instantiatedVnfInfo/flavourId,' +
        'instantiatedVnfInfo/vnfcResourceInfo/computeResource/resourceId',
      headers: auth,
    });
    expect(res.statusCode).toBe(200);
    const [inst] = res.json() as Array<{
      _links: Record<string, unknown>;
      instantiatedVnfInfo: {
        flavourId?: string;
        vnfcResourceInfo: Array<{ computeResource: Record<string, unknown> }>;
      };
    }>;
    expect(inst?._links['self']).toBeUndefined();
    expect(inst?.instantiatedVnfInfo.flavourId).toBeUndefined();
    expect(inst?.instantiatedVnfInfo.vnfcResourceInfo[0]?.computeResource['resourceId']).toBeUndefined();
  });
});
