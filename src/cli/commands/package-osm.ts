import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatDiagnostic } from '../../errors';
import { readPackageDir, type VnfdModel } from '../../tosca';
// not through tosca/index: a `package validate` loads none of the OSM writer (nor TypeBox)
import { buildOsmPackage } from '../../tosca/osm-package';
import { osmSchemaErrors } from '../../tosca/osm-types';
import { OSM_CHARM } from '../../tosca/osm-day1';
import type { CommandIo } from './click';

/** Finds the project's proxy charm (osm/charms/clickosv-proxy) from here (src/cli/commands, or under dist/). */
export function defaultCharmDir(start = __dirname): string | undefined {
  let d = start;
  for (let i = 0; i < 7; i++) {
    const c = join(d, 'osm', 'charms', OSM_CHARM);
    if (existsSync(join(c, 'metadata.yaml'))) return c;
    d = dirname(d);
  }
  return undefined;
}

/** The charm's files by relative path (readPackageDir's walk: symbolic links refused), Python's caches left out. */
function readCharm(dir: string, io: CommandIo): Map<string, Buffer> | undefined {
  const read = readPackageDir(dir);
  for (const d of read.diagnostics) io.err(`${dir}/${formatDiagnostic(d)}\n`);
  if (read.files === undefined) return undefined;
  return new Map([...read.files].filter(([p]) => !p.split('/').includes('__pycache__') && !p.endsWith('.pyc')));
}

export interface OsmBuildOptions {
  /** the proxy charm's folder; false: no charm (day 0 by cloud-init only) */
  charm?: string | false;
}

/**
 * `package build <dir> --target osm -o <file.tar.gz>`: the package (already assembled and checked as a CSAR) as an
 * OSM VNF package, from the model that check parsed. The descriptor is checked against our schema of what OSM reads.
 */
export function writeOsmPackage(
  model: VnfdModel,
  output: string,
  io: CommandIo,
  options: OsmBuildOptions = {},
): number {
  const charmDir = options.charm === false ? undefined : (options.charm ?? defaultCharmDir());
  if (options.charm !== false && charmDir === undefined) {
    io.err(`the proxy charm osm/charms/${OSM_CHARM} was not found: give --charm <dir>, or --no-charm\n`);
    return 1;
  }
  // what SOL006 (so OSM) needs and a SOL001 VNFD may lack, said plainly before the schema's wording
  const lacking = [
    ...model.vdus.filter((v) => !model.vduCps.some((c) => c.vduId === v.id)).map((v) => `VDU ${v.id} has no VduCp`),
    ...(model.vduCps.some((c) => c.virtualLinkId === undefined) || model.extCps.length > 0
      ? []
      : ['no CP is external (on no internal virtual link) and there is no VnfExtCp']),
  ];
  for (const l of lacking) io.err(`${output}: OSM (SOL006) needs one CP per VDU at least and an external CP: ${l}\n`);
  if (lacking.length > 0) return 1;
  const charm = charmDir === undefined ? undefined : readCharm(charmDir, io);
  if (charmDir !== undefined && charm === undefined) return 1;
  const pkg = buildOsmPackage(model, charm);
  const errors = osmSchemaErrors(pkg.descriptor);
  for (const e of errors) io.err(`${pkg.folder}/${pkg.folder.replace(/_vnf$/, '')}_vnfd.yaml: ${e}\n`);
  if (errors.length > 0) return 1;
  if (model.flavours.length > 1)
    io.err(`note: OSM gets flavour ${model.flavourId} only (${model.flavours.length} flavours in the VNFD)\n`);
  writeFileSync(output, pkg.tarGz);
  io.out(
    `${output}: ${pkg.tarGz.length} bytes, OSM VNF package ${pkg.folder}/ (${pkg.files.size} files, checksums.txt ` +
      `with the MD5 of each)${charmDir !== undefined ? `, day 1 by charm ${OSM_CHARM}` : ', day 0 only'}\n`,
  );
  return 0;
}
