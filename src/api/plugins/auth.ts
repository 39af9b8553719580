import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../../errors';
import { keystonePrincipal } from '../auth/keystone';
import { verifySecretOrDummy, verifyToken } from '../auth/secrets';
import { routeFlag, type ApiApp, type AuthSettings, type Principal } from '../context';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authentication on every route whose config does not say `auth: false`: a bearer token from
 * `POST /oauth2/token` (SOL013 8.3.2, OAuth 2.0 client credentials) or HTTP Basic, as configured; without
 * an Authorization header, a Keystone token in X-Auth-Token when Keystone is configured (OpenStack's own
 * clients: `openstack vnflcm ...`). Authorization: role `admin` may do everything, role `reader` only
 * GET/HEAD (403 otherwise).
 */
export function authPlugin(app: ApiApp, settings: AuthSettings): void {
  const challenge = [
    settings.oauth2 ? 'Bearer realm="clickvnfm"' : '',
    settings.basic ? 'Basic realm="clickvnfm"' : '',
    // what keystonemiddleware answers: where to get a token
    settings.keystone !== undefined ? `Keystone uri="${settings.keystone.validator.authUrl}"` : '',
  ]
    .filter(Boolean)
    .join(', ');
  // NOTE: scrypt is deliberately slow; a verified Basic credential is remembered by its digest for a
  // minute so that a client sending Basic on every call does not pay it each time. Nothing another
  // process needs lives here: a miss just verifies again. Concurrent misses of one credential share one
  // verification (a client with 32 connections otherwise ran 32 scrypts at once each minute: bench/api-get.ts).
  const basicCache: BasicCache = { verified: new Map(), pending: new Map() };

  app.addHook('onRequest', async (req) => {
    if (routeFlag(req, 'auth') === false) return;
    const principal = await authenticate(req, settings, basicCache, challenge);
    if (!principal.roles.includes('admin') && !READ_METHODS.has(req.method)) {
      throw new ForbiddenError(`${principal.id} may only read (role reader); ${req.method} needs role admin`);
    }
    req.principal = principal;
  });
}

interface BasicCache {
  verified: Map<string, { principal: Principal; until: number }>;
  pending: Map<string, Promise<Principal>>;
}

async function authenticate(
  req: FastifyRequest,
  s: AuthSettings,
  cache: BasicCache,
  challenge: string,
): Promise<Principal> {
  const header = req.headers.authorization;
  if (header === undefined) {
    const token = req.headers['x-auth-token'];
    if (s.keystone !== undefined && typeof token === 'string' && token !== '') {
      // NOTE: KeystoneUnavailableError (503) passes through: the token may be valid, Keystone could not say
      const identity = await s.keystone.validator.validate(token);
      if (identity === undefined)
        throw new UnauthorizedError('the Keystone token (X-Auth-Token) is invalid or has expired', challenge);
      return keystonePrincipal(identity, s.keystone);
    }
    const keystone = s.keystone !== undefined ? ', or a Keystone token in X-Auth-Token' : '';
    throw new UnauthorizedError(`this resource needs credentials (a bearer token or HTTP Basic${keystone})`, challenge);
  }
  const [scheme, value = ''] = header.split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer' && s.oauth2) {
    const claims = verifyToken(value, s.tokenKey, Math.floor(Date.now() / 1000));
    if (claims === undefined) throw new UnauthorizedError('the bearer token is invalid or has expired', challenge);
    return { id: claims.sub, roles: claims.roles, via: 'bearer' };
  }
  if (scheme?.toLowerCase() === 'basic' && s.basic) {
    const digest = createHash('sha256').update(value).digest('hex');
    const hit = cache.verified.get(digest);
    if (hit !== undefined && hit.until > Date.now()) return hit.principal;
    let pending = cache.pending.get(digest);
    if (pending === undefined) {
      pending = verifyBasic(value, s, challenge).finally(() => cache.pending.delete(digest));
      cache.pending.set(digest, pending);
    }
    const principal = await pending;
    if (cache.verified.size > 1000) cache.verified.clear();
    cache.verified.set(digest, { principal, until: Date.now() + 60_000 });
    return principal;
  }
  throw new UnauthorizedError(`authorization scheme '${scheme ?? ''}' is not accepted here`, challenge);
}

/** The user of an HTTP Basic credential (base64 `name:password`), checked with scrypt; 401 when wrong. */
async function verifyBasic(value: string, s: AuthSettings, challenge: string): Promise<Principal> {
  const decoded = Buffer.from(value, 'base64').toString();
  const colon = decoded.indexOf(':');
  const name = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  const user = s.users.find((u) => u.name === name);
  if (!(await verifySecretOrDummy(password, user?.passwordHash)) || user === undefined) {
    throw new UnauthorizedError('the user name or password is wrong', challenge);
  }
  return { id: user.name, roles: [...user.roles], via: 'basic' };
}
