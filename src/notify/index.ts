export { EventLogNotifier } from './event-log-notifier';
export {
  SubscriptionNotifier,
  startDeliveryWorker,
  subscriptionGenerationKey,
  NOTIFY_QUEUE,
  outboxBacklog,
  type NotifyBullOptions,
  type SubscriptionLookup,
} from './subscription-notifier';
export { appendToOutbox, CachedSubscriptions, type DeliveryRetry } from './outbox';
export { FmNotifier, fmSubscriptionGenerationKey } from './fm-notifier';
export { PmNotifier, pmSubscriptionGenerationKey } from './pm-notifier';
export { IndicatorNotifier, indicatorSubscriptionGenerationKey } from './indicator-notifier';
export { callConsumer, authorizationFor, DeliveryError } from './delivery';
export {
  checkOutboundUrl,
  pinnedLookup,
  refusedBy,
  DisallowedDestinationError,
  DEFAULT_OUTBOUND_POLICY,
  type OutboundPolicy,
  type ResolvedAddress,
} from './url-guard';
export {
  checkPackageUri,
  downloadPackage,
  packageSource,
  PackageDownloadError,
  type PackageDownloadOptions,
} from './package-download';
