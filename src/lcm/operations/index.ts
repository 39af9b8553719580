import { changeExtConn } from './change-ext-conn';
import { changeFlavour } from './change-flavour';
import { changeVnfpkg } from './change-vnfpkg';
import { heal } from './heal';
import { instantiate } from './instantiate';
import { modifyInfo } from './modify-info';
import { operate } from './operate';
import { scale, scaleToLevel } from './scale';
import { terminate } from './terminate';
import type { Handlers, OperationHandler } from './types';
import type { LcmOperation } from '../../domain/lcm-op-occ';

/** Every SOL003 operation's handler, one file each: an exhaustive record, never a lookup by building names. */
export const HANDLERS: Handlers = {
  INSTANTIATE: instantiate,
  TERMINATE: terminate,
  SCALE: scale,
  SCALE_TO_LEVEL: scaleToLevel,
  HEAL: heal,
  OPERATE: operate,
  MODIFY_INFO: modifyInfo,
  CHANGE_FLAVOUR: changeFlavour,
  CHANGE_EXT_CONN: changeExtConn,
  CHANGE_VNFPKG: changeVnfpkg,
};

/** The handler of an operation, its request type left to the caller (the engine reads the stored request). */
export function handlerOf(operation: LcmOperation): OperationHandler {
  return HANDLERS[operation] as OperationHandler;
}

export type { OperationHandler, Step, Handlers, RequestOf } from './types';
export { applyModifications } from './modify-info';
