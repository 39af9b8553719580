import { Type, type Static } from '@sinclair/typebox';
import { LinkSchema, ProblemDetailsSchema, StringEnum } from './common';
import {
  AffectedVirtualLinkSchema,
  AffectedVirtualStorageSchema,
  AffectedVnfcSchema,
  LcmOperationStateTypeSchema,
  LcmOperationTypeSchema,
  VnfInfoModificationsSchema,
} from './lcm-op-occ';
import { ExtVirtualLinkInfoSchema } from './vnf-instance';

/**
 * The notifications the VNFM POSTs to a subscription's callbackUri.
 * @see ETSI GS NFV-SOL 003 v2.6.1 clauses 5.5.2.17 - 5.5.2.19 and 5.5.3.10 (LccnLinks)
 */

/** @see SOL003 5.5.3.10 LccnLinks */
export const LccnLinksSchema = Type.Object({
  vnfInstance: LinkSchema,
  subscription: LinkSchema,
  vnfLcmOpOcc: Type.Optional(LinkSchema),
});

const common = {
  id: Type.String({ description: 'Unique per notification: a consumer may use it to drop duplicates' }),
  subscriptionId: Type.String(),
  timeStamp: Type.String({ format: 'date-time' }),
  vnfInstanceId: Type.String(),
};

/** @see SOL003 5.5.2.17 VnfLcmOperationOccurrenceNotification */
export const VnfLcmOperationOccurrenceNotificationSchema = Type.Object(
  {
    ...common,
    notificationType: StringEnum(['VnfLcmOperationOccurrenceNotification']),
    notificationStatus: StringEnum(['START', 'RESULT']),
    operationState: LcmOperationStateTypeSchema,
    operation: LcmOperationTypeSchema,
    isAutomaticInvocation: Type.Boolean(),
    vnfLcmOpOccId: Type.String(),
    affectedVnfcs: Type.Optional(Type.Array(AffectedVnfcSchema)),
    affectedVirtualLinks: Type.Optional(Type.Array(AffectedVirtualLinkSchema)),
    affectedVirtualStorages: Type.Optional(Type.Array(AffectedVirtualStorageSchema)),
    changedInfo: Type.Optional(VnfInfoModificationsSchema),
    changedExtConnectivity: Type.Optional(Type.Array(ExtVirtualLinkInfoSchema)),
    error: Type.Optional(ProblemDetailsSchema),
    _links: LccnLinksSchema,
  },
  { description: 'SOL003 5.5.2.17: an LCM operation started (START) or changed state (RESULT)' },
);

/** @see SOL003 5.5.2.18 VnfIdentifierCreationNotification */
export const VnfIdentifierCreationNotificationSchema = Type.Object(
  { ...common, notificationType: StringEnum(['VnfIdentifierCreationNotification']), _links: LccnLinksSchema },
  { description: 'SOL003 5.5.2.18: a VNF instance resource was created' },
);

/** @see SOL003 5.5.2.19 VnfIdentifierDeletionNotification */
export const VnfIdentifierDeletionNotificationSchema = Type.Object(
  { ...common, notificationType: StringEnum(['VnfIdentifierDeletionNotification']), _links: LccnLinksSchema },
  { description: 'SOL003 5.5.2.19: a VNF instance resource was deleted' },
);

export type LccnLinks = Static<typeof LccnLinksSchema>;
export type VnfLcmOperationOccurrenceNotification = Static<typeof VnfLcmOperationOccurrenceNotificationSchema>;
export type VnfIdentifierCreationNotification = Static<typeof VnfIdentifierCreationNotificationSchema>;
export type VnfIdentifierDeletionNotification = Static<typeof VnfIdentifierDeletionNotificationSchema>;
export type LccnNotification =
  VnfLcmOperationOccurrenceNotification | VnfIdentifierCreationNotification | VnfIdentifierDeletionNotification;
