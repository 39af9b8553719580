import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import Redis from 'ioredis';
import { useRedis } from '../support/redis';
import { basicAdmin, buildTestApi, type TestApi } from '../support/api';
import { RedisVnfPackageRepository } from '../../src/store';
import { vnfPackageRoutes } from '../../src/api/routes/vnfpkgm/vnf-packages';
import {
  buildPackage,
  loadTypeLibrary,
  readCsar,
  validatePackage,
  writeManifest,
  ZIP_LIMITS,
  type PackageFiles,
} from '../../src/tosca';
import type { VnfPkgInfo } from '../../src/domain/vnf-package';

/**
 * Hostile CSARs: each is refused (or, for a large but honest image, taken) without hurting the
 * VNFM, checked on readCsar/validatePackage and through the package API on a real Redis.
 */
jest.setTimeout(120_000);

const MiB = 1024 * 1024;
const redis = useRedis();
const lib = loadTypeLibrary();
const auth = { authorization: basicAdmin };
const VNFD = 'Definitions/forwarder_vnfd.yaml';
const MANIFEST = 'forwarder.mf';
let t: TestApi;
let repo: RedisVnfPackageRepository;
let client: Redis;
let forwarder: PackageFiles;

// ---- a zip writer that writes what it is told, headers included (yazl refuses to lie) ----

interface RawEntry {
  name: string;
  /** the file's bytes (deflated here), or already deflated bytes with their real size and CRC */
  data?: Buffer;
  deflated?: { bytes: Buffer; size: number; crc: number };
  /** the uncompressed size the headers claim (default: the real one) */
  declaredSize?: number;
  /** Unix mode in the external attributes (0o120777: a symlink) */
  mode?: number;
}

function rawZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const d = e.deflated ?? {
      bytes: deflateRawSync(e.data ?? Buffer.alloc(0)),
      size: (e.data ?? Buffer.alloc(0)).length,
      crc: crc32(e.data ?? Buffer.alloc(0)),
    };
    const size = e.declaredSize ?? d.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00
    local.writeUInt32LE(d.crc >>> 0, 14);
    local.writeUInt32LE(d.bytes.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode counts
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x0800, 8);
    cd.writeUInt16LE(8, 10);
    cd.writeUInt32LE(0x00210000, 12);
    cd.writeUInt32LE(d.crc >>> 0, 16);
    cd.writeUInt32LE(d.bytes.length, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    cd.writeUInt32LE(offset, 42);
    locals.push(local, name, d.bytes);
    central.push(cd, name);
    offset += 30 + name.length + d.bytes.length;
  }
  const cdBytes = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cdBytes, eocd]);
}

/**
 * `mib` MiB that deflate about 150:1 (a pseudo-random byte every 512), deflated one MiB at a time
 * so the test itself never holds the inflated bytes. The ratio is under ZIP_LIMITS.maxRatio.
 */
const bigCache = new Map<number, { bytes: Buffer; size: number; crc: number; sha256: string }>();
function bigContent(mib: number): { bytes: Buffer; size: number; crc: number; sha256: string } {
  const cached = bigCache.get(mib);
  if (cached !== undefined) return cached;
  const chunk = Buffer.alloc(MiB);
  let x = 7;
  for (let i = 0; i < chunk.length; i += 512) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    chunk[i] = x & 255;
  }
  // one deflate stream of many non-final blocks: each MiB compressed alone, ended by an empty final block
  const parts: Buffer[] = [];
  const hash = createHash('sha256');
  let crc = 0;
  const oneMiB = deflateRawSync(chunk, { level: 1, finishFlush: 2 /* Z_SYNC_FLUSH: no final block */ });
  for (let i = 0; i < mib; i++) {
    parts.push(oneMiB);
    hash.update(chunk);
    crc = crc32(chunk, crc);
  }
  parts.push(Buffer.from([0x03, 0x00])); // an empty final fixed-Huffman block
  const made = { bytes: Buffer.concat(parts), size: mib * MiB, crc, sha256: hash.digest('hex') };
  bigCache.set(mib, made);
  return made;
}

