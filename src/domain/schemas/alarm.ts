import { Type, type Static } from '@sinclair/typebox';
import { LinkSchema, ResourceHandleSchema, StringEnum } from './common';
import { SubscriptionAuthenticationSchema, VnfInstanceSubscriptionFilterSchema } from './subscription';

/**
 * VNF Fault Management: alarms, their modification, FM subscriptions and the FM notifications.
 * @see ETSI GS NFV-SOL 003 v2.6.1 clause 7 (7.5.2.2 FmSubscriptionRequest, 7.5.2.3 FmSubscription, 7.5.2.4 Alarm,
 * 7.5.2.5 AlarmNotification, 7.5.2.6 AlarmClearedNotification, 7.5.2.8 AlarmListRebuiltNotification,
 * 7.5.2.9 AlarmModifications, 7.5.3.2 FmNotificationsFilter, 7.5.3.4 FaultyResourceInfo, 7.5.4 enumerations)
 */

/** @see SOL003 7.5.4.3 PerceivedSeverityType */
export const PERCEIVED_SEVERITIES = ['CRITICAL', 'MAJOR', 'MINOR', 'WARNING', 'INDETERMINATE', 'CLEARED'] as const;
/** @see SOL003 7.5.4.5 EventType */
export const EVENT_TYPES = [
  'COMMUNICATIONS_ALARM',
  'PROCESSING_ERROR_ALARM',
  'ENVIRONMENTAL_ALARM',
  'QOS_ALARM',
  'EQUIPMENT_ALARM',
] as const;
/** @see SOL003 7.5.4.6 FaultyResourceType */
export const FAULTY_RESOURCE_TYPES = ['COMPUTE', 'STORAGE', 'NETWORK'] as const;
export const FM_NOTIFICATION_TYPES = [
  'AlarmNotification',
  'AlarmClearedNotification',
  'AlarmListRebuiltNotification',
] as const;

/** @see SOL003 7.5.3.4 FaultyResourceInfo */
export const FaultyResourceInfoSchema = Type.Object({
  faultyResource: ResourceHandleSchema,
  faultyResourceType: StringEnum(FAULTY_RESOURCE_TYPES),
});

/** @see SOL003 7.5.2.4 Alarm (vnfcInstanceIds as SOL002 v3.3.1 names it: the VNFCs the fault is on) */
export const AlarmSchema = Type.Object(
  {
    id: Type.String(),
    managedObjectId: Type.String({ description: 'The VNF instance the alarm is about' }),
    vnfcInstanceIds: Type.Optional(Type.Array(Type.String())),
    rootCauseFaultyResource: Type.Optional(FaultyResourceInfoSchema),
    alarmRaisedTime: Type.String({ format: 'date-time' }),
    alarmChangedTime: Type.Optional(Type.String({ format: 'date-time' })),
    alarmClearedTime: Type.Optional(Type.String({ format: 'date-time' })),
    alarmAcknowledgedTime: Type.Optional(Type.String({ format: 'date-time' })),
    ackState: StringEnum(['UNACKNOWLEDGED', 'ACKNOWLEDGED']),
    perceivedSeverity: StringEnum(PERCEIVED_SEVERITIES),
    eventTime: Type.String({ format: 'date-time' }),
    eventType: StringEnum(EVENT_TYPES),
    faultType: Type.Optional(Type.String()),
    probableCause: Type.String(),
    isRootCause: Type.Boolean(),
    correlatedAlarmIds: Type.Optional(Type.Array(Type.String())),
    faultDetails: Type.Optional(Type.Array(Type.String())),
    _links: Type.Object({ self: LinkSchema, objectInstance: Type.Optional(LinkSchema) }),
  },
  { description: 'SOL003 7.5.2.4 Alarm' },
);

/** @see SOL003 7.5.2.9 AlarmModifications (v2.6.1 permits ACKNOWLEDGED only) */
export const AlarmModificationsSchema = Type.Object(
  { ackState: StringEnum(['ACKNOWLEDGED']) },
  { additionalProperties: false, description: 'SOL003 7.5.2.9 AlarmModifications' },
);

