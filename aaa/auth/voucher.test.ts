/** Voucher PAP and CHAP: the code in any case for PAP, the code or its lower case for CHAP. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { hideUserPassword } from '../codec/user-password.js';
import { verifyVoucherChap, verifyVoucherPap } from './voucher.js';

const SECRET = Buffer.from('s3cret');
const CODE = 'ABCD2345';

function chap(password: string, challenge: Buffer): Buffer {
  const ident = randomBytes(1);
  return Buffer.concat([ident, createHash('md5').update(ident).update(password, 'utf8').update(challenge).digest()]);
}

test('PAP: the code as printed, in small letters, with spaces or a dash; not another code', () => {
  const auth = randomBytes(16);
  for (const typed of ['ABCD2345', 'abcd2345', 'ABCD 2345', 'abcd-2345']) {
    assert.equal(verifyVoucherPap(hideUserPassword(typed, auth, SECRET), auth, SECRET, CODE), true, typed);
  }
  for (const typed of ['ABCD2346', 'ABCD234', 'ABCD23455', '']) {
    assert.equal(verifyVoucherPap(hideUserPassword(typed, auth, SECRET), auth, SECRET, CODE), false, typed);
  }
  assert.equal(verifyVoucherPap(Buffer.alloc(15), auth, SECRET, CODE), false, 'a malformed User-Password');
});

test('CHAP: the code or its lower case; a mixed-case or wrong password fails', () => {
  const challenge = randomBytes(16);
  assert.equal(verifyVoucherChap(chap('ABCD2345', challenge), challenge, CODE), true);
  assert.equal(verifyVoucherChap(chap('abcd2345', challenge), challenge, CODE), true);
  assert.equal(verifyVoucherChap(chap('Abcd2345', challenge), challenge, CODE), false);
  assert.equal(verifyVoucherChap(chap('ABCD2346', challenge), challenge, CODE), false);
  assert.equal(verifyVoucherChap(chap('ABCD2345', challenge), randomBytes(16), CODE), false, 'another challenge');
});
