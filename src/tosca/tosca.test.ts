import { join } from 'node:path';
import yazl from 'yazl';
import {
  assemblePackage,
  buildPackage,
  loadTypeLibrary,
  parsePackage,
  readPackageDir,
  validatePackage,
  writeManifest,
  zipFiles,
  ZIP_LIMITS,
  type PackageFiles,
} from '.';

const lib = loadTypeLibrary();
const ROOT = join(__dirname, '../../vnfd');
const SAMPLES = ['forwarder', 'firewall', 'nat', 'load-balancer', 'rate-limiter'];

/** The forwarder's files, completed (type files, TOSCA.meta, manifest) and then changed by `mutate`. */
async function forwarder(mutate: (files: PackageFiles) => void, remanifest = true): Promise<PackageFiles> {
  const files = readPackageDir(join(ROOT, 'forwarder')).files!;
  await assemblePackage(files, lib);
  mutate(files);
  if (remanifest) {
    const listed = new Map([...files].filter(([p]) => p !== 'TOSCA-Metadata/TOSCA.meta' && p !== 'forwarder.mf'));
    files.set('forwarder.mf', Buffer.from(writeManifest(listed, { vnf_provider_id: 'x' })));
  }
  return files;
}
const VNFD = 'Definitions/forwarder_vnfd.yaml';
const edit = (files: PackageFiles, path: string, f: (s: string) => string): void =>
  void files.set(path, Buffer.from(f(files.get(path)!.toString())));
const errorsOf = (files: PackageFiles) => parsePackage(files, lib).diagnostics.filter((d) => d.severity === 'error');

/** A zip whose entry names are written as given (yazl refuses unsafe names, so they are patched in). */
async function rawZip(entries: Array<{ name: string; data: string; mode?: number }>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const placeholders = entries.map((e, i) => `p${i}`.padEnd(e.name.length, 'x'));
  entries.forEach((e, i) =>
    zip.addBuffer(Buffer.from(e.data), placeholders[i]!, e.mode !== undefined ? { mode: e.mode } : {}),
  );
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  const buf = Buffer.concat(chunks);
  entries.forEach((e, i) => {
    let at = buf.indexOf(placeholders[i]!);
    while (at >= 0) {
      buf.write(e.name, at);
      at = buf.indexOf(placeholders[i]!, at + 1);
    }
  });
  return buf;
}

describe('sample packages', () => {
  it.each(SAMPLES)('%s builds, validates as a CSAR, and its model carries what deployment needs', async (name) => {
    const built = await buildPackage(join(ROOT, name), lib);
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const r = await validatePackage(built.csar!, lib);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const m = r.model!;
    expect(m.provider).toBe('Click-on-OSv Project');
    const vdu = m.vdus[0]!;
    expect(vdu.swImage).toMatchObject({
      name: 'click-on-osv',
      diskFormat: 'qcow2',
      containerFormat: 'bare',
      minRamBytes: 192e6,
    });
    expect(vdu).toMatchObject({
      cpuPolicy: 'dedicated',
      memPageSize: 'large',
      numVirtualCpu: 2,
      virtualMemoryBytes: 512e6,
    });
    expect(vdu.clickConfig?.text).toContain(`//VNF_ID: ${m.descriptorId}`);
    expect(m.vduCps.map((c) => [c.order, c.vnicType])).toEqual([
      [0, 'normal'],
      [1, 'direct'],
      [2, 'direct'],
    ]);
    expect(m.scalingAspects[0]!.vduDeltas).toEqual({ click_vdu: { delta_1: 1 } });
    expect(m.instantiationLevels.find((l) => l.id === 'instantiation_level_2')!.vduInstances).toEqual({ click_vdu: 2 });
    expect(m.defaultInstantiationLevel).toBe('instantiation_level_1');
  });

  it('resolves the ETSI import URLs with no network (the package carries no ETSI file)', async () => {
    const files = await forwarder((f) => {
      for (const p of [...f.keys()]) if (p.startsWith('Definitions/etsi_')) f.delete(p);
    });
    expect(errorsOf(files)).toEqual([]);
  });
});

