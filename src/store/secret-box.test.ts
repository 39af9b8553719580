import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateSecretKey, SecretBox, SecretBoxError, SEALED_PREFIX } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips any text, including empty and non-ASCII', () => {
    for (const text of ['hunter2', '', 'pässwörd 🔑', 'x'.repeat(10_000)]) {
      const sealed = box.seal(text);
      expect(sealed.startsWith(SEALED_PREFIX)).toBe(true);
      expect(sealed).not.toContain(text === '' ? '\u0000' : text);
      expect(box.open(sealed)).toBe(text);
    }
  });

  it('uses a fresh IV each time: the same text seals differently', () => {
    const a = box.seal('same');
    const b = box.seal('same');
    expect(a).not.toBe(b);
    expect(a.split(':')[2]).not.toBe(b.split(':')[2]);
    expect(Buffer.from(a.split(':')[2] as string, 'base64url')).toHaveLength(12);
  });

  it('detects tampering with the ciphertext, the tag or the IV', () => {
    const sealed = box.seal('hunter2-s3cret');
    const parts = sealed.split(':');
    for (const i of [2, 3, 4]) {
      const bytes = Buffer.from(parts[i] as string, 'base64url');
      bytes[0] = (bytes[0] as number) ^ 1;
      const forged = [...parts.slice(0, i), bytes.toString('base64url'), ...parts.slice(i + 1)].join(':');
      expect(() => box.open(forged)).toThrow(SecretBoxError);
    }
  });

  it('a wrong key cannot open it, and the error does not carry the sealed value', () => {
    const sealed = box.seal('hunter2-s3cret');
    const other = new SecretBox(randomBytes(32));
    let caught: unknown;
    try {
      other.open(sealed);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SecretBoxError);
    expect((caught as SecretBoxError).reason).toBe('unauthentic');
    expect(String((caught as Error).message)).not.toContain(sealed.split(':')[4]);
    expect(JSON.stringify(caught)).not.toContain('hunter2');
  });

  it('refuses malformed input with a typed error', () => {
    for (const bad of ['hunter2', 'enc:v1:', 'enc:v1:a:b', 'enc:v1:a:b:c:d', 'enc:v2:x:y:z']) {
      expect(() => box.open(bad)).toThrow(SecretBoxError);
    }
  });

  it('needs a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
    expect(() => SecretBox.fromBase64(randomBytes(31).toString('base64'))).toThrow(/32 bytes/);
  });
});

describe('loadOrCreateSecretKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clickvnfm-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates <varDir>/secret.key once (mode 0600) and reads the same key again', () => {
    const a = loadOrCreateSecretKey(dir);
    const file = join(dir, 'secret.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8'), 'base64').equals(a)).toBe(true);
    expect(loadOrCreateSecretKey(dir).equals(a)).toBe(true);
    const sealed = new SecretBox(a).seal('x');
    expect(new SecretBox(loadOrCreateSecretKey(dir)).open(sealed)).toBe('x');
  });

  it('prefers a configured base64 key and then writes no file', () => {
    const key = randomBytes(32);
    expect(loadOrCreateSecretKey(dir, key.toString('base64')).equals(key)).toBe(true);
    expect(() => statSync(join(dir, 'secret.key'))).toThrow();
    expect(() => loadOrCreateSecretKey(dir, 'c2hvcnQ=')).toThrow(/32 bytes/);
  });
});
