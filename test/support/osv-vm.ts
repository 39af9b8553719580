/**
 * An emulated Click-on-OSv VM of the osv-controlsocket dialect as a real one is reached: its ControlSocket (8001
 * inside) forwarded from a free port, as behind QEMU's hostfwd or a NAT; and the agent's endpoint for it.
 */
import { EmulatedVm, type EmulatedVmOptions } from '../../src/emulator';
import { freePort } from '../../src/net/free-port';
import type { AgentEndpoint } from '../../src/ports/vnf-agent';

export async function bootForwardedOsvVm(
  extra: Partial<EmulatedVmOptions> = {},
): Promise<{ vm: EmulatedVm; endpoint: AgentEndpoint }> {
  const controlPort = await freePort();
  const vm = new EmulatedVm({
    dialect: 'osv-controlsocket',
    host: '127.0.0.1',
    port: 0,
    controlPort,
    vmControlPort: 8001,
    ...extra,
  });
  await vm.boot();
  const endpoint: AgentEndpoint = {
    address: '127.0.0.1',
    port: vm.address!.port,
    dialect: 'osv-controlsocket',
    controlSocketPort: controlPort,
    vmControlSocketPort: 8001,
  };
  return { vm, endpoint };
}
