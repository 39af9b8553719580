/**
 * An OSM VNF package from a parsed VNFD: the layout `osm package-build` makes and `osm vnfpkg-create` onboards.
 *
 *     <name>_vnf/<name>_vnfd.yaml         the descriptor (osm-vnfd.ts)
 *     <name>_vnf/cloud_init/<vdu>-cloud-init.yaml   day 0: OSv's cloud-init writes /func.click
 *     <name>_vnf/charms/clickosv-proxy/...   day 1/2: the proxy charm (given by the caller: files on disk)
 *     <name>_vnf/checksums.txt             the MD5 of every other file, `<md5>\t<name>_vnf/<path>` per line
 *
 * Pure: files in memory in, files (and the .tar.gz) out.
 */
import { createHash } from 'node:crypto';
import yaml from 'js-yaml';
import type { VnfdModel } from './model';
import { tarGz } from './osm-tar';
import type { OsmVnfdDocument } from './osm-types';
import { OSM_CHARM } from './osm-day1';
import { osmVnfd, cloudInitFile } from './osm-vnfd';

export interface OsmPackage {
  /** `<name>_vnf`: the package's top folder */
  folder: string;
  descriptor: OsmVnfdDocument;
  /** every file, by its path in the archive (under `folder`), checksums.txt last */
  files: Map<string, Buffer>;
  tarGz: Buffer;
}

/**
 * The package's name from the VNFD's entry definitions file: `Definitions/load_balancer_vnfd.yaml` gives
 * `load_balancer`; OSM's names allow letters, digits, `_` and `-`.
 */
export function osmPackageName(model: VnfdModel): string {
  const base = (model.entryDefinitions.split('/').pop() ?? 'vnf').replace(/\.ya?ml$/, '').replace(/_vnfd$/, '');
  return base.replace(/[^A-Za-z0-9_-]/g, '_') || 'vnf';
}

/**
 * Day 0 in OSv's cloud-init format (its `files` module): the VDU's Click configuration as /func.click, the file
 * the image's boot launcher runs. OSM reads a cloud-init file as a Jinja2 template: a configuration with
 * `{{`, `{%` or `{#` in it is kept as it is by a raw block.
 */
export function osvCloudInit(clickConfig: string): string {
  const body = yaml.dump({ files: { '/func.click': clickConfig } }, { lineWidth: -1 });
  const head =
    '#cloud-config\n# OSv cloud-init (modules/cloud-init): write the Click configuration before Click starts\n';
  return /\{[{%#]/.test(clickConfig) ? `{% raw %}\n${head}${body}{% endraw %}\n` : head + body;
}

/** checksums.txt as OSM's package tool writes it: `<md5>\t<path>` per file, the paths with the top folder. */
export function osmChecksums(files: ReadonlyMap<string, Buffer>): string {
  return [...files].map(([p, b]) => `${createHash('md5').update(b).digest('hex')}\t${p}\n`).join('');
}

/**
 * The OSM package of `model` (its first flavour). `charm`: the proxy charm's files by their path in the charm
 * folder (metadata.yaml, actions.yaml, ...); without it the descriptor has no day-1 part (cloud-init only).
 */
export function buildOsmPackage(model: VnfdModel, charm?: ReadonlyMap<string, Buffer>, name = osmPackageName(model)) {
  const folder = `${name}_vnf`;
  const descriptor = osmVnfd(model, name);
  if (charm === undefined) for (const df of descriptor.vnfd.df) delete df['lcm-operations-configuration'];
  const files = new Map<string, Buffer>();
  const text = yaml.dump(descriptor, { lineWidth: -1, noRefs: true });
  files.set(
    `${folder}/${name}_vnfd.yaml`,
    Buffer.from(`# OSM VNF descriptor made by click-osv-vnfm from ${model.entryDefinitions}\n${text}`),
  );
  for (const v of model.vdus)
    if (v.clickConfig !== undefined)
      files.set(`${folder}/cloud_init/${cloudInitFile(v.id)}`, Buffer.from(osvCloudInit(v.clickConfig.text)));
  // the charm only where a day1-2 names it (a VNFD without a Click configuration has none)
  const day1 = descriptor.vnfd.df.some((df) => df['lcm-operations-configuration'] !== undefined);
  if (charm !== undefined && day1)
    for (const [p, b] of [...charm].sort(([a], [b]) => a.localeCompare(b)))
      files.set(`${folder}/charms/${OSM_CHARM}/${p}`, b);
  files.set(`${folder}/checksums.txt`, Buffer.from(osmChecksums(files)));
  return { folder, descriptor, files, tarGz: tarGz(files) } satisfies OsmPackage;
}
