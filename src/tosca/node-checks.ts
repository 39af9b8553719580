import type { SourceDiagnostic } from '../errors';
import type { Definitions, LoadedFile } from './definitions';
import { Unknown } from './functions';
import { locate } from './yaml';

/**
 * Checks a template's properties against its type: required ones present, primitive types
 * (string, integer, boolean, float) right, `valid_values` respected, no property the type lacks. Values are
 * checked after their functions are resolved (topology.ts); an `Unknown` one is accepted.
 */
export function checkProperties(
  defs: Definitions,
  file: LoadedFile,
  path: (string | number)[],
  type: string,
  props: Record<string, unknown> | undefined,
  out: SourceDiagnostic[],
): void {
  const declared = defs.properties(type);
  const at = (p: (string | number)[]): { line: number; column: number } => locate(file.text, p);
  const err = (p: (string | number)[], message: string): void =>
    void out.push({ file: file.path, ...at(p), severity: 'error', message });
  for (const [name, def] of Object.entries(declared)) {
    const v = props?.[name];
    if (v === undefined) {
      if (def.required !== false && def.default === undefined) err(path, `property '${name}' of ${type} is required`);
      continue;
    }
    // a function whose value is only known at deployment (its own problems are reported where it is resolved)
    if (v instanceof Unknown) continue;
    const where = [...path, 'properties', name];
    const t = def.type;
    if (t === 'string' && typeof v !== 'string')
      err(where, `property '${name}' must be a string, got ${JSON.stringify(v)}`);
    else if (t === 'integer' && !Number.isInteger(v))
      err(where, `property '${name}' must be an integer, got ${JSON.stringify(v)}`);
    else if (t === 'boolean' && typeof v !== 'boolean')
      err(where, `property '${name}' must be true or false, got ${JSON.stringify(v)}`);
    else if (t === 'list' && !Array.isArray(v)) err(where, `property '${name}' must be a list`);
    else if (t !== undefined && defs.types.has(t) && (v === null || typeof v !== 'object' || Array.isArray(v)))
      err(where, `property '${name}' must be a ${t} (a mapping)`);
    else if (t !== undefined && defs.types.has(t))
      checkProperties(defs, file, where, t, v as Record<string, unknown>, out);
    for (const c of def.constraints ?? []) {
      const valid = c['valid_values'];
      if (Array.isArray(valid) && !valid.includes(v))
        err(where, `property '${name}' must be one of ${valid.join(', ')}, got ${JSON.stringify(v)}`);
    }
  }
  for (const name of Object.keys(props ?? {})) {
    if (!(name in declared) && Object.keys(declared).length > 0)
      err([...path, 'properties', name], `${type} has no property '${name}'`);
  }
}