/** The forwarder's files, changed by `mutate`, as raw entries with a manifest listing them (and `extra`). */
function forwarderEntries(mutate: (files: PackageFiles) => void = () => undefined, extraManifest = ''): RawEntry[] {
  const files = new Map(forwarder);
  mutate(files);
  const listed = new Map([...files].filter(([p]) => p !== 'TOSCA-Metadata/TOSCA.meta' && p !== MANIFEST));
  files.set(MANIFEST, Buffer.from(writeManifest(listed, { vnf_provider_id: 'x' }) + extraManifest));
  return [...files].map(([name, data]) => ({ name, data }));
}
const editVnfd = (f: (s: string) => string) => (files: PackageFiles) =>
  void files.set(VNFD, Buffer.from(f((files.get(VNFD) as Buffer).toString())));

const rssMiB = (): number => process.memoryUsage().rss / MiB;

// ---- the API on a private Redis, as test/api/vnf-packages.test.ts builds it ----

beforeAll(async () => {
  client = new Redis(redis.url);
  repo = new RedisVnfPackageRepository(client, '{hostile}');
  t = await buildTestApi(redis.url, {
    packages: repo,
    routes: [vnfPackageRoutes({ packages: repo, library: lib, packageLimitBytes: 16 * MiB })],
  });
  forwarder = (await buildPackage(join(__dirname, '../../vnfd/forwarder'), lib)).files as PackageFiles;
});
afterAll(async () => {
  await t.close();
  client.disconnect();
});

async function createPkg(): Promise<VnfPkgInfo> {
  const res = await t.app.inject({ method: 'POST', url: '/vnfpkgm/v1/vnf_packages', headers: auth, payload: {} });
  expect(res.statusCode).toBe(201);
  return res.json() as VnfPkgInfo;
}
async function upload(id: string, bytes: Buffer) {
  return t.app.inject({
    method: 'PUT',
    url: `/vnfpkgm/v1/vnf_packages/${id}/package_content`,
    headers: { ...auth, 'content-type': 'application/zip' },
    payload: bytes,
  });
}
async function get(id: string): Promise<VnfPkgInfo> {
  return (
    await t.app.inject({ method: 'GET', url: `/vnfpkgm/v1/vnf_packages/${id}`, headers: auth })
  ).json() as VnfPkgInfo;
}
/** Uploads a hostile CSAR: taken (202), then ERROR with the cause in the details and no content kept. */
async function refusedByApi(csar: Buffer, cause: RegExp): Promise<VnfPkgInfo> {
  const pkg = await createPkg();
  expect((await upload(pkg.id, csar)).statusCode).toBe(202);
  const info = await get(pkg.id);
  expect(info.onboardingState).toBe('ERROR');
  expect(info.onboardingFailureDetails?.detail).toMatch(cause);
  expect(await repo.getContent(pkg.id)).toBeUndefined();
  return info;
}

describe('the writer of hostile zips writes zips that are read', () => {
  it('the forwarder, written by rawZip, validates and onboards', async () => {
    const csar = rawZip(forwarderEntries());
    const r = await validatePackage(csar, lib);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.model?.productName).toBe('forwarder');
  });
});

