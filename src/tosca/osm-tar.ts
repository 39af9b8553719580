/**
 * A gzipped POSIX ustar archive of a file map, the format of OSM's VNF packages (`osm package-build`, a
 * .tar.gz with one top folder), and its reader (for checks and tests). Directories get their own entries,
 * every entry has mode 0644 (0755: folders and `#!` scripts), owner 0 and one fixed time, so the same files
 * give the same bytes.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

const BLOCK = 512;
/** 2026-01-01T00:00:00Z: a fixed time for every entry. */
const MTIME = 1767225600;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function header(path: string, size: number, dir: boolean, exec = dir): Buffer {
  const h = Buffer.alloc(BLOCK);
  let name = path;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = path.lastIndexOf('/', path.length - 2 > 155 ? 155 : path.length - 2);
    prefix = path.slice(0, cut);
    name = path.slice(cut + 1);
    if (cut <= 0 || Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155)
      throw new Error(`${path}: too long for a tar header`);
  }
  h.write(name, 0, 100, 'utf8');
  h.write(octal(exec ? 0o755 : 0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(MTIME, 12), 136, 'ascii');
  h.write(' '.repeat(8), 148, 'ascii');
  h.write(dir ? '5' : '0', 156, 'ascii');
  h.write('ustar\0' + '00', 257, 'ascii');
  h.write('root', 265, 'ascii');
  h.write('root', 297, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'ascii');
  return h;
}

/** The .tar.gz of `files` (paths with `/`, in the order given; their folders are added before them). */
export function tarGz(files: ReadonlyMap<string, Buffer>): Buffer {
  const parts: Buffer[] = [];
  const dirs = new Set<string>();
  for (const [path, bytes] of files) {
    const segs = path.split('/');
    for (let i = 1; i < segs.length; i++) {
      const d = `${segs.slice(0, i).join('/')}/`;
      if (!dirs.has(d)) {
        dirs.add(d);
        parts.push(header(d, 0, true));
      }
    }
    // a script (`#!`) is executable: Juju runs a charm's hooks and actions as programs
    const exec = bytes.subarray(0, 2).toString('latin1') === '#!';
    parts.push(header(path, bytes.length, false, exec), bytes, Buffer.alloc((BLOCK - (bytes.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return gzipSync(Buffer.concat(parts), { level: 9 });
}

/** The regular files of a .tar.gz (ustar or GNU tar without long names), by path. */
export function readTarGz(gz: Buffer): Map<string, Buffer> {
  const tar = gunzipSync(gz);
  const files = new Map<string, Buffer>();
  for (let at = 0; at + BLOCK <= tar.length;) {
    const h = tar.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) break;
    const text = (from: number, len: number): string => h.toString('utf8', from, from + len).replace(/\0.*$/s, '');
    const size = parseInt(text(124, 12).trim() || '0', 8);
    const prefix = text(345, 155);
    const path = prefix !== '' ? `${prefix}/${text(0, 100)}` : text(0, 100);
    const type = text(156, 1);
    if (type === '0' || type === '') files.set(path, Buffer.from(tar.subarray(at + BLOCK, at + BLOCK + size)));
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}
