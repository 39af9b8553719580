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
