import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';

/**
 * The VNF Package Management interface as the VNFM consumes it: the subscription it asks the NFVO for, and
 * the notifications the NFVO sends to it. Written from the spec's tables.
 * @see ETSI GS NFV-SOL 003 v2.6.1 clauses 10.5.2.3 (PkgmSubscriptionRequest), 10.5.2.5
 * (VnfPackageOnboardingNotification), 10.5.2.6 (VnfPackageChangeNotification), 10.5.3.2
 * (PkgmNotificationsFilter), 10.5.3.3 (PkgmLinks: NotificationLinks, an href each), 10.5.4.3 (PackageChangeType)
 */

export const PKGM_NOTIFICATION_TYPES = ['VnfPackageOnboardingNotification', 'VnfPackageChangeNotification'] as const;
export type PkgmNotificationType = (typeof PKGM_NOTIFICATION_TYPES)[number];

/** @see SOL003 10.5.4.3 PackageChangeType */
export const PACKAGE_CHANGE_TYPES = ['OP_STATE_CHANGE', 'PKG_DELETE'] as const;

/**
 * One of `values`, as a union of literals: these schemas are checked with TypeBox's Value (the NFVO's
 * notifications), which cannot check the project's StringEnum (an Unsafe type).
 */
function OneOf<const T extends readonly string[]>(values: T): TUnion<Array<TLiteral<T[number]>>> {
  return Type.Union(values.map((v) => Type.Literal(v)) as Array<TLiteral<T[number]>>);
}

/** An RFC 3339 date-time (SOL003 DateTime), checked without a format registry. */
const DateTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|z|[+-]\\d{2}:\\d{2})$',
  description: 'RFC 3339 date-time',
});
const Identifier = Type.String({ minLength: 1, maxLength: 256 });
const NotificationLink = Type.Object({ href: Type.String({ minLength: 1, maxLength: 2048 }) });

/** @see SOL003 10.5.3.3 PkgmLinks */
export const PkgmLinksSchema = Type.Object({ vnfPackage: NotificationLink, subscription: NotificationLink });

const common = {
  id: Identifier,
  subscriptionId: Identifier,
  timeStamp: DateTime,
  vnfPkgId: Identifier,
  vnfdId: Identifier,
  _links: PkgmLinksSchema,
};

/** @see SOL003 10.5.2.5 VnfPackageOnboardingNotification */
export const VnfPackageOnboardingNotificationSchema = Type.Object(
  { ...common, notificationType: OneOf(['VnfPackageOnboardingNotification']) },
  { description: 'SOL003 10.5.2.5: a VNF package was onboarded at the NFVO' },
);

/**
 * @see SOL003 10.5.2.6 VnfPackageChangeNotification: `operationalState` shall be present when changeType
 * is OP_STATE_CHANGE (checked beside the schema: see checkPkgmNotification).
 */
export const VnfPackageChangeNotificationSchema = Type.Object(
  {
    ...common,
    notificationType: OneOf(['VnfPackageChangeNotification']),
    changeType: OneOf(PACKAGE_CHANGE_TYPES),
    operationalState: Type.Optional(OneOf(['ENABLED', 'DISABLED'])),
  },
  { description: "SOL003 10.5.2.6: a VNF package's operational state changed, or it was deleted, at the NFVO" },
);

/** @see SOL003 10.5.2.3 PkgmSubscriptionRequest, as the VNFM sends it (Basic credentials for the callback) */
export interface PkgmSubscriptionRequest {
  filter?: { notificationTypes?: PkgmNotificationType[]; vnfdId?: string[]; vnfPkgId?: string[] };
  callbackUri: string;
  authentication?: { authType: Array<'BASIC'>; paramsBasic: { userName: string; password: string } };
}

export type VnfPackageOnboardingNotification = Static<typeof VnfPackageOnboardingNotificationSchema>;
export type VnfPackageChangeNotification = Static<typeof VnfPackageChangeNotificationSchema>;
export type PkgmNotification = VnfPackageOnboardingNotification | VnfPackageChangeNotification;
