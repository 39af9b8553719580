import { LCCN_SUBSCRIPTION_ATTRIBUTES } from '../../../domain/subscription';
import {
  LccnSubscriptionRequestSchema,
  LccnSubscriptionSchema,
  VnfIdentifierCreationNotificationSchema,
  VnfIdentifierDeletionNotificationSchema,
  VnfLcmOperationOccurrenceNotificationSchema,
} from '../../../domain/schemas';
import type { SubscribeDeps } from '../../../lcm/subscriptions';
import type { RouteModule } from '../../context';
import { subscriptionRoutesFor } from '../subscription-routes';

export type SubscriptionDeps = SubscribeDeps;

/**
 * `/vnflcm/v1/subscriptions`: create (callback tested, duplicates 303), list, get, delete.
 * @see SOL003 5.4.18 - 5.4.19, 5.4.20 (Notification endpoint)
 */
export function subscriptionRoutes(deps: SubscriptionDeps): RouteModule {
  return subscriptionRoutesFor(
    {
      base: '/vnflcm/v1',
      tag: 'subscriptions',
      about: 'LCM',
      request: LccnSubscriptionRequestSchema,
      resource: LccnSubscriptionSchema,
      attributes: LCCN_SUBSCRIPTION_ATTRIBUTES,
      notifications: {
        VnfLcmOperationOccurrenceNotification: VnfLcmOperationOccurrenceNotificationSchema,
        VnfIdentifierCreationNotification: VnfIdentifierCreationNotificationSchema,
        VnfIdentifierDeletionNotification: VnfIdentifierDeletionNotificationSchema,
      },
    },
    deps,
  );
}
