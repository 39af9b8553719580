/**
 * Our own JSON Schema (TypeBox) of the part of OSM's VNF descriptor that osm-vnfd.ts writes, and its types.
 * Written from ETSI SOL006's YANG (etsi-nfv-vnf.yang: mandatory leaves, enumerations, ranges, list keys) and
 * OSM's additions to it; not a copy of either. Closed objects: a leaf we do not know is an error, as it is
 * for OSM's own validation of an onboarded descriptor.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const closed = <T extends Parameters<typeof Type.Object>[0]>(props: T) =>
  Type.Object(props, { additionalProperties: false });
const Id = Type.String({ minLength: 1 });
const UInt16 = (min = 0) => Type.Integer({ minimum: min, maximum: 65535 });
const UInt32 = (min = 0) => Type.Integer({ minimum: min, maximum: 4294967295 });
const UInt64 = Type.Integer({ minimum: 0 });
/** decimal64 with fraction-digits 1 (the one digit is osm-vnfd.ts' rounding: multipleOf 0.1 fails on floats) */
const Dec1 = Type.Number({ minimum: 0 });
const Enum = (...values: string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const list = <T extends TSchema>(item: T, min = 0) => Type.Array(item, { minItems: min });

/** SOL006's container-format and disk-format enumerations */
const ContainerFormat = Enum('aki', 'ami', 'ari', 'bare', 'docker', 'ova', 'ovf');
const DiskFormat = Enum('aki', 'ami', 'ari', 'iso', 'qcow2', 'raw', 'vdi', 'vhd', 'vhdx', 'vmdk');
/** OSM's virtual-interface types and memory page sizes */
export const VIRTUAL_INTERFACE_TYPES = [
  'PARAVIRT',
  'VIRTIO',
  'E1000',
  'RTL8139',
  'PCNET',
  'OM-MGMT',
  'PCI-PASSTHROUGH',
  'SR-IOV',
] as const;
/** SOL006's layer-protocol identities */
const LayerProtocol = Enum('ethernet', 'mpls', 'odu2', 'ipv4', 'ipv6', 'pseudo-wire');
const MempageSize = Enum('LARGE', 'SMALL', 'SIZE_2MB', 'SIZE_1GB', 'PREFER_LARGE');

const SwImageDesc = closed({
  id: Id,
  name: Id,
  version: Type.String(),
  image: Type.Optional(Type.String()),
  checksum: Type.Optional(closed({ algorithm: Enum('sha-224', 'sha-256', 'sha-384', 'sha-512'), hash: Id })),
  'container-format': Type.Optional(ContainerFormat),
  'disk-format': Type.Optional(DiskFormat),
  'min-disk': UInt64,
  'min-ram': Type.Optional(Dec1),
  size: UInt64,
  'operating-system': Type.Optional(Type.String()),
});

const IntCpd = closed({
  id: Id,
  'int-virtual-link-desc': Type.Optional(Id),
  'virtual-network-interface-requirement': list(
    closed({
      name: Id,
      position: Type.Optional(UInt32()),
      'network-interface-requirements': list(closed({ key: Id, value: Type.String() }), 1),
      'virtual-interface': closed({ type: Enum(...VIRTUAL_INTERFACE_TYPES) }),
    }),
  ),
});

const Vdu = closed({
  id: Id,
  name: Id,
  description: Type.Optional(Type.String()),
  'int-cpd': list(IntCpd, 1),
  'virtual-compute-desc': Id,
  'virtual-storage-desc': Type.Optional(list(Id)),
  'sw-image-desc': Type.Optional(Id),
  'cloud-init-file': Type.Optional(Type.String({ pattern: '^[^/]+$' })),
});

const VirtualComputeDesc = closed({
  id: Id,
  'virtual-cpu': closed({
    'num-virtual-cpu': UInt16(1),
    pinning: Type.Optional(closed({ policy: Enum('static', 'dynamic') })),
  }),
  'virtual-memory': closed({ size: Dec1, 'mempage-size': Type.Optional(MempageSize) }),
});

const ExtCpd = Type.Union([
  closed({ id: Id, 'int-cpd': closed({ 'vdu-id': Id, cpd: Id }) }),
  closed({ id: Id, 'int-virtual-link-desc': Id }),
]);

const Parameter = closed({
  name: Id,
  value: Type.String(),
  'data-type': Type.Optional(Enum('STRING', 'INTEGER', 'BOOLEAN')),
});
const Day12 = closed({
  id: Id,
  'execution-environment-list': list(
    closed({
      id: Id,
      'external-connection-point-ref': Type.Optional(Id),
      juju: closed({ charm: Id, proxy: Type.Optional(Type.Boolean()) }),
    }),
    1,
  ),
  'initial-config-primitive': list(
    closed({ seq: UInt32(), name: Id, 'execution-environment-ref': Id, parameter: Type.Optional(list(Parameter)) }),
  ),
  'config-primitive': Type.Optional(
    list(
      closed({
        name: Id,
        'execution-environment-ref': Id,
        parameter: Type.Optional(
          list(
            closed({
              name: Id,
              'data-type': Enum('STRING', 'INTEGER', 'BOOLEAN'),
              'default-value': Type.Optional(Type.String()),
            }),
          ),
        ),
      }),
    ),
  ),
});

const Df = closed({
  id: Id,
  description: Type.Optional(Type.String()),
  'vdu-profile': list(
    closed({ id: Id, 'min-number-of-instances': UInt16(), 'max-number-of-instances': Type.Optional(UInt16()) }),
    1,
  ),
  'instantiation-level': list(
    closed({
      id: Id,
      description: Type.Optional(Type.String()),
      'vdu-level': list(closed({ 'vdu-id': Id, 'number-of-instances': UInt16() }), 1),
      'scaling-info': Type.Optional(list(closed({ 'scaling-aspect-id': Id, 'scale-level': UInt32() }))),
    }),
    1,
  ),
  'default-instantiation-level': Type.Optional(Id),
  'scaling-aspect': Type.Optional(
    list(
      closed({
        id: Id,
        name: Type.Optional(Type.String()),
        description: Type.Optional(Type.String()),
        'max-scale-level': UInt32(1),
        'aspect-delta-details': closed({
          deltas: list(closed({ id: Id, 'vdu-delta': list(closed({ id: Id, 'number-of-instances': UInt32() })) }), 1),
        }),
      }),
    ),
  ),
  'lcm-operations-configuration': Type.Optional(
    closed({ 'operate-vnf-op-config': closed({ 'day1-2': list(Day12, 1) }) }),
  ),
});

/** The descriptor file: `vnfd:` at the top, as OSM Release 9+ reads it. */
export const OsmVnfdSchema = closed({
  vnfd: closed({
    id: Id,
    description: Type.Optional(Type.String()),
    provider: Id,
    'product-name': Id,
    'software-version': Type.String(),
    version: Type.String(),
    'product-info-name': Type.Optional(Type.String()),
    'product-info-description': Type.Optional(Type.String()),
    'vnfm-info': list(Id, 1),
    'mgmt-cp': Type.Optional(Id),
    vdu: list(Vdu, 1),
    'virtual-compute-desc': list(VirtualComputeDesc),
    'virtual-storage-desc': Type.Optional(list(closed({ id: Id, 'size-of-storage': UInt64 }))),
    'sw-image-desc': list(SwImageDesc),
    'int-virtual-link-desc': Type.Optional(
      list(
        closed({
          id: Id,
          description: Type.Optional(Type.String()),
          'connectivity-type': closed({ 'layer-protocol': list(LayerProtocol, 1) }),
        }),
      ),
    ),
    'ext-cpd': list(ExtCpd, 1),
    df: list(Df, 1),
  }),
});

export type OsmVnfdDocument = Static<typeof OsmVnfdSchema>;
type Vnfd = OsmVnfdDocument['vnfd'];
export type OsmVdu = Vnfd['vdu'][number];
export type OsmIntCpd = OsmVdu['int-cpd'][number];
export type OsmVirtualComputeDesc = Vnfd['virtual-compute-desc'][number];
export type OsmSwImageDesc = Vnfd['sw-image-desc'][number];
export type OsmExtCpd = Vnfd['ext-cpd'][number] & { 'int-cpd'?: { 'vdu-id': string; cpd: string } };
export type OsmDf = Vnfd['df'][number];
export type OsmDay12 = NonNullable<OsmDf['lcm-operations-configuration']>['operate-vnf-op-config']['day1-2'][number];

/** What is wrong in `doc` against OsmVnfdSchema, as `path: message` (empty: nothing). */
export function osmSchemaErrors(doc: unknown): string[] {
  return [...Value.Errors(OsmVnfdSchema, doc)].map((e) => `${e.path || '/'}: ${e.message}`);
}
