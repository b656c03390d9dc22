/**
 * Stage 2: the request's proof against what stage 1 found. A subscription takes PAP, CHAP,
 * MS-CHAP v1 and MS-CHAPv2 with its own password; a voucher takes PAP and CHAP with its code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { authenticatorResponse, msChapV1Response, msChapV2Response, ntPasswordHash } from '../auth/mschap.js';
import { CODE, PASSWORD, SECRET, accessRequest, fixtureIndex, papRequest } from '../../test/helpers/access-request-fixtures.js';
import { findInIndex, type Credential } from './find-credential.js';
import { verifyCredential } from './verify-credential.js';

const index = fixtureIndex();
const sub = findInIndex(index, 'budi') as Credential;
const voucher = findInIndex(index, CODE) as Credential;

function chapPassword(password: string, challenge: Buffer, ident = 5): Buffer {
  const id = Buffer.from([ident]);
  return Buffer.concat([id, createHash('md5').update(id).update(password, 'utf8').update(challenge).digest()]);
}

test('subscription PAP: the right password passes, another fails', () => {
  assert.deepEqual(verifyCredential(papRequest('budi', PASSWORD), SECRET, sub, index), { type: 'pap', ok: true });
  assert.deepEqual(verifyCredential(papRequest('budi', 'wrong'), SECRET, sub, index), { type: 'pap', ok: false });
});

test('subscription CHAP: against CHAP-Challenge when sent, else the Request Authenticator', () => {
  const challenge = randomBytes(16);
  const withChallenge = accessRequest([['User-Name', 'budi'], ['CHAP-Password', chapPassword(PASSWORD, challenge)], ['CHAP-Challenge', challenge]]);
  assert.deepEqual(verifyCredential(withChallenge, SECRET, sub, index), { type: 'chap', ok: true });
  const onAuthenticator = accessRequest((auth) => [['User-Name', 'budi'], ['CHAP-Password', chapPassword(PASSWORD, auth)]]);
  assert.deepEqual(verifyCredential(onAuthenticator, SECRET, sub, index), { type: 'chap', ok: true });
  const wrong = accessRequest((auth) => [['User-Name', 'budi'], ['CHAP-Password', chapPassword('other', auth)]]);
  assert.deepEqual(verifyCredential(wrong, SECRET, sub, index), { type: 'chap', ok: false });
});

test('subscription MS-CHAPv2: success carries the authenticator response; a wrong password fails', () => {
  const authenticatorChallenge = randomBytes(16);
  const peerChallenge = randomBytes(16);
  const response = msChapV2Response({ username: 'budi', password: PASSWORD, authenticatorChallenge, peerChallenge, ident: 9 });
  const p = accessRequest([['User-Name', 'budi'], ['MS-CHAP-Challenge', authenticatorChallenge], ['MS-CHAP2-Response', response]]);
  const r = verifyCredential(p, SECRET, sub, index);
  assert.equal(r.type, 'mschapv2');
  assert.equal(r.ok, true);
  const expected = authenticatorResponse(ntPasswordHash(PASSWORD), response.subarray(26), peerChallenge, authenticatorChallenge, 'budi');
  assert.deepEqual(r.success, Buffer.concat([Buffer.from([9]), Buffer.from(expected, 'latin1')]));
  const bad = msChapV2Response({ username: 'budi', password: 'other', authenticatorChallenge, peerChallenge });
  const q = accessRequest([['User-Name', 'budi'], ['MS-CHAP-Challenge', authenticatorChallenge], ['MS-CHAP2-Response', bad]]);
  assert.deepEqual(verifyCredential(q, SECRET, sub, index), { type: 'mschapv2', ok: false });
});

test('subscription MS-CHAP v1', () => {
  const challenge = randomBytes(8);
  const ok = accessRequest([['User-Name', 'budi'], ['MS-CHAP-Challenge', challenge], ['MS-CHAP-Response', msChapV1Response({ password: PASSWORD, challenge })]]);
  assert.deepEqual(verifyCredential(ok, SECRET, sub, index), { type: 'mschap', ok: true });
  const bad = accessRequest([['User-Name', 'budi'], ['MS-CHAP-Challenge', challenge], ['MS-CHAP-Response', msChapV1Response({ password: 'x', challenge })]]);
  assert.deepEqual(verifyCredential(bad, SECRET, sub, index), { type: 'mschap', ok: false });
});

test('no credentials we take: none (an MS-CHAP-Response without its challenge, or nothing at all)', () => {
  assert.deepEqual(verifyCredential(accessRequest([['User-Name', 'budi']]), SECRET, sub, index), { type: 'none', ok: false });
  const noChallenge = accessRequest([['User-Name', 'budi'], ['MS-CHAP-Response', msChapV1Response({ password: PASSWORD, challenge: randomBytes(8) })]]);
  assert.deepEqual(verifyCredential(noChallenge, SECRET, sub, index), { type: 'none', ok: false });
});

test('PAP wins when a request carries both User-Password and CHAP-Password', () => {
  const p = accessRequest((auth) => [['User-Name', 'budi'], ['CHAP-Password', chapPassword(PASSWORD, auth)]]);
  const both = papRequest('budi', 'wrong', [['CHAP-Password', p.attributes.find((a) => a.type === 3)!.value]]);
  assert.deepEqual(verifyCredential(both, SECRET, sub, index), { type: 'pap', ok: false });
});

test('a voucher: its code by PAP in any case or with a dash, by CHAP in capitals or small letters; no MS-CHAP', () => {
  for (const typed of [CODE, 'abcd-2345']) {
    assert.deepEqual(verifyCredential(papRequest(CODE, typed), SECRET, voucher, index), { type: 'pap', ok: true }, typed);
  }
  assert.deepEqual(verifyCredential(papRequest(CODE, 'ABCD2346'), SECRET, voucher, index), { type: 'pap', ok: false });
  const lower = accessRequest((auth) => [['User-Name', CODE], ['CHAP-Password', chapPassword(CODE.toLowerCase(), auth)]]);
  assert.deepEqual(verifyCredential(lower, SECRET, voucher, index), { type: 'chap', ok: true });
  const challenge = randomBytes(16);
  const ms = accessRequest([['User-Name', CODE], ['MS-CHAP-Challenge', challenge],
    ['MS-CHAP2-Response', msChapV2Response({ username: CODE, password: CODE, authenticatorChallenge: challenge, peerChallenge: randomBytes(16) })]]);
  assert.deepEqual(verifyCredential(ms, SECRET, voucher, index), { type: 'none', ok: false });
});
