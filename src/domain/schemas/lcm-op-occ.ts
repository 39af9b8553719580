import { Type, type Static } from '@sinclair/typebox';
import {
  KeyValuePairs,
  LinkSchema,
  ProblemDetailsSchema,
  ResourceHandleSchema,
  StringEnum,
  VimConnectionInfoSchema,
} from './common';
import { ExtVirtualLinkInfoSchema } from './vnf-instance';

/**
 * VnfLcmOpOcc and what it holds.
 * @see ETSI GS NFV-SOL 003 v2.6.1 clauses 5.5.2.13 (VnfLcmOpOcc), 5.5.3.13 - 5.5.3.15 (affected
 * resources), 5.5.3.16 (VnfInfoModifications), 5.5.4.5 (LcmOperationType), 5.5.4.6 (LcmOperationStateType)
 */

export const LCM_OPERATIONS = [
  'INSTANTIATE',
  'SCALE',
  'SCALE_TO_LEVEL',
  'CHANGE_FLAVOUR',
  'TERMINATE',
  'HEAL',
  'OPERATE',
  'CHANGE_EXT_CONN',
  'MODIFY_INFO',
  // SOL003 v3.3.1 5.5.4.5 (not in v2.6.1): POST .../change_vnfpkg
  'CHANGE_VNFPKG',
] as const;
export const LCM_OPERATION_STATES = [
  'STARTING',
  'PROCESSING',
  'COMPLETED',
  'FAILED_TEMP',
  'FAILED',
  'ROLLING_BACK',
  'ROLLED_BACK',
] as const;

/** @see SOL003 5.5.4.5 LcmOperationType */
export const LcmOperationTypeSchema = StringEnum(LCM_OPERATIONS);
/** @see SOL003 5.5.4.6 LcmOperationStateType */
export const LcmOperationStateTypeSchema = StringEnum(LCM_OPERATION_STATES);
/** @see SOL003 5.5.4.7 CancelModeType */
export const CancelModeSchema = StringEnum(['GRACEFUL', 'FORCEFUL']);

/** @see SOL003 5.5.3.13 AffectedVnfc */
export const AffectedVnfcSchema = Type.Object({
  id: Type.String(),
  vduId: Type.String(),
  changeType: StringEnum(['ADDED', 'REMOVED', 'MODIFIED', 'TEMPORARY']),
  computeResource: ResourceHandleSchema,
  metadata: Type.Optional(KeyValuePairs('Metadata of the VNFC')),
  affectedVnfcCpIds: Type.Optional(Type.Array(Type.String())),
  addedStorageResourceIds: Type.Optional(Type.Array(Type.String())),
  removedStorageResourceIds: Type.Optional(Type.Array(Type.String())),
});

/** @see SOL003 5.5.3.14 AffectedVirtualLink */
export const AffectedVirtualLinkSchema = Type.Object({
  id: Type.String(),
  virtualLinkDescId: Type.String(),
  changeType: StringEnum(['ADDED', 'REMOVED', 'MODIFIED', 'TEMPORARY', 'LINK_PORT_ADDED', 'LINK_PORT_REMOVED']),
  networkResource: ResourceHandleSchema,
  metadata: Type.Optional(KeyValuePairs('Metadata of the link')),
});

/** @see SOL003 5.5.3.15 AffectedVirtualStorage */
export const AffectedVirtualStorageSchema = Type.Object({
  id: Type.String(),
  virtualStorageDescId: Type.String(),
  changeType: StringEnum(['ADDED', 'REMOVED', 'MODIFIED', 'TEMPORARY']),
  storageResource: ResourceHandleSchema,
  metadata: Type.Optional(KeyValuePairs('Metadata of the storage')),
});

/** @see SOL003 5.5.2.13 (resourceChanges) */
export const ResourceChangesSchema = Type.Object({
  affectedVnfcs: Type.Optional(Type.Array(AffectedVnfcSchema)),
  affectedVirtualLinks: Type.Optional(Type.Array(AffectedVirtualLinkSchema)),
  affectedVirtualStorages: Type.Optional(Type.Array(AffectedVirtualStorageSchema)),
});

