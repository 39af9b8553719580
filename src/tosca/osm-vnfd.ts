/**
 * The OSM descriptor of a VNF (OSM Release 9 and later: ETSI SOL006's `vnfd` with OSM's additions), made from the
 * parsed VnfdModel. Pure: the model in, a plain object out (osm-package.ts writes it as YAML into the package).
 *
 * What is OSM's and not SOL006's: `mgmt-cp`, a VDU's `cloud-init-file`, a NIC's `virtual-interface` and
 * `position`, a memory's `mempage-size`, a storage's `size-of-storage` directly in `virtual-storage-desc`, and
 * the day-1/2 part of `operate-vnf-op-config` (`day1-2`). CPU pinning is SOL006's own
 * `virtual-cpu.pinning.policy: static`, which OSM turns into `cpu-pinning-policy: DEDICATED`.
 *
 * @see ETSI GS NFV-SOL 006 v2.8.1 / v3.3.1 (etsi-nfv-vnf.yang), OSM's information model (osm/IM)
 */
import type { FlavourModel, SwImageData, VduCpModel, VduModel, VnfdModel } from './model';
import { day12 } from './osm-day1';
import type {
  OsmDf,
  OsmExtCpd,
  OsmIntCpd,
  OsmSwImageDesc,
  OsmVdu,
  OsmVirtualComputeDesc,
  OsmVnfdDocument,
} from './osm-types';

const GIB = 1024 ** 3;

/** Bytes as GB in OSM's sense (the VIM's 1024 MB), rounded up to `digits` decimals and never below the smallest. */
function gb(bytes: number, digits: 0 | 1): number {
  const f = 10 ** digits;
  return Math.max(1 / f, Math.ceil((bytes / GIB) * f - 1e-9) / f);
}

/** OSM's `virtual-interface.type` for a SOL001 vnic_type. */
export function osmInterfaceType(vnicType: string): string {
  switch (vnicType) {
    case 'direct':
    case 'macvtap':
      return 'SR-IOV';
    case 'direct-physical':
    case 'baremetal':
      return 'PCI-PASSTHROUGH';
    default:
      return 'VIRTIO';
  }
}

/** OSM's `mempage-size` for a SOL001 `hw:mem_page_size` (Nova's values: small, large, any, or a size). */
export function osmMemPageSize(size: string): string {
  const s = size.trim().toLowerCase();
  if (s === 'small' || s === '4kb' || s === '4096') return 'SMALL';
  if (s === 'large') return 'LARGE';
  if (s === '2mb' || s === '2048') return 'SIZE_2MB';
  if (s === '1gb' || s === '1048576') return 'SIZE_1GB';
  return 'PREFER_LARGE';
}

/** The id of the external CPD that exposes a VDU CP connected to no internal link. */
export const extCpdId = (cpId: string): string => `${cpId}-ext`;

/** SOL006's identity for a SOL001 checksum algorithm (`sha-256`, also written `sha256` or `SHA-256`). */
function checksumAlgorithm(a: string): 'sha-224' | 'sha-256' | 'sha-384' | 'sha-512' {
  const bits = /(224|256|384|512)/.exec(a)?.[1] ?? '256';
  return `sha-${bits}` as 'sha-224' | 'sha-256' | 'sha-384' | 'sha-512';
}

function swImageDesc(img: SwImageData): OsmSwImageDesc {
  return {
    id: img.name,
    name: img.name,
    // OSM looks the image up in the VIM by this name
    image: img.name,
    version: img.version,
    ...(img.checksum.hash !== ''
      ? { checksum: { algorithm: checksumAlgorithm(img.checksum.algorithm), hash: img.checksum.hash } }
      : {}),
    'container-format': img.containerFormat,
    'disk-format': img.diskFormat,
    'min-disk': gb(img.minDiskBytes, 0),
    ...(img.minRamBytes > 0 ? { 'min-ram': gb(img.minRamBytes, 1) } : {}),
    size: gb(img.sizeBytes, 0),
    ...(img.operatingSystem !== undefined ? { 'operating-system': img.operatingSystem } : {}),
  };
}

