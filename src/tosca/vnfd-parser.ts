/**
 * The VNFD parser's top level: entry points, the package's checks, and the model: the VNF's identity and
 * one FlavourModel per deployment flavour (topology.ts finds and resolves them, vnfd-builder.ts reads them).
 */
import type { SourceDiagnostic } from '../errors';
import { CsarFiles, type PackageFiles } from './csar';
import { Definitions, type LoadedFile } from './definitions';
import { parseToscaMeta, verifyManifest } from './manifest';
import type { FlavourModel, ParseResult, VnfdModel } from './model';
import { readTopologies } from './topology';
import type { TypeLibrary } from './type-library';
import { locate } from './yaml';
import { obj, str } from './vnfd-context';
import { FlavourBuilder } from './vnfd-builder';

/** Finds the entry definitions (TOSCA.meta, or the root-YAML form) and the manifest. */
function entryPoints(files: PackageFiles, out: SourceDiagnostic[]): { entry?: string; manifest?: string } {
  const metaBytes = files.get('TOSCA-Metadata/TOSCA.meta');
  let entry: string | undefined;
  let manifest: string | undefined;
  if (metaBytes !== undefined) {
    const meta = parseToscaMeta(metaBytes.toString('utf8'));
    entry = meta['Entry-Definitions'];
    manifest = meta['ETSI-Entry-Manifest'] ?? meta['Entry-Manifest'];
    if (entry === undefined)
      out.push({
        file: 'TOSCA-Metadata/TOSCA.meta',
        line: 1,
        column: 1,
        severity: 'error',
        message: 'TOSCA.meta has no Entry-Definitions',
      });
  } else {
    const roots = [...files.keys()].filter((p) => !p.includes('/') && /\.ya?ml$/.test(p));
    if (roots.length === 1) entry = roots[0];
    else
      out.push({
        file: 'TOSCA-Metadata/TOSCA.meta',
        line: 1,
        column: 1,
        severity: 'error',
        message:
          `no TOSCA-Metadata/TOSCA.meta, and ${roots.length} YAML files at the root ` +
          'instead of exactly one (SOL004 4.3)',
      });
  }
  if (entry !== undefined && !files.has(entry)) {
    out.push({
      file: 'TOSCA-Metadata/TOSCA.meta',
      line: 1,
      column: 1,
      severity: 'error',
      message: `Entry-Definitions ${entry} is not in the package`,
    });
    entry = undefined;
  }
  manifest ??= [...files.keys()].find((p) => !p.includes('/') && p.endsWith('.mf'));
  if (manifest === undefined || !files.has(manifest)) {
    out.push({
      file: manifest ?? '(manifest)',
      line: 1,
      column: 1,
      severity: 'error',
      message: 'the package has no manifest (.mf) listing its files and hashes (SOL004 4.3.3)',
    });
    manifest = undefined;
  }
  return { ...(entry !== undefined ? { entry } : {}), ...(manifest !== undefined ? { manifest } : {}) };
}

/**
 * Reads and checks a whole package: entry points, manifest hashes, imports, node types and
 * properties, the VNF, VDUs, CPs, links and policies, and every Click artifact with the Click
 * toolkit. Every problem is a diagnostic with file, line and column.
 */
export function parsePackage(files: PackageFiles, library: TypeLibrary): ParseResult {
  const out: SourceDiagnostic[] = [];
  const { entry, manifest } = entryPoints(files, out);
  if (manifest !== undefined) out.push(...verifyManifest(manifest, files));
  if (entry === undefined) return { diagnostics: out };
  // the parser reads held files only: no Entry-Definitions, import or artifact path can make it inflate an image
  const text = heldFiles(files);
  const entryBytes = text.get(entry);
  if (entryBytes === undefined)
    return {
      diagnostics: [
        ...out,
        {
          file: 'TOSCA-Metadata/TOSCA.meta',
          line: 1,
          column: 1,
          severity: 'error',
          message: `Entry-Definitions ${entry} is not a TOSCA YAML file (.yaml or under Definitions/)`,
        },
      ],
    };
  const defs = new Definitions(text, library, out);
  const file = defs.load(entry, entryBytes.toString('utf8'), false);
  if (file === undefined) return { diagnostics: out };
  const model = buildModel(defs, file, text, files, out);
  // a place read once per flavour, or per operation using it, is said once
  const said = new Set<string>();
  const once = out.filter((d) => {
    const key = `${d.file}:${d.line}:${d.column}:${d.severity}:${d.message}`;
    if (said.has(key)) return false;
    said.add(key);
    return true;
  });
  return once.some((d) => d.severity === 'error') ? { diagnostics: once } : { model, diagnostics: once };
}

/** The VNF's identity (the top VNF with its type's defaults) and every flavour's model. */
function buildModel(
  defs: Definitions,
  entry: LoadedFile,
  held: PackageFiles,
  all: PackageFiles,
  out: SourceDiagnostic[],
): VnfdModel | undefined {
  const topologies = readTopologies(defs, entry, out);
  const flavours = topologies.filter((t) => t.flavourId !== undefined);
  const first = flavours[0];
  if (!topologies.some((t) => t.vnfName !== undefined) || first === undefined) {
    out.push({
      file: entry.path,
      ...locate(entry.text, ['topology_template', 'node_templates']),
      severity: 'error',
      message:
        first === undefined
          ? 'the VNFD has no deployment flavour: no topology_template with a flavour_id and no VDU'
          : 'the VNFD must have exactly one node derived from tosca.nodes.nfv.VNF, it has 0',
    });
    return undefined;
  }
  const seen = new Map<string, string>();
  for (const t of flavours) {
    const other = seen.get(t.flavourId as string);
    if (other !== undefined)
      out.push({
        file: t.file.path,
        ...locate(t.file.text, ['topology_template']),
        severity: 'error',
        message: `flavour '${t.flavourId ?? ''}' is also described in ${other}`,
      });
    seen.set(t.flavourId as string, t.file.path);
  }
  const models = flavours.map((t) => new FlavourBuilder(defs, t, held, all, out).build());
  const p = first.vnfProps;
  const vnf = obj(first.nodes[first.vnfName ?? ''] ?? topologies[0]?.nodes[topologies[0].vnfName ?? '']);
  const opt = (k: string): string | undefined => str(p[k]);
  return {
    descriptorId: str(p['descriptor_id']) ?? '',
    descriptorVersion: str(p['descriptor_version']) ?? '',
    provider: str(p['provider']) ?? '',
    productName: str(p['product_name']) ?? '',
    softwareVersion: str(p['software_version']) ?? '',
    ...(opt('product_info_name') !== undefined ? { productInfoName: opt('product_info_name') as string } : {}),
    ...(opt('product_info_description') !== undefined
      ? { productInfoDescription: opt('product_info_description') as string }
      : {}),
    vnfmInfo: Array.isArray(p['vnfm_info']) ? (p['vnfm_info'] as unknown[]).map(String) : [],
    vnfNodeType: str(vnf['type']) ?? '',
    ...(models[0] as FlavourModel),
    flavours: models,
    entryDefinitions: entry.path,
  };
}

/** The files whose bytes are in memory (all of a plain map; a CSAR's files read for parsing). */
function heldFiles(files: PackageFiles): PackageFiles {
  if (!(files instanceof CsarFiles)) return files;
  return new Map([...files.keys()].filter((p) => files.isHeld(p)).map((p) => [p, files.get(p) as Buffer]));
}
