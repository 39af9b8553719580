/**
 * The Vim conformance suite (test/support/vim-conformance.ts) against EmulatedVim on an in-process
 * EmulatedCloud, with both of its addressings. test/deployment/vim-conformance.test.ts runs the same
 * suite against OpenStackVim on the mini-cloud.
 */
import { EmulatedCloud, EmulatedVim, type EmulatedCloudOptions } from '../../src/emulator';
import { describeVimConformance, type VimCapabilities } from '../support/vim-conformance';

/**
 * The emulated cloud lists a server's ports in CP order; a healed server gets new ports (ids, MACs) at the old
 * addresses.
 */
const EMULATED: VimCapabilities = { portsInCpOrder: true, healKeepsPorts: false };

const onEmulatedCloud = (options: EmulatedCloudOptions) => async () => {
  const cloud = new EmulatedCloud(options);
  return { vim: new EmulatedVim(await cloud.start()), capabilities: EMULATED, close: () => cloud.stop() };
};

describeVimConformance('EmulatedVim (every VM on 127.0.0.1, a port each)', onEmulatedCloud({ vmReadyDelayMs: 50 }));
describeVimConformance(
  'EmulatedVim (loopback addressing: a VM per 127.23.x.y:8000)',
  onEmulatedCloud({ vmReadyDelayMs: 50, addressing: 'loopback', loopbackPrefix: '127.23' }),
);
