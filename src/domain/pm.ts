import { attributeNames } from './query/attributes';
import type {
  PmJob,
  PmJobReport,
  PmNotificationsFilter,
  PmNotificationType,
  PmSubscription,
  StoredPmJob,
  StoredThreshold,
  Threshold,
} from './schemas/pm';
import { subscriptionMatches, type NotificationFacts } from './subscription';
/**
 * PM jobs, thresholds and PM subscriptions: how a PM notification is matched against a subscription's filter,
 * the attribute names the lists filter on, the views, and the names of the measurements this VNFM takes.
 * @see ETSI GS NFV-SOL 003 v2.6.1 clause 6, docs/performance-management.md
 */
export type {
  CreatePmJobRequest,
  CreateThresholdRequest,
  CrossingDirection,
  PerformanceReport,
  PerformanceReportEntry,
  PmJob,
  PmJobCriteria,
  PmJobReport,
  PmNotificationsFilter,
  PmNotificationType,
  PmSubscription,
  PmSubscriptionRequest,
  StoredPmJob,
  StoredPmSubscription,
  StoredThreshold,
  Threshold,
  ThresholdCriteria,
} from './schemas/pm';

/** The measured object type of every measurement here (ETSI GS NFV-IFA 027 clause 7.2): the VNF instance. */
export const PM_OBJECT_TYPE = 'Vnf';

/** What a PM filter looks at: the notification type and the instance's identity. */
export interface PmNotificationFacts extends Omit<NotificationFacts, 'notificationType'> {
  notificationType: PmNotificationType;
}

/** True when the PM notification passes every filter the subscription sets (an absent filter passes all). */
export function pmSubscriptionMatches(filter: PmNotificationsFilter | undefined, n: PmNotificationFacts): boolean {
  if (filter === undefined) return true;
  const types = filter.notificationTypes;
  if (types !== undefined && types.length > 0 && !types.includes(n.notificationType)) return false;
  const instanceFilter = filter.vnfInstanceSubscriptionFilter;
  if (instanceFilter === undefined) return true;
  // the instance part is the LCM filter's (SOL003 4.4.1.5)
  return subscriptionMatches(
    { vnfInstanceSubscriptionFilter: instanceFilter },
    { ...n, notificationType: 'VnfIdentifierCreationNotification' },
  );
}

/** Every top-level attribute of PmJob (SOL003 6.5.2.7), checked against the type. */
export const PM_JOB_ATTRIBUTES = attributeNames<PmJob>()([
  'id',
  'objectType',
  'objectInstanceIds',
  'subObjectInstanceIds',
  'criteria',
  'reports',
  '_links',
]);

/** Every top-level attribute of Threshold (SOL003 6.5.2.9), checked against the type. */
export const THRESHOLD_ATTRIBUTES = attributeNames<Threshold>()([
  'id',
  'objectType',
  'objectInstanceId',
  'subObjectInstanceIds',
  'criteria',
  '_links',
]);

export const PM_SUBSCRIPTION_ATTRIBUTES = attributeNames<PmSubscription>()(['id', 'filter', 'callbackUri', '_links']);

const instanceHref = (publicUrl: string, id: string): string => `${publicUrl}/vnflcm/v1/vnf_instances/${id}`;

/** A report as the report store lists it (its href is rendered at view time). */
export interface StoredReportRef {
  id: string;
  readyTime: string;
  expiryTime: string;
  fileSize: number;
}

export const pmJobHref = (publicUrl: string, id: string): string => `${publicUrl}/vnfpm/v1/pm_jobs/${id}`;
export const reportHref = (publicUrl: string, jobId: string, reportId: string): string =>
  `${pmJobHref(publicUrl, jobId)}/reports/${reportId}`;
export const thresholdHref = (publicUrl: string, id: string): string => `${publicUrl}/vnfpm/v1/thresholds/${id}`;

/** The PM job as the API shows it: its reports (those not expired at `nowMs`), absolute `_links`. */
export function pmJobView(publicUrl: string, job: StoredPmJob, reports: StoredReportRef[], nowMs: number): PmJob {
  const shown: PmJobReport[] = reports
    .filter((r) => Date.parse(r.expiryTime) > nowMs)
    .map((r) => ({
      href: reportHref(publicUrl, job.id, r.id),
      readyTime: r.readyTime,
      expiryTime: r.expiryTime,
      fileSize: r.fileSize,
    }));
  return {
    ...job,
    ...(shown.length > 0 ? { reports: shown } : {}),
    _links: {
      self: { href: pmJobHref(publicUrl, job.id) },
      objects: job.objectInstanceIds.map((id) => ({ href: instanceHref(publicUrl, id) })),
    },
  };
}

export function thresholdView(publicUrl: string, t: StoredThreshold): Threshold {
  return {
    ...t,
    _links: {
      self: { href: thresholdHref(publicUrl, t.id) },
      object: { href: instanceHref(publicUrl, t.objectInstanceId) },
    },
  };
}
