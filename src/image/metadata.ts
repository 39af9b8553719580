import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { readQcow2Header } from './qcow2';

export type Variant = 'classic' | 'modern';

/** What `image-build` produces next to the qcow2, and what `clickvnfm image upload` and `package build` read. */
export interface ImageMetadata {
  name: string;
  version: string;
  variant: Variant;
  file: string;
  sha256: string;
  size: number;
  virtual_size: number;
  disk_format: 'qcow2';
  container_format: 'bare';
  min_disk: number;
  min_ram: number;
  /** Glance image properties (strings). */
  properties: Record<string, string>;
  management: { dialect: 'click-plugin' | 'osv-controlsocket'; api_port: number; controlsocket_port?: number };
  revisions?: Record<string, string>;
}

export const VARIANTS: Record<
  Variant,
  { dialect: ImageMetadata['management']['dialect']; minRamMb: number; description: string }
> = {
  classic: {
    dialect: 'click-plugin',
    minRamMb: 192,
    description: 'the 2017 platform: OSv fork with the Click plugin, DPDK for OSv, Click --enable-dpdk --enable-osv',
  },
  modern: {
    dialect: 'osv-controlsocket',
    minRamMb: 256,
    description: 'upstream OSv with httpserver-api and upstream Click with a ControlSocket',
  },
};

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The metadata of a built image: its checksum and sizes read from the file, the rest from the variant. */
export async function imageMetadata(
  file: string,
  o: { variant: Variant; version?: string; name?: string; revisions?: Record<string, string> },
): Promise<ImageMetadata> {
  const info = await readQcow2Header(file);
  if (info.encrypted) throw new Error(`${file}: an encrypted qcow2 cannot boot as a Click-on-OSv VM`);
  if (info.backingFile)
    throw new Error(`${file}: the qcow2 has a backing file; flatten it first (qemu-img convert -O qcow2)`);
  const v = VARIANTS[o.variant];
  const size = (await stat(file)).size;
  const gib = 1024 ** 3;
  return {
    name: o.name ?? `click-on-osv-${o.variant}`,
    version: o.version ?? '1.0',
    variant: o.variant,
    file: basename(file),
    sha256: await sha256File(file),
    size,
    virtual_size: info.virtualSize,
    disk_format: 'qcow2',
    container_format: 'bare',
    min_disk: Math.max(1, Math.ceil(info.virtualSize / gib)),
    min_ram: v.minRamMb,
    properties: {
      hw_vif_model: 'virtio',
      hw_disk_bus: 'virtio',
      hw_rng_model: 'virtio',
      os_type: 'linux',
      os_distro: 'osv',
      clickosv_dialect: v.dialect,
      clickosv_api_port: '8000',
      ...(v.dialect === 'osv-controlsocket' ? { clickosv_controlsocket_port: '8001' } : {}),
      clickosv_variant: o.variant,
    },
    management: {
      dialect: v.dialect,
      api_port: 8000,
      ...(v.dialect === 'osv-controlsocket' ? { controlsocket_port: 8001 } : {}),
    },
    ...(o.revisions ? { revisions: o.revisions } : {}),
  };
}

/** Checks a metadata document read from a file; names the first bad field. */
export function parseImageMetadata(text: string, where: string): ImageMetadata {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where}: not JSON (${(err as Error).message})`);
  }
  const m = v as Partial<ImageMetadata>;
  const need = (ok: boolean, field: string, what: string): void => {
    if (!ok) throw new Error(`${where}: ${field} ${what}`);
  };
  need(typeof m === 'object' && m !== null, '(document)', 'must be an object');
  need(typeof m.name === 'string' && m.name.length > 0, 'name', 'must be a non-empty string');
  need(typeof m.sha256 === 'string' && /^[0-9a-f]{64}$/.test(m.sha256), 'sha256', 'must be 64 lowercase hex digits');
  need(Number.isInteger(m.size) && (m.size as number) > 0, 'size', 'must be a positive integer');
  need(m.disk_format === 'qcow2', 'disk_format', "must be 'qcow2'");
  need(m.container_format === 'bare', 'container_format', "must be 'bare'");
  need(Number.isInteger(m.min_disk) && Number.isInteger(m.min_ram), 'min_disk/min_ram', 'must be integers (GB, MB)');
  need(
    typeof m.properties === 'object' &&
      m.properties !== null &&
      Object.values(m.properties).every((x) => typeof x === 'string'),
    'properties',
    'must map names to strings',
  );
  need(
    m.management?.dialect === 'click-plugin' || m.management?.dialect === 'osv-controlsocket',
    'management.dialect',
    'must be click-plugin or osv-controlsocket',
  );
  return m as ImageMetadata;
}

/** The VNFD's sw_image_data (SOL001) for this image, as `clickvnfm package build --image-metadata` writes it. */
export function swImageData(m: ImageMetadata): Record<string, unknown> {
  return {
    name: m.name,
    version: m.version,
    checksum: { algorithm: 'sha-256', hash: m.sha256 },
    container_format: m.container_format,
    disk_format: m.disk_format,
    min_disk: `${m.min_disk} GB`,
    min_ram: `${m.min_ram} MB`,
    size: `${m.size} B`,
    operating_system: 'osv',
    supported_virtualisation_environments: ['kvm', 'qemu'],
  };
}
