import { open } from 'node:fs/promises';

/** What the header of a qcow2 file says (QEMU's docs/interop/qcow2.txt). */
export interface Qcow2Info {
  version: 2 | 3;
  virtualSize: number;
  clusterBits: number;
  encrypted: boolean;
  backingFile: boolean;
}

/** A file that is not a qcow2 image (or not one we accept), with what was found. */
export class NotQcow2Error extends Error {}

const MAGIC = 0x514649fb; // 'Q' 'F' 'I' 0xfb

/** Reads and checks the qcow2 header of `file`. */
export async function readQcow2Header(file: string): Promise<Qcow2Info> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(104);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return parseQcow2Header(buf.subarray(0, bytesRead), file);
  } finally {
    await fh.close();
  }
}

export function parseQcow2Header(buf: Buffer, name = 'the image'): Qcow2Info {
  if (buf.length < 72)
    throw new NotQcow2Error(
      `${name} is not a qcow2 image: it has ${buf.length} bytes, a qcow2 header alone has 72 or more`,
    );
  const magic = buf.readUInt32BE(0);
  if (magic !== MAGIC)
    throw new NotQcow2Error(
      `${name} is not a qcow2 image: it starts with ${buf.subarray(0, 4).toString('hex')} ` +
        `(${JSON.stringify(buf.subarray(0, 4).toString('latin1'))}), not QFI\\xfb (514649fb)`,
    );
  const version = buf.readUInt32BE(4);
  if (version !== 2 && version !== 3)
    throw new NotQcow2Error(`${name}: qcow2 version ${version} is not supported (2 or 3)`);
  const clusterBits = buf.readUInt32BE(20);
  if (clusterBits < 9 || clusterBits > 21)
    throw new NotQcow2Error(`${name}: cluster_bits ${clusterBits} is out of range (9-21): a damaged header`);
  const virtualSize = Number(buf.readBigUInt64BE(24));
  return {
    version,
    virtualSize,
    clusterBits,
    encrypted: buf.readUInt32BE(32) !== 0,
    backingFile: buf.readBigUInt64BE(8) !== 0n,
  };
}

/**
 * A small valid qcow2 v3 image of an empty disk of `virtualSize` bytes (header, refcount table and block,
 * an empty L1 table): what tests upload to Glance. `salt` (written into unused space) gives each image
 * its own checksum.
 */
export function makeQcow2(virtualSize = 1 << 30, salt = ''): Buffer {
  const clusterBits = 16;
  const cluster = 1 << clusterBits;
  const l1Size = Math.ceil(virtualSize / (cluster * (cluster / 8)));
  const buf = Buffer.alloc(cluster * 4);
  buf.writeUInt32BE(MAGIC, 0);
  buf.writeUInt32BE(3, 4);
  buf.writeUInt32BE(clusterBits, 20);
  buf.writeBigUInt64BE(BigInt(virtualSize), 24);
  buf.writeUInt32BE(l1Size, 36);
  buf.writeBigUInt64BE(BigInt(cluster * 3), 40); // L1 table
  buf.writeBigUInt64BE(BigInt(cluster), 48); // refcount table
  buf.writeUInt32BE(1, 56);
  buf.writeUInt32BE(4, 96); // refcount_order: 16-bit refcounts
  buf.writeUInt32BE(104, 100); // header length
  buf.writeBigUInt64BE(BigInt(cluster * 2), cluster);
  for (let i = 0; i < 4; i++) buf.writeUInt16BE(1, cluster * 2 + i * 2);
  if (salt) buf.write(salt.slice(0, 1000), 1024, 'utf8');
  return buf;
}
