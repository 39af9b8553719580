import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { DisallowedDestinationError, parseOutboundUrl } from '../errors';

export { DisallowedDestinationError, parseOutboundUrl };

/** One resolved address of a host name (the shape of `dns.lookup(..., { all: true })`). */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/**
 * Where the VNFM may send requests on a consumer's behalf (notification callbacks, the consumer's
 * OAuth2 token endpoint). The defaults refuse link-local, cloud metadata, unspecified, multicast and
 * broadcast destinations, and allow loopback and private ranges (most NFVOs live there).
 */
export interface OutboundPolicy {
  /** Allow link-local destinations (169.254.0.0/16, fe80::/10), the cloud metadata addresses excepted. */
  allowLinkLocal?: boolean;
  /** Also refuse loopback and private ranges (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, ...). */
  denyPrivate?: boolean;
  /** Addresses in these ranges ('a.b.c.d/n', 'x::/n' or a bare address) are allowed whatever the rules above say. */
  allowedCidrs?: readonly string[];
  /** Resolves a host name to all its addresses; default node:dns/promises lookup. Injected by tests. */
  lookup?: (hostname: string) => Promise<readonly ResolvedAddress[]>;
}

/** Link-local and metadata refused, loopback and private allowed. */
export const DEFAULT_OUTBOUND_POLICY: Readonly<OutboundPolicy> = Object.freeze({});

type Family = 'ipv4' | 'ipv6';
type Range = readonly [string, number, Family];

function blockList(ranges: readonly Range[]): BlockList {
  const b = new BlockList();
  for (const [net, prefix, family] of ranges) b.addSubnet(net, prefix, family);
  return b;
}

/** The rules, in the order they are checked. `lifted` says which policy setting allows the range. */
const RULES: ReadonlyArray<{ rule: string; list: BlockList; lifted: (p: OutboundPolicy) => boolean }> = [
  {
    rule: 'unspecified address',
    list: blockList([
      ['0.0.0.0', 8, 'ipv4'],
      ['::', 128, 'ipv6'],
    ]),
    lifted: () => false,
  },
  { rule: 'broadcast address', list: blockList([['255.255.255.255', 32, 'ipv4']]), lifted: () => false },
  {
    rule: 'multicast address',
    list: blockList([
      ['224.0.0.0', 4, 'ipv4'],
      ['ff00::', 8, 'ipv6'],
    ]),
    lifted: () => false,
  },
  {
    // AWS/GCP/Azure/OpenStack (169.254.169.254), AWS IPv6 (fd00:ec2::254), Alibaba (100.100.100.200)
    rule: 'cloud metadata address',
    list: blockList([
      ['169.254.169.254', 32, 'ipv4'],
      ['fd00:ec2::254', 128, 'ipv6'],
      ['100.100.100.200', 32, 'ipv4'],
    ]),
    lifted: () => false,
  },
  {
    rule: 'link-local address',
    list: blockList([
      ['169.254.0.0', 16, 'ipv4'],
      ['fe80::', 10, 'ipv6'],
    ]),
    lifted: (p) => p.allowLinkLocal === true,
  },
  {
    rule: 'loopback address',
    list: blockList([
      ['127.0.0.0', 8, 'ipv4'],
      ['::1', 128, 'ipv6'],
    ]),
    lifted: (p) => p.denyPrivate !== true,
  },
  {
    rule: 'private address',
    list: blockList([
      ['10.0.0.0', 8, 'ipv4'],
      ['172.16.0.0', 12, 'ipv4'],
      ['192.168.0.0', 16, 'ipv4'],
      ['100.64.0.0', 10, 'ipv4'],
      ['198.18.0.0', 15, 'ipv4'],
      ['fc00::', 7, 'ipv6'],
    ]),
    lifted: (p) => p.denyPrivate !== true,
  },
];

