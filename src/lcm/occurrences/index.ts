/** The op-occ task resources (SOL003 5.4.14-5.4.17) and the start of an operation, one file each. */
export { startOperation, REQUIRED_STATE } from './start';
export { retry } from './retry';
export { rollback } from './rollback';
export { fail } from './fail';
export { cancel } from './cancel';
export { resumeStranded } from './stranded';
