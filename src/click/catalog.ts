/**
 * The element catalog: for each Click class its port counts, push/pull processing, handlers and a
 * one-line description, as Click's own element documentation gives them (`=c`/`=s`/port and
 * processing codes), for the classes middleboxes and the Click-on-OSv platform use.
 */
export interface PortRange {
  min: number;
  /** Infinity for "any number" */
  max: number;
}

export interface ElementInfo {
  className: string;
  inputs: PortRange;
  outputs: PortRange;
  /** Click processing code, e.g. `a/a`, `h/l`, `a/ah`: per input / per output, the last letter repeats. */
  processing: string;
  /** How many outputs the configuration asks for (Classifier patterns, IPFilter rules ...). */
  outputsFromConfig?: (args: string[]) => number;
  handlers: string[];
  description: string;
}

const COMMON_HANDLERS = ['name', 'class', 'config', 'ports', 'handlers'];

function range(spec: string): PortRange {
  if (spec === '-') return { min: 0, max: Infinity };
  const m = /^(\d+)(?:-(\d*))?$/.exec(spec);
  if (m === null) throw new Error(`bad port spec ${spec}`);
  const min = Number(m[1]);
  if (m[2] === undefined) return { min, max: min };
  return { min, max: m[2] === '' ? Infinity : Number(m[2]) };
}

type Row = [className: string, ports: string, processing: string, handlers: string, description: string];

const COUNTER = 'count byte_count rate bit_rate byte_rate reset';
const DEVICE_IN = 'count reset_counts';
const QUEUE = 'length highwater_length drops capacity reset_counts';

const ROWS: Row[] = [
  // devices
  ['FromDevice', '0/1', 'h/h', `${DEVICE_IN} kernel_drops encap`, 'Captures packets from a network device'],
  ['ToDevice', '1/0', 'l/l', 'debug pulls signal q', 'Sends packets to a network device'],
  ['PollDevice', '0/1', 'h/h', `${DEVICE_IN} packets`, 'Polls packets from a network device'],
  [
    'FromDPDKDevice',
    '0/1',
    'h/h',
    'count reset_count hw_count hw_bytes hw_dropped hw_errors device driver mac active burst xstats',
    'Receives packets from a DPDK port',
  ],
  ['ToDPDKDevice', '1/0', 'a/a', `${DEVICE_IN} dropped hw_count hw_bytes hw_errors`, 'Sends packets to a DPDK port'],
  ['Discard', '1/0', 'a/a', 'count reset_counts active', 'Drops all packets'],
  ['Idle', '-/-', 'a/a', '', 'Has any number of ports and never moves a packet'],
  // sources
  ['InfiniteSource', '0/1', 'a/a', 'count reset active limit burst data length', 'Generates packets as fast as it can'],
  ['RatedSource', '0/1', 'a/a', 'count reset active limit rate data length', 'Generates packets at a given rate'],
  ['TimedSource', '0/1', 'h/h', 'count reset active limit interval data', 'Generates a packet periodically'],
  // classification
  ['Classifier', '1/1-', 'h/h', 'program', 'Classifies packets by byte patterns, one output per pattern'],
  [
    'IPClassifier',
    '1/1-',
    'h/h',
    'program',
    'Classifies IP packets by tcpdump-like expressions, one output per expression',
  ],
  ['IPFilter', '1/1-', 'h/h', 'program', 'Filters IP packets by allow/deny rules'],
  // IP
  ['Strip', '1/1', 'a/a', 'length', 'Strips bytes from the front of packets'],
  ['Unstrip', '1/1', 'a/a', 'length', 'Puts back bytes stripped from the front of packets'],
  [
    'CheckIPHeader',
    '1/1-2',
    'a/ah',
    'drops drop_details count',
    'Checks IP headers; bad packets go to output 1 or are dropped',
  ],
  ['MarkIPHeader', '1/1', 'a/a', '', 'Marks the IP header of packets'],
  ['GetIPAddress', '1/1', 'a/a', '', 'Sets the destination address annotation from the packet'],
  ['SetIPAddress', '1/1', 'a/a', '', 'Sets the destination address annotation'],
  ['StaticIPLookup', '1/1-', 'h/h', 'table lookup add remove set', 'IP routing lookup in a static table'],
  ['LinearIPLookup', '1/1-', 'h/h', 'table lookup add remove set', 'IP routing lookup by linear search'],
  ['DecIPTTL', '1/1-2', 'a/ah', 'count drops', 'Decrements the IP TTL; expired packets go to output 1'],
  ['IPFragmenter', '1/1-2', 'h/h', 'drops fragments', 'Fragments IP packets over the MTU'],
  ['ICMPError', '1/1', 'a/a', '', 'Generates ICMP error packets'],
  [
    'IPRewriter',
    '1-/1-',
    'h/h',
    'table nmappings mapping_failures size capacity',
    'Rewrites TCP/UDP flows (NAT, load balancing) by input specs',
  ],
  [
    'IPAddrRewriter',
    '1-/1-',
    'h/h',
    'table nmappings mapping_failures size capacity',
    'Rewrites IP addresses by input specs',
  ],
  [
    'TCPRewriter',
    '1-/1-',
    'h/h',
    'table nmappings mapping_failures size capacity',
    'Rewrites TCP flows with sequence number adjustment',
  ],
  ['RoundRobinIPMapper', '0/0', 'a/a', '', 'Round-robin address mapper for IPRewriter pattern inputs'],
  ['UDPIPEncap', '1/1', 'a/a', 'src dst sport dport', 'Encapsulates packets in UDP/IP headers'],
  ['IPEncap', '1/1', 'a/a', 'src dst', 'Encapsulates packets in an IP header'],
  ['IPPrint', '1/1', 'a/a', 'active', 'Prints IP packet contents'],
  // Ethernet
  ['EtherEncap', '1/1', 'a/a', 'src dst ethertype', 'Encapsulates packets in an Ethernet header'],
  ['EtherRewrite', '1/1', 'a/a', 'src dst', 'Rewrites the Ethernet addresses of packets'],
  ['EtherMirror', '1/1', 'a/a', '', 'Swaps the Ethernet source and destination'],
  [
    'ARPQuerier',
    '1-2/1-2',
    'h/h',
    'table stats count drops reset',
    'Resolves next hops by ARP and encapsulates IP in Ethernet',
  ],
  ['ARPResponder', '1/1', 'a/a', 'table add remove', 'Answers ARP queries'],
  ['HostEtherFilter', '1/1-2', 'a/ah', '', 'Drops Ethernet packets not for this host'],
  // queues and scheduling
  ['Queue', '1/1', 'h/l', QUEUE, 'Stores packets in a FIFO queue (push in, pull out)'],
  ['SimpleQueue', '1/1', 'h/l', QUEUE, 'Stores packets in a FIFO queue'],
  ['FrontDropQueue', '1/1', 'h/l', QUEUE, 'A queue that drops from the front when full'],
  ['RoundRobinSched', '1-/1', 'l/l', '', 'Pulls from its inputs in round-robin order'],
  ['PrioSched', '1-/1', 'l/l', '', 'Pulls from its inputs in priority order'],
  ['BandwidthShaper', '1/1', 'l/l', 'rate', 'Shapes traffic to a maximum bandwidth'],
  ['RatedUnqueue', '1/1', 'l/h', 'rate count', 'Pulls packets at a given rate and pushes them'],
  ['Unqueue', '1/1', 'l/h', 'count active burst', 'Pulls packets as fast as possible and pushes them'],
  // splitting and counting
  ['Counter', '1/1', 'a/a', COUNTER, 'Counts packets and bytes'],
  ['AverageCounter', '1/1', 'a/a', COUNTER, 'Measures the packet and byte rate'],
  ['Tee', '1/1-', 'h/h', '', 'Duplicates packets to every output'],
  ['PaintTee', '1/2', 'h/h', '', 'Duplicates packets with a given paint annotation'],
  ['RoundRobinSwitch', '1/1-', 'h/h', '', 'Sends packets to its outputs in turn'],
  ['HashSwitch', '1/1-', 'h/h', '', 'Chooses an output by hashing packet bytes'],
  ['Switch', '1/1-', 'h/h', 'switch', 'Sends packets to one output, changeable at run time'],
  ['Paint', '1/1', 'a/a', 'color', 'Sets the paint annotation'],
  ['PaintSwitch', '1/1-', 'h/h', '', 'Chooses an output by the paint annotation'],
  ['Print', '1/1', 'a/a', 'active', 'Prints packet contents'],
  ['Null', '1/1', 'a/a', '', 'Passes packets unchanged'],
  // control
  ['ControlSocket', '0/0', 'a/a', '', 'Opens a control socket (TCP or UNIX) for handler access'],
  ['Socket', '0-1/0-1', 'a/h', 'scheduled tickets', 'Sends and receives packets over a TCP, UDP or UNIX socket'],
  ['Script', '0/0', 'a/a', 'run step goto', 'Runs a script of handler calls'],
  ['DriverManager', '0/0', 'a/a', '', 'Manages driver stopping by a script'],
];

