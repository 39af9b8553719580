import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, TooManyRequestsError } from '../../errors';
import { signToken, verifySecretOrDummy } from '../auth/secrets';
import type { RateLimiter } from '../../ports/rate-limiter';
import type { AuthSettings, RouteModule } from '../context';
import { translate } from '../plugins/problem-details';

export interface TokenRouteLimits {
  /** Every token request, per source address. */
  perAddress: RateLimiter;
  /** Failed token requests, per client id. */
  failuresPerClient: RateLimiter;
}

/** RFC 6749 5.2 error codes by HTTP status, for errors raised before the handler (parsing, limits). */
function oauthError(status: number): string {
  if (status === 401) return 'invalid_client';
  if (status === 429) return 'slow_down';
  return 'invalid_request';
}

/**
 * `POST /oauth2/token`: the OAuth 2.0 client credentials grant (RFC 6749 4.4, SOL013 8.3.2).
 * Client authentication by HTTP Basic (client_secret_basic) or in the form (client_secret_post).
 * Every error is RFC 6749 5.2 JSON (`{"error": "invalid_client"}`), as OAuth clients expect, never a 500;
 * secrets are checked off the event loop at the same cost for unknown ids, and guesses are rate limited.
 */
export function oauth2TokenRoutes(auth: AuthSettings, limits?: TokenRouteLimits): RouteModule {
  return (app) => {
    app.post('/oauth2/token', {
      config: { auth: false },
      schema: {
        tags: ['oauth2'],
        summary: 'Get a bearer token (client credentials)',
        consumes: ['application/x-www-form-urlencoded'],
        body: Type.Object({
          grant_type: Type.String(),
          client_id: Type.Optional(Type.String()),
          client_secret: Type.Optional(Type.String()),
          scope: Type.Optional(Type.String()),
        }),
        response: {
          200: Type.Object({
            access_token: Type.String(),
            token_type: Type.Literal('Bearer'),
            expires_in: Type.Integer(),
          }),
          '4xx': Type.Object({ error: Type.String(), error_description: Type.String() }),
        },
      },
      // NOTE: sends and returns nothing: the reply is a thenable, and this handler is typed to return void
      errorHandler: (err: FastifyError, req, reply) => {
        const e = translate(err, req);
        if (!(e instanceof AppError)) {
          req.log.error({ err, reqId: req.id }, 'token endpoint: unexpected error');
          reply
            .code(400)
            .header('Cache-Control', 'no-store')
            .send({
              error: 'invalid_request',
              error_description: `the request could not be processed (request ${req.id})`,
            });
          return;
        }
        reply
          .code(e.status)
          .headers(e.headers())
          .header('Cache-Control', 'no-store')
          .send({ error: oauthError(e.status), error_description: e.message });
      },
      onRequest: async (req) => {
        if (limits === undefined) return;
        const r = await limits.perAddress.hit(`token-addr:${req.ip}`);
        if (r.exceeded)
          throw new TooManyRequestsError(
            `too many token requests from ${req.ip}; try again later`,
            r.retryAfterSeconds,
          );
      },
      handler: async (req, reply) => {
        reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
        if (!auth.oauth2)
          return reply
            .code(400)
            .send({ error: 'unsupported_grant_type', error_description: 'OAuth 2.0 is disabled on this VNFM' });
        if (req.body.grant_type !== 'client_credentials') {
          return reply.code(400).send({
            error: 'unsupported_grant_type',
            error_description: 'only grant_type=client_credentials is supported',
          });
        }
        const creds = clientCredentials(req.headers.authorization, req.body);
        if (creds === undefined)
          return invalidClient(req, reply, 'the Authorization header is not valid Basic client credentials');
        const { id, secret } = creds;
        if (id === undefined || secret === undefined)
          return invalidClient(req, reply, 'send client_id and client_secret, or HTTP Basic');
        if (limits !== undefined) {
          const r = await limits.failuresPerClient.peek(`token-client:${id}`);
          if (r.exceeded)
            throw new TooManyRequestsError(
              'too many failed attempts for this client id; try again later',
              r.retryAfterSeconds,
            );
        }
        const client = auth.clients.find((c) => c.id === id);
        if (!(await verifySecretOrDummy(secret, client?.secretHash)) || client === undefined) {
          await limits?.failuresPerClient.hit(`token-client:${id}`);
          return invalidClient(req, reply, 'unknown client or wrong secret');
        }
        const exp = Math.floor(Date.now() / 1000) + auth.tokenTtlSeconds;
        const token = signToken({ sub: client.id, roles: [...client.roles], exp }, auth.tokenKey);
        return { access_token: token, token_type: 'Bearer' as const, expires_in: auth.tokenTtlSeconds };
      },
    });
  };
}

/** The client's id and secret from HTTP Basic (RFC 6749 2.3.1: form-urlencoded inside) or the form. */
function clientCredentials(
  header: string | undefined,
  form: { client_id?: string; client_secret?: string },
): { id?: string; secret?: string } | undefined {
  if (!header?.toLowerCase().startsWith('basic ')) return { id: form.client_id, secret: form.client_secret };
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString();
  const colon = decoded.indexOf(':');
  try {
    return {
      id: decodeURIComponent(colon < 0 ? decoded : decoded.slice(0, colon)),
      secret: decodeURIComponent(colon < 0 ? '' : decoded.slice(colon + 1)),
    };
  } catch {
    return undefined; // a bad percent-escape: not credentials we can read
  }
}

function invalidClient(req: FastifyRequest, reply: FastifyReply, description: string): FastifyReply {
  // RFC 6749 5.2: the Basic challenge only for a client that authenticated with the header (a browser
  // would otherwise hold a form-posting page's request for a password dialog)
  if (req.headers.authorization?.toLowerCase().startsWith('basic '))
    reply.header('WWW-Authenticate', 'Basic realm="clickvnfm"');
  return reply.code(401).send({ error: 'invalid_client', error_description: description });
}
