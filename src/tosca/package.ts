import type { SourceDiagnostic } from '../errors';
import { readCsar, readPackageDir, zipFiles, type PackageFiles } from './csar';
import { parseToscaMeta, writeManifest } from './manifest';
import type { ParseResult, VnfdModel } from './model';
import { ETSI_FILES, type TypeLibrary } from './type-library';
import { parsePackage } from './vnfd-parser';

/**
 * Validates a package given as CSAR bytes or as its file map.
 *
 * @example
 * const { model, diagnostics } = await validatePackage(csarBytes, library);
 */
export async function validatePackage(
  input: Buffer | PackageFiles,
  library: TypeLibrary,
  name = 'package.csar',
): Promise<ParseResult & { files?: PackageFiles }> {
  let files: PackageFiles;
  if (Buffer.isBuffer(input)) {
    const r = await readCsar(input, name);
    if (r.files === undefined) return { diagnostics: r.diagnostics };
    files = r.files;
  } else {
    files = input;
  }
  const res = parsePackage(files, library);
  return { ...res, files };
}

/**
 * Builds a CSAR from a package source directory: adds the project's type files that the VNFD
 * imports by file name (so Tacker and other VNFMs get them too), writes TOSCA-Metadata/TOSCA.meta if
 * missing, and a manifest with the SHA-256 of every file.
 */
export async function buildPackage(
  dir: string,
  library: TypeLibrary,
): Promise<{ csar?: Buffer; files?: PackageFiles; model?: VnfdModel; diagnostics: SourceDiagnostic[] }> {
  const read = readPackageDir(dir);
  if (read.files === undefined) return { diagnostics: read.diagnostics };
  return assemblePackage(read.files, library, dir);
}

/** buildPackage() on files already in memory (the map is completed in place). */
export async function assemblePackage(
  files: PackageFiles,
  library: TypeLibrary,
  dir = 'package',
): Promise<{ csar?: Buffer; files?: PackageFiles; model?: VnfdModel; diagnostics: SourceDiagnostic[] }> {
  for (const p of [...files.keys()]) if (p.endsWith('.mf') || p.endsWith('.csar')) files.delete(p);
  let meta = files.get('TOSCA-Metadata/TOSCA.meta')?.toString('utf8');
  let entry = meta === undefined ? undefined : parseToscaMeta(meta)['Entry-Definitions'];
  if (entry === undefined) {
    entry = [...files.keys()].find((p) => p.startsWith('Definitions/') && /_vnfd\.ya?ml$/.test(p));
    if (entry === undefined)
      return {
        diagnostics: [
          {
            file: dir,
            line: 1,
            column: 1,
            severity: 'error',
            message: 'no TOSCA-Metadata/TOSCA.meta and no Definitions/*_vnfd.yaml to use as Entry-Definitions',
          },
        ],
      };
  }
  const manifestName = `${
    entry
      .split('/')
      .pop()
      ?.replace(/\.ya?ml$/, '') ?? 'vnfd'
  }.mf`.replace(/_vnfd\.mf$/, '.mf');
  if (meta === undefined) {
    meta = [
      'TOSCA-Meta-File-Version: 1.0',
      'CSAR-Version: 1.1',
      'Created-By: click-osv-vnfm',
      `Entry-Definitions: ${entry}`,
      `ETSI-Entry-Manifest: ${manifestName}`,
      '',
    ].join('\n');
    files.set('TOSCA-Metadata/TOSCA.meta', Buffer.from(meta));
  }
  const manifest = parseToscaMeta(meta)['ETSI-Entry-Manifest'] ?? manifestName;
  // our type files imported by name travel with the package; ETSI's are imported by URL and never copied
  // (a subset under ETSI's file name would shadow ETSI's definitions in Tacker)
  const defsDir = entry.includes('/') ? entry.slice(0, entry.lastIndexOf('/') + 1) : '';
  for (const [name, text] of library) {
    if (!ETSI_FILES.has(name) && !files.has(`${defsDir}${name}`)) files.set(`${defsDir}${name}`, Buffer.from(text));
  }
  const listed = new Map([...files].filter(([p]) => p !== 'TOSCA-Metadata/TOSCA.meta'));
  const vnfd = files.get(entry)?.toString('utf8') ?? '';
  const provider = /provider:\s*(.+)/.exec(vnfd)?.[1]?.trim() ?? 'unknown';
  const product = /product_name:\s*(.+)/.exec(vnfd)?.[1]?.trim() ?? 'unknown';
  const version = /software_version:\s*'?([^'\n]+)'?/.exec(vnfd)?.[1]?.trim() ?? '1.0';
  files.set(
    manifest,
    Buffer.from(
      writeManifest(listed, {
        vnf_provider_id: provider,
        vnf_product_name: product,
        vnf_release_date_time: '2026-11-23T00:00:00+00:00',
        vnf_package_version: version,
      }),
    ),
  );
  const res = parsePackage(files, library);
  if (res.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: res.diagnostics };
  return {
    csar: await zipFiles(files),
    files,
    ...(res.model !== undefined ? { model: res.model } : {}),
    diagnostics: res.diagnostics,
  };
}
