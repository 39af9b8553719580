/**
 * Glance for the OpenStack VIM: images uploaded once per checksum, tagged per VNF instance that uses
 * them, released on destroy.
 */
import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ImageContent, SwImageSpec, VnfDeployment } from '../../ports/vim';
import { OpenStackNotFoundError } from '../client/errors';
import type { Image } from '../image/v2/images';
import type { OpenStackClient } from '../index';
import { hashTag, instanceTag, MANAGED, VimOperationError, type Sig } from './vim-common';

function hashOf(algorithm: string, bytes: Buffer): string {
  const algo = algorithm.toLowerCase().replace(/^sha-/, 'sha');
  return crypto.createHash(algo).update(bytes).digest('hex');
}

/**
 * The Glance image id of every image, by name: the one named in the request, one already there with
 * the checksum, or an upload.
 */
export async function ensureImages(
  os: OpenStackClient,
  vnfInstanceId: string,
  images: SwImageSpec[],
  s: Sig,
  content: ImageContent | undefined,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const img of images) {
    if (out[img.name] !== undefined) continue;
    if (img.vimImageId !== undefined) {
      try {
        const existing = await os.image.get(img.vimImageId, s);
        if (existing.status !== 'active')
          throw new VimOperationError(`image ${img.vimImageId} named in the request is ${existing.status}, not active`);
      } catch (err) {
        if (err instanceof OpenStackNotFoundError)
          throw new VimOperationError(`image ${img.vimImageId} named in the request does not exist in Glance`, {
            cause: err,
          });
        throw err;
      }
      out[img.name] = img.vimImageId;
      continue;
    }
    const tag = hashTag(img.checksum.algorithm, img.checksum.hash);
    const found = (await os.image.findByTag(tag, s)).find((i) => i.status === 'active');
    let id = found?.id;
    if (id === undefined) id = await upload(os, vnfInstanceId, img, tag, content, s);
    if ((await settleTag(os, id, instanceTag(vnfInstanceId), true, s)) === undefined)
      throw new VimOperationError(`image ${id} was deleted while this instance was taking it into use: try again`);
    out[img.name] = id;
  }
  return out;
}

async function upload(
  os: OpenStackClient,
  vnfInstanceId: string,
  img: SwImageSpec,
  tag: string,
  content: ImageContent | undefined,
  s: Sig,
): Promise<string> {
  const bytes = content ? await content(img) : undefined;
  if (bytes === undefined) {
    throw new VimOperationError(
      `image '${img.name}' (${img.checksum.algorithm} ${img.checksum.hash}) is not in Glance ` +
        'and the package does not carry it: upload it (clickvnfm image upload) ' +
        'or name an existing image in additionalParams.vimImages',
    );
  }
  const actual = hashOf(img.checksum.algorithm, bytes);
  if (actual !== img.checksum.hash.toLowerCase()) {
    throw new VimOperationError(
      `image '${img.name}': the package's file has ${img.checksum.algorithm} ${actual}, ` +
        `the VNFD says ${img.checksum.hash}; not uploaded`,
    );
  }
  // a half-made image of an earlier attempt (queued, no data) is replaced
  for (const stale of await os.image.findByTag(tag, s))
    if (stale.status !== 'active') await os.image.delete(stale.id, { ...s, ignoreMissing: true });
  const created = await os.image.create(
    {
      name: img.name,
      disk_format: img.diskFormat,
      container_format: img.containerFormat,
      min_disk: img.minDiskGb,
      min_ram: img.minRamMb,
      tags: [MANAGED, tag, instanceTag(vnfInstanceId)],
      properties: { ...img.properties, clickvnfm_image_version: img.version },
    },
    s,
  );
  try {
    await os.image.upload(created.id, bytes, { ...s, size: bytes.length });
    const after = await os.image.get(created.id, s);
    const md5 = crypto.createHash('md5').update(bytes).digest('hex');
    if (after.status !== 'active' || (after.checksum && after.checksum !== md5))
      throw new VimOperationError(
        `image '${img.name}' upload ended ${after.status} with checksum ${String(after.checksum)} (sent ${md5})`,
      );
  } catch (err) {
    await os.image.delete(created.id, { ignoreMissing: true }).catch(() => undefined);
    throw err;
  }
  return created.id;
}

