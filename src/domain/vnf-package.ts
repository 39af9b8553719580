import { attributeNames } from './query/attributes';
import type { VnfPkgInfo } from './schemas/vnf-package';
/**
 * VNF package information (VnfPkgInfo), attribute names as the spec spells them (the types are
 * those of the schemas in ./schemas/vnf-package.ts).
 *
 * @see ETSI GS NFV-SOL 005 v2.6.1 clause 9.5.2.5 (and SOL003 v2.6.1 clause 10.5.2.2)
 */
export type {
  CreateVnfPkgInfoRequest,
  PackageOnboardingState,
  PackageOperationalState,
  PackageUsageState,
  VnfPackageSoftwareImageInfo,
  VnfPkgInfo,
  VnfPkgInfoModifications,
} from './schemas/vnf-package';

/** @see SOL005 9.4.2.3.2: left out of GET /vnf_packages unless asked for */
export const VNF_PACKAGE_DEFAULT_EXCLUDES: readonly string[] = [
  'softwareImages',
  'additionalArtifacts',
  'userDefinedData',
  'checksum',
  'onboardingFailureDetails',
];

/** Every top-level attribute of VnfPkgInfo (SOL005 9.5.2.5), checked against the type. */
export const VNF_PKG_INFO_ATTRIBUTES = attributeNames<VnfPkgInfo>()([
  'id',
  'vnfdId',
  'vnfProvider',
  'vnfProductName',
  'vnfSoftwareVersion',
  'vnfdVersion',
  'checksum',
  'softwareImages',
  'additionalArtifacts',
  'onboardingState',
  'operationalState',
  'usageState',
  'onboardingFailureDetails',
  'userDefinedData',
  '_links',
]);

/**
 * A package taken from the NFVO (docs/nfvo.md) says so in its userDefinedData: `source: nfvo`, the NFVO's
 * package id, and the operational state the NFVO last stated for it (with the time of that statement).
 */
export interface NfvoOrigin {
  nfvoVnfPkgId: string;
  nfvoOperationalState?: 'ENABLED' | 'DISABLED';
  /** The timeStamp of the notification that stated it (an older notification does not undo it). */
  nfvoStateChangedAt?: string;
}

/** The NFVO origin a package's userDefinedData records, or undefined for a package of this VNFM's own. */
export function nfvoOriginOf(pkg: { userDefinedData?: Record<string, unknown> | undefined }): NfvoOrigin | undefined {
  const u = pkg.userDefinedData;
  if (u?.['source'] !== 'nfvo' || typeof u['nfvoVnfPkgId'] !== 'string') return undefined;
  const state = u['nfvoOperationalState'];
  const at = u['nfvoStateChangedAt'];
  return {
    nfvoVnfPkgId: u['nfvoVnfPkgId'],
    ...(state === 'ENABLED' || state === 'DISABLED' ? { nfvoOperationalState: state } : {}),
    ...(typeof at === 'string' ? { nfvoStateChangedAt: at } : {}),
  };
}
