export {
  BullLcmQueue,
  startLcmWorker,
  LCM_QUEUE,
  JOB_COUNT_STATES,
  type BullOptions,
  type LcmWorkerOptions,
} from './lcm-queue';
