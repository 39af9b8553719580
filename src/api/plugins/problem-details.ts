import type { FastifyError, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import {
  AppError,
  BadRequestError,
  ClientHttpError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
  UriTooLongError,
  type ProblemDetails,
} from '../../errors';
import type { ApiApp } from '../context';

/**
 * Renders every error as application/problem+json (SOL013 6.4): AppErrors as they say, Fastify's
 * own (bad JSON, schema violations, body too large) translated, anything else a bare 500 that
 * reveals nothing while the log keeps the cause with the request id.
 */
export function problemDetailsPlugin(app: ApiApp): void {
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    const allow = allowedMethods(app, path);
    if (allow.length > 0)
      return send(
        req,
        reply,
        new MethodNotAllowedError(`${req.method} is not allowed on ${path}; allowed: ${allow.join(', ')}`, allow),
      );
    return send(req, reply, new NotFoundError(`no resource or route at ${path}`));
  });

  app.setErrorHandler((err: FastifyError, req, reply) => send(req, reply, translate(err, req)));
}

/**
 * The methods Fastify's own router has a route for at `path` (HEAD left out: Fastify adds it to every
 * GET). A catch-all (wildcard) route does not count: a wrong method there is a 404 like any unknown path.
 */
function allowedMethods(app: ApiApp, path: string): string[] {
  return app.supportedMethods
    .filter((method) => {
      if (method === 'HEAD') return false;
      const found = app.findRoute({ method: method as HTTPMethods, url: path });
      return found !== null && !('*' in found.params);
    })
    .sort();
}

/**
 * Fastify's `frameworkErrors`: errors raised before routing (a path that is not valid percent-encoding,
 * a path parameter over the router's length limit), which Fastify would otherwise answer itself.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const path = safePath(req.raw.url ?? '/');
  const translated =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new UriTooLongError(`a path segment of ${path.slice(0, 120)} is longer than the limit`)
      : err.code === 'FST_ERR_BAD_URL'
        ? new BadRequestError('the request path is not valid percent-encoded UTF-8', { field: 'path' })
        : translate(err, req);
  void send(req, reply, translated);
}

export function translate(err: FastifyError, req: FastifyRequest): AppError | Error {
  if (err instanceof AppError) return err;
  if (err.validation !== undefined && err.validation.length > 0) {
    const v = err.validation[0] as { instancePath?: string; message?: string; params?: Record<string, unknown> };
    const ctx = err.validationContext ?? 'body';
    let field = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const missing = v.params?.missingProperty;
    const extra = v.params?.additionalProperty;
    if (typeof missing === 'string') field = field ? `${field}.${missing}` : missing;
    if (typeof extra === 'string') field = field ? `${field}.${extra}` : extra;
    const reason = typeof extra === 'string' ? 'is not a known attribute' : (v.message ?? 'is invalid');
    const where = ctx === 'body' ? 'request body' : ctx === 'querystring' ? 'query parameter' : ctx;
    return new BadRequestError(`${where} ${field || '(root)'}: ${reason}`, { field: field || ctx });
  }
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
    return new PayloadTooLargeError(
      `the request body is over the limit of ${req.routeOptions.bodyLimit ?? 'the server'} bytes`,
    );
  }
  if (
    err instanceof SyntaxError ||
    err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
  ) {
    return new BadRequestError(`the request body is not valid JSON: ${err.message}`, { field: 'body' });
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.statusCode === 415) {
    return new UnsupportedMediaTypeError(`content type ${String(req.headers['content-type'])} is not supported here`, {
      field: 'Content-Type',
    });
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new ClientHttpError(err.statusCode, err.message);
  }
  return err;
}

/** The path of a request for `instance`, cut to a sane length (a hostile path may be megabytes). */
function safePath(url: string): string {
  const path = url.split('?')[0] ?? '/';
  return path.length > 512 ? `${path.slice(0, 512)}...` : path;
}

/**
 * ioredis's own words when a command could not be known to have run: its connection closed under it (e.g. the
 * primary died and Sentinel is failing over), or it gave up retrying. The request may or may not have taken
 * effect, so the client is told to look and retry (503, Retry-After), not that the VNFM broke (500).
 */
const STORE_UNAVAILABLE =
  /Connection is closed|Command aborted due to connection close|Reached the max retries per request|READONLY/;

function send(req: FastifyRequest, reply: FastifyReply, raw: AppError | Error): FastifyReply {
  let pd: ProblemDetails;
  const err =
    !(raw instanceof AppError) && STORE_UNAVAILABLE.test(raw.message)
      ? new ServiceUnavailableError(
          'the VNFM could not reach its store (Redis) to finish the request; it may or may not have taken ' +
            'effect: look for it, then retry',
          1,
        )
      : raw;
  if (err !== raw) req.log.warn({ err: raw, reqId: req.id }, 'store unavailable');
  if (err instanceof AppError) {
    pd = err.toProblemDetails(safePath(req.raw.url ?? req.url));
    reply.headers(err.headers());
    if (err.status >= 500) req.log.error({ err, reqId: req.id }, 'request failed');
  } else {
    req.log.error({ err, reqId: req.id }, 'unexpected error');
    pd = { status: 500, title: 'Internal Server Error', detail: `an unexpected error occurred (request ${req.id})` };
  }
  return reply.code(pd.status).type('application/problem+json').send(pd);
}
