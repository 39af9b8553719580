import { changeExtConn, changeFlavour, modifyInfo } from './info';
import { instantiate } from './instantiate';
import { heal, operate, terminate } from './lifecycle';
import { scale } from './scaling';
import type { Handlers } from './types';

/** Every SOL003 operation's handler: an exhaustive record, never a lookup by building names. */
export const HANDLERS: Handlers = {
  INSTANTIATE: instantiate,
  TERMINATE: terminate,
  SCALE: scale,
  SCALE_TO_LEVEL: scale,
  HEAL: heal,
  OPERATE: operate,
  MODIFY_INFO: modifyInfo,
  CHANGE_FLAVOUR: changeFlavour,
  CHANGE_EXT_CONN: changeExtConn,
};

export type { OperationHandler, Step, Handlers } from './types';
export { applyModifications } from './info';
