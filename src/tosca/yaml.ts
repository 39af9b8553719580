import yaml from 'js-yaml';
import type { SourceDiagnostic } from '../errors';

/** Limits against hostile YAML. */
export const YAML_LIMITS = {
  /** bytes of one YAML file */
  maxBytes: 2 * 1024 * 1024,
  /** nodes after alias expansion (a billion-laughs document shares nodes; walking them expands) */
  maxNodes: 200_000,
};

/**
 * Loads one YAML document with js-yaml (core schema, no custom tags), with a size limit and an
 * expansion limit against alias bombs. Errors are diagnostics at the file's line and column.
 */
export function loadYaml(text: string, file: string): { doc?: unknown; diagnostics: SourceDiagnostic[] } {
  const diag = (line: number, column: number, message: string): SourceDiagnostic => ({ file, line, column, severity: 'error', message });
  if (Buffer.byteLength(text) > YAML_LIMITS.maxBytes) return { diagnostics: [diag(1, 1, `the file is larger than ${YAML_LIMITS.maxBytes} bytes`)] };
  let doc: unknown;
  try {
    doc = yaml.load(text, { filename: file, schema: yaml.CORE_SCHEMA, json: false });
  } catch (err) {
    if (err instanceof yaml.YAMLException) {
      const m = err.mark as { line?: number; column?: number } | undefined;
      return { diagnostics: [diag((m?.line ?? 0) + 1, (m?.column ?? 0) + 1, `YAML syntax: ${err.reason}`)] };
    }
    throw err;
  }
  // count nodes as a consumer would see them (aliases expanded), stopping at the limit
  let nodes = 0;
  const stack: unknown[] = [doc];
  while (stack.length > 0) {
    const v = stack.pop();
    nodes += 1;
    if (nodes > YAML_LIMITS.maxNodes) {
      const alias = text.indexOf('*');
      const at = alias < 0 ? { line: 1, column: 1 } : position(text, alias);
      return { diagnostics: [diag(at.line, at.column, `the document expands to more than ${YAML_LIMITS.maxNodes} nodes (YAML alias bomb?)`)] };
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
