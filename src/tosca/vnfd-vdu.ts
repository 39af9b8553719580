/**
 * The VDU reader of the VNFD parser: a Vdu.Compute node template into a VduModel (compute, image,
 * management, Click artifact).
 */
import { checkClick } from '../click';
import type { VduModel } from './model';
import { sizeBytes, timeMs } from './scalars';
import { vduManagement } from './vnfd-management';
import { locate } from './yaml';
import { artifactPath, obj, str, type Obj, type VnfdContext } from './vnfd-context';

/**
 * A Vdu.Compute node template as a VduModel; its Click artifact is checked with the Click toolkit.
 * `managementPolicy`: the properties of the clickosv.policies.Management policy that targets it, if any.
 */
export function readVdu(c: VnfdContext, id: string, v: Obj, descriptorId: string, managementPolicy?: Obj): VduModel {
  const p = obj(v['properties']);
  const vc = obj(obj(obj(v['capabilities'])['virtual_compute'])['properties']);
  const mem = obj(vc['virtual_memory']);
  const cpu = obj(vc['virtual_cpu']);
  const memReq = obj(mem['vdu_mem_requirements']);
  const pin = obj(cpu['virtual_cpu_pinning']);
  const boot = bootStorage(c, id, v);
  const img = Object.keys(obj(p['sw_image_data'])).length > 0 ? obj(p['sw_image_data']) : (boot?.image ?? {});
  const mgmt = vduManagement(c, id, p, managementPolicy);
  const ready = obj(mgmt['readiness']);
  const artifacts = Object.entries(obj(v['artifacts'])).map(([n, a]) => [n, obj(a)] as [string, Obj]);
  const imageArtifact = artifacts.find(([, a]) => c.defs.derives(str(a['type']), 'tosca.artifacts.nfv.SwImage'));
  const clickArtifact = artifacts.find(([, a]) => c.defs.derives(str(a['type']), 'clickosv.artifacts.ClickConfig'));
  if (Object.keys(img).length === 0 && imageArtifact === undefined) {
    // a container VNF's VDU (Tacker's CNF samples) finds its image in its Kubernetes resources: the package is
    // valid, but this VNFM, which deploys VMs, refuses to instantiate it (src/lcm/operations/flavour.ts)
    c.err(
      c.nodePath(id),
      `VDU '${id}' has no image: give it sw_image_data or a tosca.artifacts.nfv.SwImage artifact ` +
        '(without one this VNFM cannot instantiate it)',
      'warning',
    );
  }
  const model: VduModel = {
    id,
    name: str(p['name']) ?? id,
    description: str(p['description']) ?? '',
    minInstances: Number(obj(p['vdu_profile'])['min_number_of_instances'] ?? 1),
    maxInstances: Number(obj(p['vdu_profile'])['max_number_of_instances'] ?? 1),
    virtualMemoryBytes: sizeBytes(mem['virtual_mem_size']) ?? 512 * 1024 * 1024,
    numVirtualCpu: Number(cpu['num_virtual_cpu'] ?? 1),
    ...(str(pin['virtual_cpu_pinning_policy']) === 'static'
      ? { cpuPolicy: 'dedicated' as const }
      : str(pin['virtual_cpu_pinning_policy']) === 'dynamic'
        ? { cpuPolicy: 'shared' as const }
        : {}),
    ...(str(memReq['hw:mem_page_size']) !== undefined
      ? { memPageSize: str(memReq['hw:mem_page_size']) as string }
      : {}),
    management: {
      dialect: str(mgmt['dialect']) === 'osv-controlsocket' ? 'osv-controlsocket' : 'click-plugin',
      apiPort: Number(mgmt['api_port'] ?? 8000),
      controlSocketPort: Number(mgmt['controlsocket_port'] ?? 8001),
      readiness: {
        graceMs: timeMs(ready['grace']) ?? 10_000,
        intervalMs: timeMs(ready['interval']) ?? 2_000,
        deadlineMs: timeMs(ready['deadline']) ?? 45_000,
      },
    },
    pos: { file: c.file.path, ...locate(c.file.text, c.nodePath(id)) },
    ...(boot !== undefined && Object.keys(obj(p['sw_image_data'])).length === 0 ? { bootStorage: boot.node } : {}),
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
      ...(str(img['operating_system']) !== undefined
        ? { operatingSystem: str(img['operating_system']) as string }
        : {}),
    };
  }
  if (imageArtifact !== undefined) model.imageArtifact = artifactPath(c, str(imageArtifact[1]['file']) ?? '');
  if (clickArtifact !== undefined) {
    const path = artifactPath(c, str(clickArtifact[1]['file']) ?? '');
    const bytes = c.files.get(path);
    if (bytes === undefined)
      c.err(
        c.nodePath(id, 'artifacts', clickArtifact[0]),
        `Click artifact '${clickArtifact[0]}': ${path} is not in the package`,
      );
    else {
      const text = bytes.toString('utf8');
      const r = checkClick(text, {
        file: path,
        requireHeader: true,
        warnings: false,
        agentControlPorts: [model.management.controlSocketPort],
      });
      c.out.push(...r.diagnostics);
      if (r.header !== undefined && descriptorId !== '' && r.header.id !== descriptorId) {
        c.out.push({
          file: path,
          line: 3,
          column: 1,
          severity: 'error',
          message: `VNF_ID ${r.header.id} differs from the VNFD's descriptor_id ${descriptorId}`,
        });
      }
      model.clickConfig = { path, text };
    }
  }
  return model;
}

/**
 * The VirtualBlockStorage with sw_image_data a VDU's `virtual_storage` requirements name (it boots from it),
 * if any. A requirement naming no node of the topology is an error.
 */
function bootStorage(c: VnfdContext, id: string, v: Obj): { node: string; image: Obj } | undefined {
  const list = Array.isArray(v['requirements']) ? (v['requirements'] as unknown[]) : [];
  let boot: { node: string; image: Obj } | undefined;
  list.forEach((r, i) => {
    const t = obj(r)['virtual_storage'];
    const node = typeof t === 'string' ? t : str(obj(t)['node']);
    if (node === undefined) return;
    const target = c.nodes[node];
    if (target === undefined) {
      c.err(c.nodePath(id, 'requirements', i), `VDU '${id}': virtual_storage '${node}' is not a node template`);
      return;
    }
    const image = obj(obj(obj(target)['properties'])['sw_image_data']);
    const isBlock = c.defs.derives(str(obj(target)['type']), 'tosca.nodes.nfv.Vdu.VirtualBlockStorage');
    if (isBlock && Object.keys(image).length > 0 && boot === undefined) boot = { node, image };
  });
  return boot;
}
