import { Type, type Static } from '@sinclair/typebox';
import {
  KeyValuePairs,
  LinkSchema,
  ResourceHandleSchema,
  StringEnum,
  VimConnectionInfoSchema,
  VnfExtCpDataSchema,
  type VimConnectionInfo,
} from './common';

/**
 * VnfInstance and what it holds, attribute names exactly as the spec spells them.
 * @see ETSI GS NFV-SOL 003 v2.6.1 clauses 5.5.2.2 (VnfInstance) and 5.5.3 (its referenced types)
 */

export const InstantiationStateSchema = StringEnum(['NOT_INSTANTIATED', 'INSTANTIATED']);
/** @see SOL003 5.5.4.3 VnfOperationalStateType */
export const VnfOperationalStateSchema = StringEnum(['STARTED', 'STOPPED']);

/** @see SOL003 5.5.3.2 ScaleInfo */
export const ScaleInfoSchema = Type.Object({
  aspectId: Type.String(),
  vnfdId: Type.Optional(Type.String()),
  scaleLevel: Type.Integer({ minimum: 0 }),
});

/** @see SOL003 5.5.3.9a IpOverEthernetAddressInfo */
export const IpOverEthernetAddressInfoSchema = Type.Object({
  macAddress: Type.Optional(Type.String()),
  ipAddresses: Type.Optional(
    Type.Array(
      Type.Object({
        type: StringEnum(['IPV4', 'IPV6']),
        addresses: Type.Optional(Type.Array(Type.String())),
        isDynamic: Type.Optional(Type.Boolean()),
        addressRange: Type.Optional(Type.Object({ minAddress: Type.String(), maxAddress: Type.String() })),
        subnetId: Type.Optional(Type.String()),
      }),
    ),
  ),
});

/** @see SOL003 5.5.3.9b CpProtocolInfo */
export const CpProtocolInfoSchema = Type.Object({
  layerProtocol: StringEnum(['IP_OVER_ETHERNET']),
  ipOverEthernet: Type.Optional(IpOverEthernetAddressInfoSchema),
});

/** @see SOL003 5.5.3.25 VnfExtCpInfo */
export const VnfExtCpInfoSchema = Type.Object({
  id: Type.String(),
  cpdId: Type.String(),
  cpConfigId: Type.Optional(Type.String()),
  vnfdId: Type.Optional(Type.String()),
  cpProtocolInfo: Type.Array(CpProtocolInfoSchema, {
    description: 'The addresses are those of the first VNFC port of this CPD',
  }),
  extLinkPortId: Type.Optional(Type.String()),
  metadata: Type.Optional(KeyValuePairs('Metadata of the CP')),
  associatedVnfcCpId: Type.Optional(Type.String()),
  associatedVnfVirtualLinkId: Type.Optional(Type.String({ description: 'The VIM network the CP is attached to' })),
});

/** @see SOL003 5.5.3.5 (vnfcCpInfo of VnfcResourceInfo) */
export const VnfcCpInfoSchema = Type.Object({
  id: Type.String(),
  cpdId: Type.String(),
  vnfExtCpId: Type.Optional(Type.String()),
  cpProtocolInfo: Type.Optional(Type.Array(CpProtocolInfoSchema)),
  vnfLinkPortId: Type.Optional(Type.String()),
  metadata: Type.Optional(KeyValuePairs('Metadata of the CP')),
});

/** @see SOL003 5.5.3.5 VnfcResourceInfo */
export const VnfcResourceInfoSchema = Type.Object({
  id: Type.String(),
  vduId: Type.String(),
  vnfdId: Type.Optional(
    Type.String({
      description:
        "SOL003 v3.3.1 5.5.3.5: the VNFD of this VNFC, present while it differs from the instance's " +
        '(a package change in progress, or one given up half-way)',
    }),
  ),
  computeResource: ResourceHandleSchema,
  storageResourceIds: Type.Optional(Type.Array(Type.String())),
  reservationId: Type.Optional(Type.String()),
  vnfcCpInfo: Type.Optional(Type.Array(VnfcCpInfoSchema)),
  metadata: Type.Optional(
    KeyValuePairs('The VM: name, status, managementAddress, managementPort, and what the VIM reports'),
  ),
});

