/**
 * The VNFD parser's shared pieces: loose readers of YAML values and the builder context the VDU and
 * policy readers use.
 */
import { posix } from 'node:path';
import type { SourceDiagnostic } from '../errors';
import type { PackageFiles } from './csar';
import type { Definitions, LoadedFile } from './definitions';

export type Obj = Record<string, unknown>;
export const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
export const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/**
 * What the node readers need of the model builder: the definitions, the flavour's file and its resolved
 * node templates and policies, the package's files and the diagnostics.
 */
export interface VnfdContext {
  readonly defs: Definitions;
  /** The file with the flavour's topology_template. */
  readonly file: LoadedFile;
  /** Its node templates, functions resolved (known values only). */
  readonly nodes: Obj;
  /** Its policies, each one's properties resolved (known values only). */
  readonly policies: unknown[];
  /** The files held in memory (YAML, Click, scripts). */
  readonly files: PackageFiles;
  readonly out: SourceDiagnostic[];
  /** True when the package has this file (held or not). */
  exists(path: string): boolean;
  /** A diagnostic at a YAML path of the flavour's file. */
  err(path: (string | number)[], message: string, severity?: 'error' | 'warning'): void;
  nodePath(name: string, ...rest: (string | number)[]): (string | number)[];
}

/** An artifact's `file` in the package: relative to the definitions file (TOSCA's rule, as in Tacker's packages). */
export function artifactPath(c: Pick<VnfdContext, 'file'>, file: string): string {
  return file.startsWith('/') ? file.slice(1) : posix.normalize(posix.join(posix.dirname(c.file.path), file));
}
