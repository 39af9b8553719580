import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import type { TypeLibrary } from './type-library';

const formats = new WeakMap<TypeLibrary, string>();

/**
 * What a parsed VNFD model depends on besides its package: this parser's code (the files of this folder, as built)
 * and the type library. A model stored by one process is reused by another only under the same format, so that a
 * VNFM upgraded with a changed parser or changed types parses its packages again instead of trusting old models.
 */
export function modelFormat(library: TypeLibrary): string {
  const known = formats.get(library);
  if (known !== undefined) return known;
  const h = createHash('sha256');
  for (const f of readdirSync(__dirname).sort())
    if (/\.(js|ts)$/.test(f) && !/\.(test|d)\.[jt]s$/.test(f)) h.update(f).update(readFileSync(`${__dirname}/${f}`));
  for (const [name, text] of [...library].sort(([a], [b]) => a.localeCompare(b))) h.update(name).update(text);
  const format = h.digest('hex').slice(0, 16);
  formats.set(library, format);
  return format;
}
