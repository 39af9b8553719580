/**
 * The VNFD parser's top level: entry points, the package's checks, and the model builder (VNF, links,
 * CPs; VDUs and policies in vnfd-vdu.ts and vnfd-policies.ts).
 */
import type { SourceDiagnostic } from '../errors';
import { CsarFiles, type PackageFiles } from './csar';
import { Definitions, type LoadedFile } from './definitions';
import { parseToscaMeta, verifyManifest } from './manifest';
import type { ExtCpModel, ParseResult, VduCpModel, VirtualLinkModel, VnfdModel } from './model';
import { checkProperties } from './node-checks';
import type { TypeLibrary } from './type-library';
import { locate } from './yaml';
import { obj, str, type Obj, type VnfdContext } from './vnfd-context';
import { readPolicies } from './vnfd-policies';
import { readVdu } from './vnfd-vdu';

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
  const model = new ModelBuilder(defs, file, text, out).build();
  return out.some((d) => d.severity === 'error') ? { diagnostics: out } : { model, diagnostics: out };
}

/** The files whose bytes are in memory (all of a plain map; a CSAR's files read for parsing). */
function heldFiles(files: PackageFiles): PackageFiles {
  if (!(files instanceof CsarFiles)) return files;
  return new Map([...files.keys()].filter((p) => files.isHeld(p)).map((p) => [p, files.get(p) as Buffer]));
}

class ModelBuilder implements VnfdContext {
  private readonly nodes: Obj;
  constructor(
    readonly defs: Definitions,
    readonly file: LoadedFile,
    readonly files: PackageFiles,
    readonly out: SourceDiagnostic[],
  ) {
    this.nodes = obj(obj(file.doc['topology_template'])['node_templates']);
  }

  err(path: (string | number)[], message: string, severity: 'error' | 'warning' = 'error'): void {
    this.out.push({ file: this.file.path, ...locate(this.file.text, path), severity, message });
  }

  nodePath(name: string, ...rest: (string | number)[]): (string | number)[] {
    return ['topology_template', 'node_templates', name, ...rest];
  }

  private of(base: string): Array<[string, Obj]> {
    return Object.entries(this.nodes)
      .map(([n, v]) => [n, obj(v)] as [string, Obj])
      .filter(([, v]) => this.defs.derives(str(v['type']), base));
  }

  build(): VnfdModel | undefined {
    for (const [name, raw] of Object.entries(this.nodes)) {
      const t = str(obj(raw)['type']);
      if (t === undefined) this.err(this.nodePath(name), `node template '${name}' has no type`);
      else if (!this.defs.isKnownType(t))
        this.err(this.nodePath(name, 'type'), `unknown node type '${t}' (not defined in any imported file)`);
      else
        checkProperties(
          this.defs,
          this.file,
          this.nodePath(name),
          t,
          obj(raw)['properties'] as Obj | undefined,
          this.out,
        );
    }
    const vnfs = this.of('tosca.nodes.nfv.VNF');
    if (vnfs.length !== 1) {
      this.err(
        ['topology_template', 'node_templates'],
        `the VNFD must have exactly one node derived from tosca.nodes.nfv.VNF, it has ${vnfs.length}`,
      );
      return undefined;
    }
    const [vnfName, vnf] = vnfs[0] as [string, Obj];
    const p = obj(vnf['properties']);
    const vdus = this.of('tosca.nodes.nfv.Vdu.Compute').map(([n, v]) =>
      readVdu(this, n, v, str(p['descriptor_id']) ?? ''),
    );
    const vduIds = new Set(vdus.map((v) => v.id));
    const vls: VirtualLinkModel[] = this.of('tosca.nodes.nfv.VnfVirtualLink').map(([n, v]) => ({
      id: n,
      layerProtocols: (obj(obj(v['properties'])['connectivity_type'])['layer_protocols'] as string[] | undefined) ?? [],
      ...(str(obj(v['properties'])['description']) !== undefined
        ? { description: str(obj(v['properties'])['description']) as string }
        : {}),
    }));
    const vlIds = new Set(vls.map((v) => v.id));
    const cps: VduCpModel[] = this.of('tosca.nodes.nfv.VduCp').map(([n, v]) => {
      const reqs = requirements(v);
      const vduId = reqs['virtual_binding'];
      if (vduId === undefined) this.err(this.nodePath(n), `VduCp '${n}' has no virtual_binding requirement`);
      else if (!vduIds.has(vduId))
        this.err(this.nodePath(n, 'requirements'), `VduCp '${n}' binds to '${vduId}', which is not a VDU`);
      const vl = reqs['virtual_link'];
      if (vl !== undefined && !vlIds.has(vl))
        this.err(this.nodePath(n, 'requirements'), `VduCp '${n}' links to '${vl}', which is not a VnfVirtualLink`);
      const pp = obj(v['properties']);
      return {
        id: n,
        vduId: vduId ?? '',
        order: typeof pp['order'] === 'number' ? pp['order'] : 0,
        vnicType: str(pp['vnic_type']) ?? 'normal',
        layerProtocols: (pp['layer_protocols'] as string[] | undefined) ?? [],
        ...(vl !== undefined ? { virtualLinkId: vl } : {}),
      };
    });
    for (const v of vdus) {
      const mine = cps.filter((c) => c.vduId === v.id).sort((a, b) => a.order - b.order);
      if (mine.length > 0 && mine[0]?.order !== 0)
        this.err(this.nodePath(v.id), `VDU '${v.id}' needs a management connection point with order 0`, 'warning');
    }
    const extCps: ExtCpModel[] = this.of('tosca.nodes.nfv.VnfExtCp').map(([n, v]) => {
      const il = requirements(v)['internal_virtual_link'];
      return {
        id: n,
        layerProtocols: (obj(v['properties'])['layer_protocols'] as string[] | undefined) ?? [],
        ...(il !== undefined ? { internalVirtualLinkId: il } : {}),
      };
    });
    const pol = readPolicies(this, vduIds);
    return {
      descriptorId: str(p['descriptor_id']) ?? '',
      descriptorVersion: str(p['descriptor_version']) ?? '',
      provider: str(p['provider']) ?? '',
      productName: str(p['product_name']) ?? '',
      softwareVersion: str(p['software_version']) ?? '',
      ...(str(p['product_info_name']) !== undefined ? { productInfoName: str(p['product_info_name']) as string } : {}),
      ...(str(p['product_info_description']) !== undefined
        ? { productInfoDescription: str(p['product_info_description']) as string }
        : {}),
      vnfmInfo: Array.isArray(p['vnfm_info']) ? (p['vnfm_info'] as unknown[]).map(String) : [],
      flavourId: str(p['flavour_id']) ?? '',
      flavourDescription: str(p['flavour_description']) ?? '',
      vnfNodeType: str(vnf['type']) ?? '',
      vdus,
      vduCps: cps,
      virtualLinks: vls,
      extCps,
      ...pol,
      interfaces: Object.keys(obj(obj(obj(vnf['interfaces'])['Vnflcm']))),
      entryDefinitions: this.file.path,
    };
    void vnfName;
  }
}

/** `requirements: [ {virtual_binding: x}, {virtual_link: {node: y}} ]` as a map of name -> target node. */
function requirements(v: Obj): Record<string, string> {
  const out: Record<string, string> = {};
  const list = v['requirements'];
  if (!Array.isArray(list)) return out;
  for (const r of list) {
    for (const [k, t] of Object.entries(obj(r))) {
      const target = typeof t === 'string' ? t : str(obj(t)['node']);
      if (target !== undefined) out[k] = target;
    }
  }
  return out;
}
