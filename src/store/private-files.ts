import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The content of a file holding a random secret (`bytes` random bytes in `encoding`), created on first
 * use with mode 0600 and never overwritten: 'wx' makes two processes starting together agree on one.
 * Returned trimmed.
 *
 * @example
 * const tokenKey = Buffer.from(keptRandomSecret(join(varDir, 'token.key'), 32, 'base64'), 'base64');
 */
export function keptRandomSecret(file: string, bytes: number, encoding: 'base64' | 'base64url'): string {
  try {
    writeFileSync(file, randomBytes(bytes).toString(encoding) + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // A file from a copy or an older checkout may be wider: the mode option applies on creation only.
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

/**
 * `dir` and everything below it readable by the owner only (directories 0700, files 0600), also where
 * an earlier version or a copy left them wider: the var dir holds keys, hashes and the Redis AOF.
 */
export function restrictToOwner(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  // A walk by hand: readdir's recursive entries only name their parent (parentPath) from Node 20.12.
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      try {
        if (entry.isDirectory()) {
          chmodSync(path, 0o700);
          walk(path);
        } else if (entry.isFile()) chmodSync(path, 0o600);
      } catch {
        // Gone meanwhile (a rewrite's temporary file): nothing to protect.
      }
    }
  };
  walk(dir);
}