/** A VDU CP; its NIC's `position` is SOL001's order + 1 (OSM numbers NICs from 1, the management NIC first). */
function intCpd(cp: VduCpModel): OsmIntCpd {
  return {
    id: cp.id,
    ...(cp.virtualLinkId !== undefined ? { 'int-virtual-link-desc': cp.virtualLinkId } : {}),
    'virtual-network-interface-requirement': [
      {
        name: cp.id,
        position: cp.order + 1,
        // SOL006's own form of the requirement (one at least); OSM's virtual-interface is what OSM acts on
        'network-interface-requirements': [{ key: 'vnic-type', value: cp.vnicType }],
        'virtual-interface': { type: osmInterfaceType(cp.vnicType) },
      },
    ],
  };
}

function computeDesc(v: VduModel): OsmVirtualComputeDesc {
  return {
    id: `${v.id}-compute`,
    'virtual-cpu': {
      'num-virtual-cpu': v.numVirtualCpu,
      ...(v.cpuPolicy !== undefined ? { pinning: { policy: v.cpuPolicy === 'dedicated' ? 'static' : 'dynamic' } } : {}),
    },
    'virtual-memory': {
      size: gb(v.virtualMemoryBytes, 1),
      ...(v.memPageSize !== undefined ? { 'mempage-size': osmMemPageSize(v.memPageSize) } : {}),
    },
  };
}

/** The cloud-init file name of a VDU (in the package's cloud_init/ folder). */
export const cloudInitFile = (vduId: string): string => `${vduId}-cloud-init.yaml`;

function vdu(v: VduModel, cps: VduCpModel[]): OsmVdu {
  const disk = v.swImage?.minDiskBytes ?? 0;
  return {
    id: v.id,
    name: v.name,
    ...(v.description !== '' ? { description: v.description } : {}),
    'int-cpd': cps
      .filter((c) => c.vduId === v.id)
      .sort((a, b) => a.order - b.order)
      .map(intCpd),
    'virtual-compute-desc': `${v.id}-compute`,
    ...(disk > 0 ? { 'virtual-storage-desc': [`${v.id}-storage`] } : {}),
    ...(v.swImage !== undefined ? { 'sw-image-desc': v.swImage.name } : {}),
    ...(v.clickConfig !== undefined ? { 'cloud-init-file': cloudInitFile(v.id) } : {}),
  };
}

/** The management CP of a VDU: its order-0 CP (the first NIC, where the REST API listens). */
function mgmtCp(f: FlavourModel, vduId: string): VduCpModel | undefined {
  return f.vduCps.filter((c) => c.vduId === vduId).sort((a, b) => a.order - b.order)[0];
}

function df(f: FlavourModel, extOf: (vduId: string) => string | undefined): OsmDf {
  const day = f.vdus.flatMap((v) => {
    const ext = extOf(v.id);
    return v.clickConfig !== undefined && ext !== undefined ? [day12(v, ext)] : [];
  });
  return {
    id: f.flavourId,
    ...(f.flavourDescription !== '' ? { description: f.flavourDescription } : {}),
    'vdu-profile': f.vdus.map((v) => ({
      id: v.id,
      'min-number-of-instances': v.minInstances,
      'max-number-of-instances': v.maxInstances,
    })),
    'instantiation-level': instantiationLevels(f),
    ...(f.defaultInstantiationLevel !== undefined
      ? { 'default-instantiation-level': f.defaultInstantiationLevel }
      : {}),
    ...(f.scalingAspects.length > 0
      ? {
          'scaling-aspect': f.scalingAspects.map((a) => ({
            id: a.id,
            name: a.name,
            ...(a.description !== '' ? { description: a.description } : {}),
            'max-scale-level': a.maxScaleLevel,
            'aspect-delta-details': {
              deltas: a.stepDeltas.map((d) => ({
                id: d,
                'vdu-delta': Object.entries(a.vduDeltas)
                  .filter(([, ds]) => ds[d] !== undefined)
                  .map(([vduId, ds]) => ({ id: vduId, 'number-of-instances': ds[d] as number })),
              })),
            },
          })),
        }
      : {}),
    ...(day.length > 0 ? { 'lcm-operations-configuration': { 'operate-vnf-op-config': { 'day1-2': day } } } : {}),
  };
}

