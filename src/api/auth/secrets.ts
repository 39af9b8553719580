import { randomBytes, scrypt, scryptSync, timingSafeEqual, createHmac, type ScryptOptions } from 'node:crypto';

/**
 * Password and client-secret hashing (scrypt) and stateless bearer tokens (HMAC-SHA256), so that
 * any API process can check a token another one issued, with only the shared key.
 */
const N = 16384;

/** `scrypt$N$salt$hash`, all base64url. */
function encodeHash(salt: Buffer, hash: Buffer): string {
  return `scrypt$${N}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** A new hash of `secret` (synchronous: the first start's generated client, tools and tests; requests only verify). */
export function hashSecret(secret: string): string {
  const salt = randomBytes(16);
  return encodeHash(salt, scryptSync(secret, salt, 32, { N }));
}

function scryptAsync(secret: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, length, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * Checks a secret against its stored hash on libuv's thread pool, never on the event loop (a burst of
 * wrong guesses must not stall every other request).
 */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || n === undefined || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64url');
  const cost = Number(n);
  if (!Number.isInteger(cost) || cost < 2 || cost > 1 << 20 || expected.length < 16 || expected.length > 64)
    return false;
  const actual = await scryptAsync(secret, Buffer.from(salt, 'base64url'), expected.length, {
    N: cost,
    maxmem: 256 * cost * 8 + 1024 * 1024,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A hash of nothing anyone knows, checked when the client id or user is unknown, so that an unknown
 * id costs the same scrypt as a known one with a wrong secret (no id enumeration by timing).
 */
let dummyHash: Promise<string> | undefined;

/** verifySecret against `stored`, or against a dummy hash at the same cost when there is none. */
export async function verifySecretOrDummy(secret: string, stored: string | undefined): Promise<boolean> {
  dummyHash ??= hashSecretAsync(randomBytes(18).toString('base64url'));
  const ok = await verifySecret(secret, stored ?? (await dummyHash));
  return ok && stored !== undefined;
}

/** hashSecret off the event loop. */
export async function hashSecretAsync(secret: string): Promise<string> {
  const salt = randomBytes(16);
  return encodeHash(salt, await scryptAsync(secret, salt, 32, { N }));
}

export interface TokenClaims {
  /** client id */
  sub: string;
  roles: string[];
  /** expiry, seconds since the epoch */
  exp: number;
}

export function signToken(claims: TokenClaims, key: Buffer): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const mac = createHmac('sha256', key).update(body).digest('base64url');
  return `cvt1.${body}.${mac}`;
}

/** The claims of a valid, unexpired token; undefined otherwise. */
export function verifyToken(token: string, key: Buffer, nowSeconds: number): TokenClaims | undefined {
  const [tag, body, mac] = token.split('.');
  if (tag !== 'cvt1' || body === undefined || mac === undefined) return undefined;
  const expected = createHmac('sha256', key).update(body).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString());
  } catch {
    return undefined;
  }
  if (claims === null || typeof claims !== 'object') return undefined;
  const c = claims as Partial<TokenClaims>;
  if (typeof c.sub !== 'string' || !Array.isArray(c.roles) || typeof c.exp !== 'number' || c.exp <= nowSeconds)
    return undefined;
  return { sub: c.sub, roles: c.roles.map(String), exp: c.exp };
}
