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
