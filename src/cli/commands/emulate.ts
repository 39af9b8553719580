import type { Command } from 'commander';
import { CLOUD_FAULTS, EmulatedCloud, EmulatedVm, type CloudFault, type CloudFaultRule } from '../../emulator';

function hostPort(listen: string, defaultPort: number): { host: string; port: number } {
  const m = /^(.*?)(?::(\d+))?$/.exec(listen);
  const host = m?.[1] || '127.0.0.1';
  return { host, port: m?.[2] !== undefined ? Number(m[2]) : defaultPort };
}

function nonNegative(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer (got '${value}')`);
  return n;
}

/** `instanceId:fault[:vduId]` */
function parseFaultArg(value: string, previous: CloudFaultRule[]): CloudFaultRule[] {
  const [instanceId, fault, vduId] = value.split(':');
  if (!instanceId || !CLOUD_FAULTS.includes(fault as CloudFault))
    throw new Error(
      `--fault must be instanceId:fault[:vduId] with fault one of ${CLOUD_FAULTS.join(', ')} (got '${value}')`,
    );
  return [...previous, { instanceId, fault: fault as CloudFault, ...(vduId ? { vduId } : {}) }];
}

/** Ends the process on SIGTERM/SIGINT after `close` (the mini-cloud's driver stops servers so). */
function exitOnSignals(close: () => Promise<void>): void {
  const stop = (): void => void close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/**
 * `clickvnfm emulate`: one emulated Click-on-OSv VM (the mini-cloud's Nova driver starts exactly
 * `emulate --dialect <d> --listen <ip>:8000` per server: keep that command line stable), and
 * `clickvnfm emulate-cloud`: the emulated VIM that runs one VM per VNFC.
 */
export function registerEmulate(program: Command): void {
  program
    .command('emulate')
    .description(
      'run an emulated Click-on-OSv VM (its management API) on an address; POST /os/shutdown or SIGTERM ends it',
    )
    .option('--dialect <dialect>', 'click-plugin or osv-controlsocket', 'click-plugin')
    .option('--listen <host:port>', 'management API address', '127.0.0.1:8000')
    .option(
      '--control-port <port>',
      'Click ControlSocket port when the launch command names none (osv-controlsocket)',
      '8001',
    )
    .option('--ready-delay-ms <ms>', 'how long the API takes to come up (nothing listens before)', '0')
    .option('--memory-mb <mb>', 'RAM of the VM', '512')
    .action(
      async (o: { dialect: string; listen: string; controlPort: string; readyDelayMs: string; memoryMb: string }) => {
        if (o.dialect !== 'click-plugin' && o.dialect !== 'osv-controlsocket')
          throw new Error(`--dialect must be click-plugin or osv-controlsocket (got '${o.dialect}')`);
        const { host, port } = hostPort(o.listen, 8000);
        const vm = new EmulatedVm({
          dialect: o.dialect,
          host,
          port,
          controlPort: nonNegative('--control-port', o.controlPort),
          readyDelayMs: nonNegative('--ready-delay-ms', o.readyDelayMs),
          memoryBytes: nonNegative('--memory-mb', o.memoryMb) * 1024 * 1024,
          // NOTE: /os/shutdown and /os/poweroff end the VM, and with it this process
          onPowerOff: () => setImmediate(() => process.exit(0)),
        });
        exitOnSignals(() => vm.powerOff());
        process.stdout.write(
          `emulated Click-on-OSv VM (${o.dialect}) booting; API on http://${host}:${port} after ${o.readyDelayMs} ms\n`,
        );
        await vm.boot();
        process.stdout.write(`emulated Click-on-OSv VM (${o.dialect}) on http://${host}:${vm.address?.port ?? port}\n`);
      },
    );
  program
    .command('emulate-cloud')
    .description('run the emulated VIM that boots an emulated VM per VNFC (EmulatedVim talks to it)')
    .option('--listen <host:port>', 'cloud API address', '127.0.0.1:9891')
    .option('--vm-ready-delay-ms <ms>', 'how long each VM API takes to come up', '500')
    .option(
      '--addressing <mode>',
      'ports (127.0.0.1, a port pair per VM) or loopback (127.24.x.y:8000 per VM)',
      'ports',
    )
    .option(
      '--fault <instanceId:fault[:vduId]>',
      `inject a fault (${CLOUD_FAULTS.join(', ')}); repeatable`,
      parseFaultArg,
      [] as CloudFaultRule[],
    )
    .action(async (o: { listen: string; vmReadyDelayMs: string; addressing: string; fault: CloudFaultRule[] }) => {
      if (o.addressing !== 'ports' && o.addressing !== 'loopback')
        throw new Error(`--addressing must be ports or loopback (got '${o.addressing}')`);
      const { host, port } = hostPort(o.listen, 9891);
      const cloud = new EmulatedCloud({
        host,
        port,
        vmReadyDelayMs: nonNegative('--vm-ready-delay-ms', o.vmReadyDelayMs),
        addressing: o.addressing,
        faults: o.fault,
      });
      const url = await cloud.start();
      exitOnSignals(() => cloud.stop());
      process.stdout.write(`emulated cloud on ${url}\n`);
    });
}
