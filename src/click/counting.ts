/**
 * The handlers that count, by element class, as upstream Click names them (master 9197a59, the Click of the
 * image we build: elements/userlevel/{from,to}dpdkdevice.cc, fromdevice.cc, todevice.cc, standard/counter.cc,
 * standard/simplequeue.cc). The agents read these, PM declares them, the emulator answers them: one table.
 */

/** Which handler of a device element holds its packets, bytes and drops (absent: Click has no such handler). */
export interface PortHandlers {
  direction: 'rx' | 'tx';
  packets?: string;
  bytes?: string;
  dropped?: string;
}

export interface CountingHandlers {
  /** Read at each look; every element of the class has the first one (a 511 on it: the class changed). */
  read: readonly string[];
  /** For a device element: what its port's counters are called. */
  port?: PortHandlers;
}

const COUNTER: CountingHandlers = { read: ['count', 'byte_count', 'rate'] };
const QUEUE: CountingHandlers = { read: ['length', 'highwater_length', 'drops'] };
const NONE: CountingHandlers = { read: [] };

const DEVICES = new Map<string, CountingHandlers>(
  Object.entries({
    // DPDK: count is what Click took or sent; hw_* are the NIC's own statistics (rte_eth_stats)
    FromDPDKDevice: {
      read: ['count', 'hw_count', 'hw_bytes', 'hw_dropped'],
      port: { direction: 'rx', packets: 'count', bytes: 'hw_bytes', dropped: 'hw_dropped' },
    },
    ToDPDKDevice: {
      read: ['count', 'dropped', 'hw_count', 'hw_bytes'],
      port: { direction: 'tx', packets: 'count', bytes: 'hw_bytes', dropped: 'dropped' },
    },
    // userlevel FromDevice (pcap or packet socket) counts packets and the kernel's drops, not bytes
    FromDevice: {
      read: ['count', 'kernel_drops'],
      port: { direction: 'rx', packets: 'count', dropped: 'kernel_drops' },
    },
    // the Linux kernel module's PollDevice
    PollDevice: { read: ['count'], port: { direction: 'rx', packets: 'count' } },
    // userlevel ToDevice counts nothing (a Counter before it does)
    ToDevice: NONE,
  }),
);

/** The counting handlers of an element class (none for a class that counts nothing). */
export function countingHandlers(className: string): CountingHandlers {
  const device = DEVICES.get(className);
  if (device !== undefined) return device;
  if (/Counter$/.test(className)) return COUNTER;
  if (/Queue$/.test(className)) return QUEUE;
  return NONE;
}

/** The handlers whose growth is packet loss, whatever the class: an alarm's default rules. */
export const DROP_HANDLERS: readonly string[] = ['drops', 'dropped', 'hw_dropped', 'kernel_drops'];
