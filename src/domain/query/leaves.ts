import { PROTOTYPE_NAMES } from './selectors';

/**
 * The leaves of a document as one line each, `<path>\t<type><value>`, between newlines: what a filter can
 * match, in a form searched with plain string finds (each API process keeps them: src/store/repository-search.ts).
 *
 * - `<path>` is the attribute path as a filter names it (`instantiatedVnfInfo/vnfcResourceInfo/vduId`):
 *   array levels left out, as filters do; `<type>` is `s` (string), `n` (number) or `b` (boolean);
 *   `<value>` is the value's text as a filter compares it (`String(value)`), its backslashes, newlines and tabs
 *   escaped with a backslash (`escapeLeaf`; the search escapes a filter's values the same way).
 * - Only scalar leaves: an object, an array or null at a path never matches a positive operator (filter.ts).
 * - A member whose name no filter can name (not an attribute-name segment, or a prototype name) is left out.
 * - A document nested deeper than MAX_DEPTH is not written line by line: its text is `!`, "match it in full"
 *   (the search keeps it as a candidate).
 *
 * @example
 * leafText({ id: 'a', metadata: { rank: 3 }, tags: ['x', 'y'] })
 * // '\nid\tsa\nmetadata/rank\tn3\ntags\tsx\ntags\tsy\n'
 */
export function leafText(doc: unknown): string {
  const lines: string[] = [];
  return walk(doc, '', 0, lines) ? `\n${lines.join('\n')}\n` : UNSURE;
}

/** The leaf text of a document that must be matched in full. */
export const UNSURE = '!';

const MAX_DEPTH = 64;
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const SPECIAL = /[\\\n\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\t': '\\t' };

/** A value as the leaf text writes it: backslash, newline and tab escaped (one-to-one). */
export function escapeLeaf(value: string): string {
  return value.replace(SPECIAL, (c) => ESCAPES[c] as string);
}

function walk(value: unknown, path: string, depth: number, lines: string[]): boolean {
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) return value.every((v) => walk(v, path, depth + 1, lines));
  switch (typeof value) {
    case 'string':
      if (path !== '') lines.push(`${path}\ts${escapeLeaf(value)}`);
      return true;
    case 'number':
      if (path !== '') lines.push(`${path}\tn${String(value)}`);
      return true;
    case 'boolean':
      if (path !== '') lines.push(`${path}\tb${String(value)}`);
      return true;
    case 'object': {
      if (value === null) return true;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (!NAME.test(k) || PROTOTYPE_NAMES.has(k)) continue;
        if (!walk(v, path === '' ? k : `${path}/${k}`, depth + 1, lines)) return false;
      }
      return true;
    }
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      return true; // not in JSON
  }
}
