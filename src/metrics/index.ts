export {
  METRIC_PREFIX,
  QUEUE_JOB_STATES,
  VnfmMetrics,
  type MetricsCollector,
  type QueueJobCounts,
  type QueueJobState,
  type VnfmMetricsOptions,
} from './vnfm-metrics';
export { startMetricsServer, type MetricsServer, type MetricsServerOptions } from './server';
export { timedAgents, timedVim, timedVims, type CallOutcome, type CallTimer } from './timed';
export { vnfExposition } from './vnf-exposition';
