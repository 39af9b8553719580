import type { ClickProcess } from './click-process';
import { declaresControlSocket } from './click-facade';
import { DRIVER_CONTROL_SOCKET } from './click-handlers';
import type { EmulatedVm } from './emulated-vm';

/** What Click writes when its driver's ControlSocket (-p) cannot bind (OSv's strerror: `Address in use`). */
export const BIND_FAILURE =
  `click: While initializing '${DRIVER_CONTROL_SOCKET} :: ControlSocket':\n` + '  bind: Address in use';

/** A Click whose configuration binds the port of its -p stops about this long after it starts (see driverClash). */
const CLASH_STOP_MS = 1000;

/**
 * A configuration with its own `ControlSocket(TCP, P)` while Click was given `-p P`: the configuration's binds P,
 * the driver's cannot, retries a second later and then stops the router (upstream Click's
 * ControlSocket::retry_hook). The VNFD and request checks refuse such configurations (docs/click.md).
 */
export function driverClash(vm: EmulatedVm, c: ClickProcess, configPath: string, port: number): void {
  if (!declaresControlSocket(vm.files.get(configPath) ?? '', port)) return;
  setTimeout(() => {
    if (vm.click !== c || !c.running) return;
    vm.stopClick();
    c.errors = `click_driver@@ControlSocket :: ControlSocket(TCP, ${port}): bind: Address in use\n`;
    vm.files.set('/click_errors.txt', c.errors);
  }, CLASH_STOP_MS).unref();
}

/**
 * `PUT /app/` of Click while one runs: OSv starts it (its thread id is the answer); it cannot bind the ControlSocket
 * port the running Click holds, writes so to /click_errors.txt (the launcher appends) and exits. The running Click
 * is not disturbed.
 */
export function launchSecondClick(vm: EmulatedVm): number {
  const pid = vm.newClickPid();
  const fail = (): void => {
    const log = vm.files.get('/click_errors.txt') ?? '';
    vm.files.set('/click_errors.txt', `${log}${BIND_FAILURE}\nRouter could not be initialized!\n`);
  };
  const delay = vm.options.clickStartDelayMs ?? 0;
  if (delay <= 0) fail();
  else setTimeout(fail, delay).unref();
  return pid;
}
