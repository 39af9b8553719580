import { Type, type Static } from '@sinclair/typebox';
import { KeyValuePairs, LinkSchema, StringEnum } from './common';
import { SubscriptionAuthenticationSchema, VnfInstanceSubscriptionFilterSchema } from './subscription';

/**
 * VNF Performance Management: PM jobs and their reports, thresholds, PM subscriptions and the PM notifications.
 * @see ETSI GS NFV-SOL 003 v2.6.1 clause 6 (6.5.2.2 PerformanceInformationAvailableNotification,
 * 6.5.2.3 ThresholdCrossedNotification, 6.5.2.4 PmSubscriptionRequest, 6.5.2.5 PmSubscription,
 * 6.5.2.6 CreatePmJobRequest, 6.5.2.7 PmJob, 6.5.2.8 CreateThresholdRequest, 6.5.2.9 Threshold,
 * 6.5.2.10 PerformanceReport, 6.5.3.2 PmNotificationsFilter, 6.5.3.3 PmJobCriteria, 6.5.3.4 ThresholdCriteria,
 * 6.5.4.3 CrossingDirectionType)
 */

export const PM_NOTIFICATION_TYPES = [
  'PerformanceInformationAvailableNotification',
  'ThresholdCrossedNotification',
] as const;
/** @see SOL003 6.5.4.3 CrossingDirectionType */
export const CROSSING_DIRECTIONS = ['UP', 'DOWN'] as const;

const ObjectType = Type.String({
  description: 'Type of the measured object (ETSI GS NFV-IFA 027 clause 7.2); this VNFM measures `Vnf`',
});
const Seconds = (description: string) => Type.Integer({ minimum: 1, maximum: 31_536_000, description });

/** @see SOL003 6.5.3.3 PmJobCriteria */
export const PmJobCriteriaSchema = Type.Object(
  {
    performanceMetric: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { maxItems: 256, description: 'Measurement names' }),
    ),
    performanceMetricGroup: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 16, description: 'Measurement groups' }),
    ),
    collectionPeriod: Seconds('Seconds between two measurements of a metric (at least the monitor interval)'),
    reportingPeriod: Seconds('Seconds between two reports (a multiple of collectionPeriod)'),
    reportingBoundary: Type.Optional(Type.String({ format: 'date-time', description: 'No report after this time' })),
  },
  { additionalProperties: false },
);

/** @see SOL003 6.5.2.6 CreatePmJobRequest */
export const CreatePmJobRequestSchema = Type.Object(
  {
    objectType: ObjectType,
    objectInstanceIds: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 64 }),
    subObjectInstanceIds: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
        maxItems: 256,
        description: 'VNFC instance ids (with exactly one objectInstanceIds)',
      }),
    ),
    criteria: PmJobCriteriaSchema,
  },
  { additionalProperties: false, description: 'SOL003 6.5.2.6 CreatePmJobRequest' },
);

/** One report of a PM job, as the job lists it. */
export const PmJobReportSchema = Type.Object({
  href: Type.String({ description: 'Where the report can be read' }),
  readyTime: Type.String({ format: 'date-time' }),
  expiryTime: Type.Optional(Type.String({ format: 'date-time' })),
  fileSize: Type.Optional(Type.Integer({ minimum: 0, description: 'The size of the report in bytes (JSON)' })),
});

/** @see SOL003 6.5.2.7 PmJob */
export const PmJobSchema = Type.Object(
  {
    id: Type.String(),
    objectType: Type.String(),
    objectInstanceIds: Type.Array(Type.String()),
    subObjectInstanceIds: Type.Optional(Type.Array(Type.String())),
    criteria: PmJobCriteriaSchema,
    reports: Type.Optional(Type.Array(PmJobReportSchema)),
    _links: Type.Object({ self: LinkSchema, objects: Type.Optional(Type.Array(LinkSchema)) }),
  },
  { description: 'SOL003 6.5.2.7 PmJob' },
);

/** @see SOL003 6.5.2.10 PerformanceReport */
export const PerformanceReportSchema = Type.Object(
  {
    entries: Type.Array(
      Type.Object({
        objectType: Type.String(),
        objectInstanceId: Type.String(),
        subObjectInstanceId: Type.Optional(Type.String()),
        performanceMetric: Type.String(),
        performanceValues: Type.Array(
          Type.Object({
            timeStamp: Type.String({ format: 'date-time' }),
            value: Type.Number(),
            context: Type.Optional(KeyValuePairs('What the value is of, e.g. the port')),
          }),
        ),
      }),
    ),
  },
  { description: 'SOL003 6.5.2.10 PerformanceReport' },
);

