/**
 * fast-check arbitraries for hostile requests to the VNFM API: path ids, SOL013 query strings
 * (filters, attribute selectors, paging markers), headers, and bodies built from each route's
 * OpenAPI schema and then broken.
 *
 * Bodies are built as JSON TEXT (see JVal/toJson): a JS object literal cannot carry an own
 * `__proto__` key, and the attacks need exactly that.
 */
import fc from 'fast-check';
import type { Credentials, FuzzRequest, JsonSchema, RouteSpec, Seeds } from './harness';

// ---------------------------------------------------------------------------------------------
// JSON values as text

/** A JSON value whose objects are entry lists (any key, `__proto__` included) or raw JSON text. */
export type JVal = null | boolean | number | string | JVal[] | JObj | JRaw;
export class JObj {
  constructor(readonly entries: Array<[string, JVal]>) {}
}
export class JRaw {
  constructor(readonly raw: string) {}
}

/** A deep copy (generated values may be shared: fc.constant hands out one instance). */
export function cloneJ(v: JVal): JVal {
  if (v instanceof JObj) return new JObj(v.entries.map(([k, x]) => [k, cloneJ(x)]));
  if (Array.isArray(v)) return v.map(cloneJ);
  return v;
}

/**
 * JSON text of a generated value, without recursion: mutations can nest values thousands of levels
 * deep, which a recursive printer would not survive (the fuzzer must not crash before the target).
 */
export function toJson(root: JVal): string {
  const out: string[] = [];
  // a mutation may put a value inside itself: a node met again while it is open is printed as null
  const open = new Set<object>();
  type Step = { v: JVal } | { text: string; close?: object };
  const stack: Step[] = [{ v: root }];
  while (stack.length > 0) {
    const step = stack.pop() as Step;
    if ('text' in step) {
      out.push(step.text);
      if (step.close !== undefined) open.delete(step.close);
      continue;
    }
    const v = step.v;
    if (v instanceof JRaw) out.push(v.raw);
    else if ((v instanceof JObj || Array.isArray(v)) && open.has(v)) out.push('null');
    else if (v instanceof JObj) {
      open.add(v);
      const parts: Step[] = [{ text: '{' }];
      v.entries.forEach(([k, x], i) => parts.push({ text: `${i > 0 ? ',' : ''}${JSON.stringify(k)}:` }, { v: x }));
      parts.push({ text: '}', close: v });
      for (let i = parts.length - 1; i >= 0; i -= 1) stack.push(parts[i] as Step);
    } else if (Array.isArray(v)) {
      open.add(v);
      const parts: Step[] = [{ text: '[' }];
      v.forEach((x, i) => parts.push(...(i > 0 ? [{ text: ',' }] : []), { v: x }));
      parts.push({ text: ']', close: v });
      for (let i = parts.length - 1; i >= 0; i -= 1) stack.push(parts[i] as Step);
    } else if (typeof v === 'number' && !Number.isFinite(v)) out.push('0');
    else out.push(JSON.stringify(v));
  }
  return out.join('');
}

/** `{"k":` * depth ... `}` * depth: nesting built as text (no recursion anywhere). */
export function deepJson(depth: number, key: string, leaf = '1', arrays = false): string {
  return arrays
    ? '['.repeat(depth) + leaf + ']'.repeat(depth)
    : `{${JSON.stringify(key)}:`.repeat(depth) + leaf + '}'.repeat(depth);
}

export function wideJson(keys: number, prefix: string): string {
  const parts: string[] = [];
  for (let i = 0; i < keys; i++) parts.push(`"${prefix}${i}":${i}`);
  return `{${parts.join(',')}}`;
}

// ---------------------------------------------------------------------------------------------
// vocabulary

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
/** Own properties of Object.prototype: deleting or replacing one is the pollution to catch. */
export const OBJECT_PROTO_PROPS = [
  'hasOwnProperty',
  'toString',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'constructor',
  '__defineGetter__',
];
const LEAF_KEYS = ['auth', 'polluted', 'isAdmin', ...OBJECT_PROTO_PROPS];
const ATTRS = [
  'id',
  'vnfdId',
  'vnfInstanceName',
  'instantiationState',
  'metadata',
  'extensions',
  'vnfConfigurableProperties',
  'instantiatedVnfInfo',
  '_links',
  'operationState',
  'callbackUri',
  'filter',
  'onboardingState',
  'userDefinedData',
  'seed',
  'x',
];
const PROTO_CHAINS = [
  ['__proto__'],
  ['__proto__'],
  ['constructor', 'prototype'],
  ['constructor', 'prototype'],
  ['constructor'],
  ['prototype'],
  ['__proto__', '__proto__'],
  ['constructor', 'prototype', '__proto__'],
];
const CONTAINERS = [
  '',
  '',
  'metadata',
  'metadata',
  'extensions',
  'vnfConfigurableProperties',
  'userDefinedData',
  'additionalParams',
  'filter',
];

