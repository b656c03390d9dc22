import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { hmacMd5, hmacMd5With, md5, md5Concat } from './md5.js';

test('md5 equals node:crypto for every length from 0 to 300 octets and for large inputs', () => {
  for (let n = 0; n <= 300; n++) {
    const data = randomBytes(n);
    assert.deepEqual(md5(data), createHash('md5').update(data).digest(), `length ${n}`);
  }
  for (const n of [1000, 4095, 4096, 4160, 5000]) {
    const data = randomBytes(n);
    assert.deepEqual(md5(data), createHash('md5').update(data).digest(), `length ${n}`);
  }
});

test('md5 of the RFC 1321 §A.5 test suite', () => {
  const suite: Array<[string, string]> = [
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
  ];
  for (const [input, hex] of suite) assert.equal(md5(Buffer.from(input)).toString('hex'), hex, input);
});

test('md5Concat equals the digest of the concatenation', () => {
  for (let i = 0; i < 200; i++) {
    const a = randomBytes(Math.floor(Math.random() * 300));
    const b = randomBytes(Math.floor(Math.random() * 70));
    assert.deepEqual(md5Concat(a, b), createHash('md5').update(a).update(b).digest());
  }
});

test('hmacMd5 equals node:crypto, for short, 64-octet and longer-than-a-block keys', () => {
  for (const keyLength of [1, 10, 16, 63, 64, 65, 100]) {
    const key = randomBytes(keyLength);
    for (const n of [0, 1, 55, 56, 64, 119, 120, 200, 1500, 4096]) {
      const data = randomBytes(n);
      assert.deepEqual(hmacMd5(key, data), createHmac('md5', key).update(data).digest(), `key ${keyLength}, data ${n}`);
    }
  }
});

test('RFC 2104 test vector', () => {
  const key = Buffer.alloc(16, 0x0b);
  assert.equal(hmacMd5(key, Buffer.from('Hi There')).toString('hex'), '9294727a3638bb1c13f48ef8158bfc9d');
});

test('hmacMd5With hashes what the callback wrote, and the result does not change with later calls', () => {
  const key = Buffer.from('secret');
  const packet = randomBytes(120);
  const expected = createHmac('md5', key).update(Buffer.concat([packet.subarray(0, 40), Buffer.alloc(16), packet.subarray(56)])).digest();
  const got = hmacMd5With(key, (buf, off) => {
    packet.copy(buf, off);
    buf.fill(0, off + 40, off + 56);
    return packet.length;
  });
  md5(randomBytes(64));
  assert.deepEqual(got, expected);
});
