import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** Percentile of sorted samples (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] as number;
}

/**
 * Replaces this benchmark's section in docs/benchmarks.md (between its markers), keeping the others.
 */
export function writeSection(root: string, id: string, markdown: string): void {
  const file = join(root, 'docs', 'benchmarks.md');
  const head =
    '# Benchmarks\n\n' +
    'Each section is written by the benchmark named in it; run the command shown to reproduce it.\n' +
    'The machine: 2 cores, 24 GiB (the CI machine kind), Node ' +
    process.version +
    '.\n';
  let text = existsSync(file) ? readFileSync(file, 'utf8') : head;
  const begin = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const re = new RegExp(`${begin}[\\s\\S]*?${end}`);
  text = re.test(text) ? text.replace(re, block) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text);
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
  location: string | null;
}

/** A small client of the VNFM's API as an NFVO calls it (Basic auth, Version 1.3.0; JSON, or a zip as bytes). */
export function apiCaller(base: string, user: string, password: string) {
  const auth = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
  return async <T>(method: string, path: string, body?: unknown, type = 'application/json'): Promise<ApiAnswer<T>> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: auth,
        version: '1.3.0',
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': type } : {}),
      },
      ...(body !== undefined ? { body: Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : undefined) as T,
      location: res.headers.get('location'),
    };
  };
}

/** Runs a benchmark's main: exit 0 when it resolves, 1 with the error when it throws. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}
