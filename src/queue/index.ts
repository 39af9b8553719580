export { BullLcmQueue, startLcmWorker, LCM_QUEUE, type BullOptions, type LcmWorkerOptions } from './lcm-queue';