describe('bad packages: each a precise error', () => {
  it.each([
    ['..', '../evil.txt'],
    ['an absolute path', '/etc/evil.txt'],
  ])('zip entries with %s are refused', async (_n, name) => {
    const r = await validatePackage(await rawZip([{ name, data: 'x' }]), lib);
    expect(r.model).toBeUndefined();
    expect(r.diagnostics[0]!.message).toMatch(
      new RegExp(`entry '${name.replace(/[./]/g, '\\$&')}' (contains '\\.\\.'|is an absolute path); refused`),
    );
  });

  it('symlinks in a zip are refused', async () => {
    const r = await validatePackage(await rawZip([{ name: 'link', data: '/etc/passwd', mode: 0o120777 }]), lib);
    expect(r.diagnostics[0]!.message).toBe("entry 'link' is a symbolic link; refused");
  });

  it('zip bombs are refused: ratio, total size, entry count', async () => {
    const bomb = await zipFiles(new Map([['zeros.bin', Buffer.alloc(20 * 1024 * 1024)]]));
    expect((await validatePackage(bomb, lib)).diagnostics[0]!.message).toMatch(
      /compresses \d+:1, over the limit of 200:1 \(zip bomb\?\)/,
    );
    const csar = (await buildPackage(join(ROOT, 'forwarder'), lib)).csar!;
    const saved = { ...ZIP_LIMITS };
    try {
      ZIP_LIMITS.maxTotalBytes = 10_000;
      expect((await validatePackage(csar, lib)).diagnostics[0]!.message).toMatch(/expands to more than 10000 bytes/);
      ZIP_LIMITS.maxTotalBytes = saved.maxTotalBytes;
      ZIP_LIMITS.maxEntries = 3;
      expect((await validatePackage(csar, lib)).diagnostics[0]!.message).toBe('the archive has more than 3 entries');
    } finally {
      Object.assign(ZIP_LIMITS, saved);
    }
  });

  it('a YAML alias bomb is refused', async () => {
    const lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const name = String.fromCharCode(97 + i);
      const ref = `*${String.fromCharCode(96 + i)}`;
      lol.push(`${name}: &${name} [${ref},${ref},${ref},${ref},${ref},${ref},${ref},${ref},${ref}]`);
    }
    const files = await forwarder((f) => edit(f, VNFD, (s) => s.replace('metadata:', `${lol.join('\n')}\nmetadata:`)));
    const e = errorsOf(files);
    expect(e[0]).toMatchObject({
      file: VNFD,
      message: expect.stringMatching(/expands to more than 200000 nodes \(YAML alias bomb\?\)/),
    });
  });

  it('missing Entry-Definitions', async () => {
    const files = await forwarder((f) =>
      edit(f, 'TOSCA-Metadata/TOSCA.meta', (s) => s.replace(/Entry-Definitions:.*\n/, '')),
    );
    expect(errorsOf(files)[0]).toMatchObject({
      file: 'TOSCA-Metadata/TOSCA.meta',
      message: 'TOSCA.meta has no Entry-Definitions',
    });
  });

  it('a manifest hash that does not match, at the manifest line', async () => {
    const files = await forwarder(
      (f) => edit(f, 'Files/click/forwarder.click', (s) => s + '\n// changed after the manifest was written\n'),
      false,
    );
    const e = errorsOf(files);
    expect(e).toHaveLength(1);
    expect(e[0]!.file).toBe('forwarder.mf');
    expect(e[0]!.message).toMatch(
      new RegExp(
        /the SHA-256 hash of Files\/click\/forwarder\.click does not match: /.source +
          /the manifest says [0-9a-f]{64}, the file has [0-9a-f]{64}/.source,
      ),
    );
    const mf = files.get('forwarder.mf')!.toString().split('\n');
    expect(mf[e[0]!.line - 1]).toMatch(/^Hash: /);
    expect(mf[e[0]!.line - 3]).toBe('Source: Files/click/forwarder.click');
  });

  it('a file missing from the manifest', async () => {
    const files = await forwarder((f) => f.set('Files/extra.txt', Buffer.from('x')), false);
    expect(errorsOf(files).map((d) => d.message)).toEqual([
      'Files/extra.txt is in the package but not in the manifest',
    ]);
  });

  it('an unknown node type, at its type line', async () => {
    const files = await forwarder((f) =>
      edit(f, VNFD, (s) => s.replace('type: tosca.nodes.nfv.VduCp', 'type: clickosv.nodes.Nope')),
    );
    const e = errorsOf(files).find((d) => /unknown node type/.test(d.message))!;
    const text = files.get(VNFD)!.toString().split('\n');
    expect(text[e.line - 1]).toContain('type: clickosv.nodes.Nope');
    expect(e.column).toBe(text[e.line - 1]!.indexOf('type:') + 1);
    expect(e.message).toBe("unknown node type 'clickosv.nodes.Nope' (not defined in any imported file)");
  });

  it('an import that cannot be resolved, at the import', async () => {
    const files = await forwarder((f) =>
      edit(f, VNFD, (s) =>
        s.replace('  - clickosv_types.yaml', '  - clickosv_types.yaml\n  - https://example.com/more_types.yaml'),
      ),
    );
    const e = errorsOf(files).find((d) => /cannot be resolved/.test(d.message))!;
    expect(e).toMatchObject({ file: VNFD, line: 9, column: 5 });
    expect(e.message).toMatch(/only ETSI's SOL001 v2\.6\.1 URLs are known offline/);
    const missing = await forwarder((f) =>
      edit(f, VNFD, (s) => s.replace('  - clickosv_types.yaml', '  - clickosv_types.yaml\n  - local/missing.yaml')),
    );
    expect(errorsOf(missing).find((d) => /cannot be resolved/.test(d.message))!.message).toBe(
      'import local/missing.yaml cannot be resolved: no such file in the package',
    );
  });

  it('a Click artifact that fails the Click checks, at its own line and column', async () => {
    const files = await forwarder((f) =>
      edit(f, 'Files/click/forwarder.click', (s) => s.replace('c_in0 :: Counter', 'c_in0 :: Countr')),
    );
    const e = errorsOf(files);
    expect(e.every((d) => d.file === 'Files/click/forwarder.click')).toBe(true);
    const line =
      files
        .get('Files/click/forwarder.click')!
        .toString()
        .split('\n')
        .findIndex((l) => l.includes('Countr')) + 1;
    expect(e[0]).toMatchObject({
      file: 'Files/click/forwarder.click',
      line,
      message: "unknown element class 'Countr'",
    });
  });

  it('a VDU without an image', async () => {
    const files = await forwarder((f) =>
      edit(f, VNFD, (s) =>
        s
          .replace(/ {8}sw_image_data:\n( {10}.*\n| {12}.*\n)+/, '')
          .replace(/ {8}sw_image:\n {10}type: tosca.artifacts.nfv.SwImage\n {10}file: .*\n/, ''),
      ),
    );
    // a warning (a container VNF's VDU has none); instantiate refuses it (src/lcm/operations/flavour.test.ts)
    const e = parsePackage(files, lib).diagnostics.find((d) => /no image/.test(d.message))!;
    expect(e).toMatchObject({
      severity: 'warning',
      message:
        "VDU 'click_vdu' has no image: give it sw_image_data or a tosca.artifacts.nfv.SwImage artifact " +
        '(without one this VNFM cannot instantiate it)',
    });
    expect(files.get(VNFD)!.toString().split('\n')[e.line - 1]).toMatch(/^ {4}click_vdu:/);
  });

  it('a missing required property and a wrong valid value, each at its place', async () => {
    const files = await forwarder((f) =>
      edit(f, VNFD, (s) =>
        s.replace('        product_name: forwarder\n', '').replace('vnic_type: normal', 'vnic_type: warp'),
      ),
    );
    const msgs = errorsOf(files).map((d) => d.message);
    expect(msgs).toContain("property 'product_name' of clickosv.nodes.ClickOsvVnf is required");
    // ETSI SOL001 v2.6.1's values, no more (an SR-IOV VF is asked for by a NIC requirement: docs/packages.md)
    expect(msgs).toContain('property \'vnic_type\' must be one of normal, virtio, direct-physical, got "warp"');
  });
});
