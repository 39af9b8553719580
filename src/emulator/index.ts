export { EmulatedVm, type EmulatedVmOptions, type EmulatedDialect } from './emulated-vm';
export { ClickProcess } from './click-process';
export { EmulatedCloud, type CloudFault, type CloudServer, type EmulatedCloudOptions } from './emulated-cloud';
export { EmulatedVim, EmulatedVimError } from './emulated-vim';
