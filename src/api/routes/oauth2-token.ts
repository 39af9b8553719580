import { Type } from '@sinclair/typebox';
import { signToken, verifySecret } from '../auth/secrets';
import type { AuthSettings, RouteModule } from '../context';

/**
 * `POST /oauth2/token`: the OAuth 2.0 client credentials grant (RFC 6749 4.4, SOL013 8.3.2).
 * Client authentication by HTTP Basic (client_secret_basic) or in the form (client_secret_post).
 * Errors are RFC 6749 5.2 JSON (`{"error": "invalid_client"}`), as OAuth clients expect.
 */
export function oauth2TokenRoutes(auth: AuthSettings): RouteModule {
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
          200: Type.Object({ access_token: Type.String(), token_type: Type.Literal('Bearer'), expires_in: Type.Integer() }),
          '4xx': Type.Object({ error: Type.String(), error_description: Type.String() }),
        },
      },
      handler: async (req, reply) => {
        reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
        if (!auth.oauth2) return reply.code(400).send({ error: 'unsupported_grant_type', error_description: 'OAuth 2.0 is disabled on this VNFM' });
        if (req.body.grant_type !== 'client_credentials') {
          return reply.code(400).send({ error: 'unsupported_grant_type', error_description: 'only grant_type=client_credentials is supported' });
        }
        let id = req.body.client_id;
        let secret = req.body.client_secret;
        const header = req.headers.authorization;
        if (header?.toLowerCase().startsWith('basic ')) {
          const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString();
          const colon = decoded.indexOf(':');
          id = decodeURIComponent(colon < 0 ? decoded : decoded.slice(0, colon));
          secret = decodeURIComponent(colon < 0 ? '' : decoded.slice(colon + 1));
        }
        const client = auth.clients.find((c) => c.id === id);
        if (client === undefined || secret === undefined || !verifySecret(secret, client.secretHash)) {
          // RFC 6749 5.2: the Basic challenge only for a client that authenticated with the header (a browser
          // would otherwise hold a form-posting page's request for a password dialog)
          if (header?.toLowerCase().startsWith('basic ')) reply.header('WWW-Authenticate', 'Basic realm="clickvnfm"');
          return reply.code(401).send({ error: 'invalid_client', error_description: 'unknown client or wrong secret' });
        }
        const exp = Math.floor(Date.now() / 1000) + auth.tokenTtlSeconds;
        return { access_token: signToken({ sub: client.id, roles: [...client.roles], exp }, auth.tokenKey), token_type: 'Bearer' as const, expires_in: auth.tokenTtlSeconds };
      },
    });
  };
}
