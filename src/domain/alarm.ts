import { attributeNames } from './query/attributes';
import type { Alarm, FmNotificationsFilter, FmNotificationType, FmSubscription, StoredAlarm } from './schemas/alarm';
import { subscriptionMatches, type NotificationFacts } from './subscription';
/**
 * Alarms and FM subscriptions: how an FM notification is matched against a subscription's filter.
 * @see ETSI GS NFV-SOL 003 v2.6.1 clauses 7.5.2.4 (Alarm), 7.5.3.2 (FmNotificationsFilter)
 */
export type {
  Alarm,
  AlarmModifications,
  EventType,
  FmNotificationsFilter,
  FmNotificationType,
  FmSubscription,
  FmSubscriptionRequest,
  PerceivedSeverity,
  StoredAlarm,
  StoredFmSubscription,
} from './schemas/alarm';

/** What an FM filter looks at: the instance's identity and, but for a list rebuilt, the alarm. */
export interface FmNotificationFacts extends Omit<NotificationFacts, 'notificationType'> {
  notificationType: FmNotificationType;
  alarm?: Pick<Alarm, 'perceivedSeverity' | 'eventType' | 'probableCause' | 'rootCauseFaultyResource'>;
}

/** True when the FM notification passes every filter the subscription sets (an absent filter passes all). */
export function fmSubscriptionMatches(filter: FmNotificationsFilter | undefined, n: FmNotificationFacts): boolean {
  if (filter === undefined) return true;
  const inList = <T>(list: readonly T[] | undefined, v: T | undefined): boolean =>
    list === undefined || list.length === 0 || (v !== undefined && list.includes(v));
  if (!inList(filter.notificationTypes, n.notificationType)) return false;
  const a = n.alarm;
  if (a !== undefined) {
    if (!inList(filter.faultyResourceTypes, a.rootCauseFaultyResource?.faultyResourceType)) return false;
    if (!inList(filter.perceivedSeverities, a.perceivedSeverity)) return false;
    if (!inList(filter.eventTypes, a.eventType)) return false;
    if (!inList(filter.probableCauses, a.probableCause)) return false;
  }
  // the instance part is the LCM filter's (SOL003 4.4.1.5), whatever the notification type
  const instanceFilter = filter.vnfInstanceSubscriptionFilter;
  if (instanceFilter === undefined) return true;
  return subscriptionMatches(
    { vnfInstanceSubscriptionFilter: instanceFilter },
    { ...n, notificationType: 'VnfIdentifierCreationNotification' },
  );
}

/** Every top-level attribute of Alarm (SOL003 7.5.2.4), checked against the type. */
export const ALARM_ATTRIBUTES = attributeNames<Alarm>()([
  'id',
  'managedObjectId',
  'vnfcInstanceIds',
  'rootCauseFaultyResource',
  'alarmRaisedTime',
  'alarmChangedTime',
  'alarmClearedTime',
  'alarmAcknowledgedTime',
  'ackState',
  'perceivedSeverity',
  'eventTime',
  'eventType',
  'faultType',
  'probableCause',
  'isRootCause',
  'correlatedAlarmIds',
  'faultDetails',
  '_links',
]);

export const FM_SUBSCRIPTION_ATTRIBUTES = attributeNames<FmSubscription>()(['id', 'filter', 'callbackUri', '_links']);

/** The alarm as the API and the notifications show it, with absolute `_links` under `publicUrl`. */
export function alarmView(publicUrl: string, a: StoredAlarm): Alarm {
  return {
    ...a,
    _links: {
      self: { href: `${publicUrl}/vnffm/v1/alarms/${a.id}` },
      objectInstance: { href: `${publicUrl}/vnflcm/v1/vnf_instances/${a.managedObjectId}` },
    },
  };
}