function instantiationLevels(f: FlavourModel): OsmDf['instantiation-level'] {
  if (f.instantiationLevels.length === 0)
    return [
      {
        id: 'default-instantiation-level',
        'vdu-level': f.vdus.map((v) => ({
          'vdu-id': v.id,
          'number-of-instances': f.initialDeltas[v.id] ?? v.minInstances,
        })),
      },
    ];
  return f.instantiationLevels.map((l) => ({
    id: l.id,
    ...(l.description !== '' ? { description: l.description } : {}),
    'vdu-level': f.vdus.map((v) => ({
      'vdu-id': v.id,
      'number-of-instances': l.vduInstances[v.id] ?? f.initialDeltas[v.id] ?? v.minInstances,
    })),
    ...(Object.keys(l.scaleInfo).length > 0
      ? {
          'scaling-info': Object.entries(l.scaleInfo).map(([aspect, level]) => ({
            'scaling-aspect-id': aspect,
            'scale-level': level,
          })),
        }
      : {}),
  }));
}

/**
 * The OSM descriptor of the model's first flavour (OSM deploys one `df` at a time; the others follow as more
 * `df` entries sharing the VDUs would need the same VDUs in every flavour, which SOL001 does not promise).
 * `id`: the descriptor's id in OSM's catalogue (the package's name).
 */
export function osmVnfd(model: VnfdModel, id: string): OsmVnfdDocument {
  const f: FlavourModel = model;
  // a CP on no internal link is connected at instantiation: OSM needs an external CPD for it
  const ext: OsmExtCpd[] = f.vduCps
    .filter((c) => c.virtualLinkId === undefined)
    .map((c) => ({ id: extCpdId(c.id), 'int-cpd': { 'vdu-id': c.vduId, cpd: c.id } }));
  for (const e of f.extCps)
    if (e.internalVirtualLinkId !== undefined) ext.push({ id: e.id, 'int-virtual-link-desc': e.internalVirtualLinkId });
  const extOf = (vduId: string): string | undefined => {
    const cp = mgmtCp(f, vduId);
    return cp === undefined ? undefined : ext.find((e) => e['int-cpd']?.cpd === cp.id)?.id;
  };
  const first = f.vdus[0];
  const mgmt = first !== undefined ? extOf(first.id) : undefined;
  const images = new Map<string, OsmSwImageDesc>();
  for (const v of f.vdus) if (v.swImage !== undefined) images.set(v.swImage.name, swImageDesc(v.swImage));
  const withDisk = f.vdus.filter((v) => v.swImage !== undefined && v.swImage.minDiskBytes > 0);
  return {
    vnfd: {
      id,
      description: model.productInfoDescription ?? `${model.productName} (SOL001 VNFD ${model.descriptorId})`,
      provider: model.provider,
      'product-name': model.productName,
      'software-version': model.softwareVersion,
      version: model.descriptorVersion,
      ...(model.productInfoName !== undefined ? { 'product-info-name': model.productInfoName } : {}),
      ...(model.productInfoDescription !== undefined
        ? { 'product-info-description': model.productInfoDescription }
        : {}),
      // SOL006 wants one at least: under OSM, OSM is the VNF manager
      'vnfm-info': ['osm'],
      ...(mgmt !== undefined ? { 'mgmt-cp': mgmt } : {}),
      vdu: f.vdus.map((v) => vdu(v, f.vduCps)),
      'virtual-compute-desc': f.vdus.map(computeDesc),
      ...(withDisk.length > 0
        ? {
            'virtual-storage-desc': withDisk.map((v) => ({
              id: `${v.id}-storage`,
              'size-of-storage': gb(v.swImage?.minDiskBytes ?? 0, 0),
            })),
          }
        : {}),
      'sw-image-desc': [...images.values()],
      ...(f.virtualLinks.length > 0
        ? {
            'int-virtual-link-desc': f.virtualLinks.map((l) => ({
              id: l.id,
              ...(l.description !== undefined ? { description: l.description } : {}),
              // SOL006 wants the link's layer protocols (one at least): SOL001's names are SOL006's identities
              'connectivity-type': { 'layer-protocol': l.layerProtocols.length > 0 ? l.layerProtocols : ['ethernet'] },
            })),
          }
        : {}),
      'ext-cpd': ext,
      df: [df(f, extOf)],
    },
  };
}
