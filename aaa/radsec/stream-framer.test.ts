import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamFramer } from './stream-framer.js';

/** A RADIUS-shaped packet: code, identifier, Length, 16-octet authenticator, `body` octets of attributes. */
function packet(identifier: number, body = 0): Buffer {
  const b = Buffer.alloc(20 + body, identifier);
  b[0] = 1;
  b[1] = identifier;
  b.writeUInt16BE(20 + body, 2);
  return b;
}

test('a packet split across reads comes out whole once its last octet arrives', () => {
  const f = new StreamFramer();
  const p = packet(7, 30);
  assert.deepEqual(f.push(p.subarray(0, 3)), { packets: [], error: null }); // not even the Length yet
  assert.deepEqual(f.push(p.subarray(3, 25)), { packets: [], error: null });
  const out = f.push(p.subarray(25));
  assert.equal(out.error, null);
  assert.deepEqual(out.packets, [p]);
  assert.equal(f.buffered, 0);
});

test('several packets in one read come out separately and in order, a partial tail is kept', () => {
  const f = new StreamFramer();
  const a = packet(1, 10);
  const b = packet(2, 0);
  const c = packet(3, 40);
  const out = f.push(Buffer.concat([a, b, c.subarray(0, 10)]));
  assert.deepEqual(out.packets.map((x) => x[1]), [1, 2]);
  assert.deepEqual(out.packets, [a, b]);
  assert.equal(f.buffered, 10);
  assert.deepEqual(f.push(c.subarray(10)).packets, [c]);
});

test('packets handed out are copies: reusing the read buffer does not change them', () => {
  const f = new StreamFramer();
  const chunk = packet(9, 4);
  const [p] = f.push(chunk).packets;
  chunk.fill(0);
  assert.equal(p![1], 9);
});

test('a Length above 4096 (RFC 2865 §3) is an error, and the framer stays failed', () => {
  const f = new StreamFramer();
  const bad = packet(1, 0);
  bad.writeUInt16BE(4097, 2);
  const out = f.push(Buffer.concat([packet(5, 0), bad]));
  assert.equal(out.error, 'bad_length');
  assert.deepEqual(out.packets.map((x) => x[1]), [5]); // what came before the bad header is still whole
  assert.deepEqual(f.push(packet(6, 0)), { packets: [], error: 'bad_length' });
});

test('a Length below the 20-octet header and plain garbage are errors', () => {
  const short = packet(1, 0);
  short.writeUInt16BE(19, 2);
  assert.equal(new StreamFramer().push(short).error, 'bad_length');
  assert.equal(new StreamFramer().push(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')).error, 'bad_length');
  assert.equal(new StreamFramer().push(Buffer.alloc(64)).error, 'bad_length'); // Length 0
});

test('a packet of exactly 4096 octets is accepted', () => {
  const p = packet(4, 4096 - 20);
  assert.deepEqual(new StreamFramer().push(p), { packets: [p], error: null });
});
