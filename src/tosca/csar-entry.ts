/** One file out of an onboarded CSAR, without inflating the others (artifact downloads). */
import yauzl from 'yauzl';
import { ZIP_LIMITS } from './csar';

/**
 * One file of a CSAR that readCsar has accepted already (an onboarded package), without reading the
 * others: the central directory is walked to its entry, and only that entry is inflated, held to the
 * size its header declares and to ZIP_LIMITS.maxEntryBytes. undefined when the archive has no such file
 * (a directory entry is not a file). Rejects when the archive is corrupt.
 */
export function readCsarEntry(bytes: Buffer, path: string): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      bytes,
      { lazyEntries: true, validateEntrySizes: true, strictFileNames: true, autoClose: false },
      (openErr, zip) => {
        if (openErr || zip === undefined) return reject(openErr ?? new Error('not a zip archive'));
        let settled = false;
        const finish = (err: Error | undefined, file?: Buffer): void => {
          if (settled) return;
          settled = true;
          zip.close();
          if (err !== undefined) reject(err);
          else resolve(file);
        };
        zip.on('error', (e: Error) => finish(e));
        zip.on('end', () => finish(undefined, undefined));
        zip.on('entry', (entry: yauzl.Entry) => {
          if (entry.fileName !== path || path.endsWith('/')) return zip.readEntry();
          const size = entry.uncompressedSize;
          if (size > ZIP_LIMITS.maxEntryBytes)
            return finish(new Error(`entry '${path}' is ${size} bytes, over the limit of ${ZIP_LIMITS.maxEntryBytes}`));
          zip.openReadStream(entry, (e, stream) => {
            if (e || stream === undefined) return finish(e ?? new Error(`entry '${path}' cannot be read`));
            const chunks: Buffer[] = [];
            let read = 0;
            stream.on('data', (c: Buffer) => {
              read += c.length;
              if (read > size) {
                stream.destroy();
                return finish(new Error(`entry '${path}' inflates past the ${size} bytes its header declares`));
              }
              chunks.push(c);
            });
            stream.on('error', (se: Error) => finish(se));
            stream.on('end', () => finish(undefined, Buffer.concat(chunks, read)));
          });
        });
        zip.readEntry();
      },
    );
  });
}
