/**
 * SOL013 attribute selectors: all_fields, fields, exclude_fields, exclude_default.
 *
 * - none given, or exclude_default alone: the resource's default-excluded attributes are removed;
 * - all_fields: everything;
 * - fields=a,b/c: as exclude_default, plus the listed (complex) attributes, also inside the
 *   default-excluded ones (`fields=instantiatedVnfInfo/vnfState` brings back just that);
 * - exclude_fields=a,b/c: everything but the listed attributes;
 * - all_fields with any other, or fields with exclude_fields: invalid.
 *
 * @see ETSI GS NFV-SOL 013 v2.6.1 clause 5.3
 */

export interface SelectorParams {
  all_fields?: string;
  fields?: string;
  exclude_fields?: string;
  exclude_default?: string;
}

export type Selector =
  | { kind: 'default' }
  | { kind: 'all' }
  | { kind: 'fields'; include: string[][] }
  | { kind: 'exclude'; exclude: string[][] };

export class SelectorError extends Error {
  constructor(
    message: string,
    readonly parameter: string,
  ) {
    super(message);
    this.name = 'SelectorError';
  }
}

/** Parses the selector query parameters; throws SelectorError naming the bad parameter. */
export function parseSelector(q: SelectorParams): Selector {
  const has = (k: keyof SelectorParams): boolean => q[k] !== undefined;
  if (has('all_fields') && (has('fields') || has('exclude_fields') || has('exclude_default'))) {
    throw new SelectorError(
      'all_fields cannot be combined with fields, exclude_fields or exclude_default',
      'all_fields',
    );
  }
  if (has('fields') && has('exclude_fields')) {
    throw new SelectorError('fields and exclude_fields cannot be combined', 'exclude_fields');
  }
  if (has('exclude_fields') && has('exclude_default')) {
    throw new SelectorError('exclude_fields and exclude_default cannot be combined', 'exclude_default');
  }
  if (has('all_fields')) return { kind: 'all' };
  if (q.fields !== undefined) return { kind: 'fields', include: paths(q.fields, 'fields') };
  if (q.exclude_fields !== undefined) return { kind: 'exclude', exclude: paths(q.exclude_fields, 'exclude_fields') };
  return { kind: 'default' };
}

/** Names that lead into a prototype; no SOL attribute is called so, and no path may pass through one. */
export const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function paths(list: string, parameter: string): string[][] {
  const out = list.split(',').map((p) => p.trim().split('/'));
  if (out.some((p) => p.some((s) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)))) {
    throw new SelectorError(`'${cut(list)}' is not a comma-separated list of attribute names`, parameter);
  }
  const bad = out.flat().find((s) => PROTOTYPE_NAMES.has(s));
  if (bad !== undefined) throw new SelectorError(`'${bad}' is not an attribute name that may be selected`, parameter);
  return out;
}

function cut(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

function own(rec: Record<string, unknown>, key: string): boolean {
  return Object.hasOwn(rec, key) && !PROTOTYPE_NAMES.has(key);
}

/** Applies a selector to one document (a deep copy is returned; the input is not touched). */
export function applySelector<T extends object>(
  doc: T,
  selector: Selector,
  defaultExcludes: readonly string[],
): Partial<T> {
  const copy = structuredClone(doc) as Record<string, unknown>;
  switch (selector.kind) {
    case 'all':
      return copy as Partial<T>;
    case 'exclude':
      for (const p of selector.exclude) removePath(copy, p);
      return copy as Partial<T>;
    case 'default':
    case 'fields': {
      const full = structuredClone(doc) as Record<string, unknown>;
      for (const key of defaultExcludes) delete copy[key];
      if (selector.kind === 'fields') for (const p of selector.include) copyPath(full, copy, p);
      return copy as Partial<T>;
    }
  }
}

function removePath(obj: unknown, path: readonly string[]): void {
  if (Array.isArray(obj)) {
    for (const v of obj) removePath(v, path);
    return;
  }
  if (obj === null || typeof obj !== 'object' || path.length === 0) return;
  const rec = obj as Record<string, unknown>;
  const [head, ...rest] = path as [string, ...string[]];
  if (!own(rec, head)) return;
  if (rest.length === 0) delete rec[head];
  else removePath(rec[head], rest);
}

function copyPath(from: unknown, to: Record<string, unknown>, path: readonly string[]): void {
  if (from === null || typeof from !== 'object' || Array.isArray(from)) return;
  const src = from as Record<string, unknown>;
  const [head, ...rest] = path as [string, ...string[]];
  if (!own(src, head)) return;
  const child = src[head];
  if (rest.length === 0 || Array.isArray(child)) {
    to[head] = child;
    return;
  }
  // a path that goes on below a scalar selects nothing more (and must not replace the scalar)
  if (child === null || typeof child !== 'object') return;
  const existing = Object.hasOwn(to, head) ? to[head] : undefined;
  const next = (existing !== null && typeof existing === 'object' ? existing : (to[head] = {})) as Record<
    string,
    unknown
  >;
  copyPath(child, next, rest);
}
