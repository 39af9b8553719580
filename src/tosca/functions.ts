/**
 * TOSCA intrinsic functions (TOSCA Simple Profile 1.3, 4.3-4.5) in property values: get_input, get_property,
 * get_attribute, concat, join, token (and get_operation_output, get_artifact as unknown). A function is
 * resolved where its value is known at onboarding; where it is not, its value is an `Unknown`, which the
 * type checks accept and the model readers ignore. A function naming no input, node or property is an error
 * at the file, line and column of the value that uses it.
 *
 * @see TOSCA Simple Profile in YAML v1.3, clauses 4.3 (string functions), 4.4 (input), 4.5 (property)
 */
import type { SourceDiagnostic } from '../errors';
import type { Definitions, LoadedFile } from './definitions';
import { locate } from './yaml';

type Obj = Record<string, unknown>;
type Path = (string | number)[];
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

/** A value that is only known at deployment (get_attribute, an input without a default, ...). */
export class Unknown {
  constructor(readonly why: string) {}
}

export const FUNCTION_NAMES: readonly string[] = [
  'get_input',
  'get_property',
  'get_attribute',
  'concat',
  'join',
  'token',
  'get_operation_output',
  'get_artifact',
];

/** `{get_input: x}` as ['get_input', 'x']; undefined for any other value. */
export function functionOf(v: unknown): [string, unknown] | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  const name = keys[0];
  if (keys.length !== 1 || name === undefined || !FUNCTION_NAMES.includes(name)) return undefined;
  return [name, (v as Obj)[name]];
}

/** What the functions of one topology template can see. */
export interface Scope {
  defs: Definitions;
  file: LoadedFile;
  /** The topology's node templates as written. */
  nodes: Obj;
  /** The topology's input definitions. */
  inputs: Obj;
  /** Values given to inputs (a flavour's inputs from the top VNF and its flavour id); else their default. */
  inputValues: Obj;
  /** Property values a node has from elsewhere (a flavour's VNF node: the top VNF's properties). */
  extraProps?: Record<string, Obj>;
  out: SourceDiagnostic[];
}

const nodePath = (name: string, ...rest: Path): Path => ['topology_template', 'node_templates', name, ...rest];
const scalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Resolves the functions of one topology; a value reached twice is resolved (and reported) once. */
export class Resolver {
  private readonly cache = new Map<string, unknown>();
  private readonly visiting = new Set<string>();

  constructor(private readonly s: Scope) {}

  err(path: Path, message: string): Unknown {
    this.s.out.push({ file: this.s.file.path, ...locate(this.s.file.text, path), severity: 'error', message });
    return new Unknown(message);
  }

  /** The value at `path` (written as `raw`) with every function in it resolved; `self` is SELF's node. */
  at(path: Path, raw: unknown, self?: string): unknown {
    const key = JSON.stringify(path);
    if (this.cache.has(key)) return this.cache.get(key);
    if (this.visiting.has(key)) return this.err(path, 'get_property refers back to this value (a cycle)');
    this.visiting.add(key);
    const v = this.resolve(raw, path, self);
    this.visiting.delete(key);
    this.cache.set(key, v);
    return v;
  }

