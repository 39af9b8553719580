import type { IncomingMessage, ServerResponse } from 'node:http';

/** JSON answer with HTTP 200, as OSv's httpserver sends it (strings arrive quoted). */
export function json(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

/** The whole request body. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** An error as OSv's httpserver sends it (json_exception: `{"message": "...", "code": N}`, its own spacing). */
export function error(res: ServerResponse, code: number, message: string): void {
  res
    .writeHead(code, { 'content-type': 'application/json' })
    .end(`{"message": ${JSON.stringify(message)}, "code": ${code}}`);
}

/** An answer with an empty body, as OSv's handlers that return "" or nothing send it: no content type then. */
export function empty(res: ServerResponse): void {
  res.writeHead(200).end('');
}

/** By extension (a Map: a file named `x.constructor` must not find Object's own properties). */
const FILE_TYPES = new Map([
  ['json', 'application/json'],
  ['html', 'text/html'],
  ['bin', 'application/octet-stream'],
]);

/**
 * A file as OSv's file API sends it: the content type by the file's extension (OSv's mime_types: .txt, .click and
 * anything unknown are text/plain), none when the file is empty (set_headers_explicit).
 */
export function fileContent(res: ServerResponse, path: string, content: string): void {
  const ext = /\.([^./]+)$/.exec(path)?.[1] ?? '';
  res.writeHead(200, content === '' ? {} : { 'content-type': FILE_TYPES.get(ext) ?? 'text/plain' }).end(content);
}
