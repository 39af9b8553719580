import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerMatches } from '../net/bearer';
import { formatHostPort, type HostPort } from '../net/host-port';
import { silentLogger, type Logger } from '../ports/logger';
import type { MetricsSource } from '../ports/observer';

export interface MetricsServerOptions {
  /** Where to listen; port 0 takes a free one. */
  listen: HostPort;
  /** A bearer token the scraper must send (metrics.token); absent: none. Never logged. */
  token?: string;
  log?: Logger;
}

export interface MetricsServer {
  /** e.g. `http://127.0.0.1:9464` (the port it got with port 0). */
  url: string;
  close(): Promise<void>;
}

/**
 * `GET /metrics` of a process that has no API (role worker), on Node's http module: the same text as the API's
 * /metrics. Anything else is 404 (405 for another method on /metrics); plain text answers, no framework.
 */
export async function startMetricsServer(source: MetricsSource, options: MetricsServerOptions): Promise<MetricsServer> {
  const log = options.log ?? silentLogger;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = (status: number, text: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end(`${text}\n`);
    };
    if (path !== '/metrics') return answer(404, 'not found: the metrics are at /metrics');
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, 'only GET', { allow: 'GET, HEAD' });
    if (options.token !== undefined && !bearerMatches(req.headers.authorization, options.token))
      return answer(401, 'this resource needs the metrics bearer token', { 'www-authenticate': 'Bearer' });
    source.scrape().then(
      (text) => {
        res.writeHead(200, { 'content-type': source.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        log.warn({ err }, 'metrics: the scrape failed');
        answer(500, 'the metrics could not be read');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err }, 'metrics: listener error'));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${formatHostPort({ host: options.listen.host, port })}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // a scraper keeps its connection open between scrapes: close() does not wait for it
        server.closeAllConnections();
      }),
  };
}
