import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ImageMetadata } from './metadata';

/** The Glance calls an upload needs (src/openstack's ImagesV2 has them). */
export interface GlanceImages {
  findByTag(tag: string): Promise<Array<{ id: string; status: string }>>;
  create(o: {
    name: string;
    disk_format: string;
    container_format: string;
    min_disk?: number;
    min_ram?: number;
    tags?: string[];
    properties?: Record<string, string>;
  }): Promise<{ id: string }>;
  upload(
    id: string,
    data: Readable,
    o: { size?: number; onProgress?: (sent: number, total?: number) => void },
  ): Promise<void>;
  get(id: string): Promise<{
    id: string;
    status: string;
    checksum?: string | null;
    os_hash_algo?: string | null;
    os_hash_value?: string | null;
  }>;
  delete(id: string, o?: { ignoreMissing?: boolean }): Promise<void>;
}

/** The file is not the image the metadata describes: nothing was sent. */
export class ImageChecksumError extends Error {}

export const imageHashTag = (sha256: string): string => `clickvnfm-sha256:${sha256}`;

async function digests(file: string): Promise<{ sha256: string; sha512: string; md5: string }> {
  const h = { sha256: createHash('sha256'), sha512: createHash('sha512'), md5: createHash('md5') };
  for await (const chunk of createReadStream(file)) for (const x of Object.values(h)) x.update(chunk as Buffer);
  return { sha256: h.sha256.digest('hex'), sha512: h.sha512.digest('hex'), md5: h.md5.digest('hex') };
}

/**
 * Uploads a Click-on-OSv image to Glance with the metadata's formats and properties, tagged with its
 * sha-256 (which is how the VNFM finds it for a package that names that checksum). The file is checked
 * against the metadata BEFORE anything is sent; Glance's own checksums are compared after. An image with
 * that checksum already in Glance is reused.
 */
export async function uploadImage(
  file: string,
  meta: ImageMetadata,
  glance: GlanceImages,
  o: { name?: string; onProgress?: (sent: number, total: number) => void } = {},
): Promise<{ id: string; reused: boolean }> {
  const size = (await stat(file)).size;
  const d = await digests(file);
  if (d.sha256 !== meta.sha256)
    throw new ImageChecksumError(
      `${file} has sha256 ${d.sha256}, but the metadata says ${meta.sha256}: ` +
        'refusing to upload (wrong file, or a damaged copy)',
    );
  if (size !== meta.size)
    throw new ImageChecksumError(`${file} has ${size} bytes, but the metadata says ${meta.size}: refusing to upload`);
  const tag = imageHashTag(meta.sha256);
  const existing = (await glance.findByTag(tag)).find((i) => i.status === 'active');
  if (existing) return { id: existing.id, reused: true };
  const created = await glance.create({
    name: o.name ?? meta.name,
    disk_format: meta.disk_format,
    container_format: meta.container_format,
    min_disk: meta.min_disk,
    min_ram: meta.min_ram,
    tags: [tag],
    properties: { ...meta.properties, clickosv_image_version: meta.version },
  });
  try {
    await glance.upload(created.id, createReadStream(file), {
      size,
      ...(o.onProgress ? { onProgress: (sent) => o.onProgress?.(sent, size) } : {}),
    });
    const after = await glance.get(created.id);
    if (after.status !== 'active') throw new Error(`Glance image ${created.id} is ${after.status} after the upload`);
    if (after.checksum && after.checksum !== d.md5)
      throw new ImageChecksumError(`Glance computed md5 ${after.checksum}, we sent ${d.md5}: the upload was damaged`);
    const ours = after.os_hash_algo === 'sha512' ? d.sha512 : after.os_hash_algo === 'sha256' ? d.sha256 : undefined;
    if (ours !== undefined && after.os_hash_value && after.os_hash_value !== ours)
      throw new ImageChecksumError(
        `Glance computed ${after.os_hash_algo} ${after.os_hash_value}, we sent ${ours}: the upload was damaged`,
      );
  } catch (err) {
    await glance.delete(created.id, { ignoreMissing: true }).catch(() => undefined);
    throw err;
  }
  return { id: created.id, reused: false };
}
