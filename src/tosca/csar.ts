import { createHash, type Hash } from 'node:crypto';
import { readdirSync, readFileSync, lstatSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import yazl from 'yazl';
import type { SourceDiagnostic } from '../errors';
import { CsarFiles, type DigestAlgorithm, type PackageFiles } from './csar-files';

export { CsarFiles, fileDigest, type ArtifactInfo, type DigestAlgorithm, type PackageFiles } from './csar-files';

const MiB = 1024 * 1024;

/**
 * Limits against hostile archives. Sizes are counted on the bytes the inflater actually produces,
 * not on what the zip headers claim, and an entry is abandoned as soon as it passes its limit.
 */
export const ZIP_LIMITS = {
  maxEntries: 2000,
  /** bytes all entries inflate to together (streamed, not held) */
  maxTotalBytes: 512 * MiB,
  /** bytes one entry inflates to (an image, streamed through its hashes, not held) */
  maxEntryBytes: 256 * MiB,
  /** uncompressed / compressed, per entry (checked on the header and again while inflating) */
  maxRatio: 200,
  /** bytes of one file read into memory for parsing (TOSCA, manifest, Click, certificates, scripts) */
  maxTextEntryBytes: 4 * MiB,
  /**
   * The in-memory budget of one package: the bytes of every file kept for parsing together.
   * Everything else (images) is only hashed while it streams by; its bytes are re-read from the
   * stored CSAR when they are asked for.
   */
  maxInMemoryBytes: 32 * MiB,
};

function err(file: string, message: string): SourceDiagnostic {
  return { file, line: 1, column: 1, severity: 'error', message };
}

/** A path inside an archive that must not be written anywhere: `..`, absolute, drive letters, backslashes. */
export function unsafePath(name: string): string | undefined {
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'names a drive';
  const segments = name.replace(/\/$/, '').split('/');
  if (segments.includes('..')) return "contains '..'";
  if (name.includes('\0')) return 'contains a NUL character';
  // 'a//b' and './a' would be a second name for 'a/b' and 'a'
  if (segments.some((s) => s === '' || s === '.')) return "has an empty or '.' path segment";
  return undefined;
}

const TEXT_DIRS = ['TOSCA-Metadata/', 'Definitions/', 'BaseHOT/'];
const TEXT_EXTENSIONS = /\.(meta|ya?ml|mf|click|cert|crt|pem|sig|cms|json|txt|sh|py|hot|env|cfg|conf|ini|md)$/i;

/** Files the parser (or a reader of the VNFD) needs are held in memory; the rest is only hashed. */
export function isTextPath(path: string): boolean {
  return TEXT_DIRS.some((d) => path.startsWith(d)) || TEXT_EXTENSIONS.test(path);
}

/** The hash algorithms any manifest in the package names (SHA-256 always), so artifacts are hashed once. */
function algorithmsNamed(files: CsarFiles): DigestAlgorithm[] {
  const out = new Set<DigestAlgorithm>(['sha256']);
  for (const path of files.keys()) {
    if (!path.endsWith('.mf') || !files.isHeld(path)) continue;
    const text = (files.get(path) as Buffer).toString('utf8');
    if (/Algorithm:\s*SHA-?384/i.test(text)) out.add('sha384');
    if (/Algorithm:\s*SHA-?512/i.test(text)) out.add('sha512');
  }
  return [...out];
}

/**
 * One file read for parsing, inflated from its bytes in the archive (its local header found from the central
 * directory's offset), never past the size its header declares nor past ZIP_LIMITS.maxTextEntryBytes; the same
 * checks as the streamed entries (size as declared, compression ratio). A string: why it is refused.
 */
const pastDeclared = (e: yauzl.Entry): string =>
  `entry '${e.fileName}' inflates past the ${e.uncompressedSize} bytes its header declares; refused (zip bomb?)`;

function inflateText(bytes: Buffer, entry: yauzl.Entry): Buffer | string {
  const path = entry.fileName;
  if (entry.isEncrypted()) return `entry '${path}' is encrypted; refused`;
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)
    return `entry '${path}' cannot be read: compression method ${entry.compressionMethod} is not supported`;
  const off = entry.relativeOffsetOfLocalHeader;
  if (off + 30 > bytes.length || bytes.readUInt32LE(off) !== 0x04034b50)
    return `the archive is corrupt: entry '${path}' has no local file header at offset ${off}`;
  const start = off + 30 + bytes.readUInt16LE(off + 26) + bytes.readUInt16LE(off + 28);
  if (start + entry.compressedSize > bytes.length)
    return `the archive is corrupt: entry '${path}' runs past the end of the archive`;
  const raw = bytes.subarray(start, start + entry.compressedSize);
  const limit = Math.min(entry.uncompressedSize, ZIP_LIMITS.maxTextEntryBytes);
  let data: Buffer;
  if (entry.compressionMethod === 0) data = Buffer.from(raw);
  else {
    try {
      // one byte past the declared size: an entry that inflates further is caught, not cut
      data = inflateRawSync(raw, { maxOutputLength: limit + 1 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return pastDeclared(entry);
      return `entry '${path}' is corrupt: ${(e as Error).message}`;
    }
  }
  if (data.length > limit)
    return data.length > entry.uncompressedSize
      ? pastDeclared(entry)
      : `entry '${path}' is over the limit of ${limit} bytes`;
  if (data.length !== entry.uncompressedSize)
    return `entry '${path}' is corrupt: ${data.length} bytes, its header declares ${entry.uncompressedSize}`;
  if (data.length > MiB && entry.compressedSize > 0 && data.length / entry.compressedSize > ZIP_LIMITS.maxRatio)
    return `entry '${path}' compresses more than ${ZIP_LIMITS.maxRatio}:1 (zip bomb?)`;
  return data;
}

/**
 * Reads a CSAR (zip) with every safety check: no `..`, absolute paths, symlinks or duplicate names,
 * limits on entry count, total size, entry size and compression ratio, counted while inflating.
 * Files needed for parsing are held (ZIP_LIMITS.maxInMemoryBytes in all); other entries stream
 * through their hashes. Never writes to disk.
 */
export function readCsar(
  bytes: Buffer,
  name = 'package.csar',
): Promise<{ files?: CsarFiles; diagnostics: SourceDiagnostic[] }> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: { files?: CsarFiles; diagnostics: SourceDiagnostic[] }): void => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    // validateEntrySizes off: the sizes are checked here, as the bytes come, against the limits too
    yauzl.fromBuffer(
      bytes,
      { lazyEntries: true, validateEntrySizes: false, strictFileNames: true, autoClose: false },
      (openErr, zip) => {
        if (openErr || zip === undefined)
          return finish({ diagnostics: [err(name, `not a zip archive: ${openErr?.message ?? 'unreadable'}`)] });
        const fail = (message: string): void => {
          zip.close();
          finish({ diagnostics: [err(name, message)] });
        };
        zip.on('error', (e: Error) => {
          // yauzl itself stops at unsafe names; say it the way we say it for the rest
          const unsafe = /^(?:invalid relative path|absolute path|invalid characters in fileName): (.*)$/.exec(
            e.message,
          );
          if (unsafe !== null)
            return fail(`entry '${unsafe[1] ?? ''}' ${unsafePath(unsafe[1] ?? '') ?? 'has an unsafe name'}; refused`);
          fail(`the archive is corrupt: ${e.message}`);
        });

        // 1. the central directory: names, types and declared sizes, before anything is inflated
        const entries: yauzl.Entry[] = [];
        const seen = new Map<string, number>();
        let count = 0;
        let declaredTotal = 0;
        zip.on('entry', (entry: yauzl.Entry) => {
          count += 1;
          if (count > ZIP_LIMITS.maxEntries) return fail(`the archive has more than ${ZIP_LIMITS.maxEntries} entries`);
          const path = entry.fileName;
          const problem = unsafePath(path);
          if (problem !== undefined) return fail(`entry '${path}' ${problem}; refused`);
          const first = seen.get(path);
          // two entries of one name: the manifest, the parser and an unzip tool could each see a different one
          if (first !== undefined)
            return fail(`entry '${path}' appears twice in the archive (entries ${first} and ${count}); refused`);
          seen.set(path, count);
          const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
          if (mode === 0o120000) return fail(`entry '${path}' is a symbolic link; refused`);
          if (path.endsWith('/')) return zip.readEntry();
          const limit = isTextPath(path) ? ZIP_LIMITS.maxTextEntryBytes : ZIP_LIMITS.maxEntryBytes;
          if (entry.uncompressedSize > limit)
            return fail(
              `entry '${path}' is ${entry.uncompressedSize} bytes, over the limit of ${limit}` +
                (isTextPath(path) ? ' for a file read for parsing' : ''),
            );
          declaredTotal += entry.uncompressedSize;
          if (declaredTotal > ZIP_LIMITS.maxTotalBytes)
            return fail(`the archive expands to more than ${ZIP_LIMITS.maxTotalBytes} bytes (zip bomb?)`);
          if (
            entry.compressedSize > 0 &&
            entry.uncompressedSize / entry.compressedSize > ZIP_LIMITS.maxRatio &&
            entry.uncompressedSize > MiB
          ) {
            return fail(
              `entry '${path}' compresses ${Math.round(entry.uncompressedSize / entry.compressedSize)}:1, ` +
                `over the limit of ${ZIP_LIMITS.maxRatio}:1 (zip bomb?)`,
            );
          }
          entries.push(entry);
          zip.readEntry();
        });

        // 2. the contents: text first (the manifests say which hashes the artifacts need), then artifacts
        zip.on('end', () => {
          if (settled) return;
          const files = new CsarFiles();
          files.attach(bytes);
          const queue = [
            ...entries.filter((e) => isTextPath(e.fileName)),
            ...entries.filter((e) => !isTextPath(e.fileName)),
          ];
          let total = 0;
          let held = 0;
          let algorithms: DigestAlgorithm[] | undefined;
          const next = (): void => {
            // the files read for parsing (small: ZIP_LIMITS.maxTextEntryBytes) are inflated here, synchronously,
            // from their bytes in the archive: a zlib stream per file cost more than the parse of the package
            for (let e = queue[0]; e !== undefined && isTextPath(e.fileName) && !settled; e = queue[0]) {
              queue.shift();
              const r = inflateText(bytes, e);
              if (typeof r === 'string') return fail(r);
              total += r.length;
              held += r.length;
              if (total > ZIP_LIMITS.maxTotalBytes)
                return fail(`the archive expands to more than ${ZIP_LIMITS.maxTotalBytes} bytes (zip bomb?)`);
              if (held > ZIP_LIMITS.maxInMemoryBytes)
                return fail(
                  `the files read for parsing are more than ${ZIP_LIMITS.maxInMemoryBytes} bytes together; ` +
                    `refused at entry '${e.fileName}'`,
                );
              files.set(e.fileName, r);
            }
            if (settled) return;
            const entry = queue.shift();
            if (entry === undefined) {
              zip.close();
              return finish({ files, diagnostics: [] });
            }
            // an artifact (the loop above took every file for parsing): streamed through its hashes, not held
            const path = entry.fileName;
            algorithms ??= algorithmsNamed(files);
            const hashes: Array<[DigestAlgorithm, Hash]> = algorithms.map((a) => [a, createHash(a)]);
            const limit = Math.min(entry.uncompressedSize, ZIP_LIMITS.maxEntryBytes);
            let size = 0;
            zip.openReadStream(entry, (e, stream) => {
              if (e || stream === undefined)
                return fail(`entry '${path}' cannot be read: ${e?.message ?? 'no stream'}`);
              const stop = (message: string): void => {
                stream.destroy();
                fail(message);
              };
              stream.on('data', (c: Buffer) => {
                if (settled) return;
                size += c.length;
                total += c.length;
                if (size > limit) {
                  return stop(
                    size > entry.uncompressedSize
                      ? `entry '${path}' inflates past the ${entry.uncompressedSize} bytes ` +
                          'its header declares; refused (zip bomb?)'
                      : `entry '${path}' is over the limit of ${limit} bytes`,
                  );
                }
                if (total > ZIP_LIMITS.maxTotalBytes)
                  return stop(`the archive expands to more than ${ZIP_LIMITS.maxTotalBytes} bytes (zip bomb?)`);
                if (size > MiB && entry.compressedSize > 0 && size / entry.compressedSize > ZIP_LIMITS.maxRatio) {
                  return stop(`entry '${path}' compresses more than ${ZIP_LIMITS.maxRatio}:1 (zip bomb?)`);
                }
                for (const [, h] of hashes) h.update(c);
              });
              stream.on('error', (se: Error) => fail(`entry '${path}' is corrupt: ${se.message}`));
              stream.on('end', () => {
                if (settled) return;
                if (size !== entry.uncompressedSize)
                  return fail(
                    `entry '${path}' is corrupt: ${size} bytes, its header declares ${entry.uncompressedSize}`,
                  );
                const digests: Partial<Record<DigestAlgorithm, string>> = {};
                for (const [a, h] of hashes) digests[a] = h.digest('hex');
                files.addArtifact(
                  path,
                  { size, digests },
                  {
                    localHeaderOffset: entry.relativeOffsetOfLocalHeader,
                    compressedSize: entry.compressedSize,
                    method: entry.compressionMethod,
                  },
                );
                next();
              });
            });
          };
          next();
        });
        zip.readEntry();
      },
    );
  });
}

/** Reads a package source directory (vnfd/<name>/) the same way, symlinks refused. */
export function readPackageDir(dir: string): { files?: PackageFiles; diagnostics: SourceDiagnostic[] } {
  const files: PackageFiles = new Map();
  const diagnostics: SourceDiagnostic[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      const rel = relative(dir, full).split(sep).join('/');
      const st = lstatSync(full);
      if (st.isSymbolicLink()) diagnostics.push(err(rel, 'is a symbolic link; refused'));
      else if (st.isDirectory()) walk(full);
      else files.set(rel, readFileSync(full));
    }
  };
  walk(dir);
  return diagnostics.length > 0 ? { diagnostics } : { files, diagnostics };
}

/** Zips package files (deterministic order and timestamps, so the same sources give the same bytes). */
export function zipFiles(files: PackageFiles): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    const mtime = new Date('2020-01-01T00:00:00Z');
    for (const path of [...files.keys()].sort())
      zip.addBuffer(files.get(path) as Buffer, path, { mtime, mode: 0o100644 });
    zip.end();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}
