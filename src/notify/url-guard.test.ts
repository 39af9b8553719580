import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../errors';
import {
  checkOutboundUrl,
  DisallowedDestinationError,
  pinnedLookup,
  refusedBy,
  type OutboundPolicy,
  type ResolvedAddress,
} from './url-guard';

const DEFAULT: OutboundPolicy = {};

async function refusal(url: string, policy: OutboundPolicy = DEFAULT): Promise<DisallowedDestinationError> {
  try {
    await checkOutboundUrl(url, policy, 'callbackUri');
  } catch (err) {
    if (err instanceof DisallowedDestinationError) return err;
    throw err;
  }
  throw new Error(`${url} was allowed`);
}

/** A resolver for names we control: `table[name]` or ENOTFOUND; counts its calls. */
function fakeDns(table: Record<string, string[]>): {
  lookup: (h: string) => Promise<ResolvedAddress[]>;
  calls: string[];
} {
  const calls: string[] = [];
  return {
    calls,
    lookup: async (h) => {
      calls.push(h);
      const a = table[h];
      if (a === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${h}`), { code: 'ENOTFOUND' });
      return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
  };
}

describe('checkOutboundUrl', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'cloud metadata address'],
    ['http://[::ffff:a9fe:a9fe]/', 'cloud metadata address'],
    ['http://[::ffff:169.254.169.254]/', 'cloud metadata address'],
    ['http://[64:ff9b::a9fe:a9fe]/', 'cloud metadata address'],
    ['http://2852039166/', 'cloud metadata address'],
    ['http://0xA9FEA9FE/', 'cloud metadata address'],
    ['http://0251.0376.0251.0376/', 'cloud metadata address'],
    ['http://169.254.43518/', 'cloud metadata address'],
    ['http://[fd00:ec2::254]/', 'cloud metadata address'],
    ['http://100.100.100.200/', 'cloud metadata address'],
    ['http://169.254.10.1:8080/x', 'link-local address'],
    ['http://[fe80::1]/', 'link-local address'],
    ['http://[::ffff:169.254.1.1]/', 'link-local address'],
    ['http://0.0.0.0:9000/', 'unspecified address'],
    ['http://0/', 'unspecified address'],
    ['http://[::]/', 'unspecified address'],
    ['http://224.0.0.1/', 'multicast address'],
    ['http://[ff02::1]/', 'multicast address'],
    ['http://255.255.255.255/', 'broadcast address'],
  ])('refuses %s (%s) by default, with a typed 422 naming the rule and the field', async (url, rule) => {
    const err = await refusal(url);
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(422);
    expect(err.rule).toBe(rule);
    expect(err.field).toBe('callbackUri');
    expect(err.message).toBe(`the URL is not an allowed destination: ${rule}`);
  });

  it.each([
    ['ftp://example.test/', 'only http and https are allowed'],
    ['file:///etc/passwd', 'only http and https are allowed'],
    ['http://nfvo:s3cret@127.0.0.1/', 'credentials in the URL are not allowed (use authentication)'],
    ['http://nfvo@127.0.0.1/', 'credentials in the URL are not allowed (use authentication)'],
    ['not a url', 'not a valid URL'],
  ])('refuses %s: %s (and the message does not echo the URL)', async (url, rule) => {
    const err = await refusal(url);
    expect(err.rule).toBe(rule);
    expect(err.message).not.toContain('s3cret');
  });

  it('allows loopback and private ranges by default; denyPrivate refuses them', async () => {
    for (const url of [
      'http://127.0.0.1:9/',
      'http://[::1]/',
      'http://10.1.2.3/',
      'http://172.16.0.1/',
      'http://192.168.1.1/',
      'https://[fd12::1]/',
      'http://0x7f.1/',
    ]) {
      await expect(checkOutboundUrl(url, DEFAULT)).resolves.toBeUndefined();
    }
    expect((await refusal('http://127.0.0.1/', { denyPrivate: true })).rule).toBe('loopback address');
    expect((await refusal('http://0x7f.1/', { denyPrivate: true })).rule).toBe('loopback address');
    expect((await refusal('http://[::ffff:7f00:1]/', { denyPrivate: true })).rule).toBe('loopback address');
    expect((await refusal('http://10.1.2.3/', { denyPrivate: true })).rule).toBe('private address');
    expect((await refusal('http://[fd12::1]/', { denyPrivate: true })).rule).toBe('private address');
    await expect(checkOutboundUrl('http://93.184.216.34/', { denyPrivate: true })).resolves.toBeUndefined();
  });

  it('allowLinkLocal lifts link-local but not the metadata addresses; allowedCidrs overrides every rule', async () => {
    await expect(checkOutboundUrl('http://169.254.10.1/', { allowLinkLocal: true })).resolves.toBeUndefined();
    await expect(checkOutboundUrl('http://[fe80::1]/', { allowLinkLocal: true })).resolves.toBeUndefined();
    expect((await refusal('http://169.254.169.254/', { allowLinkLocal: true })).rule).toBe('cloud metadata address');
    await expect(
      checkOutboundUrl('http://169.254.169.254/', { allowedCidrs: ['169.254.169.254/32'] }),
    ).resolves.toBeUndefined();
    await expect(
      checkOutboundUrl('http://10.9.9.9/', { denyPrivate: true, allowedCidrs: ['10.9.0.0/16'] }),
    ).resolves.toBeUndefined();
    expect((await refusal('http://10.8.9.9/', { denyPrivate: true, allowedCidrs: ['10.9.0.0/16'] })).rule).toBe(
      'private address',
    );
  });

  it('resolves host names and refuses when ANY address is refused (a name resolving to link-local)', async () => {
    const dns = fakeDns({
      'metadata.test.internal': ['169.254.169.254'],
      'mixed.test': ['127.0.0.1', 'fe80::1'],
      'nfvo.test': ['127.0.0.1', '::1'],
    });
    expect((await refusal('http://metadata.test.internal/computeMetadata/v1/', { lookup: dns.lookup })).rule).toBe(
      'cloud metadata address',
    );
    expect((await refusal('http://mixed.test/', { lookup: dns.lookup })).rule).toBe('link-local address');
    await expect(checkOutboundUrl('http://nfvo.test/', { lookup: dns.lookup })).resolves.toBeUndefined();
    expect(dns.calls).toEqual(['metadata.test.internal', 'mixed.test', 'nfvo.test']);
    // a name that does not resolve is not a policy matter: the resolver's error passes through
    await expect(checkOutboundUrl('http://nowhere.test/', { lookup: dns.lookup })).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
  });

  it('uses the system resolver by default (localhost is loopback: allowed unless denyPrivate)', async () => {
    await expect(checkOutboundUrl('http://localhost:1/', DEFAULT)).resolves.toBeUndefined();
    expect((await refusal('http://localhost:1/', { denyPrivate: true })).rule).toBe('loopback address');
  });

  it('refusedBy: the rule for one address', () => {
    expect(refusedBy('169.254.169.254', DEFAULT)).toBe('cloud metadata address');
    expect(refusedBy('::ffff:169.254.169.254', DEFAULT)).toBe('cloud metadata address');
    expect(refusedBy('0:0:0:0:0:ffff:a9fe:a9fe', DEFAULT)).toBe('cloud metadata address');
    expect(refusedBy('fe80::1%eth0', DEFAULT)).toBe('link-local address');
    expect(refusedBy('8.8.8.8', DEFAULT)).toBeUndefined();
    expect(refusedBy('2001:db8::1', DEFAULT)).toBeUndefined();
  });
});

describe('pinnedLookup', () => {
  let server: Server;
  let port = 0;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits += 1;
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  const get = (url: string, policy: OutboundPolicy): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(url, { lookup: pinnedLookup(policy, 'callbackUri'), agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });

  it('connects to the address it checked', async () => {
    const dns = fakeDns({ 'nfvo.test': ['127.0.0.1'] });
    await expect(get(`http://nfvo.test:${port}/`, { lookup: dns.lookup })).resolves.toBe(204);
    expect(hits).toBe(1);
  });

  it('a name rebound to a refused address at connection time fails before connecting', async () => {
    // the first answer (at check time) is fine; the second (at connection time) is link-local
    let n = 0;
    const rebinding: OutboundPolicy = {
      lookup: async () => [{ address: n++ === 0 ? '127.0.0.1' : '169.254.169.254', family: 4 }],
    };
    await checkOutboundUrl(`http://rebind.test:${port}/`, rebinding);
    const before = hits;
    await expect(get(`http://rebind.test:${port}/`, rebinding)).rejects.toBeInstanceOf(DisallowedDestinationError);
    expect(hits).toBe(before);
  });
});