describe('hostile CSARs: readCsar / validatePackage', () => {
  it('two entries of one name are refused, naming the entry', async () => {
    const entries = forwarderEntries();
    const csar = rawZip([
      ...entries,
      { name: VNFD, data: Buffer.from('tosca_definitions_version: tosca_simple_yaml_1_3\n') },
    ]);
    const r = await readCsar(csar, 'dup.csar');
    expect(r.files).toBeUndefined();
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        file: 'dup.csar',
        severity: 'error',
        message: expect.stringMatching(
          new RegExp(
            `^entry '${VNFD}' appears twice in the archive \\(entries \\d+ and ${entries.length + 1}\\); refused$`,
          ),
        ),
      }),
    ]);
    expect((await validatePackage(csar, lib)).model).toBeUndefined();
  });

  it.each([
    ["'..'", '../x', /entry '\.\.\/x' contains '\.\.'; refused/],
    ['an absolute path', '/etc/cron.d/x', /entry '\/etc\/cron\.d\/x' is an absolute path; refused/],
    ['a backslash', 'Files\\..\\..\\x', /^entry 'Files\\\.\.\\\.\.\\x' contains a backslash; refused$/],
    [
      "a '.' segment",
      './Definitions/forwarder_vnfd.yaml',
      /entry '\.\/Definitions\/forwarder_vnfd\.yaml' has an empty or '\.' path segment; refused/,
    ],
  ])('zip slip with %s is refused', async (_what, name, cause) => {
    const r = await readCsar(rawZip([...forwarderEntries(), { name, data: Buffer.from('x') }]));
    expect(r.files).toBeUndefined();
    expect(r.diagnostics[0]?.message).toMatch(cause);
  });

  it('a symbolic link entry is refused', async () => {
    const r = await readCsar(
      rawZip([...forwarderEntries(), { name: 'Files/link', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]),
    );
    expect(r.diagnostics[0]?.message).toBe("entry 'Files/link' is a symbolic link; refused");
  });

  it('more than maxEntries entries are refused', async () => {
    const many = Array.from({ length: ZIP_LIMITS.maxEntries + 1 }, (_, i) => ({
      name: `Files/n/${i}.txt`,
      data: Buffer.from(String(i)),
    }));
    const r = await readCsar(rawZip(many));
    expect(r.diagnostics[0]?.message).toBe(`the archive has more than ${ZIP_LIMITS.maxEntries} entries`);
  });

  it('a high-ratio entry (zip bomb) is refused from its header, before inflating', async () => {
    const r = await readCsar(
      rawZip([...forwarderEntries(), { name: 'Files/images/zeros.qcow2', data: Buffer.alloc(20 * MiB) }]),
    );
    expect(r.diagnostics[0]?.message).toMatch(
      /^entry 'Files\/images\/zeros\.qcow2' compresses \d+:1, over the limit of 200:1 \(zip bomb\?\)$/,
    );
  });

  it('a file read for parsing over its limit is refused from its header', async () => {
    const r = await readCsar(
      rawZip([
        ...forwarderEntries(),
        { name: 'Definitions/huge.yaml', data: Buffer.alloc(ZIP_LIMITS.maxTextEntryBytes + 1, 'a') },
      ]),
    );
    expect(r.diagnostics[0]?.message).toBe(
      `entry 'Definitions/huge.yaml' is ${ZIP_LIMITS.maxTextEntryBytes + 1} bytes,` +
        ` over the limit of ${ZIP_LIMITS.maxTextEntryBytes} for a file read for parsing`,
    );
  });

  it('a file read for parsing that lies about its size or is not deflate: refused, never inflated past', async () => {
    const text = Buffer.from('# a comment line of a TOSCA file\n'.repeat(4000));
    const deflated = { bytes: deflateRawSync(text), size: text.length, crc: crc32(text) };
    const refused = async (e: RawEntry): Promise<string | undefined> =>
      (await readCsar(rawZip([...forwarderEntries(), e]))).diagnostics[0]?.message;
    // declares less than it holds: stopped one byte past the declared size
    expect(await refused({ name: 'Definitions/liar.yaml', deflated, declaredSize: 1000 })).toBe(
      "entry 'Definitions/liar.yaml' inflates past the 1000 bytes its header declares; refused (zip bomb?)",
    );
    // declares more than it holds
    expect(await refused({ name: 'Definitions/short.yaml', deflated, declaredSize: text.length + 10 })).toBe(
      `entry 'Definitions/short.yaml' is corrupt: ${text.length} bytes, its header declares ${text.length + 10}`,
    );
    // bytes that are not a deflate stream
    const garbage = { bytes: Buffer.alloc(64, 0xff), size: 100, crc: 0 };
    expect(await refused({ name: 'Definitions/garbage.yaml', deflated: garbage })).toMatch(
      /^entry 'Definitions\/garbage\.yaml' is corrupt: /,
    );
  });

  it('an entry whose header lies about its size is stopped while it inflates, and memory stays bounded', async () => {
    // 600 MiB that the headers declare as just under the entry limit, at a ratio under the limit
    const big = bigContent(600);
    const declared = ZIP_LIMITS.maxEntryBytes - 1;
    expect(declared / big.bytes.length).toBeLessThan(ZIP_LIMITS.maxRatio);
    const csar = rawZip([
      ...forwarderEntries(),
      { name: 'Files/images/liar.qcow2', deflated: big, declaredSize: declared },
    ]);
    const before = rssMiB();
    const r = await readCsar(csar);
    const grown = rssMiB() - before;
    expect(r.diagnostics[0]?.message).toBe(
      `entry 'Files/images/liar.qcow2' inflates past the ${declared} bytes its header declares; refused (zip bomb?)`,
    );
    expect(grown).toBeLessThan(150);
  });

  it(
    'an honest large image is hashed as it streams, not held;' +
      ' the manifest is checked; get() still gives the bytes',
    async () => {
      const big = bigContent(200);
      const path = 'Files/images/big.qcow2';
      const csar = rawZip([
        ...forwarderEntries(undefined, `Source: ${path}\nAlgorithm: SHA-256\nHash: ${big.sha256}\n`),
        { name: path, deflated: big },
      ]);
      const before = rssMiB();
      const r = await validatePackage(csar, lib);
      const grown = rssMiB() - before;
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(grown).toBeLessThan(150);
      const bytes = r.files?.get(path);
      expect(bytes?.length).toBe(big.size);
      expect(
        createHash('sha256')
          .update(bytes as Buffer)
          .digest('hex'),
      ).toBe(big.sha256);
    },
  );

  it('a large image whose manifest hash is wrong is refused at the manifest line', async () => {
    const big = bigContent(8);
    const path = 'Files/images/big.qcow2';
    const wrong = 'ab'.repeat(32);
    const r = await validatePackage(
      rawZip([
        ...forwarderEntries(undefined, `Source: ${path}\nAlgorithm: SHA-256\nHash: ${wrong}\n`),
        { name: path, deflated: big },
      ]),
      lib,
    );
    expect(r.model).toBeUndefined();
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({
        file: MANIFEST,
        column: 7,
        message: `the SHA-256 hash of ${path} does not match: the manifest says ${wrong}, the file has ${big.sha256}`,
      }),
    );
  });

  it('a YAML alias bomb in the VNFD is refused quickly at the alias that passes the limit', async () => {
    const lol = ['lol0: &lol0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 12; i++)
      lol.push(
        `lol${i}: &lol${i} [${Array(10)
          .fill(`*lol${i - 1}`)
          .join(',')}]`,
      );
    const csar = rawZip(forwarderEntries(editVnfd((s) => s.replace('metadata:', `${lol.join('\n')}\nmetadata:`))));
    const started = Date.now();
    const r = await validatePackage(csar, lib);
    expect(Date.now() - started).toBeLessThan(3000);
    const bomb = r.diagnostics.find((d) => /YAML alias bomb/.test(d.message));
    expect(bomb).toMatchObject({ file: VNFD, message: expect.stringMatching(/expands to more than 200000 nodes/) });
    const text = (forwarder.get(VNFD) as Buffer).toString();
    const lines = text.replace('metadata:', `${lol.join('\n')}\nmetadata:`).split('\n');
    // the position is an alias: `*lol<n>` starts there
    expect(lines[(bomb?.line ?? 0) - 1]?.slice((bomb?.column ?? 0) - 1)).toMatch(/^\*lol\d+/);
  });

  it.each([
    [
      'a relative path out of the package',
      '../../etc/passwd',
      /import \.\.\/\.\.\/etc\/passwd cannot be resolved: no such file in the package/,
    ],
    ['an absolute path', '/etc/passwd', /import \/etc\/passwd cannot be resolved: no such file in the package/],
    [
      'an unknown URL',
      'http://attacker.example/types.yaml',
      new RegExp(
        /import http:\/\/attacker\.example\/types\.yaml cannot be resolved: /.source +
          /only ETSI's SOL001 v2\.6\.1 URLs are known offline/.source,
      ),
    ],
  ])('a VNFD import of %s is refused at the import', async (_what, target, cause) => {
    const csar = rawZip(forwarderEntries(editVnfd((s) => s.replace(/imports:\n/, `imports:\n  - ${target}\n`))));
    const r = await validatePackage(csar, lib);
    expect(r.model).toBeUndefined();
    const d = r.diagnostics.find((x) => cause.test(x.message));
    expect(d).toBeDefined();
    const lines = (r.files?.get(VNFD) as Buffer).toString().split('\n');
    expect(d).toMatchObject({ file: VNFD });
    expect(lines[(d?.line ?? 0) - 1]).toContain(target);
  });
});

