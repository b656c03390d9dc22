/**
 * User-Password hiding (RFC 2865 §5.2): the RFC's own vectors, round trips at the block edges,
 * the 128-octet limit, and values that cannot be a hidden password.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { hideUserPassword, revealUserPassword } from './user-password.js';

const SECRET = Buffer.from('xyzzy5461');

/** RFC 2865 §5.2 written out independently: c(i) = p(i) xor MD5(S + c(i-1)), c(0) = RA. */
function rfcHide(password: Buffer, ra: Buffer, secret: Buffer): Buffer {
  const padded = Buffer.alloc(Math.max(16, Math.ceil(password.length / 16) * 16));
  password.copy(padded);
  const out = Buffer.alloc(padded.length);
  let prev = ra;
  for (let i = 0; i < padded.length; i += 16) {
    const b = createHash('md5').update(Buffer.concat([secret, prev])).digest();
    for (let j = 0; j < 16; j++) out[i + j] = padded[i + j]! ^ b[j]!;
    prev = out.subarray(i, i + 16);
  }
  return out;
}

test('RFC 2865 §7 vectors: hiding reproduces the RFC octets and revealing recovers the password', () => {
  const vectors: Array<[string, string, string]> = [
    // [Request Authenticator, hidden User-Password, password] from the §7.1 and §7.3 hex dumps
    ['0f403f9473978057bd83d5cb98f4227a', '0dbe708d93d413ce3196e43f782a0aee', 'arctangent'],
    ['f3a47a1f6a6d76710b947ab93041a039', '33657573778289b570885e15084825c5', 'challenge'],
    ['b122556d428a13d0d6253807c457ecf0', '692c1f205fc081b919b95195f561a581', '99101462'],
  ];
  for (const [ra, hidden, password] of vectors) {
    const auth = Buffer.from(ra, 'hex');
    assert.deepEqual(hideUserPassword(password, auth, SECRET), Buffer.from(hidden, 'hex'), password);
    assert.equal(revealUserPassword(Buffer.from(hidden, 'hex'), auth, SECRET)?.toString('utf8'), password);
  }
});

test('round trip for 0, 1, 15, 16, 17 and 128 octets, padded to a multiple of 16 (at least 16)', () => {
  const ra = Buffer.from('5f1b4ed3a8e2c4d7963a0b1c2d3e4f50', 'hex');
  const secret = Buffer.from('mikrotik-secret');
  for (const n of [0, 1, 15, 16, 17, 31, 32, 33, 127, 128]) {
    const password = Buffer.alloc(n);
    for (let i = 0; i < n; i++) password[i] = 0x21 + ((i * 7) % 94); // printable, no NUL
    const hidden = hideUserPassword(password, ra, secret);
    assert.equal(hidden.length, Math.max(16, Math.ceil(n / 16) * 16), `${n} octets`);
    assert.deepEqual(hidden, rfcHide(password, ra, secret), `${n} octets: RFC 2865 §5.2`);
    assert.deepEqual(revealUserPassword(hidden, ra, secret), password, `${n} octets`);
  }
});

test('the limit is 128 octets, not 128 characters: longer passwords throw RangeError', () => {
  const ra = Buffer.alloc(16, 3);
  assert.throws(() => hideUserPassword('x'.repeat(129), ra, SECRET), RangeError);
  assert.throws(() => hideUserPassword(Buffer.alloc(129, 0x61), ra, SECRET), RangeError);
  assert.equal(hideUserPassword('é'.repeat(64), ra, SECRET).length, 128);
  assert.throws(() => hideUserPassword('é'.repeat(65), ra, SECRET), RangeError, '65 characters are 130 octets');
  assert.equal(revealUserPassword(hideUserPassword('é'.repeat(64), ra, SECRET), ra, SECRET)?.toString('utf8'), 'é'.repeat(64));
});

test('a hidden value that is not 16-128 octets in steps of 16 returns null', () => {
  const ra = Buffer.alloc(16, 9);
  for (const n of [0, 1, 15, 17, 31, 100, 129, 144, 253]) {
    assert.equal(revealUserPassword(Buffer.alloc(n, 0x55), ra, SECRET), null, `${n} octets`);
  }
});

test('the wrong secret or the wrong authenticator does not reveal the password', () => {
  const ra = Buffer.from('0f403f9473978057bd83d5cb98f4227a', 'hex');
  const hidden = hideUserPassword('arctangent', ra, SECRET);
  assert.notEqual(revealUserPassword(hidden, ra, Buffer.from('xyzzy5462'))?.toString('utf8'), 'arctangent');
  assert.notEqual(revealUserPassword(hidden, Buffer.alloc(16), SECRET)?.toString('utf8'), 'arctangent');
});