/**
 * The Glance image id of every VDU's image, by name, for a stack (the request's, or the one the
 * instantiation put there).
 */
export async function deployedImageIds(os: OpenStackClient, d: VnfDeployment, s: Sig): Promise<Record<string, string>> {
  const imageIds: Record<string, string> = {};
  for (const v of d.vdus) {
    if (v.image.vimImageId !== undefined) imageIds[v.image.name] = v.image.vimImageId;
    else if (imageIds[v.image.name] === undefined) {
      // later operations (scale, heal, modify) find the image the instantiation put in Glance by its checksum tag
      const found = (await os.image.findByTag(hashTag(v.image.checksum.algorithm, v.image.checksum.hash), s)).find(
        (i) => i.status === 'active',
      );
      if (found === undefined)
        throw new VimOperationError(
          `VDU ${v.vduId}: image '${v.image.name}' ` +
            `(${v.image.checksum.algorithm} ${v.image.checksum.hash}) is no longer in Glance`,
        );
      imageIds[v.image.name] = found.id;
    }
  }
  return imageIds;
}

/**
 * Drops the instance's tag from its images; an image we uploaded that no instance uses any more goes (decided on the
 * image as read after the tag is gone, not before: two instances of one image released together each see the
 * other's tag before, and neither would delete it).
 */
export async function releaseImages(os: OpenStackClient, vnfInstanceId: string, s: Sig): Promise<void> {
  for (const img of await os.image.findByTag(instanceTag(vnfInstanceId), s)) {
    const now = await settleTag(os, img.id, instanceTag(vnfInstanceId), false, s);
    const users = (now?.tags ?? []).filter((t) => t.startsWith('clickvnfm-vnf:'));
    if (now !== undefined && users.length === 0 && now.tags.includes(MANAGED))
      await os.image.delete(img.id, { ...s, ignoreMissing: true });
  }
}

/** A concurrent tag change lands within this (one Glance request); the second look after it must agree. */
const TAG_SETTLE_MS = 300;
const TAG_ROUNDS = 8;

async function imageOrUndefined(os: OpenStackClient, id: string, s: Sig): Promise<Image | undefined> {
  try {
    return await os.image.get(id, s);
  } catch (err) {
    if (err instanceof OpenStackNotFoundError) return undefined;
    throw err;
  }
}

/**
 * Puts (`present`) or takes away one tag of an image so that it holds. Glance saves an image's tags as a whole
 * (read the image, change its set, write the set back), so of two tag changes to one image at once one can undo the
 * other: two instances of one image terminated together left it with a released instance's tag (seen on the
 * mini-cloud), and two instantiated together can lose a user's tag, after which the image could go while in use.
 * The change is made, read back, and made again until two looks TAG_SETTLE_MS apart show it. Returns the image as
 * last read (undefined: it is gone).
 */
async function settleTag(os: OpenStackClient, id: string, tag: string, present: boolean, s: Sig) {
  let agreeing = 0;
  let holds = false;
  for (let round = 0; round < TAG_ROUNDS; round++) {
    // only while it does not hold: a write of a set that already holds could undo someone else's change
    if (!holds) {
      try {
        if (present) await os.image.addTag(id, tag, s);
        else await os.image.removeTag(id, tag, s);
      } catch (err) {
        if (err instanceof OpenStackNotFoundError) return undefined;
        throw err;
      }
    }
    const now = await imageOrUndefined(os, id, s);
    if (now === undefined) return undefined;
    holds = now.tags.includes(tag) === present;
    agreeing = holds ? agreeing + 1 : 0;
    // a release that leaves no other user needs no second look: the image goes, tags and all
    const alone = !present && !now.tags.some((t) => t.startsWith('clickvnfm-vnf:'));
    if (agreeing === 2 || (agreeing === 1 && alone)) return now;
    // jittered: releases that started together must not keep colliding in step
    await sleep(TAG_SETTLE_MS * (0.5 + Math.random()), undefined, s.signal ? { signal: s.signal } : {});
  }
  throw new VimOperationError(
    `image ${id}: Glance did not keep the tag ${tag} ${present ? 'added' : 'removed'} after ${TAG_ROUNDS} tries ` +
      '(other tag changes to the image at the same time)',
  );
}
