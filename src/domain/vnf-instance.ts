import { attributeNames } from './query/attributes';
/**
 * SOL003 VNF instance data types, attribute names exactly as the spec spells them.
 *
 * @see ETSI GS NFV-SOL 003 v2.6.1 clause 5.5.2.2 (VnfInstance)
 */

export type InstantiationState = 'NOT_INSTANTIATED' | 'INSTANTIATED';
/** @see SOL003 5.5.4.3 VnfOperationalStateType */
export type VnfOperationalState = 'STARTED' | 'STOPPED';

export interface Link {
  href: string;
}

/** @see SOL003 5.5.3.2 ScaleInfo */
export interface ScaleInfo {
  aspectId: string;
  vnfdId?: string;
  scaleLevel: number;
}

/** @see SOL003 4.4.1.7 ResourceHandle */
export interface ResourceHandle {
  vimConnectionId?: string;
  resourceProviderId?: string;
  resourceId: string;
  vimLevelResourceType?: string;
}

/** @see SOL003 5.5.3.5 VnfcResourceInfo */
export interface VnfcResourceInfo {
  id: string;
  vduId: string;
  computeResource: ResourceHandle;
  storageResourceIds?: string[];
  reservationId?: string;
  vnfcCpInfo?: Array<{
    id: string;
    cpdId: string;
    vnfExtCpId?: string;
    cpProtocolInfo?: Array<{
      layerProtocol: 'IP_OVER_ETHERNET';
      ipOverEthernet?: { macAddress?: string; ipAddresses?: Array<{ type: 'IPV4' | 'IPV6'; addresses?: string[]; isDynamic?: boolean }> };
    }>;
    vnfLinkPortId?: string;
    metadata?: Record<string, unknown>;
  }>;
  metadata?: Record<string, unknown>;
}

/** @see SOL003 5.5.3.3 (InstantiatedVnfInfo) */
export interface InstantiatedVnfInfo {
  flavourId: string;
  vnfState: VnfOperationalState;
  scaleStatus?: ScaleInfo[];
  maxScaleLevels?: ScaleInfo[];
  extCpInfo: Array<{
    id: string;
    cpdId: string;
    cpConfigId?: string;
    vnfdId?: string;
    cpProtocolInfo?: unknown[];
    extLinkPortId?: string;
    metadata?: Record<string, unknown>;
    associatedVnfcCpId?: string;
    associatedVnfVirtualLinkId?: string;
  }>;
  extVirtualLinkInfo?: Array<{ id: string; resourceHandle: ResourceHandle; extLinkPorts?: unknown[]; currentVnfExtCpData?: unknown[] }>;
  extManagedVirtualLinkInfo?: unknown[];
  monitoringParameters?: unknown[];
  localizationLanguage?: string;
  vnfcResourceInfo?: VnfcResourceInfo[];
  vnfVirtualLinkResourceInfo?: Array<{ id: string; vnfVirtualLinkDescId: string; networkResource: ResourceHandle; vnfLinkPorts?: unknown[]; metadata?: Record<string, unknown> }>;
  virtualStorageResourceInfo?: unknown[];
}

/** @see SOL003 4.4.1.6 VimConnectionInfo */
export interface VimConnectionInfo {
  id: string;
  vimId?: string;
  vimType: string;
  interfaceInfo?: Record<string, string>;
  /** Never returned: accessInfo holds credentials. */
  accessInfo?: Record<string, string>;
  extra?: Record<string, unknown>;
}

/** @see SOL003 5.5.2.2 VnfInstance */
export interface VnfInstance {
  id: string;
  vnfInstanceName?: string;
  vnfInstanceDescription?: string;
  vnfdId: string;
  vnfProvider: string;
  vnfProductName: string;
  vnfSoftwareVersion: string;
  vnfdVersion: string;
  vnfPkgId?: string;
  vnfConfigurableProperties?: Record<string, unknown>;
  vimConnectionInfo?: VimConnectionInfo[];
  instantiationState: InstantiationState;
  instantiatedVnfInfo?: InstantiatedVnfInfo;
  metadata?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
  /** Rendered by the API at view time (src/api/render.ts); not stored. */
  _links?: {
    self: Link;
    indicators?: Link;
    instantiate?: Link;
    terminate?: Link;
    scale?: Link;
    scaleToLevel?: Link;
    changeFlavour?: Link;
    heal?: Link;
    operate?: Link;
    changeExtConn?: Link;
  };
}

/**
 * Attributes that GET /vnf_instances leaves out unless asked for.
 * @see SOL003 5.4.2.3.2 (exclude_default)
 */
export const VNF_INSTANCE_DEFAULT_EXCLUDES: readonly string[] = [
  'vnfConfigurableProperties',
  'vimConnectionInfo',
  'instantiatedVnfInfo',
  'metadata',
  'extensions',
];

/** The `_links` of an instance for its state, absolute from `base` (e.g. `http://vnfm:9890/vnflcm/v1`). */
export function vnfInstanceLinks(base: string, id: string, state: InstantiationState): NonNullable<VnfInstance['_links']> {
  const self = `${base}/vnf_instances/${id}`;
  if (state === 'NOT_INSTANTIATED') return { self: { href: self }, instantiate: { href: `${self}/instantiate` } };
  return {
    self: { href: self },
    terminate: { href: `${self}/terminate` },
    scale: { href: `${self}/scale` },
    scaleToLevel: { href: `${self}/scale_to_level` },
    changeFlavour: { href: `${self}/change_flavour` },
    heal: { href: `${self}/heal` },
    operate: { href: `${self}/operate` },
    changeExtConn: { href: `${self}/change_ext_conn` },
  };
}

/** Every top-level attribute of VnfInstance (SOL003 5.5.2.2), checked against the type. */
export const VNF_INSTANCE_ATTRIBUTES = attributeNames<VnfInstance>()([
  'id',
  'vnfInstanceName',
  'vnfInstanceDescription',
  'vnfdId',
  'vnfProvider',
  'vnfProductName',
  'vnfSoftwareVersion',
  'vnfdVersion',
  'vnfPkgId',
  'vnfConfigurableProperties',
  'vimConnectionInfo',
  'instantiationState',
  'instantiatedVnfInfo',
  'metadata',
  'extensions',
  '_links',
]);