const small = fc.integer({ min: 0, max: 1_000_000 });

/** A prototype attack as an attribute path: [container/]<chain>/<leaf>. */
const leafArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant('auth') },
  { weight: 2, arbitrary: fc.constantFrom(...LEAF_KEYS) },
);
export const protoPathArb: fc.Arbitrary<string[]> = fc
  .tuple(fc.constantFrom(...CONTAINERS), fc.constantFrom(...PROTO_CHAINS), leafArb, fc.nat({ max: 4 }))
  .map(([c, chain, leaf, noLeaf]) => [
    ...(c === '' ? [] : [c]),
    ...chain,
    ...(noLeaf > 0 || chain.length === 1 ? [leaf] : []),
  ]);

const plainPathArb: fc.Arbitrary<string[]> = fc.array(
  fc.oneof(fc.constantFrom(...ATTRS), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/)),
  { minLength: 1, maxLength: 6 },
);
const deepPathArb: fc.Arbitrary<string[]> = fc
  .integer({ min: 20, max: 2000 })
  .map((n) => Array.from({ length: n }, (_, i) => (i % 2 ? 'a' : 'b')));
const attrPathArb: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 4, arbitrary: protoPathArb },
    { weight: 4, arbitrary: plainPathArb },
    { weight: 1, arbitrary: deepPathArb },
  )
  .map((p) => p.join('/'));

/** A string nobody expects: unicode, controls, quotes, percent escapes, huge. */
export const nastyStringArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.fullUnicodeString({ maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    "'",
    "''",
    '(',
    ')',
    ',',
    ';',
    '/',
    '\\',
    '\u0000',
    '\uFFFF',
    '\uD800',
    '%',
    '%zz',
    '%00',
    '%E0%A4%A',
    '..%2f..%2f',
    'null',
    'true',
    '-1',
    '1e309',
    'NaN',
    '__proto__',
    'constructor',
    'prototype',
  ),
  fc.integer({ min: 10_000, max: 200_000 }).map((n) => 'x'.repeat(n)),
);

// ---------------------------------------------------------------------------------------------
// query strings

const OPS = ['eq', 'neq', 'gt', 'lt', 'gte', 'lte', 'cont', 'ncont', 'in', 'nin'];
const filterTermArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...OPS) }, { weight: 1, arbitrary: fc.string({ maxLength: 5 }) }),
    attrPathArb,
    fc.array(fc.oneof(fc.constantFrom('1', 'false', 'x', 'NOT_INSTANTIATED', "'a,b'", "'it''s'"), nastyStringArb), {
      minLength: 0,
      maxLength: 4,
    }),
  )
  .map(([op, attr, values]) => `(${[op, attr, ...values].join(',')})`);

/** Filters: well-formed with hostile attribute paths, broken syntax, huge. */
export const filterArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(filterTermArb, { minLength: 1, maxLength: 4 }).map((t) => t.join(';')) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '(eq,__proto__/x,1)',
      '(eq,constructor/prototype/auth,false)',
      '(neq,__proto__/auth,1)',
      '(eq,metadata/__proto__/polluted,1)',
      '(eq,id',
      'eq,id,1)',
      '((eq,id,1))',
      '(eq,id,1);',
      ';',
      "(eq,id,'x)",
      '(eq,,1)',
      '(zz,id,1)',
      '(gt,id,1,2)',
      '',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1000, max: 60_000 })
      .map((n) => Array.from({ length: n / 10 }, () => '(eq,id,1)').join(';')),
  },
  { weight: 1, arbitrary: nastyStringArb },
);

/** Attribute selector values: lists of paths with prototype names, deep paths, garbage. */
export const selectorValueArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(attrPathArb, { minLength: 1, maxLength: 4 }).map((p) => p.join(',')) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '__proto__/hasOwnProperty',
      '__proto__/toString',
      'metadata/constructor/prototype/auth',
      'constructor/prototype/auth',
      '__proto__',
      'constructor',
      '',
      ',',
      '/',
      'a//b',
      'a,,b',
    ),
  },
  { weight: 1, arbitrary: nastyStringArb },
);

const markerArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .constantFrom('s:1', 's:-1', 's:99999999999999999999', 's:1e3', 's:', '')
    .map((s) => Buffer.from(s).toString('base64url')),
  nastyStringArb,
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64')),
);

/** encodeURIComponent, or the UTF-8 bytes escaped one by one for what it refuses (lone surrogates). */
export function pct(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
  }
}

/** Raw (unescaped) when the value is printable ASCII without '#': commas, parentheses, quotes, '&' as typed. */
const enc = (s: string, raw: boolean): string => (raw && /^[\x21-\x22\x24-\x7e]*$/.test(s) ? s : pct(s));

/** A query string for a route: its own parameters (hostile values, sometimes repeated) and unknown ones. */
export function queryArb(route: RouteSpec, focus: 'proto' | 'any' = 'any'): fc.Arbitrary<string> {
  const names = Object.keys(route.query);
  const valueFor = (name: string): fc.Arbitrary<string> => {
    if (name === 'filter') return filterArb;
    if (['fields', 'exclude_fields', 'exclude_default', 'all_fields'].includes(name))
      return focus === 'proto'
        ? fc.oneof(
            { weight: 3, arbitrary: protoPathArb.map((p) => p.join('/')) },
            { weight: 1, arbitrary: selectorValueArb },
          )
        : selectorValueArb;
    if (name === 'nextpage_opaque_marker') return markerArb;
    return nastyStringArb;
  };
  const param = (name: string): fc.Arbitrary<string[]> =>
    fc.tuple(valueFor(name), fc.boolean(), fc.nat({ max: 9 }), valueFor(name)).map(([v, raw, r, v2]) => {
      const one = `${name}=${enc(v, raw && v.length < 200)}`;
      // repeated parameters (?fields=a&fields=b) one time in ten
      return r === 0 ? [one, `${name}=${pct(v2)}`] : [one];
    });
  if (focus === 'proto') {
    const sel = names.filter((n) => ['fields', 'exclude_fields', 'filter'].includes(n));
    if (sel.length > 0)
      return fc
        .tuple(fc.constantFrom(...sel), protoPathArb)
        .map(([n, p]) => (n === 'filter' ? `filter=${pct(`(eq,${p.join('/')},1)`)}` : `${n}=${p.join('/')}`));
  }
  const own =
    names.length === 0
      ? fc.constant<string[][]>([])
      : fc
          .uniqueArray(fc.constantFrom(...names), { maxLength: Math.min(3, names.length) })
          .chain((picked) => (picked.length === 0 ? fc.constant<string[][]>([]) : fc.tuple(...picked.map(param))));
  const unknown = fc.oneof(
    { weight: 8, arbitrary: fc.constant<string[]>([]) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        ['__proto__=1'],
        ['__proto__[auth]=false'],
        ['constructor[prototype][auth]=false'],
        ['a=1&a=2&a=3'],
        ['%zz=1'],
        ['x=%zz'],
        ['=&&='],
      ),
    },
  );
  return fc.tuple(own, unknown).map(([o, u]) => [...o.flat(), ...u].join('&'));
}

// ---------------------------------------------------------------------------------------------
// path ids

/** Hostile ids, already in URL form (percent-escaped where a raw character could not be sent). */
export const hostileIdArb: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 101, max: 400 }).map((n) => 'a'.repeat(n)),
  fc.integer({ min: 10_001, max: 20_000 }).map((n) => 'b'.repeat(n)),
  fc.constantFrom(
    '%zz',
    '%00',
    '%',
    '%E0%A4%A',
    '..%2f..%2fetc%2fpasswd',
    '..%2F',
    '%2e%2e',
    '__proto__',
    'constructor',
    'prototype',
    'hasOwnProperty',
    'toString',
    '%C0%AE',
    '%ff%fe',
    '%20',
    'null',
    'undefined',
    '0',
    '-1',
  ),
  fc.fullUnicodeString({ minLength: 1, maxLength: 30 }).map(pct),
  fc.string({ minLength: 1, maxLength: 40 }).map(pct),
);

