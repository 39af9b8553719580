import { writeFileSync, statSync, readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { formatDiagnostic, type SourceDiagnostic } from '../../errors';
import {
  assemblePackage,
  buildPackage,
  loadTypeLibrary,
  readPackageDir,
  validatePackage,
  type FlavourModel,
} from '../../tosca';
import { bundleEtsiTypes } from './package-etsi';
import { applyImageMetadata } from './package-image';
import type { CommandIo } from './click';

const stdio: CommandIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

function report(diagnostics: SourceDiagnostic[], io: CommandIo, label: string): number {
  for (const d of diagnostics) io.err(formatDiagnostic(d) + '\n');
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0) io.err(`${label}: ${errors} error(s)\n`);
  return errors > 0 ? 1 : 0;
}

/** What `package build` may add: an image's metadata (and the image), ETSI's own SOL001 files (Tacker's layout). */
export interface BuildOptions {
  image?: { metadata: string; file?: string };
  etsiTypes?: string;
  /** csar (default): a SOL004 CSAR; osm: an OSM VNF package (.tar.gz) made from the parsed VNFD */
  target?: 'csar' | 'osm';
  /** --target osm: the proxy charm's folder (default osm/charms/clickosv-proxy); false: none */
  charm?: string | false;
}

/**
 * `clickvnfm package build <dir> -o <file.csar> [--image-metadata m.json [--image x.qcow2]] [--etsi-types d]`, or
 * `... --target osm -o <file.tar.gz> [--charm <dir> | --no-charm]`
 */
export async function packageBuild(
  dir: string,
  output: string,
  io: CommandIo = stdio,
  options: BuildOptions = {},
): Promise<number> {
  const read = readPackageDir(dir);
  if (read.files === undefined) return report(read.diagnostics, io, dir);
  const lib = loadTypeLibrary();
  const { image, etsiTypes, target = 'csar' } = options;
  if (target === 'osm' && (image?.file !== undefined || etsiTypes !== undefined)) {
    io.err('--target osm: --image and --etsi-types are for CSARs (OSM finds the image in the VIM by name)\n');
    return 1;
  }
  if (image !== undefined)
    for (const line of applyImageMetadata(read.files, image.metadata, image.file)) io.out(`${line}\n`);
  if (etsiTypes !== undefined) for (const line of bundleEtsiTypes(read.files, etsiTypes, lib)) io.out(`${line}\n`);
  const r = await assemblePackage(read.files, lib, dir);
  if (report(r.diagnostics, io, dir) !== 0 || r.csar === undefined) return 1;
  if (target === 'osm') {
    if (r.model === undefined) {
      io.err(`${output}: the package has no VNFD model\n`);
      return 1;
    }
    // loaded only for this target: a CSAR build or a validation does not load the OSM writer
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { writeOsmPackage } = require('./package-osm') as typeof import('./package-osm');
    return writeOsmPackage(r.model, output, io, {
      ...(options.charm !== undefined ? { charm: options.charm } : {}),
    });
  }
  writeFileSync(output, r.csar);
  io.out(`${output}: ${r.csar.length} bytes, ${r.files?.size ?? 0} files, manifest with SHA-256 of each\n`);
  return 0;
}

/** `clickvnfm package validate <file.csar|dir>`: every error listed; exit 1 when there is one. */
export async function packageValidate(target: string, io: CommandIo = stdio): Promise<number> {
  const lib = loadTypeLibrary();
  let result;
  if (statSync(target).isDirectory()) {
    const built = await buildPackage(target, lib);
    result = {
      model: built.files ? (await validatePackage(built.files, lib)).model : undefined,
      diagnostics: built.diagnostics,
    };
    if (built.files === undefined) {
      const read = readPackageDir(target);
      result.diagnostics = [...read.diagnostics, ...built.diagnostics];
    }
  } else {
    result = await validatePackage(readFileSync(target), lib, target);
  }
  if (report(result.diagnostics, io, target) !== 0 || result.model === undefined) return 1;
  const m = result.model;
  io.out(
    `${target}: ok: ${m.productName} ${m.softwareVersion} by ${m.provider} (vnfdId ${m.descriptorId}), ` +
      `${m.vdus.length} VDU(s), flavour ${m.flavourId}\n`,
  );
  if (m.flavours.length > 1 || m.flavours[0]?.definitions !== m.entryDefinitions)
    for (const f of m.flavours) io.out(`  ${describeFlavour(f)}\n`);
  return 0;
}