/** @see SOL003 6.5.3.4 ThresholdCriteria (v2.6.1: SIMPLE thresholds only) */
export const ThresholdCriteriaSchema = Type.Object(
  {
    performanceMetric: Type.String({ minLength: 1, maxLength: 512 }),
    thresholdType: StringEnum(['SIMPLE']),
    simpleThresholdDetails: Type.Optional(
      Type.Object(
        {
          thresholdValue: Type.Number(),
          hysteresis: Type.Number({ minimum: 0, description: 'UP at value + hysteresis, DOWN at value - hysteresis' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** @see SOL003 6.5.2.8 CreateThresholdRequest */
export const CreateThresholdRequestSchema = Type.Object(
  {
    objectType: ObjectType,
    objectInstanceId: Type.String({ minLength: 1, maxLength: 128 }),
    subObjectInstanceIds: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 256, description: 'VNFC instance ids' }),
    ),
    criteria: ThresholdCriteriaSchema,
  },
  { additionalProperties: false, description: 'SOL003 6.5.2.8 CreateThresholdRequest' },
);

/** @see SOL003 6.5.2.9 Threshold */
export const ThresholdSchema = Type.Object(
  {
    id: Type.String(),
    objectType: Type.String(),
    objectInstanceId: Type.String(),
    subObjectInstanceIds: Type.Optional(Type.Array(Type.String())),
    criteria: ThresholdCriteriaSchema,
    _links: Type.Object({ self: LinkSchema, object: LinkSchema }),
  },
  { description: 'SOL003 6.5.2.9 Threshold' },
);

/** @see SOL003 6.5.3.2 PmNotificationsFilter */
export const PmNotificationsFilterSchema = Type.Object(
  {
    vnfInstanceSubscriptionFilter: Type.Optional(VnfInstanceSubscriptionFilterSchema),
    notificationTypes: Type.Optional(Type.Array(StringEnum(PM_NOTIFICATION_TYPES))),
  },
  { additionalProperties: false },
);

/** @see SOL003 6.5.2.4 PmSubscriptionRequest */
export const PmSubscriptionRequestSchema = Type.Object(
  {
    filter: Type.Optional(PmNotificationsFilterSchema),
    callbackUri: Type.String({ pattern: '^https?://' }),
    authentication: Type.Optional(SubscriptionAuthenticationSchema),
  },
  { additionalProperties: false },
);

/** @see SOL003 6.5.2.5 PmSubscription: never with `authentication` (the consumer's secrets). */
export const PmSubscriptionSchema = Type.Object(
  {
    id: Type.String(),
    filter: Type.Optional(PmNotificationsFilterSchema),
    callbackUri: Type.String(),
    _links: Type.Object({ self: LinkSchema }),
  },
  { additionalProperties: false, description: 'SOL003 6.5.2.5 PmSubscription' },
);

const notificationCommon = {
  id: Type.String({ description: 'Unique per notification: a consumer may use it to drop duplicates' }),
  subscriptionId: Type.String(),
  timeStamp: Type.String({ format: 'date-time' }),
};

/** @see SOL003 6.5.2.2 PerformanceInformationAvailableNotification */
export const PerformanceInformationAvailableNotificationSchema = Type.Object(
  {
    ...notificationCommon,
    notificationType: StringEnum(['PerformanceInformationAvailableNotification']),
    pmJobId: Type.String(),
    objectType: Type.String(),
    objectInstanceId: Type.String(),
    subObjectInstanceIds: Type.Optional(Type.Array(Type.String())),
    _links: Type.Object({
      subscription: LinkSchema,
      objectInstance: Type.Optional(LinkSchema),
      pmJob: LinkSchema,
      performanceReport: LinkSchema,
    }),
  },
  { description: 'SOL003 6.5.2.2: a PM job has a new report' },
);

/** @see SOL003 6.5.2.3 ThresholdCrossedNotification */
export const ThresholdCrossedNotificationSchema = Type.Object(
  {
    ...notificationCommon,
    notificationType: StringEnum(['ThresholdCrossedNotification']),
    thresholdId: Type.String(),
    crossingDirection: StringEnum(CROSSING_DIRECTIONS),
    objectType: Type.String(),
    objectInstanceId: Type.String(),
    subObjectInstanceId: Type.Optional(Type.String()),
    performanceMetric: Type.String(),
    performanceValue: Type.Number(),
    context: Type.Optional(KeyValuePairs('What the value is of, e.g. the port')),
    _links: Type.Object({ subscription: LinkSchema, objectInstance: LinkSchema, threshold: LinkSchema }),
  },
  { description: 'SOL003 6.5.2.3: a threshold was crossed' },
);

export type PmJobCriteria = Static<typeof PmJobCriteriaSchema>;
export type CreatePmJobRequest = Static<typeof CreatePmJobRequestSchema>;
export type PmJob = Static<typeof PmJobSchema>;
export type PmJobReport = Static<typeof PmJobReportSchema>;
export type PerformanceReport = Static<typeof PerformanceReportSchema>;
export type PerformanceReportEntry = PerformanceReport['entries'][number];
export type ThresholdCriteria = Static<typeof ThresholdCriteriaSchema>;
export type CreateThresholdRequest = Static<typeof CreateThresholdRequestSchema>;
export type Threshold = Static<typeof ThresholdSchema>;
export type PmNotificationsFilter = Static<typeof PmNotificationsFilterSchema>;
export type PmSubscriptionRequest = Static<typeof PmSubscriptionRequestSchema>;
export type PmSubscription = Static<typeof PmSubscriptionSchema>;
export type PmNotificationType = (typeof PM_NOTIFICATION_TYPES)[number];
export type CrossingDirection = (typeof CROSSING_DIRECTIONS)[number];
/** A PM job as stored: its reports are read from the report store and `_links` rendered at view time. */
export type StoredPmJob = Omit<PmJob, '_links' | 'reports'>;
/** A threshold as stored: `_links` are rendered at view time. */
export type StoredThreshold = Omit<Threshold, '_links'>;
export type StoredPmSubscription = Omit<PmSubscription, '_links'> & {
  authentication?: Static<typeof SubscriptionAuthenticationSchema>;
};
