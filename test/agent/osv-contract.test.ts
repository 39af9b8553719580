/** The osv-controlsocket agent contract (test/agent/osv-contract.ts) against the emulator, port forward included. */
import { EmulatedVm } from '../../src/emulator';
import { freePort } from '../../src/net/free-port';
import { describeOsvContract } from './osv-contract';

describeOsvContract('emulator', async () => {
  const controlPort = await freePort();
  const vm = new EmulatedVm({
    dialect: 'osv-controlsocket',
    host: '127.0.0.1',
    port: 0,
    controlPort,
    vmControlPort: 8001,
    clickStopDelayMs: 50,
  });
  await vm.boot();
  return {
    endpoint: {
      address: '127.0.0.1',
      port: vm.address!.port,
      dialect: 'osv-controlsocket',
      controlSocketPort: controlPort,
      vmControlSocketPort: 8001,
    },
    readyDeadlineMs: 5000,
    close: () => vm.powerOff(),
  };
});
