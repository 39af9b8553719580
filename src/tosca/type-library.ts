import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** ETSI's well-known import URLs, resolved to the project's own files so parsing needs no network. */
export const ETSI_IMPORTS: Readonly<Record<string, string>> = {
  'https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_common_types.yaml':
    'etsi_nfv_sol001_common_types.yaml',
  'https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_vnfd_types.yaml': 'etsi_nfv_sol001_vnfd_types.yaml',
};

/** The file names of ETSI's files (ETSI_IMPORTS' values): never copied into a package from our library. */
export const ETSI_FILES: ReadonlySet<string> = new Set(Object.values(ETSI_IMPORTS));

/** The type files shipped in tosca/, by file name. */
export type TypeLibrary = ReadonlyMap<string, string>;

/** Finds the project's tosca/ folder from here (src/tosca in tests, dist/src/tosca when built). */
export function defaultToscaDir(start = __dirname): string {
  let d = start;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(d, 'tosca', 'clickosv_types.yaml'))) return join(d, 'tosca');
    d = dirname(d);
  }
  throw new Error(`the tosca/ type definitions were not found above ${start}`);
}

export function loadTypeLibrary(dir = defaultToscaDir()): TypeLibrary {
  const lib = new Map<string, string>();
  for (const f of readdirSync(dir)) if (f.endsWith('.yaml')) lib.set(f, readFileSync(join(dir, f), 'utf8'));
  return lib;
}
