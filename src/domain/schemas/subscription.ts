import { Type, type Static } from '@sinclair/typebox';
import { LinkSchema, StringEnum } from './common';
import { LCM_OPERATION_STATES, LCM_OPERATIONS } from './lcm-op-occ';

/**
 * LCM notification subscriptions: the request (checked at the edge, so every object is closed) and
 * the resource.
 * @see ETSI GS NFV-SOL 003 v2.6.1 clauses 5.5.2.15 (LccnSubscriptionRequest), 5.5.2.16
 * (LccnSubscription), 5.5.3.12 (LifecycleChangeNotificationsFilter), 4.4.1.5 (VnfInstanceSubscriptionFilter),
 * 4.5.3.4 (SubscriptionAuthentication)
 */

export const NOTIFICATION_TYPES = [
  'VnfLcmOperationOccurrenceNotification',
  'VnfIdentifierCreationNotification',
  'VnfIdentifierDeletionNotification',
] as const;
export const NotificationTypeSchema = StringEnum(NOTIFICATION_TYPES);

const StrList = Type.Optional(Type.Array(Type.String()));

/** SOL003 4.4.1.5: the products of one provider a subscription is about (matched field by field). */
const VnfProductsFromProviderSchema = Type.Object(
  {
    vnfProvider: Type.String(),
    vnfProducts: Type.Optional(
      Type.Array(
        Type.Object(
          {
            vnfProductName: Type.String(),
            versions: Type.Optional(
              Type.Array(
                Type.Object(
                  { vnfSoftwareVersion: Type.String(), vnfdVersions: Type.Optional(Type.Array(Type.String())) },
                  { additionalProperties: false },
                ),
              ),
            ),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

/** @see SOL003 4.4.1.5 VnfInstanceSubscriptionFilter */
export const VnfInstanceSubscriptionFilterSchema = Type.Object(
  {
    vnfdIds: StrList,
    vnfProductsFromProviders: Type.Optional(Type.Array(VnfProductsFromProviderSchema)),
    vnfInstanceIds: StrList,
    vnfInstanceNames: StrList,
  },
  { additionalProperties: false },
);

/** @see SOL003 5.5.3.12 LifecycleChangeNotificationsFilter */
export const LifecycleChangeNotificationsFilterSchema = Type.Object(
  {
    vnfInstanceSubscriptionFilter: Type.Optional(VnfInstanceSubscriptionFilterSchema),
    notificationTypes: Type.Optional(Type.Array(NotificationTypeSchema)),
    operationTypes: Type.Optional(Type.Array(StringEnum(LCM_OPERATIONS))),
    operationStates: Type.Optional(Type.Array(StringEnum(LCM_OPERATION_STATES))),
  },
  { additionalProperties: false },
);

/**
 * @see SOL003 4.5.3.4 SubscriptionAuthentication: how the VNFM authenticates to the consumer. Secrets
 * are kept to use them, never returned.
 */
export const SubscriptionAuthenticationSchema = Type.Object(
  {
    authType: Type.Array(StringEnum(['BASIC', 'OAUTH2_CLIENT_CREDENTIALS', 'TLS_CERT']), { minItems: 1 }),
    paramsBasic: Type.Optional(
      Type.Object(
        { userName: Type.Optional(Type.String()), password: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
    ),
    paramsOauth2ClientCredentials: Type.Optional(
      Type.Object(
        {
          clientId: Type.Optional(Type.String()),
          clientPassword: Type.Optional(Type.String()),
          tokenEndpoint: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** @see SOL003 5.5.2.15 LccnSubscriptionRequest */
export const LccnSubscriptionRequestSchema = Type.Object(
  {
    filter: Type.Optional(LifecycleChangeNotificationsFilterSchema),
    callbackUri: Type.String({ pattern: '^https?://' }),
    authentication: Type.Optional(SubscriptionAuthenticationSchema),
  },
  { additionalProperties: false },
);

/**
 * @see SOL003 5.5.2.16 LccnSubscription: the answer never carries `authentication` (it holds the
 * consumer's secrets).
 */
export const LccnSubscriptionSchema = Type.Object(
  {
    id: Type.String(),
    filter: Type.Optional(LifecycleChangeNotificationsFilterSchema),
    callbackUri: Type.String(),
    _links: Type.Object({ self: LinkSchema }),
  },
  { additionalProperties: false, description: 'SOL003 5.5.2.16 LccnSubscription' },
);

export type NotificationType = Static<typeof NotificationTypeSchema>;
export type VnfInstanceSubscriptionFilter = Static<typeof VnfInstanceSubscriptionFilterSchema>;
export type LifecycleChangeNotificationsFilter = Static<typeof LifecycleChangeNotificationsFilterSchema>;
export type SubscriptionAuthentication = Static<typeof SubscriptionAuthenticationSchema>;
export type LccnSubscriptionRequest = Static<typeof LccnSubscriptionRequestSchema>;
export type LccnSubscription = Static<typeof LccnSubscriptionSchema>;
/**
 * A subscription as stored: with its credentials (sealed at rest, never answered, which the response
 * schema leaves out) and without `_links` (the API renders them at view time).
 */
export type StoredSubscription = Omit<LccnSubscription, '_links'> & {
  authentication?: SubscriptionAuthentication;
  _links?: LccnSubscription['_links'];
};