/** @see SOL003 5.5.3.9 ExtLinkPortInfo */
export const ExtLinkPortInfoSchema = Type.Object({
  id: Type.String(),
  resourceHandle: ResourceHandleSchema,
  cpInstanceId: Type.Optional(Type.String()),
});

/** @see SOL003 5.5.3.2a ExtVirtualLinkInfo */
export const ExtVirtualLinkInfoSchema = Type.Object({
  id: Type.String(),
  resourceHandle: ResourceHandleSchema,
  extLinkPorts: Type.Optional(Type.Array(ExtLinkPortInfoSchema)),
  currentVnfExtCpData: Type.Optional(Type.Array(VnfExtCpDataSchema)),
});

/** @see SOL003 5.5.3.8 VnfLinkPortInfo */
export const VnfLinkPortInfoSchema = Type.Object({
  id: Type.String(),
  resourceHandle: ResourceHandleSchema,
  cpInstanceId: Type.Optional(Type.String()),
  cpInstanceType: Type.Optional(StringEnum(['VNFC_CP', 'EXT_CP'])),
});

/** @see SOL003 5.5.3.3 ExtManagedVirtualLinkInfo */
export const ExtManagedVirtualLinkInfoSchema = Type.Object({
  id: Type.String(),
  vnfVirtualLinkDescId: Type.String(),
  networkResource: ResourceHandleSchema,
  vnfLinkPorts: Type.Optional(Type.Array(VnfLinkPortInfoSchema)),
});

/** @see SOL003 5.5.3.6 VnfVirtualLinkResourceInfo */
export const VnfVirtualLinkResourceInfoSchema = Type.Object({
  id: Type.String(),
  vnfVirtualLinkDescId: Type.String(),
  networkResource: ResourceHandleSchema,
  reservationId: Type.Optional(Type.String()),
  vnfLinkPorts: Type.Optional(Type.Array(VnfLinkPortInfoSchema)),
  metadata: Type.Optional(KeyValuePairs('Metadata of the link')),
});

/** @see SOL003 5.5.3.7 VirtualStorageResourceInfo */
export const VirtualStorageResourceInfoSchema = Type.Object({
  id: Type.String(),
  virtualStorageDescId: Type.String(),
  storageResource: ResourceHandleSchema,
  reservationId: Type.Optional(Type.String()),
  metadata: Type.Optional(KeyValuePairs('Metadata of the storage')),
});

/** @see SOL003 5.5.3.3 (monitoringParameters: MonitoringParameter) */
export const MonitoringParameterSchema = Type.Object({
  id: Type.String(),
  vnfdId: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  performanceMetric: Type.String(),
});

/** @see SOL003 5.5.2.2 (instantiatedVnfInfo) */
export const InstantiatedVnfInfoSchema = Type.Object(
  {
    flavourId: Type.String(),
    vnfState: VnfOperationalStateSchema,
    scaleStatus: Type.Optional(Type.Array(ScaleInfoSchema, { description: 'The scale level of every scaling aspect' })),
    maxScaleLevels: Type.Optional(
      Type.Array(ScaleInfoSchema, { description: 'The maximum scale level of every scaling aspect' }),
    ),
    extCpInfo: Type.Array(VnfExtCpInfoSchema),
    extVirtualLinkInfo: Type.Optional(Type.Array(ExtVirtualLinkInfoSchema)),
    extManagedVirtualLinkInfo: Type.Optional(Type.Array(ExtManagedVirtualLinkInfoSchema)),
    monitoringParameters: Type.Optional(Type.Array(MonitoringParameterSchema)),
    localizationLanguage: Type.Optional(Type.String()),
    vnfcResourceInfo: Type.Optional(Type.Array(VnfcResourceInfoSchema, { description: 'One per VNFC (a VM)' })),
    vnfVirtualLinkResourceInfo: Type.Optional(Type.Array(VnfVirtualLinkResourceInfoSchema)),
    virtualStorageResourceInfo: Type.Optional(Type.Array(VirtualStorageResourceInfoSchema)),
  },
  { description: 'Present when instantiationState is INSTANTIATED' },
);

