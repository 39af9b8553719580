import type { EmulatedVm } from './emulated-vm';

/** The VM's virtual CPUs (the real image runs under `-smp 2`): OSv has an idle thread per CPU. */
export const VCPUS = 2;

interface OsvThread {
  id: number;
  cpu: number;
  cpu_ms: number;
  switches: number;
  migrations: number;
  preemptions: number;
  name: string;
  priority: number;
  stack_size: number;
  status: string;
}

/**
 * `GET /os/threads` as OSv answers it: every thread with OSv's fields, the idle threads per CPU (`idle0`, `idle1`),
 * the REST API's, Click's (named after the program, `/usr/bin/click`: the agent counts its CPU time) while it runs.
 */
export function osvThreads(vm: EmulatedVm): { list: OsvThread[]; time_ms: number } {
  const now = vm.now();
  const up = now - vm.bootedAt;
  const thread = (id: number, name: string, cpuMs: number, status = 'waiting', cpu = 0): OsvThread => ({
    id,
    cpu,
    cpu_ms: cpuMs,
    switches: Math.round(cpuMs * 3),
    migrations: 0,
    preemptions: 0,
    name,
    priority: 1,
    stack_size: 65536,
    status,
  });
  const click = vm.click?.running === true ? vm.click : undefined;
  const list = [
    ...Array.from({ length: VCPUS }, (_, i) => thread(i + 1, `idle${i}`, Math.round((up * 0.6) / VCPUS), 'running', i)),
    thread(VCPUS + 1, 'httpserver', 40),
    ...(click !== undefined
      ? [thread(click.pid, '/usr/bin/click', Math.round((now - click.startedAt) * 0.3), 'running', 1)]
      : []),
  ];
  return { list, time_ms: now };
}
