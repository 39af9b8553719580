import { posix } from 'node:path';
import { checkClick } from '../click';
import type { SourceDiagnostic } from '../errors';
import { CsarFiles, type PackageFiles } from './csar';
import { Definitions, type LoadedFile } from './definitions';
import { parseToscaMeta, verifyManifest } from './manifest';
import type { ExtCpModel, InstantiationLevelModel, ParseResult, ScalingAspectModel, VduCpModel, VduModel, VirtualLinkModel, VnfdModel } from './model';
import { checkProperties } from './node-checks';
import { sizeBytes, timeMs } from './scalars';
import type { TypeLibrary } from './type-library';
import { locate } from './yaml';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** Finds the entry definitions (TOSCA.meta, or the root-YAML form) and the manifest. */
function entryPoints(files: PackageFiles, out: SourceDiagnostic[]): { entry?: string; manifest?: string } {
  const metaBytes = files.get('TOSCA-Metadata/TOSCA.meta');
  let entry: string | undefined;
  let manifest: string | undefined;
  if (metaBytes !== undefined) {
    const meta = parseToscaMeta(metaBytes.toString('utf8'));
    entry = meta['Entry-Definitions'];
    manifest = meta['ETSI-Entry-Manifest'] ?? meta['Entry-Manifest'];
    if (entry === undefined) out.push({ file: 'TOSCA-Metadata/TOSCA.meta', line: 1, column: 1, severity: 'error', message: 'TOSCA.meta has no Entry-Definitions' });
  } else {
    const roots = [...files.keys()].filter((p) => !p.includes('/') && /\.ya?ml$/.test(p));
    if (roots.length === 1) entry = roots[0];
    else out.push({ file: 'TOSCA-Metadata/TOSCA.meta', line: 1, column: 1, severity: 'error', message: `no TOSCA-Metadata/TOSCA.meta, and ${roots.length} YAML files at the root instead of exactly one (SOL004 4.3)` });
  }
  if (entry !== undefined && !files.has(entry)) {
    out.push({ file: 'TOSCA-Metadata/TOSCA.meta', line: 1, column: 1, severity: 'error', message: `Entry-Definitions ${entry} is not in the package` });
    entry = undefined;
  }
  manifest ??= [...files.keys()].find((p) => !p.includes('/') && p.endsWith('.mf'));
  if (manifest === undefined || !files.has(manifest)) {
    out.push({ file: manifest ?? '(manifest)', line: 1, column: 1, severity: 'error', message: 'the package has no manifest (.mf) listing its files and hashes (SOL004 4.3.3)' });
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
  if (entryBytes === undefined) return { diagnostics: [...out, { file: 'TOSCA-Metadata/TOSCA.meta', line: 1, column: 1, severity: 'error', message: `Entry-Definitions ${entry} is not a TOSCA YAML file (.yaml or under Definitions/)` }] };
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

class ModelBuilder {
  private readonly nodes: Obj;
  constructor(
    private readonly defs: Definitions,
    private readonly file: LoadedFile,
    private readonly files: PackageFiles,
    private readonly out: SourceDiagnostic[],
  ) {
    this.nodes = obj(obj(file.doc['topology_template'])['node_templates']);
  }

  private err(path: (string | number)[], message: string, severity: 'error' | 'warning' = 'error'): void {
    this.out.push({ file: this.file.path, ...locate(this.file.text, path), severity, message });
  }

  private nodePath(name: string, ...rest: (string | number)[]): (string | number)[] {
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
      else if (!this.defs.isKnownType(t)) this.err(this.nodePath(name, 'type'), `unknown node type '${t}' (not defined in any imported file)`);
      else checkProperties(this.defs, this.file, this.nodePath(name), t, obj(raw)['properties'] as Obj | undefined, this.out);
    }
    const vnfs = this.of('tosca.nodes.nfv.VNF');
    if (vnfs.length !== 1) {
      this.err(['topology_template', 'node_templates'], `the VNFD must have exactly one node derived from tosca.nodes.nfv.VNF, it has ${vnfs.length}`);
      return undefined;
    }
    const [vnfName, vnf] = vnfs[0] as [string, Obj];
    const p = obj(vnf['properties']);
    const vdus = this.of('tosca.nodes.nfv.Vdu.Compute').map(([n, v]) => this.vdu(n, v, str(p['descriptor_id']) ?? ''));
    const vduIds = new Set(vdus.map((v) => v.id));
    const vls: VirtualLinkModel[] = this.of('tosca.nodes.nfv.VnfVirtualLink').map(([n, v]) => ({
      id: n,
      layerProtocols: (obj(obj(v['properties'])['connectivity_type'])['layer_protocols'] as string[] | undefined) ?? [],
      ...(str(obj(v['properties'])['description']) !== undefined ? { description: str(obj(v['properties'])['description']) as string } : {}),
    }));
    const vlIds = new Set(vls.map((v) => v.id));
    const cps: VduCpModel[] = this.of('tosca.nodes.nfv.VduCp').map(([n, v]) => {
      const reqs = requirements(v);
      const vduId = reqs['virtual_binding'];
      if (vduId === undefined) this.err(this.nodePath(n), `VduCp '${n}' has no virtual_binding requirement`);
      else if (!vduIds.has(vduId)) this.err(this.nodePath(n, 'requirements'), `VduCp '${n}' binds to '${vduId}', which is not a VDU`);
      const vl = reqs['virtual_link'];
      if (vl !== undefined && !vlIds.has(vl)) this.err(this.nodePath(n, 'requirements'), `VduCp '${n}' links to '${vl}', which is not a VnfVirtualLink`);
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
      if (mine.length > 0 && mine[0]?.order !== 0) this.err(this.nodePath(v.id), `VDU '${v.id}' needs a management connection point with order 0`, 'warning');
    }
    const extCps: ExtCpModel[] = this.of('tosca.nodes.nfv.VnfExtCp').map(([n, v]) => {
      const il = requirements(v)['internal_virtual_link'];
      return { id: n, layerProtocols: (obj(v['properties'])['layer_protocols'] as string[] | undefined) ?? [], ...(il !== undefined ? { internalVirtualLinkId: il } : {}) };
    });
    const pol = this.policies(vduIds);
    return {
      descriptorId: str(p['descriptor_id']) ?? '',
      descriptorVersion: str(p['descriptor_version']) ?? '',
      provider: str(p['provider']) ?? '',
      productName: str(p['product_name']) ?? '',
      softwareVersion: str(p['software_version']) ?? '',
      ...(str(p['product_info_name']) !== undefined ? { productInfoName: str(p['product_info_name']) as string } : {}),
      ...(str(p['product_info_description']) !== undefined ? { productInfoDescription: str(p['product_info_description']) as string } : {}),
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

  private vdu(id: string, v: Obj, descriptorId: string): VduModel {
    const p = obj(v['properties']);
    const vc = obj(obj(obj(v['capabilities'])['virtual_compute'])['properties']);
    const mem = obj(vc['virtual_memory']);
    const cpu = obj(vc['virtual_cpu']);
    const memReq = obj(mem['vdu_mem_requirements']);
    const pin = obj(cpu['virtual_cpu_pinning']);
    const img = obj(p['sw_image_data']);
    const mgmt = obj(p['management']);
    const ready = obj(mgmt['readiness']);
    const artifacts = Object.entries(obj(v['artifacts'])).map(([n, a]) => [n, obj(a)] as [string, Obj]);
    const imageArtifact = artifacts.find(([, a]) => this.defs.derives(str(a['type']), 'tosca.artifacts.nfv.SwImage'));
    const clickArtifact = artifacts.find(([, a]) => this.defs.derives(str(a['type']), 'clickosv.artifacts.ClickConfig'));
    if (Object.keys(img).length === 0 && imageArtifact === undefined) {
      this.err(this.nodePath(id), `VDU '${id}' has no image: give it sw_image_data or a tosca.artifacts.nfv.SwImage artifact`);
    }
    if (!this.defs.derives(str(v['type']), 'clickosv.nodes.ClickOsvVdu')) {
      this.err(this.nodePath(id, 'type'), `VDU '${id}' is not a clickosv.nodes.ClickOsvVdu; it is managed with the click-plugin dialect on port 8000`, 'warning');
    }
    const model: VduModel = {
      id,
      name: str(p['name']) ?? id,
      description: str(p['description']) ?? '',
      minInstances: Number(obj(p['vdu_profile'])['min_number_of_instances'] ?? 1),
      maxInstances: Number(obj(p['vdu_profile'])['max_number_of_instances'] ?? 1),
      virtualMemoryBytes: sizeBytes(mem['virtual_mem_size']) ?? 512 * 1024 * 1024,
      numVirtualCpu: Number(cpu['num_virtual_cpu'] ?? 1),
      ...(str(pin['virtual_cpu_pinning_policy']) === 'static' ? { cpuPolicy: 'dedicated' as const } : str(pin['virtual_cpu_pinning_policy']) === 'dynamic' ? { cpuPolicy: 'shared' as const } : {}),
      ...(str(memReq['hw:mem_page_size']) !== undefined ? { memPageSize: str(memReq['hw:mem_page_size']) as string } : {}),
      management: {
        dialect: str(mgmt['dialect']) === 'osv-controlsocket' ? 'osv-controlsocket' : 'click-plugin',
        apiPort: Number(mgmt['api_port'] ?? 8000),
        controlSocketPort: Number(mgmt['controlsocket_port'] ?? 8001),
        readiness: { graceMs: timeMs(ready['grace']) ?? 10_000, intervalMs: timeMs(ready['interval']) ?? 2_000, deadlineMs: timeMs(ready['deadline']) ?? 45_000 },
      },
      pos: { file: this.file.path, ...locate(this.file.text, this.nodePath(id)) },
    };
    if (Object.keys(img).length > 0) {
      const ck = obj(img['checksum']);
      model.swImage = {
        name: str(img['name']) ?? '',
        version: str(img['version']) ?? '',
        checksum: { algorithm: str(ck['algorithm']) ?? '', hash: str(ck['hash']) ?? '' },
        containerFormat: str(img['container_format']) ?? 'bare',
        diskFormat: str(img['disk_format']) ?? 'qcow2',
        minDiskBytes: sizeBytes(img['min_disk']) ?? 0,
        minRamBytes: sizeBytes(img['min_ram']) ?? 0,
        sizeBytes: sizeBytes(img['size']) ?? 0,
        ...(str(img['operating_system']) !== undefined ? { operatingSystem: str(img['operating_system']) as string } : {}),
      };
    }
    if (imageArtifact !== undefined) model.imageArtifact = this.artifactPath(str(imageArtifact[1]['file']) ?? '');
    if (clickArtifact !== undefined) {
      const path = this.artifactPath(str(clickArtifact[1]['file']) ?? '');
      const bytes = this.files.get(path);
      if (bytes === undefined) this.err(this.nodePath(id, 'artifacts', clickArtifact[0]), `Click artifact '${clickArtifact[0]}': ${path} is not in the package`);
      else {
        const text = bytes.toString('utf8');
        const r = checkClick(text, { file: path, requireHeader: true, warnings: false });
        this.out.push(...r.diagnostics);
        if (r.header !== undefined && descriptorId !== '' && r.header.id !== descriptorId) {
          this.out.push({ file: path, line: 3, column: 1, severity: 'error', message: `VNF_ID ${r.header.id} differs from the VNFD's descriptor_id ${descriptorId}` });
        }
        model.clickConfig = { path, text };
      }
    }
    return model;
  }

  /** An artifact's `file` is relative to the definitions file (as in Tacker's packages). */
  private artifactPath(file: string): string {
    return file.startsWith('/') ? file.slice(1) : posix.normalize(posix.join(posix.dirname(this.file.path), file));
  }

  private policies(vduIds: Set<string>): Pick<VnfdModel, 'initialDeltas' | 'scalingAspects' | 'instantiationLevels' | 'defaultInstantiationLevel'> {
    const list = obj(this.file.doc['topology_template'])['policies'];
    const entries: Array<[string, Obj, number]> = Array.isArray(list)
      ? list.flatMap((item, i) => Object.entries(obj(item)).map(([n, v]) => [n, obj(v), i] as [string, Obj, number]))
      : [];
    const initialDeltas: Record<string, number> = {};
    const aspects: ScalingAspectModel[] = [];
    const levels = new Map<string, InstantiationLevelModel>();
    let defaultLevel: string | undefined;
    const targets = (v: Obj, i: number): string[] => {
      const t = Array.isArray(v['targets']) ? (v['targets'] as unknown[]).map(String) : [];
      for (const x of t) if (!vduIds.has(x)) this.err(['topology_template', 'policies', i], `policy target '${x}' is not a VDU`);
      return t;
    };
    for (const [name, v, i] of entries) {
      const type = str(v['type']);
      const p = obj(v['properties']);
      if (type === undefined || !this.defs.isKnownType(type)) {
        this.err(['topology_template', 'policies', i], `policy '${name}' has an unknown type '${type ?? ''}'`);
        continue;
      }
      if (this.defs.derives(type, 'tosca.policies.nfv.ScalingAspects')) {
        for (const [id, a] of Object.entries(obj(p['aspects']))) {
          const ao = obj(a);
          aspects.push({ id, name: str(ao['name']) ?? id, description: str(ao['description']) ?? '', maxScaleLevel: Number(ao['max_scale_level'] ?? 0), stepDeltas: ((ao['step_deltas'] as unknown[]) ?? []).map(String), vduDeltas: {} });
        }
      } else if (this.defs.derives(type, 'tosca.policies.nfv.InstantiationLevels')) {
        defaultLevel = str(p['default_level']);
        for (const [id, l] of Object.entries(obj(p['levels']))) {
          const lo = obj(l);
          const scaleInfo = Object.fromEntries(Object.entries(obj(lo['scale_info'])).map(([k, s]) => [k, Number(obj(s)['scale_level'] ?? 0)]));
          levels.set(id, { id, description: str(lo['description']) ?? '', scaleInfo, vduInstances: levels.get(id)?.vduInstances ?? {} });
        }
      }
    }
    // per-VDU policies after the aspects and levels they refer to
    for (const [name, v, i] of entries) {
      const type = str(v['type']);
      const p = obj(v['properties']);
      if (this.defs.derives(type, 'tosca.policies.nfv.VduInitialDelta')) {
        for (const t of targets(v, i)) initialDeltas[t] = Number(obj(p['initial_delta'])['number_of_instances'] ?? 1);
      } else if (this.defs.derives(type, 'tosca.policies.nfv.VduScalingAspectDeltas')) {
        const aspect = aspects.find((a) => a.id === str(p['aspect']));
        if (aspect === undefined) this.err(['topology_template', 'policies', i], `policy '${name}' names aspect '${str(p['aspect']) ?? ''}', which no ScalingAspects policy defines`);
        for (const t of targets(v, i)) {
          if (aspect !== undefined) aspect.vduDeltas[t] = Object.fromEntries(Object.entries(obj(p['deltas'])).map(([d, x]) => [d, Number(obj(x)['number_of_instances'] ?? 0)]));
        }
      } else if (this.defs.derives(type, 'tosca.policies.nfv.VduInstantiationLevels')) {
        for (const t of targets(v, i)) {
          for (const [lid, l] of Object.entries(obj(p['levels']))) {
            const level = levels.get(lid);
            if (level === undefined) this.err(['topology_template', 'policies', i], `policy '${name}' names instantiation level '${lid}', which InstantiationLevels does not define`);
            else level.vduInstances[t] = Number(obj(l)['number_of_instances'] ?? 0);
          }
        }
      }
    }
    return { initialDeltas, scalingAspects: aspects, instantiationLevels: [...levels.values()], ...(defaultLevel !== undefined ? { defaultInstantiationLevel: defaultLevel } : {}) };
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
