import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RouteModule } from '../../context';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

/**
 * The operator console: the page and its bundle (dist/web, built by scripts/build-web.js), public like
 * any login page; every call the page makes carries the API's own bearer token.
 */
export function consoleRoutes(webDir: string): RouteModule {
  return (app) => {
    const send =
      (file: string) =>
      async (
        _req: unknown,
        reply: { type(t: string): unknown; code(n: number): { send(b: unknown): unknown }; send(b: unknown): unknown },
      ) => {
        const path = join(webDir, file);
        if (!existsSync(path))
          return reply
            .code(404)
            .send({ status: 404, detail: `the console is not built (${path} is missing): run npm run build` });
        reply.type(TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream');
        return reply.send(readFileSync(path));
      };
    const hide = { hide: true };
    app.get('/', { config: { auth: false }, schema: hide }, send('index.html'));
    app.get('/console/main.js', { config: { auth: false }, schema: hide }, send('main.js'));
    app.get('/console/main.css', { config: { auth: false }, schema: hide }, send('main.css'));
  };
}
