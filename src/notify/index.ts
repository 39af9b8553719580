export { EventLogNotifier } from './event-log-notifier';
export { SubscriptionNotifier, startDeliveryWorker, NOTIFY_QUEUE } from './subscription-notifier';
export { callConsumer, authorizationFor, DeliveryError } from './delivery';
