/** The osv-controlsocket agent contract (test/agent/osv-contract.ts) against the emulator, port forward included. */
import { bootForwardedOsvVm } from '../support/osv-vm';
import { describeOsvContract } from './osv-contract';

describeOsvContract('emulator', async () => {
  const { vm, endpoint } = await bootForwardedOsvVm({ clickStopDelayMs: 50 });
  return { endpoint, readyDeadlineMs: 5000, close: () => vm.powerOff() };
});
