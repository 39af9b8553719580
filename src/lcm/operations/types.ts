import type { LcmOperation } from '../../domain/lcm-op-occ';
import type { OpContext } from '../op-context';

/** One idempotent step: BullMQ may run a job twice, so each step is safe to repeat. */
export interface Step {
  name: string;
  run(ctx: OpContext): Promise<void>;
}

export interface OperationHandler {
  steps(ctx: OpContext): Step[];
  /** Undoes exactly what the operation did; undefined when the operation cannot be rolled back. */
  rollback?(ctx: OpContext): Promise<void>;
}

export type Handlers = Record<LcmOperation, OperationHandler>;
