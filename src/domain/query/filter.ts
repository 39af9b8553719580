import { PROTOTYPE_NAMES } from './selectors';

/**
 * SOL013 attribute-based filtering: `filter=(eq,vnfdId,abc);(in,instantiationState,A,B)`.
 *
 * Terms are separated by `;` and must all match. Attribute names are paths with `/` between the
 * levels. A value holding `,` `(` `)` or `'` is written in single quotes, a quote inside doubled.
 * Where a path goes through an array, a positive operator matches when any element matches; the
 * negative operators (neq, ncont, nin) match when no element matches the positive form. A missing
 * attribute matches only the negative operators.
 *
 * @see ETSI GS NFV-SOL 013 v2.6.1 clause 5.2
 */

export const FILTER_OPERATORS = ['eq', 'neq', 'gt', 'lt', 'gte', 'lte', 'cont', 'ncont', 'in', 'nin'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export interface FilterTerm {
  op: FilterOperator;
  path: string[];
  values: string[];
}

export type Filter = readonly FilterTerm[];

/** A filter expression that cannot be parsed; `position` is the 0-based offset in the expression. */
export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'FilterSyntaxError';
  }
}

const SINGLE_VALUE: ReadonlySet<FilterOperator> = new Set(['gt', 'lt', 'gte', 'lte']);
const NEGATIVE: Partial<Record<FilterOperator, FilterOperator>> = { neq: 'eq', ncont: 'cont', nin: 'in' };

/**
 * Parses a filter expression.
 *
 * @example
 * parseFilter("(eq,instantiationState,INSTANTIATED);(cont,vnfInstanceName,'a,b')")
 */
export function parseFilter(expr: string): Filter {
  const terms: FilterTerm[] = [];
  let i = 0;
  if (expr.trim() === '') throw new FilterSyntaxError('the filter is empty', 0);
  while (i < expr.length) {
    if (expr[i] !== '(') throw new FilterSyntaxError(`expected '(' at offset ${i}, found '${expr[i] ?? ''}'`, i);
    const start = i;
    i += 1;
    const parts: string[] = [];
    let current = '';
    let closed = false;
    while (i < expr.length) {
      const ch = expr[i] as string;
      if (ch === "'") {
        const end = readQuoted(expr, i);
        current += end.value;
        i = end.next;
        continue;
      }
      if (ch === ',') {
        parts.push(current);
        current = '';
      } else if (ch === ')') {
        parts.push(current);
        closed = true;
        i += 1;
        break;
      } else if (ch === '(') {
        throw new FilterSyntaxError(`unexpected '(' at offset ${i}: quote values that contain parentheses`, i);
      } else {
        current += ch;
      }
      i += 1;
    }
    if (!closed) throw new FilterSyntaxError(`the term starting at offset ${start} has no closing ')'`, start);
    terms.push(toTerm(parts, start));
    if (i < expr.length) {
      if (expr[i] !== ';') throw new FilterSyntaxError(`expected ';' between terms at offset ${i}`, i);
      i += 1;
      if (i >= expr.length) throw new FilterSyntaxError(`a term is missing after ';' at offset ${i - 1}`, i - 1);
    }
  }
  return terms;
}

