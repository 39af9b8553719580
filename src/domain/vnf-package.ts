import { attributeNames } from './query/attributes';
/**
 * VNF package information (VnfPkgInfo), attribute names as the spec spells them.
 *
 * @see ETSI GS NFV-SOL 005 v2.6.1 clause 9.5.2.5 (and SOL003 v2.6.1 clause 10.5.2.2)
 */
export type PackageOnboardingState = 'CREATED' | 'UPLOADING' | 'PROCESSING' | 'ONBOARDED' | 'ERROR';
export type PackageOperationalState = 'ENABLED' | 'DISABLED';
export type PackageUsageState = 'IN_USE' | 'NOT_IN_USE';

export interface VnfPackageSoftwareImageInfo {
  id: string;
  name: string;
  provider: string;
  version: string;
  checksum: { algorithm: string; hash: string };
  containerFormat: string;
  diskFormat: string;
  createdAt: string;
  minDisk: number;
  minRam: number;
  size: number;
  imagePath: string;
}

export interface VnfPkgInfo {
  id: string;
  vnfdId?: string;
  vnfProvider?: string;
  vnfProductName?: string;
  vnfSoftwareVersion?: string;
  vnfdVersion?: string;
  checksum?: { algorithm: string; hash: string };
  softwareImages?: VnfPackageSoftwareImageInfo[];
  additionalArtifacts?: Array<{ artifactPath: string; checksum: { algorithm: string; hash: string }; metadata?: Record<string, unknown> }>;
  onboardingState: PackageOnboardingState;
  operationalState: PackageOperationalState;
  usageState: PackageUsageState;
  /** Why onboarding failed (ProblemDetails with every diagnostic), when onboardingState is ERROR. */
  onboardingFailureDetails?: { status: number; title: string; detail: string; errors?: unknown[] };
  userDefinedData?: Record<string, unknown>;
  _links: { self: { href: string }; vnfd?: { href: string }; packageContent: { href: string } };
}

/** @see SOL005 9.4.2.3.2: left out of GET /vnf_packages unless asked for */
export const VNF_PACKAGE_DEFAULT_EXCLUDES: readonly string[] = ['softwareImages', 'additionalArtifacts', 'userDefinedData', 'checksum', 'onboardingFailureDetails'];

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