describe('hostile CSARs through PUT /vnfpkgm/v1/vnf_packages/{id}/package_content', () => {
  it('an empty body is 400 on field body, and the package stays CREATED', async () => {
    const pkg = await createPkg();
    const res = await upload(pkg.id, Buffer.alloc(0));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, field: 'body', detail: expect.stringContaining('no CSAR') });
    expect((await get(pkg.id)).onboardingState).toBe('CREATED');
  });

  it('duplicate entries: ERROR naming the entry', async () => {
    await refusedByApi(
      rawZip([...forwarderEntries(), { name: VNFD, data: Buffer.from('tosca_definitions_version: x\n') }]),
      new RegExp(`entry '${VNFD}' appears twice`),
    );
  });

  it.each([
    ['../x', /entry '\.\.\/x' contains '\.\.'/],
    ['/etc/x', /entry '\/etc\/x' is an absolute path/],
    ['a\\b', /entry 'a\\b' contains a backslash; refused/],
  ])('zip slip %s: ERROR naming the entry', async (name, cause) => {
    await refusedByApi(rawZip([...forwarderEntries(), { name, data: Buffer.from('x') }]), cause);
  });

  it('a symlink: ERROR', async () => {
    await refusedByApi(
      rawZip([...forwarderEntries(), { name: 'Files/link', data: Buffer.from('/etc/shadow'), mode: 0o120777 }]),
      /entry 'Files\/link' is a symbolic link/,
    );
  });

  it('too many entries: ERROR', async () => {
    const many = Array.from({ length: ZIP_LIMITS.maxEntries + 1 }, (_, i) => ({
      name: `Files/n/${i}.txt`,
      data: Buffer.from('x'),
    }));
    await refusedByApi(rawZip(many), /more than \d+ entries/);
  });

  it('a high-ratio entry: ERROR', async () => {
    await refusedByApi(
      rawZip([...forwarderEntries(), { name: 'Files/images/zeros.qcow2', data: Buffer.alloc(20 * MiB) }]),
      /compresses \d+:1, over the limit/,
    );
  });

  it('a 600 MiB entry behind a lying header: ERROR, and the API process memory stays bounded', async () => {
    const big = bigContent(600);
    const csar = rawZip([
      ...forwarderEntries(),
      { name: 'Files/images/liar.qcow2', deflated: big, declaredSize: ZIP_LIMITS.maxEntryBytes - 1 },
    ]);
    const before = rssMiB();
    await refusedByApi(csar, /entry 'Files\/images\/liar\.qcow2' inflates past the \d+ bytes its header declares/);
    expect(rssMiB() - before).toBeLessThan(150);
  });

  it('a YAML alias bomb: ERROR at the alias', async () => {
    const lol = ['lol0: &lol0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 12; i++)
      lol.push(
        `lol${i}: &lol${i} [${Array(10)
          .fill(`*lol${i - 1}`)
          .join(',')}]`,
      );
    const info = await refusedByApi(
      rawZip(forwarderEntries(editVnfd((s) => s.replace('metadata:', `${lol.join('\n')}\nmetadata:`)))),
      /YAML alias bomb/,
    );
    const errs =
      (
        info.onboardingFailureDetails as {
          errors?: Array<{ file?: string; line?: number; column?: number; reason: string }>;
        }
      ).errors ?? [];
    expect(errs.find((e) => /alias bomb/.test(e.reason))).toMatchObject({
      file: VNFD,
      line: expect.any(Number),
      column: expect.any(Number),
    });
  });

  it.each(['../../etc/passwd', '/etc/passwd', 'http://attacker.example/types.yaml'])(
    'a VNFD import of %s: ERROR at the import',
    async (target) => {
      const info = await refusedByApi(
        rawZip(forwarderEntries(editVnfd((s) => s.replace(/imports:\n/, `imports:\n  - ${target}\n`)))),
        new RegExp(`import ${target.replace(/[./]/g, '\\$&')} cannot be resolved`),
      );
      const errs =
        (info.onboardingFailureDetails as { errors?: Array<{ file?: string; line?: number; reason: string }> })
          .errors ?? [];
      expect(errs.find((e) => e.reason.includes(target))).toMatchObject({ file: VNFD, line: expect.any(Number) });
    },
  );

  it('an honest package with a 200 MiB image is ONBOARDED, and the image is served from the stored CSAR', async () => {
    const big = bigContent(200);
    const path = 'Files/images/big.qcow2';
    const csar = rawZip([
      ...forwarderEntries(undefined, `Source: ${path}\nAlgorithm: SHA-256\nHash: ${big.sha256}\n`),
      { name: path, deflated: big },
    ]);
    const pkg = await createPkg();
    const before = rssMiB();
    expect((await upload(pkg.id, csar)).statusCode).toBe(202);
    expect(rssMiB() - before).toBeLessThan(150);
    expect((await get(pkg.id)).onboardingState).toBe('ONBOARDED');
    const stored = await repo.getContent(pkg.id);
    const image = (await readCsar(stored as Buffer)).files?.get(path);
    expect(
      createHash('sha256')
        .update(image as Buffer)
        .digest('hex'),
    ).toBe(big.sha256);
  });
});
