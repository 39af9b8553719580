/**
 * A filter matched on a document's leaf text (src/domain/query/leaves.ts) with the semantics of matchesFilter
 * (src/domain/query/filter.ts): a positive operator matches when a leaf at the path satisfies it, a negative
 * one when none satisfies its positive form; String(value) for eq/in/cont, numbers compared as numbers and
 * strings as strings for gt/lt/gte/lte.
 */
import { escapeLeaf, type Filter, type FilterOperator } from '../domain/query';

export type LeafMatcher = (leafText: string) => boolean;

const POSITIVE: Partial<Record<FilterOperator, FilterOperator>> = { neq: 'eq', ncont: 'cont', nin: 'in' };
const UNESCAPES: Record<string, string> = { '\\\\': '\\', '\\n': '\n', '\\t': '\t' };

function unescapeLeaf(raw: string): string {
  return raw.includes('\\') ? raw.replace(/\\[\\nt]/g, (e) => UNESCAPES[e] as string) : raw;
}

/** Whether one leaf (its type letter and escaped text) satisfies a positive operator other than eq/in. */
function satisfies(type: string, raw: string, op: FilterOperator, values: string[]): boolean {
  switch (op) {
    case 'cont': {
      const text = unescapeLeaf(raw);
      return values.some((v) => text.includes(v));
    }
    case 'gt':
    case 'lt':
    case 'gte':
    case 'lte': {
      const v = values[0] as string;
      let c: number;
      if (type === 'n') {
        const n = Number(v);
        if (Number.isNaN(n)) return false;
        c = Math.sign(Number(raw) - n);
      } else if (type === 's') {
        const text = unescapeLeaf(raw);
        c = text < v ? -1 : text > v ? 1 : 0;
      } else return false;
      return op === 'gt' ? c > 0 : op === 'lt' ? c < 0 : op === 'gte' ? c >= 0 : c <= 0;
    }
    case 'eq':
    case 'in': // compared in place by equalAt
    case 'neq':
    case 'nin':
    case 'ncont': // leafMatcher asks for the positive form
      return false;
  }
}

/** Whether the value between `from` and `end` is one of `escaped` (eq, in), without cutting it out. */
function equalAt(text: string, from: number, end: number, escaped: string[]): boolean {
  return escaped.some((v) => v.length === end - from && text.startsWith(v, from));
}

/** The filter as a test on leaf texts. */
export function leafMatcher(filter: Filter): LeafMatcher {
  const terms = filter.map((t) => {
    const positive = POSITIVE[t.op];
    return {
      head: `\n${t.path.join('/')}\t`,
      op: positive ?? t.op,
      negative: positive !== undefined,
      values: t.values,
      escaped: t.values.map(escapeLeaf),
      equality: (positive ?? t.op) === 'eq' || (positive ?? t.op) === 'in',
    };
  });
  return (text) =>
    terms.every((t) => {
      let found = false;
      for (let at = text.indexOf(t.head); at >= 0;) {
        const from = at + t.head.length;
        const end = text.indexOf('\n', from);
        if (
          t.equality
            ? equalAt(text, from + 1, end, t.escaped)
            : satisfies(text[from] as string, text.slice(from + 1, end), t.op, t.values)
        ) {
          found = true;
          break;
        }
        at = text.indexOf(t.head, end);
      }
      return found !== t.negative;
    });
}
