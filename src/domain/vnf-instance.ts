import { attributeNames } from './query/attributes';
import type { InstantiationState, VnfInstance, VnfInstanceLinks } from './schemas/vnf-instance';
/**
 * SOL003 VNF instance data types, attribute names exactly as the spec spells them: the types are
 * those of the schemas in ./schemas/vnf-instance.ts (one schema, one type).
 *
 * @see ETSI GS NFV-SOL 003 v2.6.1 clause 5.5.2.2 (VnfInstance)
 */

export type {
  CpProtocolInfo,
  InstantiatedVnfInfo,
  InstantiationState,
  ScaleInfo,
  VnfcCpInfo,
  VnfcResourceInfo,
  VnfExtCpInfo,
  VnfInstance,
  VnfInstanceLinks,
  VnfOperationalState,
} from './schemas/vnf-instance';
export type { Link, ResourceHandle, VimConnectionInfo } from './schemas/common';

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
export function vnfInstanceLinks(base: string, id: string, state: InstantiationState): VnfInstanceLinks {
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
