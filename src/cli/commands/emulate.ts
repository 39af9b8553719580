import type { Command } from 'commander';
import { EmulatedCloud, EmulatedVm } from '../../emulator';

function hostPort(listen: string, defaultPort: number): { host: string; port: number } {
  const m = /^(.*?)(?::(\d+))?$/.exec(listen);
  const host = m?.[1] || '127.0.0.1';
  return { host, port: m?.[2] !== undefined ? Number(m[2]) : defaultPort };
}

/**
 * `clickvnfm emulate`: one emulated Click-on-OSv VM (the mini-cloud's Nova driver starts one per
 * server), and `clickvnfm emulate-cloud`: the emulated VIM.
 */
export function registerEmulate(program: Command): void {
  program
    .command('emulate')
    .description('run an emulated Click-on-OSv VM (its management API) on an address')
    .option('--dialect <dialect>', 'click-plugin or osv-controlsocket', 'click-plugin')
    .option('--listen <host:port>', 'management API address', '127.0.0.1:8000')
    .option('--control-port <port>', 'Click ControlSocket port (osv-controlsocket)', '8001')
    .option('--ready-delay-ms <ms>', 'how long the API takes to come up', '0')
    .action(async (o: { dialect: string; listen: string; controlPort: string; readyDelayMs: string }) => {
      if (o.dialect !== 'click-plugin' && o.dialect !== 'osv-controlsocket') throw new Error(`--dialect must be click-plugin or osv-controlsocket (got '${o.dialect}')`);
      const { host, port } = hostPort(o.listen, 8000);
      const vm = new EmulatedVm({ dialect: o.dialect, host, port, controlPort: Number(o.controlPort), readyDelayMs: Number(o.readyDelayMs), onPowerOff: () => process.exit(0) });
      const stop = (): void => void vm.powerOff().finally(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      await vm.boot();
      process.stdout.write(`emulated Click-on-OSv VM (${o.dialect}) on http://${host}:${vm.address?.port ?? port}\n`);
    });
  program
    .command('emulate-cloud')
    .description('run the emulated VIM that boots an emulated VM per VNFC')
    .option('--listen <host:port>', 'cloud API address', '127.0.0.1:9891')
    .option('--vm-ready-delay-ms <ms>', 'how long each VM API takes to come up', '500')
    .action(async (o: { listen: string; vmReadyDelayMs: string }) => {
      const { host, port } = hostPort(o.listen, 9891);
      const cloud = new EmulatedCloud({ host, port, vmReadyDelayMs: Number(o.vmReadyDelayMs) });
      const url = await cloud.start();
      const stop = (): void => void cloud.stop().finally(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      process.stdout.write(`emulated cloud on ${url}\n`);
    });
}
