import yaml from 'js-yaml';
import type { SourceDiagnostic } from '../errors';

/** Limits against hostile YAML. */
export const YAML_LIMITS = {
  /** bytes of one YAML file */
  maxBytes: 2 * 1024 * 1024,
  /** nodes after alias expansion (a billion-laughs document shares nodes; walking them expands) */
  maxNodes: 200_000,
  /** alias uses (`*name`) in one file; VNFDs rarely use any */
  maxAliases: 10_000,
  /**
   * a string brought in by an alias weighs one node per this many characters (js-yaml joins aliased
   * strings in sequence keys)
   */
  charsPerNode: 64,
};

/** A limit passed while js-yaml loads: thrown from its listener to stop the load at once. */
class YamlLimit extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** What the listener of js-yaml is given (the loader state; only what is read here). */
interface LoaderState {
  input: string;
  position: number;
  result: unknown;
}

/** The offset of the first character of a node that starts at `from`: spaces, line breaks and comments skipped. */
function nodeStart(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') i += 1;
    else if (c === '#') while (i < text.length && text[i] !== '\n') i += 1;
    else break;
  }
  return i;
}

/**
 * Counts alias uses while js-yaml loads, each weighted by the size its target expands to (shared
 * nodes counted once per use, computed once per node), and stops the load at the alias that
 * passes a limit, so the diagnostic points at it and nothing is expanded first.
 */
function aliasGuard(): (event: string, state: LoaderState) => void {
  const opens: number[] = [];
  const counted = new Set<number>();
  const weights = new WeakMap<object, number>();
  const inProgress = new WeakSet<object>();
  let aliases = 0;
  let expanded = 0;
  const cap = YAML_LIMITS.maxNodes + 1;
  const weight = (v: unknown, at: number): number => {
    if (typeof v === 'string') return 1 + Math.floor(v.length / YAML_LIMITS.charsPerNode);
    if (v === null || typeof v !== 'object') return 1;
    const known = weights.get(v);
    if (known !== undefined) return known;
    // an alias to a node that contains it: any walk of the document would never end
    if (inProgress.has(v))
      throw new YamlLimit(at, 'the alias refers to a node that contains it (recursive YAML alias)');
    inProgress.add(v);
    let w = 1;
    for (const x of Array.isArray(v) ? v : Object.values(v)) {
      w = Math.min(cap, w + weight(x, at));
      if (w >= cap) break;
    }
    inProgress.delete(v);
    weights.set(v, w);
    return w;
  };
  return (event, state) => {
    if (event === 'open') return void opens.push(state.position);
    const from = opens.pop() ?? state.position;
    const at = nodeStart(state.input, from);
    // js-yaml may compose a node twice (it backtracks); an alias is counted once, by where it is
    if (state.input[at] !== '*' || counted.has(at)) return;
    counted.add(at);
    aliases += 1;
    if (aliases > YAML_LIMITS.maxAliases)
      throw new YamlLimit(at, `the file uses more than ${YAML_LIMITS.maxAliases} aliases (YAML alias bomb?)`);
    expanded += weight(state.result, at);
    if (expanded > YAML_LIMITS.maxNodes)
      throw new YamlLimit(
        at,
        `the document expands to more than ${YAML_LIMITS.maxNodes} nodes (YAML alias bomb?): ` +
          'this alias passes the limit',
      );
  };
}

/**
 * Loads one YAML document with js-yaml (core schema, no custom tags), with a size limit and
 * limits on alias uses and on their expansion, checked while loading (alias bombs stop at the
 * alias that passes the limit). Errors are diagnostics at the file's line and column.
 */
export function loadYaml(text: string, file: string): { doc?: unknown; diagnostics: SourceDiagnostic[] } {
  const diag = (line: number, column: number, message: string): SourceDiagnostic => ({
    file,
    line,
    column,
    severity: 'error',
    message,
  });
  if (Buffer.byteLength(text) > YAML_LIMITS.maxBytes)
    return { diagnostics: [diag(1, 1, `the file is larger than ${YAML_LIMITS.maxBytes} bytes`)] };
  let doc: unknown;
  try {
    doc = yaml.load(text, {
      filename: file,
      schema: yaml.CORE_SCHEMA,
      json: false,
      listener: aliasGuard() as (this: yaml.State, eventType: yaml.EventType, state: yaml.State) => void,
    });
  } catch (err) {
    if (err instanceof YamlLimit) {
      const at = position(text, err.offset);
      return { diagnostics: [diag(at.line, at.column, err.message)] };
    }
    if (err instanceof yaml.YAMLException) {
      const m = err.mark as { line?: number; column?: number } | undefined;
      return { diagnostics: [diag((m?.line ?? 0) + 1, (m?.column ?? 0) + 1, `YAML syntax: ${err.reason}`)] };
    }
    throw err;
  }
  // the whole document as a consumer would walk it (aliases expanded), stopping at the limit:
  // a backstop for what the alias count cannot see
  let nodes = 0;
  const stack: unknown[] = [doc];
  while (stack.length > 0) {
    const v = stack.pop();
    nodes += 1;
    if (nodes > YAML_LIMITS.maxNodes) {
      const alias = /(?:^|[\s,[{:-])\*[^\s,[\]{}]/m.exec(text);
      const at = alias === null ? { line: 1, column: 1 } : position(text, alias.index + alias[0].indexOf('*'));
      return {
        diagnostics: [
          diag(
            at.line,
            at.column,
            `the document expands to more than ${YAML_LIMITS.maxNodes} nodes (YAML alias bomb?)`,
          ),
        ],
      };
    }
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) stack.push(x);
  }
  return { doc, diagnostics: [] };
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * Where a mapping key path is written in block-style YAML, found by indentation (VNFDs are
 * block-style). Falls back to the nearest ancestor that is found, then to line 1.
 *
 * @example
 * locate(text, ['topology_template', 'node_templates', 'click_vdu', 'properties'])
 */
export function locate(text: string, path: readonly (string | number)[]): { line: number; column: number } {
  const lines = text.split('\n');
  let from = 0;
  let to = lines.length;
  let indent = -1;
  let found = { line: 1, column: 1 };
  for (const seg of path) {
    let hit = -1;
    if (typeof seg === 'number') {
      // the seg-th list item directly in the block
      let n = -1;
      for (let i = from; i < to; i++) {
        const m = /^(\s*)- /.exec(lines[i] as string);
        if (m !== null && (m[1] as string).length > indent && (indent < 0 || (m[1] as string).length <= indent + 4)) {
          n += 1;
          if (n === seg) {
            hit = i;
            found = { line: i + 1, column: (m[1] as string).length + 3 };
            indent = (m[1] as string).length;
            break;
          }
        }
      }
    } else {
      const key = seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const re = new RegExp(`^(\\s*(?:- )?)(?:${key}|'${key}'|"${key}")\\s*:`);
      for (let i = from; i < to; i++) {
        const m = re.exec(lines[i] as string);
        if (m !== null && (m[1] as string).length > indent) {
          hit = i;
          found = { line: i + 1, column: (m[1] as string).length + 1 };
          indent = (m[1] as string).length;
          break;
        }
      }
    }
    if (hit < 0) return found;
    from = hit;
    // the block ends at the next line indented no deeper than this key
    let end = lines.length;
    for (let i = hit + 1; i < lines.length; i++) {
      const l = lines[i] as string;
      if (l.trim() === '' || l.trim().startsWith('#')) continue;
      if ((/^(\s*)/.exec(l)?.[1] ?? '').length <= indent && !/^\s*- /.test(l.slice(indent))) {
        end = i;
        break;
      }
    }
    to = end;
  }
  return found;
}