/** The eight 16-bit groups of a valid IPv6 address (a trailing dotted quad counts as two). */
function ipv6Groups(address: string): number[] {
  const a = address.toLowerCase();
  const toGroups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((g) => {
          if (!g.includes('.')) return [parseInt(g, 16)];
          const [b0, b1, b2, b3] = g.split('.').map(Number) as [number, number, number, number];
          return [(b0 << 8) | b1, (b2 << 8) | b3];
        });
  if (!a.includes('::')) return toGroups(a);
  const [head, tail] = a.split('::') as [string, string];
  const h = toGroups(head);
  const t = toGroups(tail);
  return [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/** The IPv4 address an IPv6 address carries (IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96), if any. */
function embeddedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  const zero = (from: number, to: number): boolean => g.slice(from, to).every((x) => x === 0);
  const mapped = zero(0, 5) && g[5] === 0xffff;
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6);
  if (!mapped && !nat64) return undefined;
  const hi = g[6] ?? 0;
  const lo = g[7] ?? 0;
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

function inCidrs(address: string, family: Family, cidrs: readonly string[]): boolean {
  const list = new BlockList();
  for (const c of cidrs) {
    const [net, bits] = c.split('/') as [string, string | undefined];
    const fam = isIP(net);
    if (fam === 0) continue;
    const f: Family = fam === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(net, f);
    else list.addSubnet(net, Number(bits), f);
  }
  return list.check(address, family);
}

/** The rule refusing `address` under `policy`, or undefined when it is allowed. */
export function refusedBy(address: string, policy: OutboundPolicy): string | undefined {
  const plain = address.replace(/%.*$/, ''); // an IPv6 zone id
  const fam = isIP(plain);
  if (fam === 0) return 'not an IP address';
  const candidates: Array<[string, Family]> = [[plain, fam === 4 ? 'ipv4' : 'ipv6']];
  if (fam === 6) {
    const v4 = embeddedIpv4(plain);
    if (v4 !== undefined) candidates.push([v4, 'ipv4']);
  }
  if (
    policy.allowedCidrs !== undefined &&
    policy.allowedCidrs.length > 0 &&
    candidates.some(([a, f]) => inCidrs(a, f, policy.allowedCidrs ?? []))
  )
    return undefined;
  for (const r of RULES) {
    if (r.lifted(policy)) continue;
    if (candidates.some(([a, f]) => r.list.check(a, f))) return r.rule;
  }
  return undefined;
}

/** The URL's host without IPv6 brackets. */
export function hostOf(u: URL): string {
  return u.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * All the addresses of `host` (itself when it is an IP literal), each checked against the policy.
 * A refused address throws DisallowedDestinationError; a name that does not resolve throws the
 * resolver's error (the destination is not reachable, which is not a policy matter).
 */
export async function resolveAllowed(host: string, policy: OutboundPolicy, field = 'url'): Promise<ResolvedAddress[]> {
  const literal = isIP(host);
  let addresses: readonly ResolvedAddress[];
  if (literal !== 0) addresses = [{ address: host, family: literal }];
  else if (policy.lookup !== undefined) addresses = await policy.lookup(host);
  else addresses = await dnsLookup(host, { all: true, verbatim: true });
  if (addresses.length === 0) throw Object.assign(new Error('the host name has no address'), { code: 'ENOTFOUND' });
  for (const a of addresses) {
    const rule = refusedBy(a.address, policy);
    if (rule !== undefined) throw new DisallowedDestinationError(rule, field);
  }
  return [...addresses];
}

/**
 * Refuses a URL the policy does not allow: not http/https, userinfo, or a host with ANY address in
 * a refused range. Throws DisallowedDestinationError naming the rule; resolver errors pass through.
 */
export async function checkOutboundUrl(url: string, policy: OutboundPolicy, field = 'url'): Promise<void> {
  await resolveAllowed(hostOf(parseOutboundUrl(url, field)), policy, field);
}

/**
 * A `lookup` for `http.request` that resolves with the policy's resolver and checks every address
 * before the socket connects to one of them: the address checked is the address used (no DNS
 * rebinding between a check and the connection). Node calls it for host names, not IP literals.
 */
export function pinnedLookup(policy: OutboundPolicy, field = 'url'): LookupFunction {
  return (hostname, options, callback) => {
    resolveAllowed(hostname, policy, field).then(
      (all) => {
        const want =
          options.family === 4 || options.family === 'IPv4'
            ? 4
            : options.family === 6 || options.family === 'IPv6'
              ? 6
              : 0;
        const usable = want === 0 ? all : all.filter((a) => a.family === want);
        const first = usable[0];
        if (first === undefined)
          return callback(Object.assign(new Error(`${hostname} has no IPv${want} address`), { code: 'ENOTFOUND' }), '');
        if (options.all === true) return callback(null, usable);
        return callback(null, first.address, first.family);
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), ''),
    );
  };
}
