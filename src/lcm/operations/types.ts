import type { LcmOperation } from '../../domain/lcm-op-occ';
import type { VnfInstance } from '../../domain/vnf-instance';
import type { VnfdModel } from '../../tosca';
import type { LcmDeps } from '../deps';
import type { OpContext } from '../op-context';
import type * as R from '../requests';

/** One idempotent step: BullMQ may run a job twice, so each step is safe to repeat. */
export interface Step<P = unknown> {
  name: string;
  run(ctx: OpContext<P>): Promise<void>;
}

export interface OperationHandler<P = unknown> {
  /**
   * Checks a request against the VNFD and the instance before the operation starts (422 naming the field);
   * `deps` for a check that must look further (CHANGE_VNFPKG: the package it moves to).
   */
  check?(model: VnfdModel, instance: VnfInstance, request: P, deps: LcmDeps): void | Promise<void>;
  steps(ctx: OpContext<P>): Array<Step<P>>;
  /** Undoes exactly what the operation did; undefined when the operation cannot be rolled back. */
  rollback?(ctx: OpContext<P>): Promise<void>;
  /**
   * After `fail`: releases what a given-up operation leaves in the VIM that no later operation could release (a
   * failed INSTANTIATE leaves the instance NOT_INSTANTIATED, which no TERMINATE takes, so a DELETE would leak it).
   */
  release?(ctx: OpContext<P>): Promise<void>;
}

/** The request body of each operation. */
export interface RequestOf {
  INSTANTIATE: R.InstantiateVnfRequest;
  TERMINATE: R.TerminateVnfRequest;
  SCALE: R.ScaleVnfRequest;
  SCALE_TO_LEVEL: R.ScaleVnfToLevelRequest;
  HEAL: R.HealVnfRequest;
  OPERATE: R.OperateVnfRequest;
  MODIFY_INFO: R.VnfInfoModificationRequest;
  CHANGE_FLAVOUR: R.ChangeVnfFlavourRequest;
  CHANGE_EXT_CONN: R.ChangeExtVnfConnectivityRequest;
  CHANGE_VNFPKG: R.ChangeCurrentVnfPkgRequest;
}

export type Handlers = { [K in LcmOperation]: OperationHandler<RequestOf[K]> };
