/**
 * `clickvnfm image metadata|upload` against the mini-cloud's Glance, run as a user runs them (the built
 * CLI, OS_* from .minicloud/openrc): the image arrives active with its properties and sha256 tag; a file
 * that is not the one the metadata describes is refused with a clear error and nothing reaches Glance.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeQcow2 } from '../../src/image';
import type { OpenStackClient } from '../../src/openstack';
import { cloudConfigured, connectCloud } from './support';

if (!cloudConfigured())
  throw new Error(
    'the deployment suite needs the mini-cloud:' +
      ' run test/minicloud/up.sh and source .minicloud/openrc (scripts/test.sh does both)',
  );

const CLI = resolve(__dirname, '../../dist/src/cli/index.js');
const dir = mkdtempSync(join(tmpdir(), 'image-upload-'));
const clickvnfm = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: process.env });
let os: OpenStackClient;
beforeAll(async () => {
  os = await connectCloud();
});

it(
  'metadata, then upload with progress:' + ' active in Glance with the metadata properties; a second upload reuses it',
  async () => {
    const file = join(dir, 'click-on-osv-modern.qcow2');
    writeFileSync(file, makeQcow2(1 << 30, `upload-${Date.now()}`));
    const meta = clickvnfm('image', 'metadata', file, '--variant', 'modern', '--out', join(dir, 'meta.json'));
    expect(meta.status).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { sha256: string };
    const up = clickvnfm(
      'image',
      'upload',
      file,
      '--metadata',
      join(dir, 'meta.json'),
      '--name',
      `upload-test-${Date.now()}`,
    );
    expect(up.stderr).toMatch(/uploading .*: 100% /);
    expect(up.status).toBe(0);
    const id = /image ([0-9a-f-]{36}) uploaded and active/.exec(up.stdout)?.[1] as string;
    const img = await os.image.get(id);
    expect(img).toMatchObject({
      status: 'active',
      disk_format: 'qcow2',
      container_format: 'bare',
      min_ram: 256,
      hw_vif_model: 'virtio',
      clickosv_dialect: 'osv-controlsocket',
    });
    expect(img.tags).toContain(`clickvnfm-sha256:${m.sha256}`);
    const again = clickvnfm('image', 'upload', file, '--metadata', join(dir, 'meta.json'));
    expect(again.stdout).toContain(`image ${id} with sha256 ${m.sha256} is already in Glance; reused`);
    await os.image.delete(id);
  },
);

it('a checksum mismatch is refused with both hashes named, and nothing is created in Glance', async () => {
  const file = join(dir, 'other.qcow2');
  writeFileSync(file, makeQcow2(1 << 30, `a-${Date.now()}`));
  expect(clickvnfm('image', 'metadata', file, '--variant', 'classic', '--out', join(dir, 'meta2.json')).status).toBe(0);
  writeFileSync(file, makeQcow2(1 << 30, `b-${Date.now()}`)); // the file changed after its metadata was made
  const name = `mismatch-${Date.now()}`;
  const r = clickvnfm('image', 'upload', file, '--metadata', join(dir, 'meta2.json'), '--name', name);
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(/has sha256 [0-9a-f]{64}, but the metadata says [0-9a-f]{64}: refusing to upload/);
  const named = [];
  for await (const i of os.image.list({ name })) named.push(i);
  expect(named).toEqual([]);
});
