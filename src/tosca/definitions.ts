import { posix } from 'node:path';
import type { SourceDiagnostic } from '../errors';
import type { PackageFiles } from './csar';
import { ETSI_IMPORTS, type TypeLibrary } from './type-library';
import { loadYaml, locate } from './yaml';

/** A loaded TOSCA file: its parsed document, text (for positions) and where it came from. */
export interface LoadedFile {
  path: string;
  text: string;
  doc: Record<string, unknown>;
  fromLibrary: boolean;
}

export interface TypeDef {
  name: string;
  derived_from?: string;
  properties?: Record<
    string,
    { type?: string; required?: boolean; default?: unknown; constraints?: Array<Record<string, unknown>> }
  >;
  file: string;
}

const TYPE_SECTIONS = [
  'node_types',
  'data_types',
  'capability_types',
  'artifact_types',
  'policy_types',
  'relationship_types',
  'interface_types',
  'group_types',
] as const;
/** TOSCA's normative roots, known without a definition. */
const NORMATIVE_KINDS = /(nodes|datatypes|capabilities|artifacts|policies|relationships|interfaces|groups)/.source;
const NORMATIVE_NAMES = /(Root|Node|DependsOn|AttachesTo|Deployment(\.Image)?|Implementation|Placement)/.source;
const NORMATIVE = new RegExp(`^tosca\\.${NORMATIVE_KINDS}\\.${NORMATIVE_NAMES}$`);

/**
 * Loads the entry definitions and every import (relative ones from the package, ETSI's URLs and
 * our type file names from the project's tosca/), and collects the type definitions.
 */
/**
 * Files of types only (ETSI's SOL001 files, ours, a vendor's) parsed once per process: every package in Tacker's
 * layout carries the same ETSI files (1,800 lines). Kept frozen, so that no reader can change another's copy;
 * a file with a topology_template is parsed every time.
 */
// by name, then the whole text compared (a key of name + text cost a 100 KB concatenation and its hash per import)
const typeFiles = new Map<
  string,
  Array<{ text: string; parsed: { doc?: unknown; diagnostics: SourceDiagnostic[] } }>
>();
let typeFilesKept = 0;
const TYPE_FILES_KEPT = 64;

function loadTypesOnce(text: string, name: string): { doc?: unknown; diagnostics: SourceDiagnostic[] } {
  const kept = typeFiles.get(name)?.find((k) => k.text === text);
  if (kept !== undefined) return kept.parsed;
  const parsed = loadYaml(text, name);
  const doc = parsed.doc as Record<string, unknown> | undefined;
  if (parsed.diagnostics.length === 0 && doc !== null && typeof doc === 'object' && !('topology_template' in doc)) {
    if (typeFilesKept >= TYPE_FILES_KEPT) {
      typeFiles.clear();
      typeFilesKept = 0;
    }
    typeFiles.set(name, [...(typeFiles.get(name) ?? []), { text, parsed: { doc: deepFreeze(doc), diagnostics: [] } }]);
    typeFilesKept += 1;
  }
  return parsed;
}

/**
 * Parses the type library's files into the per-process cache ahead of the first package: a worker does it before
 * its first job, which would otherwise pay for ETSI's 1,800 lines (tens of ms, more on a cold process).
 */
export function warmTypeFiles(library: TypeLibrary): void {
  for (const [name, text] of library) loadTypesOnce(text, `tosca/${name}`);
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}

export class Definitions {
  readonly files: LoadedFile[] = [];
  readonly types = new Map<string, TypeDef>();

  constructor(
    private readonly pkg: PackageFiles,
    private readonly library: TypeLibrary,
    private readonly diagnostics: SourceDiagnostic[],
  ) {}

  load(path: string, text: string, fromLibrary: boolean, depth = 0): LoadedFile | undefined {
    const key = fromLibrary ? `tosca/${path}` : path;
    const seen = this.files.find((f) => (f.fromLibrary ? `tosca/${f.path}` : f.path) === key);
    if (seen !== undefined) return seen;
    const { doc, diagnostics } = loadTypesOnce(text, key);
    this.diagnostics.push(...diagnostics);
    if (doc === undefined || doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      if (diagnostics.length === 0)
        this.diagnostics.push({
          file: path,
          line: 1,
          column: 1,
          severity: 'error',
          message: 'a TOSCA file must be a mapping',
        });
      return undefined;
    }
    const file: LoadedFile = { path, text, doc: doc as Record<string, unknown>, fromLibrary };
    this.files.push(file);
    if (typeof file.doc['tosca_definitions_version'] !== 'string') {
      this.diagnostics.push({
        file: path,
        line: 1,
        column: 1,
        severity: 'error',
        message: 'tosca_definitions_version is missing',
      });
    }
    for (const section of TYPE_SECTIONS) {
      const defs = file.doc[section];
      if (defs === null || typeof defs !== 'object') continue;
      for (const [name, def] of Object.entries(defs as Record<string, unknown>)) {
        this.types.set(name, { ...(def as object), name, file: path } as TypeDef);
      }
    }
    const imports = file.doc['imports'];
    if (Array.isArray(imports) && depth < 16) {
      imports.forEach((imp, i) => this.resolveImport(file, imp, i, depth));
    }
    return file;
  }

  private resolveImport(from: LoadedFile, imp: unknown, index: number, depth: number): void {
    const target =
      typeof imp === 'string'
        ? imp
        : typeof imp === 'object' && imp !== null
          ? (imp as { file?: unknown }).file
          : undefined;
    const at = locate(from.text, ['imports', index]);
    const fail = (message: string): void =>
      void this.diagnostics.push({
        file: from.fromLibrary ? `tosca/${from.path}` : from.path,
        ...at,
        severity: 'error',
        message,
      });
    if (typeof target !== 'string') return fail('an import must be a file name or {file: ...}');
    const etsi = ETSI_IMPORTS[target];
    if (etsi !== undefined) return void this.load(etsi, this.library.get(etsi) as string, true, depth + 1);
    if (/^[a-z]+:\/\//i.test(target))
      return fail(
        `import ${target} cannot be resolved: only ETSI's SOL001 v2.6.1 URLs are known offline; ` +
          'put the file in the package',
      );
    const base = posix.basename(target);
    if (!from.fromLibrary) {
      const path = posix.normalize(posix.join(posix.dirname(from.path), target));
      const bytes = this.pkg.get(path);
      if (bytes !== undefined) return void this.load(path, bytes.toString('utf8'), false, depth + 1);
    }
    const lib = this.library.get(base);
    if (lib !== undefined) return void this.load(base, lib, true, depth + 1);
    fail(`import ${target} cannot be resolved: no such file in the package`);
  }

  isKnownType(name: string): boolean {
    return this.types.has(name) || NORMATIVE.test(name);
  }

  /** True when `type` is `base` or derives from it. */
  derives(type: string | undefined, base: string): boolean {
    for (let t = type, i = 0; t !== undefined && i < 32; i++) {
      if (t === base) return true;
      t = this.types.get(t)?.derived_from;
    }
    return false;
  }

  /** Every property definition of a type, inherited ones included (the nearest wins). */
  properties(type: string): NonNullable<TypeDef['properties']> {
    const chain: TypeDef[] = [];
    for (let t: string | undefined = type, i = 0; t !== undefined && i < 32; i++) {
      const def = this.types.get(t);
      if (def === undefined) break;
      chain.unshift(def);
      t = def.derived_from;
    }
    return Object.assign({}, ...chain.map((d) => d.properties ?? {})) as NonNullable<TypeDef['properties']>;
  }
}
