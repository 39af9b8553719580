import type { EmulatedVm } from './emulated-vm';

/** The VM's virtual CPUs (the real image runs under `-smp 2`): OSv has an idle thread per CPU. */
export const VCPUS = 2;

/**
 * OSv's own threads on the real image (test/fixtures/osv-real/steps.json), with how many of each: names as OSv
 * lists them, cut at 15 characters. Besides these: the REST API's, the boot launcher's, Click's.
 */
const SYSTEM_THREADS: Array<[string, number]> = [
  ['>init', 3],
  ...['async_worker0', 'async_worker1', 'balancer0', 'callout', 'dhcp'].map((n): [string, number] => [n, 1]),
  ...['isa-serial-inpu', 'itimer-real', 'itimer-virt', 'kbd-input', 'netisr', 'page-access-sca'].map(
    (n): [string, number] => [n, 1],
  ),
  ...['page_pool_l1_0', 'page_pool_l1_1', 'page_pool_l2', 'percpu0', 'percpu1', 'rand_harvestq', 'rcu0', 'rcu1'].map(
    (n): [string, number] => [n, 1],
  ),
  ['reclaimer', 1],
  ['solthread-0x100', 4],
  ...Array.from({ length: 8 }, (_, i): [string, number] => [`system_taskq_${i}`, 1]),
  ...['thread taskq', 'timerfd', 'virtio-blk', 'virtio-net-rx', 'virtio-rng', 'virtio-tx-0', 'virtio-tx-1'].map(
    (n): [string, number] => [n, 1],
  ),
  ...['zfs_vn_rele_tas', 'zil_clean', 'zio_claim_intr', 'zio_claim_issue', 'zio_free_intr'].map(
    (n): [string, number] => [n, 1],
  ),
  ['zio_free_issue_', 32],
  ...['zio_ioctl_intr', 'zio_ioctl_issue', 'zio_null_intr', 'zio_null_issue', 'zio_read_intr_0', 'zio_read_intr_1'].map(
    (n): [string, number] => [n, 1],
  ),
  ['zio_read_issue_', 8],
  ['zio_write_intr_', 21],
  ['zio_write_issue', 7],
];

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
 * `GET /os/threads` as OSv answers it: every thread with OSv's fields; an idle thread per CPU (`idle0`, `idle1`),
 * OSv's own, the REST API's (`/libhttpserver-`), the boot launcher's (`/click-launcher`, with bootConfig: it never
 * returns), Click's (`/usr/bin/click`, the agent counts its CPU time) while it runs, and the launcher `PUT /app/`
 * started it through (`/click`).
 */
export function osvThreads(vm: EmulatedVm): { list: OsvThread[]; time_ms: number } {
  const now = vm.now();
  const up = now - vm.bootedAt;
  let id = 0;
  const thread = (name: string, cpuMs: number, status = 'waiting', cpu = 0): OsvThread => ({
    id: ++id,
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
    ...Array.from({ length: VCPUS }, (_, i) => thread(`idle${i}`, Math.round((up * 0.6) / VCPUS), 'running', i)),
    ...SYSTEM_THREADS.flatMap(([n, k]) => Array.from({ length: k }, () => thread(n, 1))),
    thread('/libhttpserver-', 40),
    ...(vm.options.bootConfig !== undefined ? [thread('/click-launcher', 1)] : []),
  ];
  if (click !== undefined) {
    const clickThread = thread('/usr/bin/click', Math.round((now - click.startedAt) * 0.3), 'running', 1);
    list.push({ ...clickThread, id: click.pid });
    if (click !== vm.bootClick) list.push(thread('/click', 1));
  }
  return { list, time_ms: now };
}
