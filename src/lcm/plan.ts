import type { VnfInstance } from '../domain/vnf-instance';
import type { VduSpec, VnfDeployment } from '../ports/vim';
import type { VnfdModel } from '../tosca';

/** Scale levels by aspect id. */
export type ScaleLevels = Record<string, number>;

/** The levels an instantiation level sets (default level, else every aspect at 0). */
export function levelsFor(model: VnfdModel, instantiationLevelId?: string): ScaleLevels {
  const id = instantiationLevelId ?? model.defaultInstantiationLevel;
  const level = model.instantiationLevels.find((l) => l.id === id);
  return Object.fromEntries(model.scalingAspects.map((a) => [a.id, level?.scaleInfo[a.id] ?? 0]));
}

/** VNFCs per VDU at the given scale levels: initial delta plus each aspect's step deltas up to its level. */
export function countsFor(model: VnfdModel, levels: ScaleLevels): Record<string, number> {
  const out: Record<string, number> = {};
  for (const vdu of model.vdus) {
    let n = model.initialDeltas[vdu.id] ?? vdu.minInstances;
    for (const a of model.scalingAspects) {
      const deltas = a.vduDeltas[vdu.id];
      if (deltas === undefined) continue;
      for (let step = 0; step < (levels[a.id] ?? 0); step++) {
        const deltaId = a.stepDeltas[Math.min(step, a.stepDeltas.length - 1)] ?? '';
        n += deltas[deltaId] ?? 0;
      }
    }
    out[vdu.id] = Math.max(vdu.minInstances, Math.min(vdu.maxInstances, n));
  }
  return out;
}

/**
 * The VIM deployment of an instance: per VDU its flavor, image, connection points (the management
 * port first) and count; external VLs from the InstantiateVnfRequest attach CPs by cpdId.
 */
export function deploymentFor(
  model: VnfdModel,
  instance: Pick<VnfInstance, 'id'>,
  counts: Record<string, number>,
  extLinks: Record<string, string>,
  imageIds: Record<string, string>,
): VnfDeployment {
  const vdus: VduSpec[] = model.vdus.map((v) => {
    const img = v.swImage;
    const cps = model.vduCps
      .filter((c) => c.vduId === v.id)
      .sort((a, b) => a.order - b.order)
      .map((c) => ({
        cpdId: c.id,
        order: c.order,
        vnicType: c.vnicType as VduSpec['cps'][number]['vnicType'],
        ...(c.virtualLinkId !== undefined ? { virtualLinkId: c.virtualLinkId } : {}),
        ...(extLinks[c.id] !== undefined ? { networkId: extLinks[c.id] as string } : {}),
        // data ports carry other hosts' traffic: no port security (anti-spoofing would drop it)
        portSecurity: c.order === 0,
        management: c.order === 0,
      }));
    return {
      vduId: v.id,
      name: v.name,
      count: counts[v.id] ?? 1,
      flavor: {
        vcpus: v.numVirtualCpu,
        memoryMb: Math.round(v.virtualMemoryBytes / 1e6),
        diskGb: Math.max(1, Math.ceil((img?.minDiskBytes ?? 1e9) / 1e9)),
        ...(v.cpuPolicy !== undefined ? { cpuPolicy: v.cpuPolicy } : {}),
        ...(v.memPageSize !== undefined ? { memPageSize: v.memPageSize } : {}),
      },
      image: {
        name: img?.name ?? `${model.productName}-image`,
        version: img?.version ?? '',
        checksum: img?.checksum ?? { algorithm: 'sha-256', hash: '' },
        containerFormat: img?.containerFormat ?? 'bare',
        diskFormat: img?.diskFormat ?? 'qcow2',
        minDiskGb: Math.ceil((img?.minDiskBytes ?? 0) / 1e9),
        minRamMb: Math.ceil((img?.minRamBytes ?? 0) / 1e6),
        sizeBytes: img?.sizeBytes ?? 0,
        properties: { clickosv_dialect: v.management.dialect },
        ...(imageIds[img?.name ?? ''] !== undefined ? { vimImageId: imageIds[img?.name ?? ''] as string } : {}),
      },
      cps,
      dialect: v.management.dialect,
      managementPort: v.management.apiPort,
      controlSocketPort: v.management.controlSocketPort,
    };
  });
  return {
    vnfInstanceId: instance.id,
    flavourId: model.flavourId,
    vdus,
    virtualLinks: model.virtualLinks.map((l) => ({ id: l.id })),
  };
}
