import { UnauthorizedError } from '../../errors';
import { bearerMatches } from '../../net/bearer';
import type { MetricsSource } from '../../ports/observer';
import type { RouteModule } from '../context';

/** Where Prometheus scrapes an API process. */
export const METRICS_PATH = '/metrics';

/**
 * `GET /metrics`: the process's metrics in the Prometheus text format (docs/operations.md). Not a SOL003 resource:
 * left out of the OpenAPI document, like the console's pages, and outside the API's own authentication (a scraper
 * has no OAuth client); with `token` (metrics.token) it needs `Authorization: Bearer <token>`, else it is open, as
 * most exporters are.
 */
export function metricsRoutes(options: { source: MetricsSource; token?: string; vnfs?: MetricsSource }): RouteModule {
  const { token } = options;
  return (app) => {
    const serve = (path: string, source: MetricsSource): void => {
      app.get(path, { config: { auth: false, anyVersion: true }, schema: { hide: true } }, async (req, reply) => {
        if (token !== undefined && !bearerMatches(req.headers.authorization, token))
          throw new UnauthorizedError('this resource needs the metrics bearer token', 'Bearer realm="metrics"');
        const text = await source.scrape();
        return reply.type(source.contentType).header('cache-control', 'no-store').send(text);
      });
    };
    serve(METRICS_PATH, options.source);
    // the VNFs' measurements (the same on every API process: one scrape target is enough), apart from the process's
    if (options.vnfs !== undefined) serve(`${METRICS_PATH}/vnfs`, options.vnfs);
  };
}
