/**
 * Where credentials sit in the documents the VNFM keeps, and pure functions that seal, open or
 * strip them. Credentials are kept only to be used (towards a VIM or a notification consumer):
 * sealed at rest, opened for the worker, stripped from every answer.
 *
 * A credential is:
 * - `vimConnectionInfo[].accessInfo`, the whole object (SOL003 4.4.1.6: "authentication
 *   credentials for accessing the VIM"); `vimConnectionInfo` may also be a map by id (SOL003 v3);
 * - a member of `vimConnectionInfo[].interfaceInfo` whose name looks secret (SECRET_KEY);
 * - `authentication.paramsBasic.password` and `authentication.paramsOauth2ClientCredentials.clientPassword`
 *   (SOL003 4.5.3.4 SubscriptionAuthentication);
 * - any member whose name looks secret, at any depth, inside `additionalParams`, `extensions` or
 *   `metadata` (free-form maps: a consumer may put a VNF's admin password there).
 * These positions are recognised at any depth of the document (an op-occ carries them inside
 * `operationParams`, an LCM memo inside `previous`).
 */

/**
 * Names that look like secrets. NOTE: the same expression as SECRET_KEY in src/errors/redact.ts;
 * it is repeated here because src/domain imports nothing outside itself (.dependency-cruiser.cjs),
 * and redact.ts may import this one instead.
 */
export const SECRET_KEY = /pass(word)?|secret|token|credential|authorization|api[-_]?key|private[-_]?key/i;

/** The sealed-value prefix family (`enc:v1:...`); see src/store/secret-box.ts. */
const SEALED = /^enc:v\d+:/;

const FREE_FORM = new Set(['additionalParams', 'extensions', 'metadata']);

/**
 * Beyond this depth a free-form subtree is treated as one credential (sealed whole, or stripped):
 * a document nested deeper than any SOL003 structure is not worth walking, and erring on the side
 * of hiding is the safe side.
 */
const MAX_DEPTH = 32;

/** What a visitor returns to delete the member instead of replacing its value. */
const REMOVE: unique symbol = Symbol('remove');
type Visitor = (value: unknown) => unknown;

/** A deep copy of `doc` in which every credential value is `visit(value)` (or gone, for REMOVE). */
function mapCredentials<T>(doc: T, visit: Visitor): T {
  return walk(doc, visit, false, 0) as T;
}

function walk(value: unknown, visit: Visitor, freeForm: boolean, depth: number): unknown {
  if (Array.isArray(value)) return value.map((v) => walk(v, visit, freeForm, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    let next: unknown;
    if (freeForm && (SECRET_KEY.test(k) || depth > MAX_DEPTH)) next = visit(v);
    else if (k === 'vimConnectionInfo') next = vimConnections(v, visit, freeForm, depth + 1);
    else if (k === 'authentication') next = authentication(v, visit, freeForm, depth + 1);
    else next = walk(v, visit, freeForm || FREE_FORM.has(k), depth + 1);
    if (next !== REMOVE) out[k] = next;
  }
  return out;
}

/** `vimConnectionInfo`: an array of VimConnectionInfo (SOL003 v2) or a map id -> VimConnectionInfo (v3). */
function vimConnections(value: unknown, visit: Visitor, freeForm: boolean, depth: number): unknown {
  const one = (c: unknown): unknown => {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) return walk(c, visit, freeForm, depth + 1);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c as Record<string, unknown>)) {
      let next: unknown;
      if (k === 'accessInfo') next = visit(v);
      else if (k === 'interfaceInfo' && v !== null && typeof v === 'object' && !Array.isArray(v))
        next = secretMembers(v as Record<string, unknown>, visit);
      else next = walk(v, visit, freeForm, depth + 1);
      if (next !== REMOVE) out[k] = next;
    }
    return out;
  };
  if (Array.isArray(value)) return value.map(one);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([id, c]) => [id, one(c)]));
  return value;
}

function secretMembers(obj: Record<string, unknown>, visit: Visitor): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const next = SECRET_KEY.test(k) ? visit(v) : v;
    if (next !== REMOVE) out[k] = structuredClone(next);
  }
  return out;
}

/** SubscriptionAuthentication: paramsBasic.password and paramsOauth2ClientCredentials.clientPassword. */
function authentication(value: unknown, visit: Visitor, freeForm: boolean, depth: number): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return walk(value, visit, freeForm, depth);
  const out = walk(value, visit, freeForm, depth) as Record<string, unknown>;
  const inner = (name: string, secret: string): void => {
    const params = out[name];
    if (params === null || typeof params !== 'object' || Array.isArray(params) || !(secret in params)) return;
    const copy = { ...(params as Record<string, unknown>) };
    const next = visit(copy[secret]);
    if (next === REMOVE) delete copy[secret];
    else copy[secret] = next;
    out[name] = copy;
  };
  inner('paramsBasic', 'password');
  inner('paramsOauth2ClientCredentials', 'clientPassword');
  return out;
}

/**
 * A copy of `doc` with every credential value replaced by `seal(JSON of the value)`: the JSON keeps
 * the value's type (accessInfo is an object, a password could be a number), and a value that
 * already looks sealed is sealed again, so openCredentials gives back exactly what was given.
 */
export function sealCredentials<T>(doc: T, seal: (plaintext: string) => string): T {
  return mapCredentials(doc, (v) => (v === undefined ? v : seal(JSON.stringify(v))));
}

/**
 * The inverse of sealCredentials. A credential still in clear (stored before sealing existed) is
 * returned as it is; the next write seals it.
 */
export function openCredentials<T>(doc: T, open: (sealed: string) => string): T {
  return mapCredentials(doc, (v) => (typeof v === 'string' && SEALED.test(v) ? (JSON.parse(open(v)) as unknown) : v));
}

/**
 * A copy of `doc` without its credentials. The members are removed rather than replaced by a
 * placeholder: an absent member reads as "not given" to every client and schema (a `***` string
 * where accessInfo's object is expected would break typed clients), a filter cannot match a
 * placeholder, and a stripped document written back by a read-modify-write carries no fake value.
 */
export function stripCredentials<T>(doc: T): T {
  return mapCredentials(doc, () => REMOVE);
}

/** True when `doc` holds at least one credential (sealed or not). */
export function hasCredentials(doc: unknown): boolean {
  let found = false;
  mapCredentials(doc, (v) => {
    found = true;
    return v;
  });
  return found;
}

/**
 * True when an attribute path (as in SOL013 filters and selectors: names with the array levels
 * left out, e.g. `operationParams/vimConnectionInfo/accessInfo/password`) reaches into a credential.
 */
export function isCredentialPath(path: readonly string[]): boolean {
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as string;
    const rest = path.slice(i + 1);
    if (FREE_FORM.has(seg) && rest.some((s) => SECRET_KEY.test(s))) return true;
    if (seg === 'vimConnectionInfo') {
      // the array form names the member next; the map form an id first
      for (const j of [0, 1]) {
        if (rest[j] === 'accessInfo') return true;
        if (rest[j] === 'interfaceInfo' && rest[j + 1] !== undefined && SECRET_KEY.test(rest[j + 1] as string))
          return true;
      }
    }
    if (
      seg === 'authentication' &&
      ((rest[0] === 'paramsBasic' && rest[1] === 'password') ||
        (rest[0] === 'paramsOauth2ClientCredentials' && rest[1] === 'clientPassword'))
    )
      return true;
  }
  return false;
}
