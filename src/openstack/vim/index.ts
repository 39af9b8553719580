export { OpenStackVim, VimOperationError, type OpenStackVimOptions, type StackWait } from './openstack-vim';
export { buildStack, defaultTemplatesDir, fill, UnboundCpError, type StackTemplates, type BuildOptions } from './heat-template';
