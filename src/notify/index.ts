export { EventLogNotifier } from './event-log-notifier';
