import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { OpenStackNotFoundError } from '../../client/errors';
import { collect, paginate } from '../../client/paginate';
import type { ServiceClient } from '../../client/service-client';

export interface Image {
  id: string;
  name?: string;
  status: string;
  tags: string[];
  checksum?: string | null;
  os_hash_algo?: string | null;
  os_hash_value?: string | null;
  size?: number | null;
  disk_format?: string;
  container_format?: string;
  [property: string]: unknown;
}

export interface CreateImageOpts {
  name: string;
  disk_format: string;
  container_format: string;
  min_disk?: number;
  min_ram?: number;
  visibility?: 'public' | 'private' | 'shared' | 'community';
  tags?: string[];
  /** Extra image properties (hw_vif_model, clickosv_dialect, ...): strings, as Glance wants them. */
  properties?: Record<string, string>;
}

type Sig = { signal?: AbortSignal };

/** Glance v2 images. */
export class ImagesV2 {
  constructor(private readonly c: ServiceClient) {}

  async create(o: CreateImageOpts, s: Sig = {}): Promise<Image> {
    const { properties, ...rest } = o;
    return (await this.c.request<Image>('POST', '/v2/images', { ok: [201], body: { ...rest, ...properties }, ...s }))
      .data;
  }

  /** Streams the bytes (PUT /v2/images/{id}/file), reporting progress. Not retried: a stream cannot be replayed. */
  async upload(
    id: string,
    data: Readable | Buffer | string,
    o: Sig & { size?: number; onProgress?: (sent: number, total?: number) => void } = {},
  ): Promise<void> {
    let body: Readable | Buffer;
    let size = o.size;
    if (typeof data === 'string') {
      size ??= (await fs.promises.stat(data)).size;
      body = fs.createReadStream(data);
    } else {
      body = data;
      if (Buffer.isBuffer(data)) size ??= data.length;
    }
    await this.c.request('PUT', `/v2/images/${id}/file`, {
      ok: [204],
      raw: {
        data: body,
        ...(size !== undefined ? { size } : {}),
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      },
      ...(o.signal ? { signal: o.signal } : {}),
    });
  }

  async get(id: string, s: Sig = {}): Promise<Image> {
    return (await this.c.request<Image>('GET', `/v2/images/${id}`, { ok: [200], ...s })).data;
  }

  /** Every image matching the filters (name, tag, os_hash_value, status, ...). */
  list(filters: Record<string, string | string[]> = {}, s: Sig = {}): AsyncGenerator<Image> {
    return paginate<Image>(this.c, '/v2/images', 'images', { query: filters, ...s });
  }

  async findByChecksum(sha256: string, s: Sig = {}): Promise<Image[]> {
    return collect(this.list({ os_hash_value: sha256 }, s));
  }

  async findByTag(tag: string, s: Sig = {}): Promise<Image[]> {
    return collect(this.list({ tag }, s));
  }

  async addTag(id: string, tag: string, s: Sig = {}): Promise<void> {
    await this.c.request('PUT', `/v2/images/${id}/tags/${encodeURIComponent(tag)}`, { ok: [204], ...s });
  }

  async removeTag(id: string, tag: string, s: Sig = {}): Promise<void> {
    await this.c.request('DELETE', `/v2/images/${id}/tags/${encodeURIComponent(tag)}`, { ok: [204, 404], ...s });
  }

  /** Deletes; with `ignoreMissing` a 404 is fine (idempotent delete). */
  async delete(id: string, o: Sig & { ignoreMissing?: boolean } = {}): Promise<void> {
    try {
      await this.c.request('DELETE', `/v2/images/${id}`, { ok: [204], ...(o.signal ? { signal: o.signal } : {}) });
    } catch (err) {
      if (!(o.ignoreMissing && err instanceof OpenStackNotFoundError)) throw err;
    }
  }
}
