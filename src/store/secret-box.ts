import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { isCredentialPath, openCredentials, sealCredentials, stripCredentials } from '../domain/credentials';
import { BadRequestError } from '../errors';
import { pages, type Repository } from '../ports/store';
import { keptRandomSecret } from './private-files';
import type { DocumentCodec } from './redis-repository';

/**
 * Authenticated encryption of credentials kept at rest (Redis, and so its AOF/RDB files).
 *
 * Format: `enc:v1:<iv>:<tag>:<ciphertext>`, each part base64url. AES-256-GCM with a random 12-byte
 * IV per seal: the same password sealed twice gives two different strings, so a stored value says
 * nothing about whether two credentials are equal, and a guess cannot be checked by sealing it.
 * The version tag leaves room for a key rotation (`v2` with a key id) without guessing formats.
 */
export const SEALED_PREFIX = 'enc:v1:';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A sealed value that cannot be opened: wrong key, tampered or truncated. The message never
 * carries the sealed text (it would only help an attacker and clutter logs).
 */
export class SecretBoxError extends Error {
  constructor(readonly reason: 'malformed' | 'unauthentic') {
    super(
      reason === 'malformed'
        ? 'the sealed value is not in the enc:v1 format'
        : 'the sealed value cannot be opened: wrong key or tampered data',
    );
    this.name = 'SecretBoxError';
  }
}

export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`the secret key must be ${KEY_BYTES} bytes; it is ${key.length}`);
    // a private copy: the caller may zero or reuse its buffer
    this.key = Buffer.from(key);
  }

  /** A key from its base64 text (as in secret.key or the configuration). */
  static fromBase64(text: string): SecretBox {
    return new SecretBox(decodeKey(text));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${SEALED_PREFIX}${iv.toString('base64url')}:${tag.toString('base64url')}:${data.toString('base64url')}`;
  }

  open(sealed: string): string {
    if (!sealed.startsWith(SEALED_PREFIX)) throw new SecretBoxError('malformed');
    const parts = sealed.slice(SEALED_PREFIX.length).split(':');
    if (parts.length !== 3) throw new SecretBoxError('malformed');
    const [iv, tag, data] = parts.map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretBoxError('malformed');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch {
      // node's own error says only "Unsupported state or unable to authenticate data"; ours is typed
      throw new SecretBoxError('unauthentic');
    }
  }

  /** True when `value` is in the sealed format (not whether it opens). */
  static isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(SEALED_PREFIX);
  }
}

function decodeKey(text: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES)
    throw new Error(`the secret key must be ${KEY_BYTES} bytes of base64; it decodes to ${key.length} bytes`);
  return key;
}

/**
 * The key that seals credentials at rest: `configured` (base64, e.g. from the configuration or an
 * environment variable) when given, else `<varDir>/secret.key`, created on first start (32 random
 * bytes in base64, mode 0600, beside token.key). NOTE: losing this file makes the stored
 * credentials unreadable (operations whose parameters carried them cannot be retried); back it up
 * with the Redis data, but not in the same place as the AOF files, or encryption buys nothing.
 */
export function loadOrCreateSecretKey(varDir: string, configured?: string): Buffer {
  if (configured !== undefined && configured.trim() !== '') return decodeKey(configured);
  return decodeKey(keptRandomSecret(join(varDir, 'secret.key'), KEY_BYTES, 'base64'));
}

/**
 * The codec of a collection whose documents carry credentials (RedisRepositoryOptions.codec):
 * with a box, credentials are sealed on write and opened on read; without one they are stripped
 * on write (never kept in clear), so nothing can open them later. Filters on a credential path are
 * refused with a 400 naming `filter`: even matched against the sealed form they would at least tell
 * whether a credential is there, and a client has no business filtering on one.
 */
export function credentialCodec<T>(box?: SecretBox): DocumentCodec<T> {
  return {
    encode: (doc) => (box ? sealCredentials(doc, (p) => box.seal(p)) : stripCredentials(doc)),
    decode: (doc) => (box ? openCredentials(doc, (s) => box.open(s)) : doc),
    // what an answer shows: the same as stripping the opened document, without opening (AES) anything
    strip: (doc) => stripCredentials(doc),
    checkFilter: (filter) => {
      const bad = filter.find((t) => isCredentialPath(t.path));
      if (bad !== undefined)
        throw new BadRequestError(`invalid filter: ${bad.path.join('/')} is a credential and cannot be filtered on`, {
          field: 'filter',
        });
    },
  };
}

/**
 * Rewrites every document of a collection through its codec, so credentials stored in clear before
 * sealing existed are sealed (or stripped) now; returns how many documents were rewritten. NOTE:
 * the old values stay in the AOF until Redis rewrites it: run BGREWRITEAOF afterwards.
 */
export async function resealAll<T extends { id: string }>(repo: Repository<T>, batch = 500): Promise<number> {
  let count = 0;
  for await (const page of pages(repo, { limit: batch })) {
    for (const doc of page.items) {
      // returning the document (not undefined) makes update() write it, through the codec
      if ((await repo.update(doc.id, (cur) => cur)) !== undefined) count += 1;
    }
  }
  return count;
}