function knownIds(param: string, seeds: Seeds, mutating: boolean): string[] {
  switch (param) {
    case 'vnfInstanceId':
      // seeded instances only for reads: the invariants need them intact
      return mutating ? seeds.fuzzInstances : [...seeds.seededInstances, ...seeds.fuzzInstances];
    case 'vnfPkgId':
      return mutating ? [seeds.fuzzPackage] : [...seeds.packages, seeds.fuzzPackage];
    case 'subscriptionId':
      return mutating ? [] : seeds.subscriptions;
    case 'vnfLcmOpOccId':
      return seeds.opOccs;
    default:
      return [];
  }
}

function idArb(param: string, seeds: Seeds, mutating: boolean): fc.Arbitrary<string> {
  const known = knownIds(param, seeds, mutating);
  const ok = fc.oneof(fc.uuid(), fc.constantFrom('vnfc-1', 'click_vdu-0'));
  return known.length === 0
    ? fc.oneof({ weight: 1, arbitrary: ok }, { weight: 1, arbitrary: hostileIdArb })
    : fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...known) },
        { weight: 1, arbitrary: ok },
        { weight: 3, arbitrary: hostileIdArb },
      );
}

// ---------------------------------------------------------------------------------------------
// headers

const MEDIA = [
  'application/json',
  'application/merge-patch+json',
  'application/problem+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=x',
  'application/zip',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  '*/*',
  'garbage',
  '',
];

export function authArb(creds: Credentials): fc.Arbitrary<string | undefined> {
  const b64 = (s: string): string => Buffer.from(s, 'latin1').toString('base64');
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant(creds.admin) },
    { weight: 3, arbitrary: fc.constant(creds.reader) },
    { weight: 3, arbitrary: fc.constant(creds.bearer) },
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'Basic %E0%A4%A',
        'Basic !!!!',
        'Basic ',
        'Basic',
        'Bearer',
        'Bearer a.b.c',
        'Digest x',
        '',
        ' ',
        'basic ' + b64('admin'),
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('%E0%A4%A', '%zz', '%', 'ci-client', 'admin', '%ff'),
          fc.constantFrom('%E0%A4%A', '%zz', 'x', '', 'ci-secret'),
        )
        .map(([u, p]) => `Basic ${b64(`${u}:${p}`)}`),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((b) => `Basic ${Buffer.from(b).toString('base64')}`) },
  );
}

export interface HeaderChoice {
  headers: Record<string, string>;
  contentType: string | undefined;
}

