import { Type, type Static } from '@sinclair/typebox';
import { KeyValuePairs, LinkSchema, ProblemDetailsSchema, StringEnum } from './common';

/**
 * VNF package information (VnfPkgInfo) and the package management requests.
 * @see ETSI GS NFV-SOL 005 v2.6.1 clause 9.5 (and SOL003 v2.6.1 clause 10.5.2.2)
 */

export const PackageOnboardingStateSchema = StringEnum(['CREATED', 'UPLOADING', 'PROCESSING', 'ONBOARDED', 'ERROR']);
export const PackageOperationalStateSchema = StringEnum(['ENABLED', 'DISABLED']);
export const PackageUsageStateSchema = StringEnum(['IN_USE', 'NOT_IN_USE']);

/** @see SOL005 9.5.3.5 Checksum */
export const ChecksumSchema = Type.Object({
  algorithm: Type.String({ description: 'e.g. SHA-256' }),
  hash: Type.String({ description: 'hexadecimal' }),
});

/** @see SOL005 9.5.3.2 VnfPackageSoftwareImageInfo */
export const VnfPackageSoftwareImageInfoSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  provider: Type.String(),
  version: Type.String(),
  checksum: ChecksumSchema,
  containerFormat: Type.String({ description: 'AKI, AMI, ARI, BARE, DOCKER, OVA or OVF' }),
  diskFormat: Type.String({ description: 'AKI, AMI, ARI, ISO, QCOW2, RAW, VDI, VHD, VHDX or VMDK' }),
  createdAt: Type.String({ format: 'date-time' }),
  minDisk: Type.Integer({ description: 'GB' }),
  minRam: Type.Integer({ description: 'MB' }),
  size: Type.Integer({ description: 'bytes' }),
  userMetadata: Type.Optional(KeyValuePairs('Metadata of the image')),
  imagePath: Type.String({ description: 'The path of the image in the package' }),
});

/** @see SOL005 9.5.3.3 VnfPackageArtifactInfo */
export const VnfPackageArtifactInfoSchema = Type.Object({
  artifactPath: Type.String(),
  checksum: ChecksumSchema,
  metadata: Type.Optional(KeyValuePairs('Metadata of the artifact (type: clickosv.artifacts.ClickConfig, vdu)')),
});

/** @see SOL005 9.5.2.5 (_links) */
export const VnfPkgInfoLinksSchema = Type.Object({
  self: LinkSchema,
  vnfd: Type.Optional(LinkSchema),
  packageContent: LinkSchema,
});

/** @see SOL005 9.5.2.5 VnfPkgInfo */
export const VnfPkgInfoSchema = Type.Object(
  {
    id: Type.String(),
    vnfdId: Type.Optional(Type.String()),
    vnfProvider: Type.Optional(Type.String()),
    vnfProductName: Type.Optional(Type.String()),
    vnfSoftwareVersion: Type.Optional(Type.String()),
    vnfdVersion: Type.Optional(Type.String()),
    checksum: Type.Optional(ChecksumSchema),
    softwareImages: Type.Optional(Type.Array(VnfPackageSoftwareImageInfoSchema)),
    additionalArtifacts: Type.Optional(Type.Array(VnfPackageArtifactInfoSchema)),
    onboardingState: PackageOnboardingStateSchema,
    operationalState: PackageOperationalStateSchema,
    usageState: PackageUsageStateSchema,
    // why onboarding failed (every diagnostic in `errors`) when onboardingState is ERROR, or why a download
    // from a URI failed (the package is CREATED again)
    onboardingFailureDetails: Type.Optional(ProblemDetailsSchema),
    userDefinedData: Type.Optional(KeyValuePairs('User defined data')),
    _links: VnfPkgInfoLinksSchema,
  },
  { description: 'SOL005 9.5.2.5 VnfPkgInfo' },
);

/** @see SOL005 9.5.2.2 CreateVnfPkgInfoRequest */
export const CreateVnfPkgInfoRequestSchema = Type.Object(
  { userDefinedData: Type.Optional(Type.Record(Type.String(), Type.Unknown())) },
  { additionalProperties: false },
);

/**
 * @see SOL005 9.5.2.4 VnfPkgInfoModifications: the PATCH body, and its answer. userDefinedData is a
 * merge patch (null removes a key).
 */
export const VnfPkgInfoModificationsSchema = Type.Object(
  {
    operationalState: Type.Optional(PackageOperationalStateSchema),
    userDefinedData: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false, minProperties: 1 },
);

/**
 * @see SOL005 9.5.2.3 UploadVnfPkgFromUriRequest: the body of POST package_content/upload_from_uri. The
 * credentials are used for the download only (HTTP Basic), never stored or logged.
 */
export const UploadVnfPkgFromUriRequestSchema = Type.Object(
  {
    addressInformation: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: 'The http or https URI of the CSAR',
    }),
    userName: Type.Optional(Type.String({ maxLength: 256 })),
    password: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);

export type PackageOnboardingState = Static<typeof PackageOnboardingStateSchema>;
export type PackageOperationalState = Static<typeof PackageOperationalStateSchema>;
export type PackageUsageState = Static<typeof PackageUsageStateSchema>;
export type VnfPackageSoftwareImageInfo = Static<typeof VnfPackageSoftwareImageInfoSchema>;
/** The package's links, as the API renders them at view time (src/api/render.ts). */
export type VnfPkgInfoLinks = Static<typeof VnfPkgInfoSchema>['_links'];
/** A package as stored: the schema's type without `_links` (rendered by the API). */
export type VnfPkgInfo = Omit<Static<typeof VnfPkgInfoSchema>, '_links'> & { _links?: VnfPkgInfoLinks };
export type CreateVnfPkgInfoRequest = Static<typeof CreateVnfPkgInfoRequestSchema>;
export type VnfPkgInfoModifications = Static<typeof VnfPkgInfoModificationsSchema>;
export type UploadVnfPkgFromUriRequest = Static<typeof UploadVnfPkgFromUriRequestSchema>;
