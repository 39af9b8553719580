import { attributeNames } from './query/attributes';
import type {
  IndicatorNotificationType,
  StoredIndicator,
  VnfIndicator,
  VnfIndicatorNotificationsFilter,
  VnfIndicatorSubscription,
} from './schemas/indicator';
import { subscriptionMatches, type NotificationFacts } from './subscription';
/**
 * VNF indicators and indicator subscriptions: how a value change is matched against a subscription's filter,
 * and the indicator as the API shows it.
 * @see ETSI GS NFV-SOL 003 v2.6.1 clauses 8.5.2.2 (VnfIndicator), 8.5.3.2 (VnfIndicatorNotificationsFilter)
 */
export type {
  IndicatorNotificationType,
  StoredIndicator,
  StoredIndicatorSubscription,
  VnfIndicator,
  VnfIndicatorNotificationsFilter,
  VnfIndicatorSubscription,
  VnfIndicatorSubscriptionRequest,
  VnfIndicatorValueChangeNotification,
} from './schemas/indicator';

/** What an indicator filter looks at: the notification type, the indicator and the instance's identity. */
export interface IndicatorNotificationFacts extends Omit<NotificationFacts, 'notificationType'> {
  notificationType: IndicatorNotificationType;
  indicatorId: string;
}

/** True when the notification passes every filter the subscription sets (an absent filter passes all). */
export function indicatorSubscriptionMatches(
  filter: VnfIndicatorNotificationsFilter | undefined,
  n: IndicatorNotificationFacts,
): boolean {
  if (filter === undefined) return true;
  const inList = <T>(list: readonly T[] | undefined, v: T): boolean =>
    list === undefined || list.length === 0 || list.includes(v);
  if (!inList(filter.notificationTypes, n.notificationType)) return false;
  if (!inList(filter.indicatorIds, n.indicatorId)) return false;
  // the instance part is the LCM filter's (SOL003 4.4.1.5)
  const instanceFilter = filter.vnfInstanceSubscriptionFilter;
  if (instanceFilter === undefined) return true;
  return subscriptionMatches(
    { vnfInstanceSubscriptionFilter: instanceFilter },
    { ...n, notificationType: 'VnfIdentifierCreationNotification' },
  );
}

/** Every top-level attribute of VnfIndicator (SOL003 8.5.2.2), checked against the type. */
export const VNF_INDICATOR_ATTRIBUTES = attributeNames<VnfIndicator>()([
  'id',
  'name',
  'value',
  'vnfInstanceId',
  '_links',
]);

export const VNF_INDICATOR_SUBSCRIPTION_ATTRIBUTES = attributeNames<VnfIndicatorSubscription>()([
  'id',
  'filter',
  'callbackUri',
  '_links',
]);

/** Where an instance's indicators are, under `publicUrl`. */
export function indicatorsHref(publicUrl: string, vnfInstanceId: string): string {
  return `${publicUrl}/vnfind/v1/indicators/${vnfInstanceId}`;
}

/** The indicator as the API shows it, with absolute `_links` under `publicUrl` (its read time left out). */
export function indicatorView(publicUrl: string, i: StoredIndicator): VnfIndicator {
  return {
    id: i.id,
    ...(i.name !== undefined ? { name: i.name } : {}),
    value: i.value,
    vnfInstanceId: i.vnfInstanceId,
    _links: {
      self: { href: `${indicatorsHref(publicUrl, i.vnfInstanceId)}/${i.id}` },
      vnfInstance: { href: `${publicUrl}/vnflcm/v1/vnf_instances/${i.vnfInstanceId}` },
    },
  };
}
