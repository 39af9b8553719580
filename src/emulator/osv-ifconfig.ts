import type { EmulatedVm } from './emulated-vm';

const WAKEUP_BUCKETS = [8, 16, 32, 64, 128, 256];

/** OSv's counters of an interface (its if_data, as /network/ifconfig/ lists them: every field, in OSv's order). */
function ifData(mtu: number, type: number, packets: { rx: number; tx: number; rxBytes: number; txBytes: number }) {
  const wakeups = Object.fromEntries(WAKEUP_BUCKETS.map((n) => [`packets_${n}`, 0]));
  return {
    ifi_type: type,
    ifi_physical: 0,
    ifi_addrlen: type === 6 ? 6 : 0,
    ifi_hdrlen: type === 6 ? 14 : 0,
    ifi_link_state: type === 6 ? 2 : 0,
    ifi_spare_char1: 0,
    ifi_spare_char2: 0,
    ifi_datalen: 152,
    ifi_mtu: mtu,
    ifi_metric: 0,
    ifi_baudrate: 0,
    ifi_ipackets: packets.rx,
    ifi_ierrors: 0,
    ifi_opackets: packets.tx,
    ifi_oerrors: 0,
    ifi_collisions: 0,
    ifi_ibytes: packets.rxBytes,
    ifi_obytes: packets.txBytes,
    ifi_imcasts: 0,
    ifi_omcasts: 0,
    ifi_iqdrops: 0,
    ifi_noproto: 0,
    ifi_hwassist: 0,
    ifi_epoch: 0,
    ifi_ibh_wakeups: 0,
    ifi_oworker_kicks: 0,
    ifi_oworker_wakeups: 0,
    ifi_oworker_packets: 0,
    ifi_okicks: 0,
    ifi_oqueue_is_full: 0,
    ifi_iwakeup_stats: wakeups,
    ifi_owakeup_stats: { ...wakeups },
  };
}

/**
 * `GET /network/ifconfig/` as OSv answers it: the loopback `lo0`, then the management NIC `eth0` at the VM's address
 * (a /24). The management NIC only carries API traffic; the DPDK ports are invisible to OSv.
 */
export function osvIfconfig(vm: EmulatedVm): unknown[] {
  const t = vm.click?.traffic() ?? { rxPackets: 0 };
  const time = vm.now();
  const addr = vm.options.host;
  const broadcast = addr.replace(/\.\d+$/, '.255');
  const mgmt = { rx: 100 + Math.floor(t.rxPackets / 1e6), tx: 90, rxBytes: 12000, txBytes: 30000 };
  return [
    {
      config: {
        name: 'lo0',
        addr: '127.0.0.1',
        mask: '255.0.0.0',
        broadcast: '127.0.0.1',
        flags: '100111<UP,LOOPBACK,RUNNING,MULTICAST>',
        mtu: '16384',
        phys_addr: '',
      },
      data: ifData(16384, 24, { rx: 0, tx: 0, rxBytes: 0, txBytes: 0 }),
      time,
    },
    {
      config: {
        name: 'eth0',
        addr,
        mask: '255.255.255.0',
        broadcast,
        flags: '100103<UP,BROADCAST,RUNNING,MULTICAST>',
        mtu: '1500',
        phys_addr: '52:54:00:12:34:56',
      },
      data: ifData(1500, 6, mgmt),
      time,
    },
  ];
}