  private resolve(v: unknown, path: Path, self: string | undefined): unknown {
    const f = functionOf(v);
    if (f !== undefined) return this.call(f[0], f[1], path, self);
    if (Array.isArray(v)) return v.map((x, i) => this.resolve(x, [...path, i], self));
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.resolve(x, [...path, k], self)]));
    return v;
  }

  private call(name: string, args: unknown, path: Path, self: string | undefined): unknown {
    switch (name) {
      case 'get_input':
        return this.getInput(args, path);
      case 'get_property':
        return this.getProperty(args, path, self);
      case 'get_attribute':
        return this.getAttribute(args, path);
      case 'concat':
        return this.concat(args, path, self);
      case 'join':
        return this.join(args, path, self);
      case 'token':
        return this.token(args, path, self);
      default:
        return new Unknown(`${name} is known at deployment`);
    }
  }

  private getInput(args: unknown, path: Path): unknown {
    const [input, ...nested] = Array.isArray(args) ? (args as unknown[]) : [args];
    if (typeof input !== 'string') return this.err(path, 'get_input needs an input name');
    if (!Object.hasOwn(this.s.inputs, input)) {
      const declared = Object.keys(this.s.inputs);
      return this.err(
        path,
        `get_input: '${input}' is not an input of this topology_template ` +
          `(${declared.length > 0 ? `its inputs: ${declared.join(', ')}` : 'it declares no inputs'})`,
      );
    }
    const given = this.s.inputValues[input];
    const value = given !== undefined ? given : obj(this.s.inputs[input])['default'];
    if (value === undefined) return new Unknown(`input '${input}' has no default`);
    return this.nested(value, nested, path, `input '${input}'`);
  }

  private getAttribute(args: unknown, path: Path): unknown {
    const entity = Array.isArray(args) ? args[0] : undefined;
    if (typeof entity !== 'string' || !Array.isArray(args) || args.length < 2)
      return this.err(path, 'get_attribute needs [node, attribute, ...]');
    if (!['SELF', 'SOURCE', 'TARGET', 'HOST'].includes(entity) && !Object.hasOwn(this.s.nodes, entity))
      return this.err(path, `get_attribute: no node template '${entity}' in this topology_template`);
    return new Unknown('attributes are known at deployment');
  }

  private getProperty(args: unknown, path: Path, self: string | undefined): unknown {
    if (!Array.isArray(args) || args.length < 2 || !args.every((a) => typeof a === 'string' || typeof a === 'number'))
      return this.err(path, 'get_property needs [node, property, ...] (node: a template name, SELF, SOURCE or TARGET)');
    const [entity, ...rest] = args as Array<string | number>;
    if (entity === 'SOURCE' || entity === 'TARGET' || entity === 'HOST')
      return new Unknown(`${entity} is known in a relationship`);
    const node = entity === 'SELF' ? self : String(entity);
    if (node === undefined) return this.err(path, 'get_property: SELF is used outside a node template');
    if (!Object.hasOwn(this.s.nodes, node))
      return this.err(path, `get_property: no node template '${node}' in this topology_template`);
    return this.property(node, rest, path, 0);
  }

  /** A property of a node, of one of its capabilities, or of the node one of its requirements names. */
  private property(node: string, rest: Array<string | number>, path: Path, hops: number): unknown {
    const t = obj(this.s.nodes[node]);
    const props = obj(t['properties']);
    const [first, second] = rest;
    const name = String(first);
    if (Object.hasOwn(props, name))
      return this.nested(this.at(nodePath(node, 'properties', name), props[name], node), rest.slice(1), path, name);
    const extra = this.s.extraProps?.[node];
    if (extra !== undefined && Object.hasOwn(extra, name)) return this.nested(extra[name], rest.slice(1), path, name);
    const declared = this.s.defs.properties(String(t['type']))[name];
    if (declared !== undefined)
      return declared.default !== undefined
        ? this.nested(declared.default, rest.slice(1), path, name)
        : new Unknown(`property '${name}' of '${node}' has no value`);
    const cap = obj(t['capabilities'])[name];
    if (cap !== undefined && second !== undefined) {
      const cp = obj(obj(cap)['properties']);
      const p = String(second);
      if (!Object.hasOwn(cp, p))
        return this.err(path, `get_property: capability '${name}' of node '${node}' has no property '${p}'`);
      return this.nested(
        this.at(nodePath(node, 'capabilities', name, 'properties', p), cp[p], node),
        rest.slice(2),
        path,
        p,
      );
    }
    const target = requirementTarget(t, name);
    if (target !== undefined && Object.hasOwn(this.s.nodes, target) && rest.length > 1 && hops < 8)
      return this.property(target, rest.slice(1), path, hops + 1);
    return this.err(path, `get_property: node '${node}' has no property '${name}'`);
  }

  private nested(value: unknown, keys: Array<string | number> | unknown[], path: Path, what: string): unknown {
    let v = value;
    for (const k of keys) {
      if (v instanceof Unknown) return v;
      const next = Array.isArray(v) ? v[Number(k)] : obj(v)[String(k)];
      if (next === undefined) return this.err(path, `no '${String(k)}' in the value of ${what}`);
      v = next;
    }
    return v;
  }

  private parts(list: unknown, path: Path, self: string | undefined): Array<string | number | boolean> | Unknown {
    const vals = (Array.isArray(list) ? list : [list]).map((x) => this.resolve(x, path, self));
    const unknown = vals.find((x) => x instanceof Unknown);
    if (unknown !== undefined) return unknown as Unknown;
    if (!vals.every(scalar)) return this.err(path, 'concat, join and token take strings (or numbers)');
    return vals;
  }

  private concat(args: unknown, path: Path, self: string | undefined): unknown {
    if (!Array.isArray(args)) return this.err(path, 'concat needs a list of values');
    const parts = this.parts(args, path, self);
    return parts instanceof Unknown ? parts : parts.map(String).join('');
  }

  private join(args: unknown, path: Path, self: string | undefined): unknown {
    if (!Array.isArray(args) || args.length < 1 || args.length > 2 || !Array.isArray(args[0]))
      return this.err(path, 'join needs [ [values...], delimiter ]');
    const parts = this.parts(args[0], path, self);
    const delimiter = args.length === 2 ? this.resolve(args[1], path, self) : '';
    if (delimiter instanceof Unknown) return delimiter;
    return parts instanceof Unknown ? parts : parts.map(String).join(String(delimiter));
  }

  private token(args: unknown, path: Path, self: string | undefined): unknown {
    if (!Array.isArray(args) || args.length !== 3 || typeof args[1] !== 'string' || !Number.isInteger(args[2]))
      return this.err(path, 'token needs [string, separator characters, index]');
    const parts = this.parts([args[0]], path, self);
    if (parts instanceof Unknown) return parts;
    const seps = [...args[1]].map((c) => c.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('');
    const tokens = String(parts[0]).split(new RegExp(`[${seps}]`));
    const token = tokens[args[2] as number];
    if (token === undefined) return this.err(path, `token: no token ${String(args[2])} in '${String(parts[0])}'`);
    return token;
  }
}

/** The node a requirement of a template names: `- name: node` or `- name: {node: x}`. */
export function requirementTarget(t: Obj, name: string): string | undefined {
  const list = t['requirements'];
  if (!Array.isArray(list)) return undefined;
  for (const r of list) {
    const v = obj(r)[name];
    const target = typeof v === 'string' ? v : obj(v)['node'];
    if (typeof target === 'string') return target;
  }
  return undefined;
}

/** A copy of a resolved value without its unknown parts (what the model readers see). */
export function known(v: unknown): unknown {
  if (v instanceof Unknown) return undefined;
  if (Array.isArray(v)) return v.filter((x) => !(x instanceof Unknown)).map(known);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => !(x instanceof Unknown))
        .map(([k, x]) => [k, known(x)]),
    );
  return v;
}
