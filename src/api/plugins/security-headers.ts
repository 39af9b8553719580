import Fastify from 'fastify';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import type { ApiApp } from '../context';

/**
 * Helmet's security headers (CSP, X-Frame-Options, X-Content-Type-Options, ...) on every answer, as
 * @fastify/helmet sets them with `options`, computed once: @fastify/helmet builds helmet's middleware and
 * parses the CSP again on every request (9 % of a GET's CPU, bench/api-get.ts). The headers are those a
 * probe app with @fastify/helmet answers with and a bare one does not; they are set on the raw response
 * in the first onRequest hook, as helmet does, so errors (401, 404) carry them too and a route may
 * still replace one (Swagger UI's own CSP).
 */
export async function securityHeadersPlugin(app: ApiApp, options: FastifyHelmetOptions): Promise<void> {
  const headers = await helmetHeaders(options);
  app.addHook('onRequest', (_req, reply, done) => {
    const res = reply.raw;
    for (const [name, value] of headers) res.setHeader(name, value);
    done();
  });
}

/** The [name, value] pairs @fastify/helmet adds to an answer with these options. */
export async function helmetHeaders(options: FastifyHelmetOptions): Promise<Array<[string, string]>> {
  const answer = async (withHelmet: boolean): Promise<Record<string, unknown>> => {
    const probe = Fastify({ logger: false });
    if (withHelmet) await probe.register(helmet, options);
    probe.get('/', (_req, reply) => reply.send('probe'));
    const res = await probe.inject({ method: 'GET', url: '/' });
    await probe.close();
    return res.headers;
  };
  const [plain, helmeted] = await Promise.all([answer(false), answer(true)]);
  return Object.entries(helmeted)
    .filter(([name]) => !(name in plain))
    .map(([name, value]) => [name, String(value)]);
}
