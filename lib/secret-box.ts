/**
 * Encryption at rest for secrets that must be read back: NAS shared secrets, RouterOS API
 * passwords and subscriber passwords (CHAP and MS-CHAP need the cleartext, RFC 1994 / RFC 2759,
 * so they cannot be hashed). AES-256-GCM with a random 96-bit IV; stored as
 * `v1:<base64(iv ‖ tag ‖ ciphertext)>`, so a future key rotation can add `v2`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface SecretBox {
  seal(plaintext: string): string;
  /** @throws Error when the value was not sealed with this key or was altered. */
  open(sealed: string): string;
}

/**
 * Parses a 32-byte key given as 64 hex characters or base64.
 * @throws Error naming APP_SECRET_KEY when the key has the wrong size.
 */
export function parseKey(text: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('APP_SECRET_KEY must be 32 bytes: 64 hex characters or base64');
  return key;
}

/**
 * Returns the key from `configured`, or (development only) the one kept in DATA_DIR/secret.key,
 * created on first use. `created` tells the caller to warn that the key must be backed up.
 */
export function resolveKey(configured: string | undefined, dataDir: string): { key: Buffer; created: boolean } {
  if (configured) return { key: parseKey(configured), created: false };
  const file = path.join(dataDir, 'secret.key');
  if (fs.existsSync(file)) return { key: parseKey(fs.readFileSync(file, 'utf8').trim()), created: false };
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  fs.writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, created: true };
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('secret box key must be 32 bytes');
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    open(sealed) {
      if (!sealed.startsWith('v1:')) throw new Error('unknown secret format');
      const raw = Buffer.from(sealed.slice(3), 'base64');
      if (raw.length < 28) throw new Error('sealed secret too short');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