/** @see SOL003 5.5.2.2 (_links) */
export const VnfInstanceLinksSchema = Type.Object({
  self: LinkSchema,
  indicators: Type.Optional(LinkSchema),
  instantiate: Type.Optional(LinkSchema),
  terminate: Type.Optional(LinkSchema),
  scale: Type.Optional(LinkSchema),
  scaleToLevel: Type.Optional(LinkSchema),
  changeFlavour: Type.Optional(LinkSchema),
  heal: Type.Optional(LinkSchema),
  operate: Type.Optional(LinkSchema),
  changeExtConn: Type.Optional(LinkSchema),
});

/** @see SOL003 5.5.2.2 VnfInstance (vnfPkgId: the package the instance was created from, as SOL003 v2.4.1 had it) */
export const VnfInstanceSchema = Type.Object(
  {
    id: Type.String(),
    vnfInstanceName: Type.Optional(Type.String()),
    vnfInstanceDescription: Type.Optional(Type.String()),
    vnfdId: Type.String(),
    vnfProvider: Type.String(),
    vnfProductName: Type.String(),
    vnfSoftwareVersion: Type.String(),
    vnfdVersion: Type.String(),
    vnfPkgId: Type.Optional(Type.String()),
    vnfConfigurableProperties: Type.Optional(
      KeyValuePairs('Configurable properties; clickConfig is the Click configuration the VNFCs run'),
    ),
    vimConnectionInfo: Type.Optional(Type.Array(VimConnectionInfoSchema)),
    instantiationState: InstantiationStateSchema,
    instantiatedVnfInfo: Type.Optional(InstantiatedVnfInfoSchema),
    metadata: Type.Optional(KeyValuePairs('Metadata of the instance')),
    extensions: Type.Optional(KeyValuePairs('Extensions of the instance')),
    _links: VnfInstanceLinksSchema,
  },
  { description: 'SOL003 5.5.2.2 VnfInstance' },
);

export type InstantiationState = Static<typeof InstantiationStateSchema>;
export type VnfOperationalState = Static<typeof VnfOperationalStateSchema>;
export type ScaleInfo = Static<typeof ScaleInfoSchema>;
export type CpProtocolInfo = Static<typeof CpProtocolInfoSchema>;
export type VnfExtCpInfo = Static<typeof VnfExtCpInfoSchema>;
export type VnfcCpInfo = Static<typeof VnfcCpInfoSchema>;
export type VnfcResourceInfo = Static<typeof VnfcResourceInfoSchema>;
export type InstantiatedVnfInfo = Static<typeof InstantiatedVnfInfoSchema>;

/**
 * A VNF instance as the VNFM keeps it: the schema's, with its VIM connections' credentials
 * (VimConnectionInfo.accessInfo, secret interfaceInfo members), which the response schema leaves out.
 */
/** The instance's links, as the API renders them at view time (src/api/render.ts). */
export type VnfInstanceLinks = Static<typeof VnfInstanceSchema>['_links'];
/**
 * The instance as stored and as the LCM works on it: the schema's type, with credentials possible in
 * vimConnectionInfo and no `_links` (the API renders them at view time; the store keeps none).
 */
export type VnfInstance = Omit<Static<typeof VnfInstanceSchema>, 'vimConnectionInfo' | '_links'> & {
  vimConnectionInfo?: VimConnectionInfo[];
  _links?: VnfInstanceLinks;
};
