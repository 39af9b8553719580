/**
 * The flavour model builder: one flavour's topology (functions resolved, topology.ts) into a FlavourModel:
 * VDUs (vnfd-vdu.ts), CPs, links, policies (vnfd-policies.ts), the Day-2 policies (vnfd-monitoring.ts) and the LCM
 * operations' artifacts.
 */
import { posix } from 'node:path';
import type { SourceDiagnostic } from '../errors';
import type { PackageFiles } from './csar';
import type { Definitions, LoadedFile } from './definitions';
import type { ExtCpModel, FlavourModel, LcmOperationModel, VduCpModel, VirtualLinkModel } from './model';
import type { Topology } from './topology';
import { locate } from './yaml';
import { artifactPath, obj, str, type Obj, type VnfdContext } from './vnfd-context';
import { readMonitoring } from './vnfd-monitoring';
import { readPolicies } from './vnfd-policies';
import { managementPolicies } from './vnfd-management';
import { readVdu } from './vnfd-vdu';

export class FlavourBuilder implements VnfdContext {
  readonly file: LoadedFile;
  readonly nodes: Obj;
  readonly policies: unknown[];
  constructor(
    readonly defs: Definitions,
    private readonly topology: Topology,
    readonly files: PackageFiles,
    private readonly all: PackageFiles,
    readonly out: SourceDiagnostic[],
  ) {
    this.file = topology.file;
    this.nodes = topology.nodes;
    this.policies = topology.policies;
  }

  exists(path: string): boolean {
    return this.all.has(path);
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

  build(): FlavourModel {
    const p = this.topology.vnfProps;
    const computes = this.of('tosca.nodes.nfv.Vdu.Compute');
    const managed = managementPolicies(this, new Set(computes.map(([n]) => n)));
    const vdus = computes.map(([n, v]) => readVdu(this, n, v, str(p['descriptor_id']) ?? '', managed.get(n)));
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
        vnicType: neutronVnicType(pp) ?? str(pp['vnic_type']) ?? 'normal',
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
    const vnf = this.topology.vnfName !== undefined ? obj(this.nodes[this.topology.vnfName]) : {};
    const policies = readPolicies(this, vduIds);
    return {
      flavourId: this.topology.flavourId ?? '',
      flavourDescription: str(p['flavour_description']) ?? '',
      vdus,
      vduCps: cps,
      virtualLinks: vls,
      extCps,
      ...policies,
      interfaces: Object.keys(obj(obj(vnf['interfaces'])['Vnflcm'])),
      lcmOperations: this.lcmOperations(vnf),
      monitoring: readMonitoring(this, vdus, policies.scalingAspects),
      definitions: this.file.path,
    };
  }

  /**
   * An artifact's file in the package: relative to the definitions file (TOSCA's rule), or else, when only
   * that exists, to the package's root: Tacker's samples name `Scripts/x.py` from Definitions/ and Tacker
   * finds it at the root.
   */
  private artifactFile(file: string): string {
    const path = artifactPath(this, file);
    if (file.startsWith('/')) return path;
    const fromRoot = posix.normalize(file);
    return !this.exists(path) && !fromRoot.startsWith('../') && this.exists(fromRoot) ? fromRoot : path;
  }

  /** Each Vnflcm operation's `implementation`: an artifact of the VNF node whose file is in the package. */
  private lcmOperations(vnf: Obj): LcmOperationModel[] {
    const name = this.topology.vnfName ?? '';
    const artifacts = obj(vnf['artifacts']);
    const ops: LcmOperationModel[] = [];
    for (const [operation, def] of Object.entries(obj(obj(vnf['interfaces'])['Vnflcm']))) {
      const impl = obj(def)['implementation'];
      const artifact = typeof impl === 'string' ? impl : str(obj(impl)['primary']);
      if (artifact === undefined) continue;
      const at = this.nodePath(name, 'interfaces', 'Vnflcm', operation, 'implementation');
      const a = artifacts[artifact];
      if (a === undefined) {
        this.err(at, `Vnflcm ${operation}: '${artifact}' is not an artifact of the VNF node '${name}'`);
        continue;
      }
      const file = typeof a === 'string' ? a : str(obj(a)['file']);
      if (file === undefined) {
        this.err(this.nodePath(name, 'artifacts', artifact), `artifact '${artifact}' has no file`);
        continue;
      }
      const path = this.artifactFile(file);
      if (!this.exists(path))
        this.err(this.nodePath(name, 'artifacts', artifact), `artifact '${artifact}': ${path} is not in the package`);
      else ops.push({ operation, artifact, path });
    }
    return ops;
  }
}

/** `requirements: [ {virtual_binding: x}, {virtual_link: {node: y}} ]` as a map of name -> target node. */
export function requirements(v: Obj): Record<string, string> {
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

/**
 * The Neutron vnic_type (binding:vnic_type: direct, macvtap, ...) a VduCp asks for in a mandatory
 * `virtual_network_interface_requirements` entry's `network_interface_requirements.vnic_type`: SOL001
 * v2.6.1's own `vnic_type` allows only normal, virtio and direct-physical (docs/packages.md).
 */
function neutronVnicType(cp: Obj): string | undefined {
  const reqs = Array.isArray(cp['virtual_network_interface_requirements'])
    ? (cp['virtual_network_interface_requirements'] as unknown[])
    : [];
  for (const r of reqs) {
    const v = str(obj(obj(r)['network_interface_requirements'])['vnic_type']);
    if (v !== undefined) return v;
  }
  return undefined;
}