/** @see SOL003 7.5.3.2 FmNotificationsFilter */
export const FmNotificationsFilterSchema = Type.Object(
  {
    vnfInstanceSubscriptionFilter: Type.Optional(VnfInstanceSubscriptionFilterSchema),
    notificationTypes: Type.Optional(Type.Array(StringEnum(FM_NOTIFICATION_TYPES))),
    faultyResourceTypes: Type.Optional(Type.Array(StringEnum(FAULTY_RESOURCE_TYPES))),
    perceivedSeverities: Type.Optional(Type.Array(StringEnum(PERCEIVED_SEVERITIES))),
    eventTypes: Type.Optional(Type.Array(StringEnum(EVENT_TYPES))),
    probableCauses: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);

/** @see SOL003 7.5.2.2 FmSubscriptionRequest */
export const FmSubscriptionRequestSchema = Type.Object(
  {
    filter: Type.Optional(FmNotificationsFilterSchema),
    callbackUri: Type.String({ pattern: '^https?://' }),
    authentication: Type.Optional(SubscriptionAuthenticationSchema),
  },
  { additionalProperties: false },
);

/** @see SOL003 7.5.2.3 FmSubscription: never with `authentication` (the consumer's secrets). */
export const FmSubscriptionSchema = Type.Object(
  {
    id: Type.String(),
    filter: Type.Optional(FmNotificationsFilterSchema),
    callbackUri: Type.String(),
    _links: Type.Object({ self: LinkSchema }),
  },
  { additionalProperties: false, description: 'SOL003 7.5.2.3 FmSubscription' },
);

const notificationCommon = {
  id: Type.String({ description: 'Unique per notification: a consumer may use it to drop duplicates' }),
  subscriptionId: Type.String(),
  timeStamp: Type.String({ format: 'date-time' }),
};

/** @see SOL003 7.5.2.5 AlarmNotification */
export const AlarmNotificationSchema = Type.Object(
  {
    ...notificationCommon,
    notificationType: StringEnum(['AlarmNotification']),
    alarm: AlarmSchema,
    _links: Type.Object({ subscription: LinkSchema }),
  },
  { description: 'SOL003 7.5.2.5: an alarm was raised or changed' },
);

/** @see SOL003 7.5.2.6 AlarmClearedNotification */
export const AlarmClearedNotificationSchema = Type.Object(
  {
    ...notificationCommon,
    notificationType: StringEnum(['AlarmClearedNotification']),
    alarmId: Type.String(),
    alarmClearedTime: Type.String({ format: 'date-time' }),
    _links: Type.Object({ subscription: LinkSchema, alarm: LinkSchema }),
  },
  { description: 'SOL003 7.5.2.6: an alarm was cleared' },
);

/** @see SOL003 7.5.2.8 AlarmListRebuiltNotification */
export const AlarmListRebuiltNotificationSchema = Type.Object(
  {
    ...notificationCommon,
    notificationType: StringEnum(['AlarmListRebuiltNotification']),
    _links: Type.Object({ subscription: LinkSchema, alarms: LinkSchema }),
  },
  { description: 'SOL003 7.5.2.8: the alarm list was rebuilt; the consumer should read it again' },
);

export type Alarm = Static<typeof AlarmSchema>;
export type AlarmModifications = Static<typeof AlarmModificationsSchema>;
export type FmNotificationsFilter = Static<typeof FmNotificationsFilterSchema>;
export type FmSubscriptionRequest = Static<typeof FmSubscriptionRequestSchema>;
export type FmSubscription = Static<typeof FmSubscriptionSchema>;
export type PerceivedSeverity = (typeof PERCEIVED_SEVERITIES)[number];
export type EventType = (typeof EVENT_TYPES)[number];
export type FmNotificationType = (typeof FM_NOTIFICATION_TYPES)[number];
export type StoredFmSubscription = Omit<FmSubscription, '_links'> & {
  authentication?: Static<typeof SubscriptionAuthenticationSchema>;
};
/** An alarm as stored: `_links` are rendered at view time. */
export type StoredAlarm = Omit<Alarm, '_links'>;
