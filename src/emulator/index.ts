export { EmulatedVm, type EmulatedVmOptions, type EmulatedDialect } from './emulated-vm';
export { ClickProcess } from './click-process';