function outputsForPatterns(args: string[]): number {
  return Math.max(1, args.length);
}

/** IPFilter: `allow`/`0` -> output 0, `N` -> output N, `deny`/`drop` -> none. */
function outputsForIpFilter(args: string[]): number {
  let max = 0;
  for (const a of args) {
    const m = /^(\d+)\s/.exec(a.trim());
    if (m !== null) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

const FROM_CONFIG: Record<string, (args: string[]) => number> = {
  Classifier: outputsForPatterns,
  IPClassifier: outputsForPatterns,
  IPFilter: outputsForIpFilter,
};

/** Every element class we know, by name. */
export const ELEMENT_CATALOG: ReadonlyMap<string, ElementInfo> = new Map(
  ROWS.map(([className, ports, processing, handlers, description]) => {
    const [i, o] = ports.split('/') as [string, string];
    const info: ElementInfo = {
      className,
      inputs: range(i),
      outputs: range(o),
      processing,
      handlers: [...COMMON_HANDLERS, ...handlers.split(' ').filter(Boolean)],
      description,
    };
    const fc = FROM_CONFIG[className];
    if (fc !== undefined) info.outputsFromConfig = fc;
    return [className, info];
  }),
);

/** Requirements the catalog knows (`require(dpdk)`, `require(package "clickosv")` ...). */
export const KNOWN_REQUIREMENTS: ReadonlySet<string> = new Set([
  'dpdk',
  'userlevel',
  'ip',
  'ethernet',
  'clickosv',
  'int64',
]);

export function lookupElement(className: string): ElementInfo | undefined {
  return ELEMENT_CATALOG.get(className);
}

/** The processing code of one port: 'h' push, 'l' pull, 'a' agnostic. */
export function portProcessing(info: ElementInfo, side: 'in' | 'out', port: number): 'h' | 'l' | 'a' {
  const slash = info.processing.indexOf('/');
  const start = side === 'in' ? 0 : slash + 1;
  const end = side === 'in' ? slash : info.processing.length;
  const c = info.processing[Math.min(start + port, end - 1)] ?? 'a';
  return c === 'h' || c === 'l' ? c : 'a';
}
