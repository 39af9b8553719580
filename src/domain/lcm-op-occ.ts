import { attributeNames } from './query/attributes';
import type { LcmOperationState, VnfLcmOpOcc, VnfLcmOpOccLinks } from './schemas/lcm-op-occ';
/**
 * VNF lifecycle operation occurrences and their state machine, as pure data and functions. The
 * types are those of the schemas in ./schemas/lcm-op-occ.ts.
 *
 * @see ETSI GS NFV-SOL 003 v2.6.1 clauses 5.5.2.13 (VnfLcmOpOcc), 5.5.4.5 (LcmOperationType),
 * 5.5.4.6 (LcmOperationStateType) and figure 5.6.2.2-1 (the states)
 */
export type {
  AffectedVnfc,
  CancelMode,
  LcmOperation,
  LcmOperationState,
  OpOccProblem,
  ResourceChanges,
  VnfLcmOpOcc,
  VnfLcmOpOccLinks,
} from './schemas/lcm-op-occ';

/** @see SOL003 5.4.12.3.2: left out of GET /vnf_lcm_op_occs unless asked for */
export const OP_OCC_DEFAULT_EXCLUDES: readonly string[] = [
  'operationParams',
  'error',
  'resourceChanges',
  'changedInfo',
  'changedExtConnectivity',
];

/** States from which nothing more happens. */
export const FINAL_STATES: readonly LcmOperationState[] = ['COMPLETED', 'FAILED', 'ROLLED_BACK'];

type Action = 'start' | 'complete' | 'fail-temp' | 'retry' | 'rollback' | 'rolled-back' | 'fail' | 'cancel';

const TRANSITIONS: Record<Action, { from: readonly LcmOperationState[]; to: LcmOperationState }> = {
  start: { from: ['STARTING'], to: 'PROCESSING' },
  complete: { from: ['PROCESSING'], to: 'COMPLETED' },
  'fail-temp': { from: ['STARTING', 'PROCESSING', 'ROLLING_BACK'], to: 'FAILED_TEMP' },
  retry: { from: ['FAILED_TEMP'], to: 'PROCESSING' },
  rollback: { from: ['FAILED_TEMP'], to: 'ROLLING_BACK' },
  'rolled-back': { from: ['ROLLING_BACK'], to: 'ROLLED_BACK' },
  fail: { from: ['FAILED_TEMP'], to: 'FAILED' },
  // SOL003 5.4.17: cancel applies to STARTING, PROCESSING and ROLLING_BACK; it ends in FAILED_TEMP
  cancel: { from: ['STARTING', 'PROCESSING', 'ROLLING_BACK'], to: 'FAILED_TEMP' },
};

/** The state an action leads to, or undefined when the current state does not allow it. */
export function nextState(current: LcmOperationState, action: Action): LcmOperationState | undefined {
  const t = TRANSITIONS[action];
  return t.from.includes(current) ? t.to : undefined;
}

export function allowedFrom(action: Action): readonly LcmOperationState[] {
  return TRANSITIONS[action].from;
}

/** The `_links` for the op-occ's current state (retry/rollback/fail only in FAILED_TEMP). */
export function opOccLinks(
  base: string,
  op: Pick<VnfLcmOpOcc, 'id' | 'vnfInstanceId' | 'operationState'>,
): VnfLcmOpOccLinks {
  const self = `${base}/vnf_lcm_op_occs/${op.id}`;
  const links: VnfLcmOpOccLinks = {
    self: { href: self },
    vnfInstance: { href: `${base}/vnf_instances/${op.vnfInstanceId}` },
  };
  if (op.operationState === 'FAILED_TEMP') {
    links.retry = { href: `${self}/retry` };
    links.rollback = { href: `${self}/rollback` };
    links.fail = { href: `${self}/fail` };
  }
  if (['STARTING', 'PROCESSING', 'ROLLING_BACK'].includes(op.operationState)) links.cancel = { href: `${self}/cancel` };
  return links;
}

/** Every top-level attribute of VnfLcmOpOcc (SOL003 5.5.2.13), checked against the type. */
export const VNF_LCM_OP_OCC_ATTRIBUTES = attributeNames<VnfLcmOpOcc>()([
  'id',
  'operationState',
  'stateEnteredTime',
  'startTime',
  'vnfInstanceId',
  'grantId',
  'operation',
  'isAutomaticInvocation',
  'operationParams',
  'isCancelPending',
  'cancelMode',
  'error',
  'resourceChanges',
  'changedInfo',
  'changedExtConnectivity',
  '_links',
]);
