import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { packageBuild } from '../../src/cli/commands/package';
import { loadTypeLibrary, validatePackage } from '../../src/tosca';
import {
  imageMetadata,
  makeQcow2,
  NotQcow2Error,
  parseImageMetadata,
  readQcow2Header,
  swImageData,
  uploadImage,
  ImageChecksumError,
  type GlanceImages,
} from '../../src/image';

const dir = mkdtempSync(join(tmpdir(), 'image-test-'));
const REPO = resolve(__dirname, '../..');

describe('image metadata', () => {
  it('reads the qcow2 header and computes sha256, sizes and the Glance properties of each variant', async () => {
    const file = join(dir, 'a.qcow2');
    const bytes = makeQcow2(3 * 1024 ** 3 + 1, 'x');
    writeFileSync(file, bytes);
    expect(await readQcow2Header(file)).toEqual({
      version: 3,
      virtualSize: 3 * 1024 ** 3 + 1,
      clusterBits: 16,
      encrypted: false,
      backingFile: false,
    });
    const m = await imageMetadata(file, { variant: 'modern', version: '2.1' });
    expect(m).toMatchObject({
      name: 'click-on-osv-modern',
      version: '2.1',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      disk_format: 'qcow2',
      container_format: 'bare',
      min_disk: 4,
      min_ram: 256,
    });
    expect(m.properties).toMatchObject({
      hw_vif_model: 'virtio',
      hw_disk_bus: 'virtio',
      os_type: 'linux',
      clickosv_dialect: 'osv-controlsocket',
      clickosv_controlsocket_port: '8001',
    });
    const c = await imageMetadata(file, { variant: 'classic' });
    expect(c.management).toEqual({ dialect: 'click-plugin', api_port: 8000 });
    expect(c.properties['clickosv_controlsocket_port']).toBeUndefined();
    expect(parseImageMetadata(JSON.stringify(m), 'm.json')).toEqual(m);
    expect(swImageData(m)).toMatchObject({
      checksum: { algorithm: 'sha-256', hash: m.sha256 },
      min_disk: '4 GB',
      min_ram: '256 MB',
      size: `${bytes.length} B`,
      disk_format: 'qcow2',
    });
  });

  it('refuses what is not a qcow2 image, saying what it found', async () => {
    const raw = join(dir, 'disk.raw');
    writeFileSync(raw, Buffer.alloc(4096));
    await expect(imageMetadata(raw, { variant: 'classic' })).rejects.toThrow(NotQcow2Error);
    await expect(imageMetadata(raw, { variant: 'classic' })).rejects.toThrow(
      /disk\.raw is not a qcow2 image: it starts with 00000000/,
    );
    const v9 = makeQcow2();
    v9.writeUInt32BE(9, 4);
    writeFileSync(join(dir, 'v9.qcow2'), v9);
    await expect(readQcow2Header(join(dir, 'v9.qcow2'))).rejects.toThrow(/qcow2 version 9 is not supported/);
    expect(() => parseImageMetadata('{"name":"x","sha256":"abc"}', 'meta.json')).toThrow(
      'meta.json: sha256 must be 64 lowercase hex digits',
    );
  });

  it('upload: a file whose sha256 differs from the metadata is refused before anything is sent', async () => {
    const file = join(dir, 'up.qcow2');
    writeFileSync(file, makeQcow2(1 << 30, 'up'));
    const meta = await imageMetadata(file, { variant: 'classic' });
    const calls: string[] = [];
    const glance: GlanceImages = {
      findByTag: async (t) => (calls.push(`find ${t}`), []),
      create: async () => (calls.push('create'), { id: 'g1' }),
      upload: async (_id, data: Readable) => {
        calls.push('upload');
        for await (const _ of data) void _;
      },
      get: async () => ({
        id: 'g1',
        status: 'active',
        checksum: createHash('md5')
          .update(makeQcow2(1 << 30, 'up'))
          .digest('hex'),
      }),
      delete: async () => void calls.push('delete'),
    };
    await expect(uploadImage(file, { ...meta, sha256: 'f'.repeat(64) }, glance)).rejects.toThrow(ImageChecksumError);
    await expect(uploadImage(file, { ...meta, sha256: 'f'.repeat(64) }, glance)).rejects.toThrow(
      `has sha256 ${meta.sha256}, but the metadata says ${'f'.repeat(64)}`,
    );
    expect(calls).toEqual([]);
    expect(await uploadImage(file, meta, glance)).toEqual({ id: 'g1', reused: false });
    expect(calls).toEqual([`find clickvnfm-sha256:${meta.sha256}`, 'create', 'upload']);
  });
});

describe('image-build/build.sh --dry-run', () => {
  it.each(['classic', 'modern'])('%s: prints every numbered step with its command and runs nothing', (variant) => {
    const out = join(dir, `out-${variant}`);
    // PATH without docker, git or qemu-img: a step that ran would fail
    const r = spawnSync('bash', [join(REPO, 'image-build/build.sh'), '--variant', variant, '--out', out, '--dry-run'], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin' },
    });
    expect(r.status).toBe(0);
    const steps = r.stdout.split('\n').filter((l) => /^\[\d+\/\d+\] /.test(l));
    const total = Number(/^\[1\/(\d+)\]/.exec(steps[0] ?? '')?.[1]);
    expect(steps).toHaveLength(total);
    steps.forEach((l, i) => expect(l.startsWith(`[${i + 1}/${total}] `)).toBe(true));
    expect(r.stdout.split('\n').filter((l) => l.startsWith('      $ '))).toHaveLength(total);
    expect(r.stdout).toMatch(variant === 'classic' ? /--enable-dpdk --enable-osv/ : /httpserver-api,click/);
    expect(r.stdout).toMatch(/image metadata|convert_and_describe|metadata /);
    expect(existsSync(out)).toBe(false);
  });

  it('a bad variant is a clear error (exit 2)', () => {
    const r = spawnSync('bash', [join(REPO, 'image-build/build.sh'), '--variant', 'retro', '--dry-run'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--variant must be classic or modern (got 'retro')");
  });
});

describe('clickvnfm package build --image-metadata', () => {
  it(
    "fills the VNFD's sw_image_data from the metadata and bundles the image;" +
      ' the package validates with that checksum',
    async () => {
      const img = join(dir, 'pkg.qcow2');
      writeFileSync(img, makeQcow2(2 * 1024 ** 3, 'pkg'));
      const meta = await imageMetadata(img, { variant: 'classic', version: '3.0' });
      writeFileSync(join(dir, 'pkg.json'), JSON.stringify(meta));
      const out: string[] = [];
      const io = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t) };
      const csar = join(dir, 'fw.csar');
      expect(
        await packageBuild(join(REPO, 'vnfd/firewall'), csar, io, {
          image: { metadata: join(dir, 'pkg.json'), file: img },
        }),
      ).toBe(0);
      expect(out.join('')).toContain(`sw_image_data from ${join(dir, 'pkg.json')} (sha256 ${meta.sha256})`);
      const r = await validatePackage(readFileSync(csar), loadTypeLibrary());
      const vdu = r.model?.vdus[0];
      expect(vdu?.swImage).toMatchObject({
        name: 'click-on-osv-classic',
        version: '3.0',
        checksum: { algorithm: 'sha-256', hash: meta.sha256 },
        sizeBytes: meta.size,
        minDiskBytes: 2 * 1e9,
      });
      expect(r.files?.get(vdu?.imageArtifact as string)?.equals(makeQcow2(2 * 1024 ** 3, 'pkg'))).toBe(true);
    },
  );
});
