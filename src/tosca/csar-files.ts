import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';

/** The files of a package by their POSIX path inside it. */
export type PackageFiles = Map<string, Buffer>;

export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

/** What is kept of an entry that is not held in memory: its size and digests. */
export interface ArtifactInfo {
  size: number;
  digests: Partial<Record<DigestAlgorithm, string>>;
}

/** Where an artifact's compressed bytes are in the CSAR, to inflate them again on demand. */
export interface StoredAt {
  localHeaderOffset: number;
  compressedSize: number;
  method: number;
}

/** Stands in the map for an artifact whose bytes are not held (never handed out). */
const NOT_HELD = Buffer.alloc(0);

/**
 * The files of a CSAR. Files needed for parsing are held in memory; large artifacts (images) are
 * not: the map knows their size and digests, and `get()` inflates them again from the CSAR bytes
 * (synchronously, each call a fresh copy that the caller can drop), so existing readers of a
 * `PackageFiles` still get the bytes when they ask for one file.
 */
export class CsarFiles extends Map<string, Buffer> {
  private readonly artifacts = new Map<string, ArtifactInfo & { at: StoredAt }>();
  private csar: Buffer = NOT_HELD;

  /** @internal set by readCsar */
  attach(csar: Buffer): void {
    this.csar = csar;
  }

  /** @internal set by readCsar */
  addArtifact(path: string, info: ArtifactInfo, at: StoredAt): void {
    super.set(path, NOT_HELD);
    this.artifacts.set(path, { ...info, at });
  }

  /** True when the file's bytes are held (a file read for parsing), false for an artifact or no file. */
  isHeld(path: string): boolean {
    return super.has(path) && !this.artifacts.has(path);
  }

  /** Size and digests of an artifact that is not held in memory. */
  artifact(path: string): ArtifactInfo | undefined {
    const a = this.artifacts.get(path);
    return a === undefined ? undefined : { size: a.size, digests: { ...a.digests } };
  }

  override get(path: string): Buffer | undefined {
    const v = super.get(path);
    return v === NOT_HELD ? this.inflate(path) : v;
  }

  override set(path: string, value: Buffer): this {
    // the artifacts field is not there yet while Map's constructor runs
    (this.artifacts as Map<string, unknown> | undefined)?.delete(path);
    return super.set(path, value);
  }

  override delete(path: string): boolean {
    this.artifacts.delete(path);
    return super.delete(path);
  }

  override clear(): void {
    this.artifacts.clear();
    super.clear();
  }

  override forEach(fn: (value: Buffer, key: string, map: Map<string, Buffer>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }

  // iteration inflates artifacts one at a time, as they are reached
  override *entries(): MapIterator<[string, Buffer]> {
    for (const k of super.keys()) {
      const v = this.get(k);
      if (v !== undefined) yield [k, v];
    }
  }

  override *values(): MapIterator<Buffer> {
    for (const [, v] of this.entries()) yield v;
  }

  override [Symbol.iterator](): MapIterator<[string, Buffer]> {
    return this.entries();
  }

  private inflate(path: string): Buffer {
    const a = this.artifacts.get(path) as ArtifactInfo & { at: StoredAt };
    const b = this.csar;
    const off = a.at.localHeaderOffset;
    if (off + 30 > b.length || b.readUInt32LE(off) !== 0x04034b50)
      throw new Error(`entry '${path}': no local file header at offset ${off} of the CSAR`);
    const start = off + 30 + b.readUInt16LE(off + 26) + b.readUInt16LE(off + 28);
    const raw = b.subarray(start, start + a.at.compressedSize);
    // the size was measured when the archive was read, so the inflater may not produce more
    const data = a.at.method === 0 ? Buffer.from(raw) : inflateRawSync(raw, { maxOutputLength: Math.max(1, a.size) });
    const sha256 = createHash('sha256').update(data).digest('hex');
    if (data.length !== a.size || sha256 !== a.digests.sha256)
      throw new Error(`entry '${path}' no longer has the size and SHA-256 it had when the CSAR was read`);
    return data;
  }
}

/** The digest of a package file, from the bytes or, for an artifact not held, as computed when it streamed by. */
export function fileDigest(files: PackageFiles, path: string, algorithm: DigestAlgorithm): string | undefined {
  if (files instanceof CsarFiles && !files.isHeld(path)) {
    const known = files.artifact(path)?.digests[algorithm];
    if (known !== undefined) return known;
  }
  const bytes = files.get(path);
  return bytes === undefined ? undefined : createHash(algorithm).update(bytes).digest('hex');
}
