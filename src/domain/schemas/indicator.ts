import { Type, type Static } from '@sinclair/typebox';
import { LinkSchema, StringEnum } from './common';
import { SubscriptionAuthenticationSchema, VnfInstanceSubscriptionFilterSchema } from './subscription';

/**
 * The VNF Indicator interface: indicators, indicator subscriptions and the value change notification.
 * @see ETSI GS NFV-SOL 003 v2.6.1 clause 8 (8.5.2.2 VnfIndicator, 8.5.2.3 VnfIndicatorSubscriptionRequest,
 * 8.5.2.4 VnfIndicatorSubscription, 8.5.2.5 VnfIndicatorValueChangeNotification, 8.5.3.2
 * VnfIndicatorNotificationsFilter)
 */

export const INDICATOR_NOTIFICATION_TYPES = ['VnfIndicatorValueChangeNotification'] as const;

const IndicatorValueSchema = Type.Number({
  description:
    "The indicator's value: the VNFD's Click handler, read on each VNFC of its VDUs and aggregated " +
    '(clickosv.policies.Indicator: sum, avg, max or min)',
});

/** @see SOL003 8.5.2.2 VnfIndicator */
export const VnfIndicatorSchema = Type.Object(
  {
    id: Type.String({ description: "The indicator's id in the VNFD (the Indicator policy's name)" }),
    name: Type.Optional(Type.String()),
    value: IndicatorValueSchema,
    vnfInstanceId: Type.String(),
    _links: Type.Object({ self: LinkSchema, vnfInstance: LinkSchema }),
  },
  { description: 'SOL003 8.5.2.2 VnfIndicator' },
);

/** @see SOL003 8.5.3.2 VnfIndicatorNotificationsFilter */
export const VnfIndicatorNotificationsFilterSchema = Type.Object(
  {
    vnfInstanceSubscriptionFilter: Type.Optional(VnfInstanceSubscriptionFilterSchema),
    notificationTypes: Type.Optional(Type.Array(StringEnum(INDICATOR_NOTIFICATION_TYPES))),
    indicatorIds: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);

/** @see SOL003 8.5.2.3 VnfIndicatorSubscriptionRequest */
export const VnfIndicatorSubscriptionRequestSchema = Type.Object(
  {
    filter: Type.Optional(VnfIndicatorNotificationsFilterSchema),
    callbackUri: Type.String({ pattern: '^https?://' }),
    authentication: Type.Optional(SubscriptionAuthenticationSchema),
  },
  { additionalProperties: false },
);

/** @see SOL003 8.5.2.4 VnfIndicatorSubscription: never with `authentication` (the consumer's secrets). */
export const VnfIndicatorSubscriptionSchema = Type.Object(
  {
    id: Type.String(),
    filter: Type.Optional(VnfIndicatorNotificationsFilterSchema),
    callbackUri: Type.String(),
    _links: Type.Object({ self: LinkSchema }),
  },
  { additionalProperties: false, description: 'SOL003 8.5.2.4 VnfIndicatorSubscription' },
);

/** @see SOL003 8.5.2.5 VnfIndicatorValueChangeNotification */
export const VnfIndicatorValueChangeNotificationSchema = Type.Object(
  {
    id: Type.String({ description: 'Unique per notification: a consumer may use it to drop duplicates' }),
    notificationType: StringEnum(INDICATOR_NOTIFICATION_TYPES),
    subscriptionId: Type.String(),
    timeStamp: Type.String({ format: 'date-time' }),
    vnfIndicatorId: Type.String(),
    name: Type.Optional(Type.String()),
    value: IndicatorValueSchema,
    vnfInstanceId: Type.String(),
    _links: Type.Object({ subscription: LinkSchema, vnfInstance: LinkSchema }),
  },
  { description: "SOL003 8.5.2.5: an indicator's value changed" },
);

export type VnfIndicator = Static<typeof VnfIndicatorSchema>;
export type VnfIndicatorNotificationsFilter = Static<typeof VnfIndicatorNotificationsFilterSchema>;
export type VnfIndicatorSubscriptionRequest = Static<typeof VnfIndicatorSubscriptionRequestSchema>;
export type VnfIndicatorSubscription = Static<typeof VnfIndicatorSubscriptionSchema>;
export type VnfIndicatorValueChangeNotification = Static<typeof VnfIndicatorValueChangeNotificationSchema>;
export type IndicatorNotificationType = (typeof INDICATOR_NOTIFICATION_TYPES)[number];
export type StoredIndicatorSubscription = Omit<VnfIndicatorSubscription, '_links'> & {
  authentication?: Static<typeof SubscriptionAuthenticationSchema>;
};
/** An indicator's value as stored: `_links` are rendered at view time; `at` is when it was read (ms). */
export type StoredIndicator = Omit<VnfIndicator, '_links'> & { at: number };
