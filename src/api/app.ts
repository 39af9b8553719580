import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { PackageCatalog } from '../ports/package-catalog';
import type { VnfInstanceRepository } from '../ports/store';
import type { ApiApp, ApiContext, ApiEvents, AuthSettings, RouteModule } from './context';
import { authPlugin } from './plugins/auth';
import { securityHeadersPlugin } from './plugins/security-headers';
import { withErrorAnswers } from './openapi-errors';
import { DEFAULT_JSON_LIMITS, parseJsonBody, type JsonLimits } from './json-body';
import { frameworkErrors, problemDetailsPlugin } from './plugins/problem-details';
import { versionPlugin } from './plugins/version';
import { apiVersionsRoutes } from './routes/api-versions';
import { oauth2TokenRoutes, type TokenRouteLimits } from './routes/oauth2-token';
import { vnfInstanceRoutes } from './routes/vnflcm/vnf-instances';

export interface AppDeps {
  instances: VnfInstanceRepository;
  packages: PackageCatalog;
  auth: AuthSettings;
  /** Base of absolute links, e.g. `http://127.0.0.1:9890`. */
  publicUrl: string;
  pageSize?: number;
  bodyLimitBytes?: number;
  /** Nesting depth and key count every JSON body is held to. */
  jsonLimits?: JsonLimits;
  /** Rate limits of the token endpoint (shared through Redis by every API process). */
  tokenLimits?: TokenRouteLimits;
  events?: ApiEvents;
  /** More features' routes (LCM tasks, op-occs, subscriptions, package management, console). */
  routes?: RouteModule[];
  logger?: FastifyServerOptions['logger'];
  /** The process's own pino logger, for the request log (takes precedence over `logger`). */
  loggerInstance?: FastifyBaseLogger;
  now?: () => Date;
  newId?: () => string;
}

/**
 * Builds the VNFM's HTTP API: the SOL013 framework (Version header, authentication,
 * ProblemDetails for every error, 404/405), the OpenAPI document at /docs, and the routes.
 *
 * @example
 * const app = await buildApp({ instances, packages, auth, publicUrl: 'http://127.0.0.1:9890' });
 * const res = await app.inject({ method: 'GET', url: '/vnflcm/v1/api_versions' });
 */
export async function buildApp(deps: AppDeps): Promise<ApiApp> {
  const app = Fastify({
    ...(deps.loggerInstance !== undefined ? { loggerInstance: deps.loggerInstance } : { logger: deps.logger ?? false }),
    bodyLimit: deps.bodyLimitBytes ?? 1024 * 1024,
    genReqId: () => randomUUID(),
    // ids are UUIDs; a longer path segment is answered 414 ProblemDetails (frameworkErrors), not routed
    routerOptions: { maxParamLength: 256 },
    frameworkErrors,
    ajv: { customOptions: { allErrors: false, coerceTypes: false, removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as ApiApp;

  // One safe parser for every JSON media type we take: prototype keys, depth and key count checked
  // before any handler sees the body. An empty body is no body (the route's schema decides).
  const jsonLimits = deps.jsonLimits ?? DEFAULT_JSON_LIMITS;
  // NOTE: no route takes text/plain; without Fastify's default parser such a body is a 415, not a string
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(
    ['application/json', 'application/merge-patch+json'],
    { parseAs: 'string' },
    (_req, body, done) => {
      try {
        const text = String(body);
        done(null, text.trim() === '' ? undefined : parseJsonBody(text, jsonLimits));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    // a null-prototype object: a form field named __proto__ is just a field
    const form: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of new URLSearchParams(String(body))) form[k] = v;
    done(null, form);
  });

  // helmet's headers, computed once (not per request)
  await securityHeadersPlugin(app, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // CodeMirror and uPlot set element styles at run time
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        // NOTE: the VNFM often runs on plain HTTP inside an operator's network: upgrading would break it
        upgradeInsecureRequests: null,
      },
    },
    // the API is called cross-origin by NFVOs' own consoles; resources stay same-origin for pages only
    crossOriginResourcePolicy: { policy: 'same-site' },
    strictTransportSecurity: false,
    frameguard: { action: 'deny' },
  });

  problemDetailsPlugin(app);
  versionPlugin(app);
  authPlugin(app, deps.auth);

  await app.register(swagger, {
    transform: withErrorAnswers,
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'click-osv-vnfm',
        description:
          'ETSI GS NFV-SOL 003 v2.6.1 VNF Lifecycle Management (API version 1.3.0) ' +
          'and VNF package management for Click-on-OSv VNFs',
        version: '1.3.0',
      },
      components: {
        securitySchemes: {
          oauth2: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: '/oauth2/token', scopes: {} } } },
          basic: { type: 'http', scheme: 'basic' },
          ...(deps.auth.keystone !== undefined
            ? { keystone: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' } as const }
            : {}),
        },
      },
      security: [{ oauth2: [] }, { basic: [] }, ...(deps.auth.keystone !== undefined ? [{ keystone: [] }] : [])],
    },
  });
  app.addHook('onRoute', (opts) => {
    if (opts.url.startsWith('/docs')) opts.config = { ...(opts.config ?? {}), auth: false };
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list' },
    // Swagger UI's own CSP (hashes of its scripts), with inline styles allowed (it sets them) and no upgrade to https
    staticCSP: true,
    transformStaticCSP: (csp) =>
      csp
        .replace(/style-src 'self' https:/, "style-src 'self' 'unsafe-inline'")
        .replace(/ ?upgrade-insecure-requests;/, ''),
  });

  const ctx: ApiContext = {
    instances: deps.instances,
    packages: deps.packages,
    publicUrl: deps.publicUrl.replace(/\/+$/, ''),
    pageSize: deps.pageSize ?? 100,
    events: deps.events ?? {},
    now: deps.now ?? (() => new Date()),
    newId: deps.newId ?? randomUUID,
  };
  const modules: RouteModule[] = [
    apiVersionsRoutes,
    oauth2TokenRoutes(deps.auth, deps.tokenLimits),
    vnfInstanceRoutes,
    ...(deps.routes ?? []),
  ];
  for (const m of modules) await m(app, ctx);
  await app.ready();
  return app;
}
