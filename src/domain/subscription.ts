import { attributeNames } from './query/attributes';
import type { LccnSubscription, LifecycleChangeNotificationsFilter, NotificationType } from './schemas/subscription';
/**
 * LCM notification subscriptions and how a notification is matched against their filters (the
 * types are those of the schemas in ./schemas/subscription.ts).
 *
 * @see ETSI GS NFV-SOL 003 v2.6.1 clauses 5.5.2.15 (LccnSubscriptionRequest), 5.5.2.16
 * (LccnSubscription), 5.5.3.12 (LifecycleChangeNotificationsFilter), 4.4.1.5 (VnfInstanceSubscriptionFilter)
 */
export type {
  LccnSubscription,
  LccnSubscriptionRequest,
  LifecycleChangeNotificationsFilter,
  NotificationType,
  StoredSubscription,
  SubscriptionAuthentication,
  VnfInstanceSubscriptionFilter,
} from './schemas/subscription';

/** The facts about one notification that filters look at. */
export interface NotificationFacts {
  notificationType: NotificationType;
  vnfInstanceId: string;
  vnfdId?: string;
  vnfProvider?: string;
  vnfProductName?: string;
  vnfSoftwareVersion?: string;
  vnfdVersion?: string;
  vnfInstanceName?: string;
  operationType?: string;
  operationState?: string;
}

/** True when the notification passes every filter the subscription sets (an absent filter passes all). */
export function subscriptionMatches(
  filter: LifecycleChangeNotificationsFilter | undefined,
  n: NotificationFacts,
): boolean {
  if (filter === undefined) return true;
  const inList = <T>(list: T[] | undefined, v: T | undefined): boolean =>
    list === undefined || list.length === 0 || (v !== undefined && list.includes(v));
  if (!inList(filter.notificationTypes, n.notificationType)) return false;
  if (n.notificationType === 'VnfLcmOperationOccurrenceNotification') {
    if (!inList(filter.operationTypes, n.operationType)) return false;
    if (!inList(filter.operationStates, n.operationState)) return false;
  }
  const f = filter.vnfInstanceSubscriptionFilter;
  if (f === undefined) return true;
  if (!inList(f.vnfdIds, n.vnfdId)) return false;
  if (!inList(f.vnfInstanceIds, n.vnfInstanceId)) return false;
  if (!inList(f.vnfInstanceNames, n.vnfInstanceName)) return false;
  if (f.vnfProductsFromProviders !== undefined && f.vnfProductsFromProviders.length > 0) {
    const ok = f.vnfProductsFromProviders.some(
      (p) =>
        p.vnfProvider === n.vnfProvider &&
        (p.vnfProducts === undefined ||
          p.vnfProducts.some(
            (pr) =>
              pr.vnfProductName === n.vnfProductName &&
              (pr.versions === undefined ||
                pr.versions.some(
                  (v) =>
                    v.vnfSoftwareVersion === n.vnfSoftwareVersion &&
                    (v.vnfdVersions === undefined || v.vnfdVersions.includes(n.vnfdVersion ?? '')),
                )),
          )),
    );
    if (!ok) return false;
  }
  return true;
}

/** Every top-level attribute of LccnSubscription (SOL003 5.5.2.16), checked against the type. */
export const LCCN_SUBSCRIPTION_ATTRIBUTES = attributeNames<LccnSubscription>()([
  'id',
  'filter',
  'callbackUri',
  '_links',
]);
