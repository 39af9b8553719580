export { OpenStackVim } from './openstack-vim';
export { VimOperationError, type OpenStackVimOptions, type StackWait } from './vim-common';
export {
  buildStack,
  defaultTemplatesDir,
  fill,
  UnboundCpError,
  type StackTemplates,
  type BuildOptions,
} from './heat-template';
