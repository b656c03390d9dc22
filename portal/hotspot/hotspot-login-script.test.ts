/**
 * public/hotspot-login.js in Node (the browser journey is test/e2e/hotspot-login.test.ts): its
 * own MD5 against node:crypto for every length around the block boundaries and random data, UTF-8,
 * and the CHAP response RouterOS's login.html computes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import vm from 'node:vm';

interface Api {
  md5Hex(bytes: number[]): string;
  utf8(s: string): number[];
  chapResponse(idHex: string, password: string, challengeHex: string): string;
  normalizeCode(s: string): string;
}

function load(): Api {
  const win: { hotspotLogin?: Api } = {};
  const source = fs.readFileSync(new URL('../../public/hotspot-login.js', import.meta.url), 'utf8');
  vm.runInNewContext(source, { window: win, document: { readyState: 'complete', getElementById: () => null }, Int32Array });
  return win.hotspotLogin!;
}

const api = load();

test('MD5 equals node:crypto for 0-300 bytes and the RFC 1321 test suite', () => {
  for (let n = 0; n <= 300; n++) {
    const b = randomBytes(n);
    assert.equal(api.md5Hex([...b]), createHash('md5').update(b).digest('hex'), `${n} bytes`);
  }
  const suite: Array<[string, string]> = [
    ['', 'd41d8cd98f00b204e9800998ecf8427e'], ['a', '0cc175b9c0f1b6a831c399e269772661'], ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'], ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
  ];
  for (const [text, digest] of suite) assert.equal(api.md5Hex(api.utf8(text)), digest, text);
});

test('UTF-8 as Node encodes it, surrogate pairs included', () => {
  for (const s of ['plain', 'pässwörd', '日本語', '😀x', 'a\u0000b']) assert.deepEqual([...api.utf8(s)], [...Buffer.from(s, 'utf8')], s); // copied: the script's arrays are of another realm
});

test('CHAP response = hex MD5(id + password + challenge), the RADIUS side\'s CHAP-Password', () => {
  const id = Buffer.from([0xf9]);
  const challenge = randomBytes(16);
  const expected = createHash('md5').update(id).update('ABCD2345').update(challenge).digest('hex');
  assert.equal(api.chapResponse('f9', 'ABCD2345', challenge.toString('hex')), expected);
  assert.equal(api.normalizeCode(' abcd-2345 '), 'ABCD2345');
});