/** `flavour large (Definitions/x.yaml): 2 VDU(s) broker [image broker-image], ...; 1 VL(s); aspects a` */
export function describeFlavour(f: FlavourModel): string {
  const vdus = f.vdus.map((v) => {
    const image = v.swImage?.name ?? v.imageArtifact;
    const from = v.bootStorage !== undefined ? ` from ${v.bootStorage}` : '';
    return `${v.id} [image ${image ?? '?'}${from}]`;
  });
  const aspects = f.scalingAspects.map((a) => `${a.id} (max ${a.maxScaleLevel})`);
  return (
    `flavour ${f.flavourId} (${f.definitions}): ${f.vdus.length} VDU(s) ${vdus.join(', ')}; ` +
    `${f.virtualLinks.length} VL(s); aspects ${aspects.length > 0 ? aspects.join(', ') : 'none'}` +
    (f.lcmOperations.length > 0 ? `; LCM ${f.lcmOperations.map((o) => `${o.operation}: ${o.path}`).join(', ')}` : '')
  );
}

interface BuildFlags {
  output: string;
  imageMetadata?: string;
  image?: string;
  etsiTypes?: string;
  target: 'csar' | 'osm';
  /** commander's --charm <dir> / --no-charm: a folder, false, or true (neither given) */
  charm?: string | boolean;
}

export function registerPackage(program: Command): void {
  const pkg = program.command('package').description('build and validate SOL004 VNF packages');
  pkg
    .command('build <dir>')
    .description(
      'build a CSAR: TOSCA.meta, the type files, and a manifest with the SHA-256 of every file; ' +
        'or (--target osm) an OSM VNF package',
    )
    .requiredOption('-o, --output <file>', 'the CSAR (or with --target osm the .tar.gz) to write')
    .addOption(
      new Option('--target <target>', 'csar: a SOL004 CSAR; osm: an OSM (Release 9+, SOL006) VNF package')
        .choices(['csar', 'osm'])
        .default('csar'),
    )
    .option('--charm <dir>', '--target osm: the day-1 proxy charm to put in the package (default: ours)')
    .option('--no-charm', '--target osm: no charm, no day-1 primitives (the Click configuration by cloud-init only)')
    .option(
      '--image-metadata <json>',
      "fill each VNFD's sw_image_data from an image's metadata (clickvnfm image metadata)",
    )
    .option(
      '--image <qcow2>',
      "with --image-metadata: put the image file into the package at the VNFD's SwImage artifact path",
    )
    .option(
      '--etsi-types <dir>',
      "Tacker's layout: carry ETSI's SOL001 v2.6.1 files from <dir> (downloaded from forge.etsi.org) and " +
        'import them by name',
    )
    .action(async (dir: string, o: BuildFlags) => {
      process.exitCode = await packageBuild(dir, o.output, stdio, {
        ...(o.imageMetadata ? { image: { metadata: o.imageMetadata, ...(o.image ? { file: o.image } : {}) } } : {}),
        ...(o.etsiTypes !== undefined ? { etsiTypes: o.etsiTypes } : {}),
        target: o.target,
        ...(o.charm !== undefined && o.charm !== true ? { charm: o.charm } : {}),
      });
    });
  pkg
    .command('validate <target>')
    .description('validate a CSAR or a package directory; every error as file:line:column')
    .action(async (target: string) => {
      process.exitCode = await packageValidate(target);
    });
}
