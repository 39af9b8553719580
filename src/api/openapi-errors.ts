import type { FastifySchema } from 'fastify';
import { ProblemDetailsSchema } from '../domain/schemas';

/**
 * The error answers of every operation, as SOL013 6.4 lists them for SOL003's resources, added to the
 * OpenAPI document only (the routes' own response schemas, which also drive the serializer, stay as they
 * are): each a ProblemDetails in `application/problem+json`. A route that documents a status itself keeps
 * its own description.
 */
const ANY: Record<number, string> = {
  400: 'Bad request: a malformed body, a schema violation, or a filter or selector naming no attribute',
  401: 'No credentials, or credentials that are wrong or expired',
  403: 'Authenticated but not allowed (role reader on a write)',
  404: 'No such resource',
  406: 'An API version (Version header) or media type (Accept) this VNFM cannot serve',
  414: 'A path segment over the length limit',
  429: 'Too many requests; Retry-After says when to come back',
  500: 'An unexpected error (the detail names the request id)',
  503: 'A dependency (Redis, the VIM, Keystone) is unavailable',
};
const WRITE: Record<number, string> = {
  409: "The resource's state does not allow the request (e.g. an operation in progress)",
  412: 'An If-Match precondition failed',
  413: 'The body is over the limit',
  415: 'A body in a media type the resource does not take',
  422: 'Well-formed but not processable (e.g. an unknown or disabled VNF package); the detail names the field',
};
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemDetailsSchema } },
});

/** @fastify/swagger's `transform`: the route's schema with the error answers it lacks. */
export function withErrorAnswers({
  schema,
  url,
  route,
}: {
  schema: FastifySchema | undefined;
  url: string;
  route: { method: string | string[] };
}): { schema: FastifySchema; url: string } {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const errors = { ...ANY, ...(methods.every((m) => READS.has(m)) ? {} : WRITE) };
  const own = (schema?.response ?? {}) as Record<string, unknown>;
  const response: Record<string, unknown> = { ...own };
  for (const [status, description] of Object.entries(errors))
    if (!(status in own)) response[status] = problem(description);
  return { schema: { ...(schema ?? {}), response }, url };
}