function readQuoted(expr: string, open: number): { value: string; next: number } {
  let value = '';
  let i = open + 1;
  while (i < expr.length) {
    if (expr[i] === "'") {
      if (expr[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, next: i + 1 };
    }
    value += expr[i];
    i += 1;
  }
  throw new FilterSyntaxError(`the quoted value starting at offset ${open} is not closed`, open);
}

function toTerm(parts: string[], at: number): FilterTerm {
  const [opText, attr, ...values] = parts;
  if (opText === undefined || !(FILTER_OPERATORS as readonly string[]).includes(opText)) {
    throw new FilterSyntaxError(
      `unknown operator '${opText ?? ''}' at offset ${at + 1}; expected one of ${FILTER_OPERATORS.join(', ')}`,
      at + 1,
    );
  }
  const op = opText as FilterOperator;
  if (attr === undefined || attr === '') throw new FilterSyntaxError(`the term at offset ${at} names no attribute`, at);
  const path = attr.split('/');
  if (path.some((p) => p === '' || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(p))) {
    throw new FilterSyntaxError(`'${attr.slice(0, 200)}' at offset ${at} is not a valid attribute name`, at);
  }
  const bad = path.find((p) => PROTOTYPE_NAMES.has(p));
  if (bad !== undefined)
    throw new FilterSyntaxError(`'${bad}' at offset ${at} is not an attribute name that may be filtered on`, at);
  if (values.length === 0) throw new FilterSyntaxError(`the term (${op},${attr}) at offset ${at} has no value`, at);
  if (SINGLE_VALUE.has(op) && values.length !== 1) {
    throw new FilterSyntaxError(`operator '${op}' takes exactly one value (offset ${at})`, at);
  }
  return { op, path, values };
}

/** True when the document matches every term. */
export function matchesFilter(doc: unknown, filter: Filter): boolean {
  return filter.every((t) => matchesTerm(doc, t));
}

function matchesTerm(doc: unknown, term: FilterTerm): boolean {
  const positive = NEGATIVE[term.op];
  const found = collect(doc, term.path, 0);
  if (positive !== undefined) return !found.some((v) => compare(v, positive, term.values));
  return found.some((v) => compare(v, term.op, term.values));
}

/** Every leaf value at `path`, flattening arrays along the way. */
function collect(value: unknown, path: readonly string[], depth: number): unknown[] {
  if (Array.isArray(value)) return value.flatMap((v) => collect(v, path, depth));
  if (depth === path.length) return value === undefined ? [] : [value];
  if (value === null || typeof value !== 'object') return [];
  const key = path[depth] as string;
  // own properties only: a path never reads through a prototype
  if (!Object.hasOwn(value, key)) return [];
  return collect((value as Record<string, unknown>)[key], path, depth + 1);
}

function compare(actual: unknown, op: FilterOperator, values: readonly string[]): boolean {
  if (actual === null || typeof actual === 'object') return false;
  const text = String(actual);
  switch (op) {
    case 'eq':
    case 'in':
      return values.some((v) => text === v);
    case 'cont':
      return values.some((v) => text.includes(v));
    case 'gt':
    case 'lt':
    case 'gte':
    case 'lte': {
      const c = order(actual, values[0] as string);
      if (c === undefined) return false;
      return op === 'gt' ? c > 0 : op === 'lt' ? c < 0 : op === 'gte' ? c >= 0 : c <= 0;
    }
    case 'neq':
    case 'nin':
    case 'ncont':
      return false; // negative operators are handled by matchesTerm
  }
}

function order(actual: unknown, value: string): number | undefined {
  if (typeof actual === 'number') {
    const n = Number(value);
    return Number.isNaN(n) ? undefined : Math.sign(actual - n);
  }
  if (typeof actual !== 'string') return undefined;
  return actual < value ? -1 : actual > value ? 1 : 0;
}

/**
 * A cheap necessary condition on a document's JSON text: false when the document cannot match,
 * so a scan can skip JSON.parse for it. Only the positive text operators (eq, in, cont) are used;
 * every other term passes.
 *
 * @example
 * const pre = textPrefilter(parseFilter('(eq,vnfdId,nat)'));
 * pre('{"vnfdId":"fw"}') // false: no need to parse
 */
export function textPrefilter(filter: Filter): (json: string) => boolean {
  const needles = textNeedles(filter);
  if (needles.length === 0) return () => true;
  return (json) => needles.every((alts) => alts.some((n) => json.includes(n)));
}

/** The needle groups of textPrefilter: a document can match only if every group has a needle in its JSON text. */
export function textNeedles(filter: Filter): string[][] {
  const needles: string[][] = [];
  for (const t of filter) {
    if (t.op !== 'eq' && t.op !== 'in' && t.op !== 'cont') continue;
    needles.push(
      t.values.map((v) => {
        const escaped = JSON.stringify(v).slice(1, -1);
        // a value that could be a JSON number/boolean is looked for bare; any other as a whole string
        return t.op === 'cont' || /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false)$/.test(v) ? escaped : `"${escaped}"`;
      }),
    );
  }
  return needles;
}
