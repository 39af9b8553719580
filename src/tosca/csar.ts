import { readdirSync, readFileSync, lstatSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import yauzl from 'yauzl';
import yazl from 'yazl';
import type { SourceDiagnostic } from '../errors';

/** Limits against hostile archives. */
export const ZIP_LIMITS = {
  maxEntries: 2000,
  maxTotalBytes: 512 * 1024 * 1024,
  maxEntryBytes: 256 * 1024 * 1024,
  /** uncompressed / compressed, per entry */
  maxRatio: 200,
};

/** The files of a package by their POSIX path inside it. */
export type PackageFiles = Map<string, Buffer>;

function err(file: string, message: string): SourceDiagnostic {
  return { file, line: 1, column: 1, severity: 'error', message };
}

/** A path inside an archive that must not be written anywhere: `..`, absolute, drive letters, backslashes. */
export function unsafePath(name: string): string | undefined {
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'names a drive';
  if (name.split('/').includes('..')) return "contains '..'";
  if (name.includes('\0')) return 'contains a NUL character';
  return undefined;
}

/**
 * Reads a CSAR (zip) into memory with every safety check: no `..`, absolute paths or symlinks,
 * limits on entry count, total size, entry size and compression ratio. Never writes to disk.
 */
export function readCsar(bytes: Buffer, name = 'package.csar'): Promise<{ files?: PackageFiles; diagnostics: SourceDiagnostic[] }> {
  return new Promise((resolve) => {
    const diagnostics: SourceDiagnostic[] = [];
    const files: PackageFiles = new Map();
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true }, (openErr, zip) => {
      if (openErr || zip === undefined) return resolve({ diagnostics: [err(name, `not a zip archive: ${openErr?.message ?? 'unreadable'}`)] });
      let total = 0;
      let count = 0;
      const fail = (message: string, file = name): void => {
        diagnostics.push(err(file, message));
        zip.close();
        resolve({ diagnostics });
      };
      zip.on('error', (e: Error) => {
        // yauzl itself stops at unsafe names; say it the way we say it for the rest
        const unsafe = /^(?:invalid relative path|absolute path|invalid characters in fileName): (.*)$/.exec(e.message);
        if (unsafe !== null) return fail(`entry '${unsafe[1] ?? ''}' ${unsafePath(unsafe[1] ?? '') ?? 'has an unsafe name'}; refused`);
        fail(`the archive is corrupt: ${e.message}`);
      });
      zip.on('end', () => resolve(diagnostics.length > 0 ? { diagnostics } : { files, diagnostics }));
      zip.on('entry', (entry: yauzl.Entry) => {
        count += 1;
        if (count > ZIP_LIMITS.maxEntries) return fail(`the archive has more than ${ZIP_LIMITS.maxEntries} entries`);
        const problem = unsafePath(entry.fileName);
        if (problem !== undefined) return fail(`entry '${entry.fileName}' ${problem}; refused`);
        const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
        if (mode === 0o120000) return fail(`entry '${entry.fileName}' is a symbolic link; refused`);
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        if (entry.uncompressedSize > ZIP_LIMITS.maxEntryBytes) return fail(`entry '${entry.fileName}' is ${entry.uncompressedSize} bytes, over the limit of ${ZIP_LIMITS.maxEntryBytes}`);
        total += entry.uncompressedSize;
        if (total > ZIP_LIMITS.maxTotalBytes) return fail(`the archive expands to more than ${ZIP_LIMITS.maxTotalBytes} bytes (zip bomb?)`);
        if (entry.compressedSize > 0 && entry.uncompressedSize / entry.compressedSize > ZIP_LIMITS.maxRatio && entry.uncompressedSize > 1024 * 1024) {
          return fail(`entry '${entry.fileName}' compresses ${Math.round(entry.uncompressedSize / entry.compressedSize)}:1, over the limit of ${ZIP_LIMITS.maxRatio}:1 (zip bomb?)`);
        }
        zip.openReadStream(entry, (e, stream) => {
          if (e || stream === undefined) return fail(`entry '${entry.fileName}' cannot be read: ${e?.message ?? ''}`);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', (se: Error) => fail(`entry '${entry.fileName}' is corrupt: ${se.message}`));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
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
    for (const path of [...files.keys()].sort()) zip.addBuffer(files.get(path) as Buffer, path, { mtime, mode: 0o100644 });
    zip.end();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}
