/**
 * Secret box: AES-256-GCM sealing of NAS secrets and passwords, key parsing, and the development
 * key kept in DATA_DIR/secret.key.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSecretBox, parseKey, resolveKey } from './secret-box.js';

const KEY = Buffer.alloc(32, 0x5a);
const box = createSecretBox(KEY);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-box-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Flips one bit of the decoded payload at `index` and re-encodes it. */
function tamper(sealed: string, index: number): string {
  const raw = Buffer.from(sealed.slice(3), 'base64');
  raw[index] = raw[index]! ^ 0x01;
  return `v1:${raw.toString('base64')}`;
}

describe('seal / open', () => {
  test('round trip, including non-ASCII and the empty string', () => {
    for (const plain of ['s3cret', 'kata sandi rahasia ✓ 日本語 🔐', '', 'x'.repeat(1000)]) {
      const sealed = box.seal(plain);
      assert.match(sealed, /^v1:[A-Za-z0-9+/]+=*$/);
      assert.equal(box.open(sealed), plain);
    }
  });

  test('the sealed form does not contain the plaintext and differs every time (random IV)', () => {
    const a = box.seal('router-secret');
    const b = box.seal('router-secret');
    assert.notEqual(a, b);
    assert.equal(a.includes('router-secret'), false);
    assert.equal(Buffer.from(a.slice(3), 'base64').includes(Buffer.from('router-secret')), false);
  });

  test('a box with another key cannot open it', () => {
    const sealed = box.seal('router-secret');
    const other = createSecretBox(Buffer.alloc(32, 0x5b));
    assert.throws(() => other.open(sealed));
  });

  test('tampering with the IV, the tag or the ciphertext is detected', () => {
    const sealed = box.seal('router-secret');
    for (const index of [0, 11, 12, 27, 28, 28 + 'router-secret'.length - 1]) {
      assert.throws(() => box.open(tamper(sealed, index)), Error, `byte ${index}`);
    }
  });

  test('a truncated value, a missing version prefix or an unknown version is refused', () => {
    const sealed = box.seal('router-secret');
    assert.throws(() => box.open(sealed.slice(0, 20)), /too short/);
    assert.throws(() => box.open(sealed.slice(3)), /unknown secret format/);
    assert.throws(() => box.open(`v2:${sealed.slice(3)}`), /unknown secret format/);
    assert.throws(() => box.open(sealed.slice(0, -8)));
  });

  test('createSecretBox refuses a key that is not 32 bytes', () => {
    assert.throws(() => createSecretBox(Buffer.alloc(16)), /32 bytes/);
    assert.throws(() => createSecretBox(Buffer.alloc(33)), /32 bytes/);
  });
});

describe('parseKey', () => {
  const bytes = randomBytes(32);

  test('64 hex characters, upper or lower case', () => {
    assert.deepEqual(parseKey(bytes.toString('hex')), bytes);
    assert.deepEqual(parseKey(bytes.toString('hex').toUpperCase()), bytes);
  });

  test('base64 of 32 bytes', () => {
    assert.deepEqual(parseKey(bytes.toString('base64')), bytes);
  });

  test('a wrong length throws an error naming APP_SECRET_KEY', () => {
    for (const bad of ['', 'abc', randomBytes(16).toString('hex'), randomBytes(31).toString('base64'), randomBytes(33).toString('base64'), 'ab'.repeat(33)]) {
      assert.throws(() => parseKey(bad), /APP_SECRET_KEY/, JSON.stringify(bad));
    }
  });
});

describe('resolveKey', () => {
  test('a configured key is used and no file is written', () => {
    const dir = path.join(tmp, 'configured');
    const bytes = randomBytes(32);
    assert.deepEqual(resolveKey(bytes.toString('hex'), dir), { key: bytes, created: false });
    assert.equal(fs.existsSync(path.join(dir, 'secret.key')), false);
  });

  test('without one: creates DATA_DIR/secret.key (mode 0600) once, then reuses it', () => {
    const dir = path.join(tmp, 'nested', 'data');
    const first = resolveKey(undefined, dir);
    assert.equal(first.created, true);
    assert.equal(first.key.length, 32);
    const file = path.join(dir, 'secret.key');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(parseKey(fs.readFileSync(file, 'utf8').trim()), first.key);

    const second = resolveKey(undefined, dir);
    assert.deepEqual(second, { key: first.key, created: false });
    const again = resolveKey('', dir);
    assert.deepEqual(again, { key: first.key, created: false }, 'an empty APP_SECRET_KEY counts as absent');

    const sealed = createSecretBox(first.key).seal('kept across restarts');
    assert.equal(createSecretBox(resolveKey(undefined, dir).key).open(sealed), 'kept across restarts');
  });

  test('a configured key wins over an existing secret.key', () => {
    const dir = path.join(tmp, 'both');
    resolveKey(undefined, dir);
    const bytes = randomBytes(32);
    assert.deepEqual(resolveKey(bytes.toString('base64'), dir).key, bytes);
  });

  test('a corrupt secret.key is an error, not silently replaced', () => {
    const dir = path.join(tmp, 'corrupt');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'secret.key'), 'not a key\n');
    assert.throws(() => resolveKey(undefined, dir), /APP_SECRET_KEY/);
    assert.equal(fs.readFileSync(path.join(dir, 'secret.key'), 'utf8'), 'not a key\n');
  });
});
