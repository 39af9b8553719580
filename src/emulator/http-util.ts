import type { ServerResponse } from 'node:http';

/** JSON answer with HTTP 200, as OSv's httpserver sends it (strings arrive quoted). */
export function json(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}
