export { EmulatedVm, type EmulatedVmOptions, type EmulatedDialect } from './emulated-vm';
export { ClickProcess, BASE_PPS, PACKET_BYTES } from './click-process';
export { toolkitChecker, formatDiagnosticForClick, type ClickChecker, type ClickCheckOutcome } from './click-facade';
export { ControlSocketServer } from './control-socket';
export { EmulatedCloud, type EmulatedCloudOptions } from './emulated-cloud';
export {
  CloudError,
  CLOUD_FAULTS,
  type CloudFault,
  type CloudFaultRule,
  type CloudServer,
  type CloudVdu,
  type CloudPort,
  type VnfcFault,
} from './cloud-model';
export {
  VmFaults,
  VmFaultError,
  VM_FAULTS,
  VM_FAULTS_PATH,
  DEFAULT_CRASH_MESSAGE,
  type VmFaultSpec,
  type VmFaultInForce,
} from './vm-faults';
export { EmulatedVim, EmulatedVimError, type EmulatedVimOptions } from './emulated-vim';
export { startCloudProcess, type CloudProcess, type CloudProcessOptions } from './cloud-process';
