/**
 * Images shared by instances, against a Glance that saves an image's tags as a whole (read the image, change the
 * set, write it back), as Glance does: of two tag changes at once, one can undo the other. Found on the mini-cloud
 * (two instances of one image terminated together left it with a released instance's tag); the deployment suite's
 * grant-vim test is the real-cloud check, this one the exact interleaving, every time.
 */
import { OpenStackNotFoundError } from '../../src/openstack';
import type { OpenStackClient } from '../../src/openstack';
import { ensureImages, releaseImages } from '../../src/openstack/vim/images';
import { hashTag, instanceTag, MANAGED } from '../../src/openstack/vim/vim-common';
import type { SwImageSpec } from '../../src/ports/vim';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An in-memory image service whose tag changes are read-modify-write with a gap between the read and the write. */
function racyGlance(gapMs: number) {
  const images = new Map<string, { id: string; status: string; tags: string[] }>();
  const missing = (id: string) =>
    new OpenStackNotFoundError({ method: 'GET', url: `/v2/images/${id}`, actual: 404, expected: [200] });
  // as Glance: removing an absent tag is a 404 without a write; adding always writes the set back
  const change = async (id: string, f: (tags: Set<string>) => void, absent?: string) => {
    const read = images.get(id);
    if (read === undefined) throw missing(id);
    if (absent !== undefined && !read.tags.includes(absent)) return;
    const tags = new Set(read.tags);
    await pause(gapMs);
    f(tags);
    const now = images.get(id);
    if (now !== undefined) now.tags = [...tags];
  };
  const image = {
    get: async (id: string) => {
      const i = images.get(id);
      if (i === undefined) throw missing(id);
      return { ...i, tags: [...i.tags] };
    },
    findByTag: async (tag: string) => [...images.values()].filter((i) => i.tags.includes(tag)).map((i) => ({ ...i })),
    addTag: (id: string, tag: string) => change(id, (t) => void t.add(tag)),
    removeTag: (id: string, tag: string) => change(id, (t) => void t.delete(tag), tag),
    delete: async (id: string) => void images.delete(id),
  };
  return { images, os: { image } as unknown as OpenStackClient };
}

const spec: SwImageSpec = {
  name: 'click-on-osv',
  version: '1',
  checksum: { algorithm: 'sha-256', hash: 'ab'.repeat(32) },
  containerFormat: 'bare',
  diskFormat: 'qcow2',
  minDiskGb: 1,
  minRamMb: 256,
  sizeBytes: 1,
};

it('two instances of one image released together: both tags go, and so does the image (no one uses it)', async () => {
  const { images, os } = racyGlance(20);
  images.set('img', { id: 'img', status: 'active', tags: [MANAGED, instanceTag('a'), instanceTag('b')] });
  await Promise.all([releaseImages(os, 'a', {}), releaseImages(os, 'b', {})]);
  expect([...images.keys()]).toEqual([]);
});

it('three released together, a fourth still using it: only the fourth tag is left', async () => {
  const { images, os } = racyGlance(15);
  const users = ['a', 'b', 'c', 'd'].map(instanceTag);
  images.set('img', { id: 'img', status: 'active', tags: [MANAGED, ...users] });
  await Promise.all(['a', 'b', 'c'].map((id) => releaseImages(os, id, {})));
  expect(images.get('img')?.tags).toEqual([MANAGED, instanceTag('d')]);
});

it('two instances taking one image into use together: both tags are kept (neither lost to the other)', async () => {
  const { images, os } = racyGlance(20);
  images.set('img', {
    id: 'img',
    status: 'active',
    tags: [MANAGED, hashTag(spec.checksum.algorithm, spec.checksum.hash)],
  });
  const ids = await Promise.all(['a', 'b'].map((id) => ensureImages(os, id, [spec], {}, undefined)));
  expect(ids).toEqual([{ 'click-on-osv': 'img' }, { 'click-on-osv': 'img' }]);
  expect(images.get('img')?.tags).toEqual(expect.arrayContaining([instanceTag('a'), instanceTag('b')]));
  // and when one goes, the image stays for the other
  await releaseImages(os, 'a', {});
  expect(images.get('img')?.tags).toContain(instanceTag('b'));
});