export function headersArb(creds: Credentials, defaultCt: string | undefined): fc.Arbitrary<HeaderChoice> {
  return fc
    .record({
      auth: authArb(creds),
      version: fc.oneof(
        { weight: 8, arbitrary: fc.constant<string | undefined>(undefined) },
        { weight: 2, arbitrary: fc.constant('1.3.0') },
        { weight: 1, arbitrary: fc.constantFrom('9.9.9', '', '1.3', ' 1.3.0 ', 'x'.repeat(300)) },
        { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
      ),
      accept: fc.oneof(
        { weight: 6, arbitrary: fc.constant<string | undefined>(undefined) },
        { weight: 1, arbitrary: fc.constantFrom(...MEDIA, 'application/xml', 'text/html;q=0') },
        { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
      ),
      ct: fc.oneof(
        { weight: 6, arbitrary: fc.constant(defaultCt) },
        { weight: 1, arbitrary: fc.constant<string | undefined>(undefined) },
        { weight: 3, arbitrary: fc.constantFrom(...MEDIA) },
      ),
      ifMatch: fc.oneof(
        { weight: 8, arbitrary: fc.constant<string | undefined>(undefined) },
        { weight: 1, arbitrary: fc.constantFrom('*', '"1"', 'W/"1"', '"', '""', 'x'.repeat(5000)) },
        { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
      ),
    })
    .map(({ auth, version, accept, ct, ifMatch }) => {
      const headers: Record<string, string> = {};
      const clean = (s: string): string => s.replace(/[^\t\x20-\x7e]/g, '?');
      if (auth !== undefined) headers['authorization'] = clean(auth);
      if (version !== undefined) headers['version'] = clean(version);
      if (accept !== undefined) headers['accept'] = clean(accept);
      if (ct !== undefined) headers['content-type'] = ct;
      if (ifMatch !== undefined) headers['if-match'] = clean(ifMatch);
      return { headers, contentType: ct };
    });
}

// ---------------------------------------------------------------------------------------------
// bodies

/** A valid-ish value for a JSON schema (the first branch of unions, required properties, some optional ones). */
export function fromSchema(s: JsonSchema | undefined, seeds: Seeds, depth = 0, name = ''): fc.Arbitrary<JVal> {
  if (s === undefined || depth > 6) return fc.constant(null);
  if (Array.isArray(s['enum']) && s['enum'].length > 0) return fc.constantFrom(...(s['enum'] as JVal[]));
  if ('const' in s) return fc.constant(s['const'] as JVal);
  const alts = (s['anyOf'] ?? s['oneOf']) as JsonSchema[] | undefined;
  if (Array.isArray(alts) && alts.length > 0)
    return fc.oneof(...alts.map((a) => fromSchema(a, seeds, depth + 1, name)));
  const type = Array.isArray(s['type']) ? (s['type'] as string[])[0] : (s['type'] as string | undefined);
  switch (type) {
    case 'string':
      if (name === 'vnfdId') return fc.constant(seeds.vnfdId);
      if (name === 'callbackUri') return fc.constant(seeds.callbackUri);
      if (name === 'flavourId') return fc.constant('simple');
      if (name === 'grant_type') return fc.constant('client_credentials');
      return fc.string({ maxLength: 12 });
    case 'integer':
      return fc.integer({
        min: (s['minimum'] as number | undefined) ?? 0,
        max: Math.max(
          (s['minimum'] as number | undefined) ?? 0,
          Math.min((s['maximum'] as number | undefined) ?? 5, 5),
        ),
      });
    case 'number':
      return fc.integer({ min: 0, max: 5 });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const min = (s['minItems'] as number | undefined) ?? 0;
      return fc.array(fromSchema(s['items'] as JsonSchema | undefined, seeds, depth + 1, name), {
        minLength: min,
        maxLength: Math.max(min, 2),
      });
    }
    case 'object':
    case undefined:
    default: {
      const props = (s['properties'] ?? {}) as Record<string, JsonSchema>;
      const required = new Set((s['required'] ?? []) as string[]);
      const keys = Object.keys(props);
      if (keys.length === 0)
        return type === 'object' || s['additionalProperties'] !== undefined
          ? fc.constant(new JObj([['k', 'v']]))
          : fc.constant(null);
      return fc
        .tuple(...keys.map((k) => fc.tuple(fc.constant(k), fc.boolean(), fromSchema(props[k], seeds, depth + 1, k))))
        .map(
          (entries) =>
            new JObj(
              entries.filter(([k, keep]) => keep || required.has(k)).map(([k, , v]) => [k, v] as [string, JVal]),
            ),
        );
    }
  }
}

/** A prototype attack as a JSON value: {"constructor":{"prototype":{"auth":false}}} and friends. */
export const protoValueArb: fc.Arbitrary<JObj> = fc
  .tuple(fc.constantFrom(...PROTO_CHAINS), leafArb, fc.constantFrom<JVal>(false, true, 'x', 1, null, new JObj([])))
  .map(([chain, leaf, v]) => {
    let node: JVal = new JObj([[leaf, v]]);
    for (const k of [...chain].reverse()) node = new JObj([[k, node]]);
    return node as JObj;
  });

/** Every object node of a value, with a setter for its entries, for the mutations below. */
function objects(root: JVal): JObj[] {
  const out: JObj[] = [];
  const seen = new Set<object>();
  const stack: JVal[] = [root];
  while (stack.length > 0) {
    const v = stack.pop() as JVal;
    if ((v instanceof JObj || Array.isArray(v)) && seen.has(v)) continue;
    if (v instanceof JObj) {
      seen.add(v);
      out.push(v);
      for (const [, x] of v.entries) stack.push(x);
    } else if (Array.isArray(v)) {
      seen.add(v);
      stack.push(...v);
    }
  }
  return out;
}

const SLOTS = [
  'metadata',
  'additionalParams',
  'extensions',
  'vnfConfigurableProperties',
  'userDefinedData',
  'filter',
  'vnfInstanceSubscriptionFilter',
];

type Mutation = (root: JVal, pick: number) => JVal;

/** Puts `value` at an object node: a known free-form slot (metadata, additionalParams...) when there is one. */
function putAt(root: JVal, pick: number, key: string | undefined, shared: JVal): JVal {
  // NOTE: generated values may be shared instances (fc.constant): never insert one that a later
  // mutation could grow in place (it once grew into a cycle across samples)
  const value = cloneJ(shared);
  const objs = objects(root);
  if (objs.length === 0) return new JObj([[key ?? 'metadata', value]]);
  const slotted = objs.flatMap((o) =>
    o.entries.filter(([k, x]) => SLOTS.includes(k) && x instanceof JObj).map(([, x]) => x as JObj),
  );
  const target =
    slotted.length > 0 && pick % 3 !== 0
      ? (slotted[pick % slotted.length] as JObj)
      : (objs[pick % objs.length] as JObj);
  if (key === undefined) {
    // replace the value of an existing entry, or add one
    const i = target.entries.length > 0 ? pick % target.entries.length : -1;
    if (i >= 0 && pick % 2 === 0) target.entries[i] = [(target.entries[i] as [string, JVal])[0], value];
    else target.entries.push([SLOTS[pick % SLOTS.length] as string, value]);
  } else target.entries.push([key, value]);
  return root;
}

export const mutationArb: fc.Arbitrary<{ name: string; apply: Mutation }> = fc.oneof(
  {
    weight: 4,
    arbitrary: protoValueArb.map((p) => ({
      name: `prototype keys ${toJson(p)}`,
      apply: (r: JVal, k: number): JVal => {
        const objs = objects(r);
        if (k % 4 === 0 || objs.length === 0) return putAt(r, k, 'metadata', p);
        (objs[k % objs.length] as JObj).entries.push(...(cloneJ(p) as JObj).entries);
        return r;
      },
    })),
  },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.integer({ min: 30, max: 3000 }), fc.boolean()).map(([d, arr]) => ({
      name: `nesting ${d}${arr ? ' (arrays)' : ''}`,
      apply: (r: JVal, k: number) => putAt(r, k, undefined, new JRaw(deepJson(d, 'a', '1', arr))),
    })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1000, max: 10_000 }).map((n) => ({
      name: `${n} keys`,
      apply: (r: JVal, k: number) => putAt(r, k, undefined, new JRaw(wideJson(n, 'k'))),
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 10_000, max: 1_200_000 })
      .map((n) => ({ name: `string of ${n}`, apply: (r: JVal, k: number) => putAt(r, k, undefined, 'y'.repeat(n)) })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom<JVal>(1, -1, 1e308, true, null, '', [], new JObj([]), 'x', [null])
      .map((v) => ({ name: `wrong type ${toJson(v)}`, apply: (r: JVal, k: number) => putAt(r, k, undefined, v) })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('a', '__proto__', 'constructor', '', '\u0000').map((key) => ({
      name: `unknown key ${JSON.stringify(key)}`,
      apply: (r: JVal, k: number) => putAt(r, k, key, 1),
    })),
  },
  { weight: 2, arbitrary: fc.constant({ name: 'none', apply: (r: JVal) => r }) },
);

/** The payload: the schema's body mutated, or not JSON at all. */
export function bodyArb(
  route: RouteSpec,
  seeds: Seeds,
): fc.Arbitrary<{ payload: string | Buffer | undefined; note: string }> {
  const base =
    route.path === '/oauth2/token'
      ? fc.constant<JVal>(new JObj([['grant_type', 'client_credentials']]))
      : fromSchema(route.body, seeds);
  const json = fc.tuple(base, fc.array(mutationArb, { minLength: 0, maxLength: 2 }), small).map(([b, ms, k]) => {
    let v = cloneJ(b);
    for (const m of ms) v = m.apply(v, k);
    return { payload: toJson(v), note: ms.map((m) => m.name).join(', ') || 'schema body' };
  });
  const other = fc.oneof(
    fc.constant({ payload: undefined, note: 'no body' }),
    fc.constant({ payload: '', note: 'empty body' }),
    fc
      .constantFrom(
        '{',
        '{"a":',
        '[',
        'nul',
        '{"a":1}}',
        '{"__proto__":',
        "{'a':1}",
        '\uFEFF{}',
        'grant_type=client_credentials',
        'grant_type=client_credentials&client_id=%E0%A4%A',
        'grant_type=client_credentials&client_id=ci-client&client_secret=ci-secret',
        '__proto__[auth]=false&grant_type=x',
      )
      .map((p) => ({ payload: p, note: 'not JSON' })),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => ({
      payload: Buffer.concat([
        Buffer.from('{"a":"'),
        Buffer.from([0xff, 0xfe, 0xc0, 0x80]),
        Buffer.from(b),
        Buffer.from('"}'),
      ]),
      note: 'non-UTF-8 bytes',
    })),
    fc
      .integer({ min: 1_100_000, max: 1_300_000 })
      .map((n) => ({ payload: `{"a":"${'z'.repeat(n)}"}`, note: 'over the body limit' })),
  );
  return fc.oneof({ weight: 6, arbitrary: json }, { weight: 2, arbitrary: other });
}

// ---------------------------------------------------------------------------------------------
// requests

export interface GenContext {
  routes: RouteSpec[];
  seeds: Seeds;
  creds: Credentials;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** One request for one route: ids, query, headers, body. `focus` biases toward prototype attacks. */
export type Focus = 'any' | 'proto' | 'deep';

/** Clean headers: good credentials, the default content type; what a focused request varies is elsewhere. */
function cleanHeadersArb(creds: Credentials, ct: string | undefined): fc.Arbitrary<HeaderChoice> {
  return fc.constantFrom(creds.admin, creds.admin, creds.bearer, creds.reader).map((a) => ({
    headers: { authorization: a, ...(ct !== undefined ? { 'content-type': ct } : {}) },
    contentType: ct,
  }));
}

export function requestForRoute(ctx: GenContext, route: RouteSpec, focus: Focus = 'any'): fc.Arbitrary<FuzzRequest> {
  const mutating = MUTATING.has(route.method);
  const known = (p: string): fc.Arbitrary<string> => {
    const k = knownIds(p, ctx.seeds, mutating);
    return k.length > 0 ? fc.constantFrom(...k) : idArb(p, ctx.seeds, mutating);
  };
  const ids =
    route.pathParams.length === 0
      ? fc.constant<string[]>([])
      : fc.tuple(...route.pathParams.map((p) => (focus === 'any' ? idArb(p, ctx.seeds, mutating) : known(p))));
  const hasBody = route.body !== undefined || mutating;
  const defaultCt =
    route.path === '/oauth2/token'
      ? 'application/x-www-form-urlencoded'
      : route.method === 'PATCH'
        ? 'application/merge-patch+json'
        : hasBody
          ? 'application/json'
          : undefined;
  const body = hasBody
    ? bodyArb(route, ctx.seeds)
    : fc.oneof(
        { weight: 9, arbitrary: fc.constant({ payload: undefined as string | Buffer | undefined, note: '' }) },
        { weight: 1, arbitrary: bodyArb(route, ctx.seeds) },
      );
  // a valid envelope with the attack in one free-form slot (metadata, additionalParams, ...)
  const inSlot = (value: fc.Arbitrary<[JVal, string]>): fc.Arbitrary<{ payload: string; note: string }> =>
    fc
      .tuple(fromSchema(route.body, ctx.seeds), value, fc.constantFrom(...SLOTS.slice(0, 4)))
      .map(([b, [p, what], slot]) => ({
        payload: toJson(
          b instanceof JObj ? new JObj([...b.entries.filter(([k]) => k !== slot), [slot, p]]) : new JObj([[slot, p]]),
        ),
        note: `${what} in ${slot}`,
      }));
  const focusedBody =
    focus === 'proto' && hasBody
      ? inSlot(protoValueArb.map((p) => [p, `prototype keys ${toJson(p)}`]))
      : focus === 'deep' && hasBody
        ? inSlot(
            fc
              .tuple(fc.integer({ min: 30, max: 3000 }), fc.boolean())
              .map(([d, arr]) => [new JRaw(deepJson(d, 'a', '1', arr)), `nesting ${d}${arr ? ' (arrays)' : ''}`]),
          )
        : body;
  const methodArb =
    focus !== 'any'
      ? fc.constant(route.method)
      : fc.oneof(
          { weight: 30, arbitrary: fc.constant(route.method) },
          { weight: 1, arbitrary: fc.constantFrom('PUT', 'HEAD', 'OPTIONS', 'TRACE', 'PATCH', 'DELETE') },
        );
  const queryChoice =
    focus === 'any'
      ? fc.oneof(
          { weight: 3, arbitrary: queryArb(route, focus) },
          { weight: route.method === 'GET' ? 1 : 4, arbitrary: fc.constant('') },
        )
      : focus === 'proto' && Object.keys(route.query).length > 0
        ? queryArb(route, focus)
        : fc.constant('');
  const headerChoice = focus === 'any' ? headersArb(ctx.creds, defaultCt) : cleanHeadersArb(ctx.creds, defaultCt);
  return fc
    .tuple(ids, queryChoice, headerChoice, focusedBody, methodArb, fc.nat({ max: focus === 'any' ? 19 : 1_000_000 }))
    .map(([idv, query, h, b, method, slash]) => {
      // a read route sent with a writing method must not touch the read-only seeds either
      const readOnly = new Set([...ctx.seeds.seededInstances, ...ctx.seeds.packages, ...ctx.seeds.subscriptions]);
      const ids = MUTATING.has(method) && !mutating ? idv.map((v) => (readOnly.has(v) ? `fuzz-${v}` : v)) : idv;
      let i = 0;
      let path = route.path.replace(/\{[^}]+\}/g, () => ids[i++] as string);
      if (slash === 0) path += '/';
      const url = query === '' ? path : `${path}?${query}`;
      // a form body for the token endpoint when the content type says so and the generator made JSON
      let payload = b.payload;
      if (
        route.path === '/oauth2/token' &&
        typeof payload === 'string' &&
        h.contentType === 'application/x-www-form-urlencoded' &&
        payload.startsWith('{')
      ) {
        payload = 'grant_type=client_credentials&client_id=ci-client&client_secret=x';
      }
      const req: FuzzRequest = {
        route: route.key,
        method: method === 'HEAD' && payload !== undefined ? 'GET' : method,
        url,
        headers: h.headers,
      };
      if (payload !== undefined && req.method !== 'GET' && req.method !== 'HEAD') req.payload = payload;
      if (b.note) req.note = b.note;
      return req;
    });
}

/** Any request: a route of the document (biased to those with inputs), now and then an unknown path. */
export function requestArb(ctx: GenContext): fc.Arbitrary<FuzzRequest> {
  const weighted = ctx.routes.map((r) => ({
    weight: 2 + (r.body !== undefined ? 2 : 0) + (Object.keys(r.query).length > 0 ? 2 : 0) + r.pathParams.length,
    arbitrary: requestForRoute(ctx, r),
  }));
  const protoRoutes = ctx.routes.filter(
    (r) => Object.keys(r.query).length > 0 || (r.body !== undefined && r.path !== '/oauth2/token'),
  );
  const focused = protoRoutes.map((r) => requestForRoute(ctx, r, 'proto'));
  const deep = ctx.routes
    .filter((r) => r.body !== undefined && r.path !== '/oauth2/token')
    .map((r) => requestForRoute(ctx, r, 'deep'));
  const unknown = fc
    .tuple(
      fc.constantFrom(
        '/vnflcm/v1/',
        '/vnflcm/v2/vnf_instances',
        '/x',
        '/vnflcm/v1/vnf_instances/%zz/instantiate',
        '/%zz',
        '/docs/%zz',
        '//',
        '/vnflcm/v1/vnf_instances/../../etc/passwd',
      ),
      headersArb(ctx.creds, undefined),
    )
    .map(([url, h]) => ({ route: 'UNKNOWN', method: 'GET', url, headers: h.headers }) as FuzzRequest);
  return fc.oneof(
    { weight: 14, arbitrary: fc.oneof(...weighted) },
    { weight: 5, arbitrary: fc.oneof(...focused) },
    { weight: 2, arbitrary: fc.oneof(...deep) },
    { weight: 1, arbitrary: unknown },
  );
}

/** A short printable form of a request for reports (long values elided). */
export function describe(r: FuzzRequest): string {
  const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);
  const printable = (p: string | Buffer): string =>
    Buffer.isBuffer(p) ? `<bytes ${p.toString('hex').slice(0, 40)}>` : p;
  const body = r.payload === undefined ? '' : ` body=${cut(printable(r.payload), 160)}`;
  const h = Object.entries(r.headers)
    .filter(([k]) => k !== 'authorization' || !/^Basic (YWRtaW46|dmlld2Vy)|^Bearer cvt1\./.test(r.headers[k] ?? ''))
    .map(([k, v]) => `${k}: ${cut(v, 40)}`)
    .join('; ');
  const who =
    r.headers['authorization'] === undefined
      ? 'no auth'
      : /^Basic YWRtaW46/.test(r.headers['authorization'])
        ? 'admin'
        : /^Basic dmlld2Vy/.test(r.headers['authorization'])
          ? 'reader'
          : /^Bearer cvt1\./.test(r.headers['authorization'])
            ? 'bearer'
            : 'bad auth';
  return `${r.method} ${cut(r.url, 200)} [${who}${h ? `; ${h}` : ''}]${body}${r.note ? ` (${r.note})` : ''}`;
}