/** @see SOL003 5.5.3.16 VnfInfoModifications (changedInfo) */
export const VnfInfoModificationsSchema = Type.Object({
  vnfInstanceName: Type.Optional(Type.String()),
  vnfInstanceDescription: Type.Optional(Type.String()),
  vnfConfigurableProperties: Type.Optional(KeyValuePairs('The modified configurable properties')),
  metadata: Type.Optional(KeyValuePairs('The modified metadata')),
  extensions: Type.Optional(KeyValuePairs('The modified extensions')),
  vimConnectionInfo: Type.Optional(Type.Array(VimConnectionInfoSchema)),
  vnfPkgId: Type.Optional(Type.String()),
  vnfdId: Type.Optional(Type.String()),
  vnfProvider: Type.Optional(Type.String()),
  vnfProductName: Type.Optional(Type.String()),
  vnfSoftwareVersion: Type.Optional(Type.String()),
  vnfdVersion: Type.Optional(Type.String()),
});

/** @see SOL003 5.5.2.13 (_links) */
export const VnfLcmOpOccLinksSchema = Type.Object({
  self: LinkSchema,
  vnfInstance: LinkSchema,
  grant: Type.Optional(LinkSchema),
  cancel: Type.Optional(LinkSchema),
  retry: Type.Optional(LinkSchema),
  rollback: Type.Optional(LinkSchema),
  fail: Type.Optional(LinkSchema),
});

/** @see SOL003 5.5.2.13 VnfLcmOpOcc */
export const VnfLcmOpOccSchema = Type.Object(
  {
    id: Type.String(),
    operationState: LcmOperationStateTypeSchema,
    stateEnteredTime: Type.String({ format: 'date-time' }),
    startTime: Type.String({ format: 'date-time' }),
    vnfInstanceId: Type.String(),
    grantId: Type.Optional(Type.String()),
    operation: LcmOperationTypeSchema,
    isAutomaticInvocation: Type.Boolean(),
    // NOTE: `unknown` to the code (the body of whichever request started the operation); an object to clients
    operationParams: Type.Optional(
      Type.Unsafe<unknown>({
        type: 'object',
        additionalProperties: true,
        description:
          'The request body that started the operation (InstantiateVnfRequest, ScaleVnfRequest, ...), ' +
          'its credentials left out',
      }),
    ),
    isCancelPending: Type.Boolean(),
    cancelMode: Type.Optional(CancelModeSchema),
    error: Type.Optional(ProblemDetailsSchema),
    resourceChanges: Type.Optional(ResourceChangesSchema),
    changedInfo: Type.Optional(VnfInfoModificationsSchema),
    changedExtConnectivity: Type.Optional(Type.Array(ExtVirtualLinkInfoSchema)),
    _links: VnfLcmOpOccLinksSchema,
  },
  { description: 'SOL003 5.5.2.13 VnfLcmOpOcc' },
);

export type LcmOperation = Static<typeof LcmOperationTypeSchema>;
export type LcmOperationState = Static<typeof LcmOperationStateTypeSchema>;
export type CancelMode = Static<typeof CancelModeSchema>;
export type AffectedVnfc = Static<typeof AffectedVnfcSchema>;
export type ResourceChanges = Static<typeof ResourceChangesSchema>;
/** The op-occ's `error` (SOL013 ProblemDetails). */
export type OpOccProblem = Static<typeof ProblemDetailsSchema>;
/** An op-occ as the VNFM keeps it (operationParams' credentials sealed at rest, stripped from answers). */
/** The op-occ's links, as the API renders them at view time (src/api/render.ts). */
export type VnfLcmOpOccLinks = Static<typeof VnfLcmOpOccSchema>['_links'];
/** The op-occ as stored and as the LCM works on it: the schema's type without `_links` (rendered by the API). */
export type VnfLcmOpOcc = Omit<Static<typeof VnfLcmOpOccSchema>, '_links'> & { _links?: VnfLcmOpOccLinks };
