/**
 * MD5 (RFC 1321) and HMAC-MD5 (RFC 2104) for the RADIUS hot path, where every packet needs two
 * to four digests of a few hundred octets (RFC 2865 §3 authenticators, RFC 3579 §3.2
 * Message-Authenticator, RFC 2865 §5.2 User-Password). At that size a node:crypto Hash object
 * costs more to create than the hashing itself (Node 20 has no one-shot crypto.hash), so this is
 * a small allocation-free MD5 over preallocated words; HMAC keeps the states after the padded
 * key blocks per secret, so each HMAC hashes only the message and one outer block.
 *
 * Tested against node:crypto on random inputs of every length up to several blocks
 * (aaa/codec/md5.test.ts). Not for anything but these RADIUS digests (MD5 is broken for
 * collision resistance; RADIUS fixes the algorithm).
 */
import { createHash } from 'node:crypto';
import os from 'node:os';

const LE = os.endianness() === 'LE';
// Message words of the block being hashed, and a byte view of the padding scratch.
const MAX = 4096 + 64 + 72;
const scratch = new Uint8Array(MAX);
const words = new Int32Array(scratch.buffer, 0, MAX >> 2);
const st = new Int32Array(4);

const INIT = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476);

/**
 * One 64-octet block (RFC 1321 §3.4) of words x[o..o+15] into state s: the 64 steps written out
 * (generated from the RFC's tables), F/G/H/I inline, so V8 compiles it to straight-line code.
 */
function block(s: Int32Array, x: Int32Array, o: number): void {
  let a = s[0]!, b = s[1]!, c = s[2]!, d = s[3]!;
  const x0 = x[o]!, x1 = x[o + 1]!, x2 = x[o + 2]!, x3 = x[o + 3]!, x4 = x[o + 4]!, x5 = x[o + 5]!, x6 = x[o + 6]!, x7 = x[o + 7]!;
  const x8 = x[o + 8]!, x9 = x[o + 9]!, x10 = x[o + 10]!, x11 = x[o + 11]!, x12 = x[o + 12]!, x13 = x[o + 13]!, x14 = x[o + 14]!, x15 = x[o + 15]!;
  let t: number;
  t = (a + ((b & c) | (~b & d)) + x0 - 680876936) | 0;
  a = (((t << 7) | (t >>> 25)) + b) | 0;
  t = (d + ((a & b) | (~a & c)) + x1 - 389564586) | 0;
  d = (((t << 12) | (t >>> 20)) + a) | 0;
  t = (c + ((d & a) | (~d & b)) + x2 + 606105819) | 0;
  c = (((t << 17) | (t >>> 15)) + d) | 0;
  t = (b + ((c & d) | (~c & a)) + x3 - 1044525330) | 0;
  b = (((t << 22) | (t >>> 10)) + c) | 0;
  t = (a + ((b & c) | (~b & d)) + x4 - 176418897) | 0;
  a = (((t << 7) | (t >>> 25)) + b) | 0;
  t = (d + ((a & b) | (~a & c)) + x5 + 1200080426) | 0;
  d = (((t << 12) | (t >>> 20)) + a) | 0;
  t = (c + ((d & a) | (~d & b)) + x6 - 1473231341) | 0;
  c = (((t << 17) | (t >>> 15)) + d) | 0;
  t = (b + ((c & d) | (~c & a)) + x7 - 45705983) | 0;
  b = (((t << 22) | (t >>> 10)) + c) | 0;
  t = (a + ((b & c) | (~b & d)) + x8 + 1770035416) | 0;
  a = (((t << 7) | (t >>> 25)) + b) | 0;
  t = (d + ((a & b) | (~a & c)) + x9 - 1958414417) | 0;
  d = (((t << 12) | (t >>> 20)) + a) | 0;
  t = (c + ((d & a) | (~d & b)) + x10 - 42063) | 0;
  c = (((t << 17) | (t >>> 15)) + d) | 0;
  t = (b + ((c & d) | (~c & a)) + x11 - 1990404162) | 0;
  b = (((t << 22) | (t >>> 10)) + c) | 0;
  t = (a + ((b & c) | (~b & d)) + x12 + 1804603682) | 0;
  a = (((t << 7) | (t >>> 25)) + b) | 0;
  t = (d + ((a & b) | (~a & c)) + x13 - 40341101) | 0;
  d = (((t << 12) | (t >>> 20)) + a) | 0;
  t = (c + ((d & a) | (~d & b)) + x14 - 1502002290) | 0;
  c = (((t << 17) | (t >>> 15)) + d) | 0;
  t = (b + ((c & d) | (~c & a)) + x15 + 1236535329) | 0;
  b = (((t << 22) | (t >>> 10)) + c) | 0;
  t = (a + ((b & d) | (c & ~d)) + x1 - 165796510) | 0;
  a = (((t << 5) | (t >>> 27)) + b) | 0;
  t = (d + ((a & c) | (b & ~c)) + x6 - 1069501632) | 0;
  d = (((t << 9) | (t >>> 23)) + a) | 0;
  t = (c + ((d & b) | (a & ~b)) + x11 + 643717713) | 0;
  c = (((t << 14) | (t >>> 18)) + d) | 0;
  t = (b + ((c & a) | (d & ~a)) + x0 - 373897302) | 0;
  b = (((t << 20) | (t >>> 12)) + c) | 0;
  t = (a + ((b & d) | (c & ~d)) + x5 - 701558691) | 0;
  a = (((t << 5) | (t >>> 27)) + b) | 0;
  t = (d + ((a & c) | (b & ~c)) + x10 + 38016083) | 0;
  d = (((t << 9) | (t >>> 23)) + a) | 0;
  t = (c + ((d & b) | (a & ~b)) + x15 - 660478335) | 0;
  c = (((t << 14) | (t >>> 18)) + d) | 0;
  t = (b + ((c & a) | (d & ~a)) + x4 - 405537848) | 0;
  b = (((t << 20) | (t >>> 12)) + c) | 0;
  t = (a + ((b & d) | (c & ~d)) + x9 + 568446438) | 0;
  a = (((t << 5) | (t >>> 27)) + b) | 0;
  t = (d + ((a & c) | (b & ~c)) + x14 - 1019803690) | 0;
  d = (((t << 9) | (t >>> 23)) + a) | 0;
  t = (c + ((d & b) | (a & ~b)) + x3 - 187363961) | 0;
  c = (((t << 14) | (t >>> 18)) + d) | 0;
  t = (b + ((c & a) | (d & ~a)) + x8 + 1163531501) | 0;
  b = (((t << 20) | (t >>> 12)) + c) | 0;
  t = (a + ((b & d) | (c & ~d)) + x13 - 1444681467) | 0;
  a = (((t << 5) | (t >>> 27)) + b) | 0;
  t = (d + ((a & c) | (b & ~c)) + x2 - 51403784) | 0;
  d = (((t << 9) | (t >>> 23)) + a) | 0;
  t = (c + ((d & b) | (a & ~b)) + x7 + 1735328473) | 0;
  c = (((t << 14) | (t >>> 18)) + d) | 0;
  t = (b + ((c & a) | (d & ~a)) + x12 - 1926607734) | 0;
  b = (((t << 20) | (t >>> 12)) + c) | 0;
  t = (a + (b ^ c ^ d) + x5 - 378558) | 0;
  a = (((t << 4) | (t >>> 28)) + b) | 0;
  t = (d + (a ^ b ^ c) + x8 - 2022574463) | 0;
  d = (((t << 11) | (t >>> 21)) + a) | 0;
  t = (c + (d ^ a ^ b) + x11 + 1839030562) | 0;
  c = (((t << 16) | (t >>> 16)) + d) | 0;
  t = (b + (c ^ d ^ a) + x14 - 35309556) | 0;
  b = (((t << 23) | (t >>> 9)) + c) | 0;
  t = (a + (b ^ c ^ d) + x1 - 1530992060) | 0;
  a = (((t << 4) | (t >>> 28)) + b) | 0;
  t = (d + (a ^ b ^ c) + x4 + 1272893353) | 0;
  d = (((t << 11) | (t >>> 21)) + a) | 0;
  t = (c + (d ^ a ^ b) + x7 - 155497632) | 0;
  c = (((t << 16) | (t >>> 16)) + d) | 0;
  t = (b + (c ^ d ^ a) + x10 - 1094730640) | 0;
  b = (((t << 23) | (t >>> 9)) + c) | 0;
  t = (a + (b ^ c ^ d) + x13 + 681279174) | 0;
  a = (((t << 4) | (t >>> 28)) + b) | 0;
  t = (d + (a ^ b ^ c) + x0 - 358537222) | 0;
  d = (((t << 11) | (t >>> 21)) + a) | 0;
  t = (c + (d ^ a ^ b) + x3 - 722521979) | 0;
  c = (((t << 16) | (t >>> 16)) + d) | 0;
  t = (b + (c ^ d ^ a) + x6 + 76029189) | 0;
  b = (((t << 23) | (t >>> 9)) + c) | 0;
  t = (a + (b ^ c ^ d) + x9 - 640364487) | 0;
  a = (((t << 4) | (t >>> 28)) + b) | 0;
  t = (d + (a ^ b ^ c) + x12 - 421815835) | 0;
  d = (((t << 11) | (t >>> 21)) + a) | 0;
  t = (c + (d ^ a ^ b) + x15 + 530742520) | 0;
  c = (((t << 16) | (t >>> 16)) + d) | 0;
  t = (b + (c ^ d ^ a) + x2 - 995338651) | 0;
  b = (((t << 23) | (t >>> 9)) + c) | 0;
  t = (a + (c ^ (b | ~d)) + x0 - 198630844) | 0;
  a = (((t << 6) | (t >>> 26)) + b) | 0;
  t = (d + (b ^ (a | ~c)) + x7 + 1126891415) | 0;
  d = (((t << 10) | (t >>> 22)) + a) | 0;
  t = (c + (a ^ (d | ~b)) + x14 - 1416354905) | 0;
  c = (((t << 15) | (t >>> 17)) + d) | 0;
  t = (b + (d ^ (c | ~a)) + x5 - 57434055) | 0;
  b = (((t << 21) | (t >>> 11)) + c) | 0;
  t = (a + (c ^ (b | ~d)) + x12 + 1700485571) | 0;
  a = (((t << 6) | (t >>> 26)) + b) | 0;
  t = (d + (b ^ (a | ~c)) + x3 - 1894986606) | 0;
  d = (((t << 10) | (t >>> 22)) + a) | 0;
  t = (c + (a ^ (d | ~b)) + x10 - 1051523) | 0;
  c = (((t << 15) | (t >>> 17)) + d) | 0;
  t = (b + (d ^ (c | ~a)) + x1 - 2054922799) | 0;
  b = (((t << 21) | (t >>> 11)) + c) | 0;
  t = (a + (c ^ (b | ~d)) + x8 + 1873313359) | 0;
  a = (((t << 6) | (t >>> 26)) + b) | 0;
  t = (d + (b ^ (a | ~c)) + x15 - 30611744) | 0;
  d = (((t << 10) | (t >>> 22)) + a) | 0;
  t = (c + (a ^ (d | ~b)) + x6 - 1560198380) | 0;
  c = (((t << 15) | (t >>> 17)) + d) | 0;
  t = (b + (d ^ (c | ~a)) + x13 + 1309151649) | 0;
  b = (((t << 21) | (t >>> 11)) + c) | 0;
  t = (a + (c ^ (b | ~d)) + x4 - 145523070) | 0;
  a = (((t << 6) | (t >>> 26)) + b) | 0;
  t = (d + (b ^ (a | ~c)) + x11 - 1120210379) | 0;
  d = (((t << 10) | (t >>> 22)) + a) | 0;
  t = (c + (a ^ (d | ~b)) + x2 + 718787259) | 0;
  c = (((t << 15) | (t >>> 17)) + d) | 0;
  t = (b + (d ^ (c | ~a)) + x9 - 343485551) | 0;
  b = (((t << 21) | (t >>> 11)) + c) | 0;
  s[0] = (s[0]! + a) | 0;
  s[1] = (s[1]! + b) | 0;
  s[2] = (s[2]! + c) | 0;
  s[3] = (s[3]! + d) | 0;
}

/**
 * Finishes a digest whose message (its last `n` octets, after `prefixLength` octets already
 * absorbed into `from`) has been placed at scratch[0..n): pads, hashes, returns 16 octets.
 */
function finish(from: Int32Array, prefixLength: number, n: number): Buffer {
  st.set(from);
  scratch[n] = 0x80;
  let end = n + 1;
  const padTo = ((end + 8 + 63) >> 6) << 6;
  scratch.fill(0, end, padTo - 8);
  const bits = (prefixLength + n) * 8;
  // Length in bits, little-endian 64-bit (messages here are far below 2^32 bits).
  words[(padTo >> 2) - 2] = bits | 0;
  words[(padTo >> 2) - 1] = Math.floor(bits / 0x1_0000_0000) | 0;
  end = padTo;
  for (let o = 0; o < end >> 2; o += 16) block(st, words, o);
  const out = Buffer.allocUnsafe(16);
  out.writeInt32LE(st[0]!, 0);
  out.writeInt32LE(st[1]!, 4);
  out.writeInt32LE(st[2]!, 8);
  out.writeInt32LE(st[3]!, 12);
  return out;
}

/** MD5 of `data`. */
export function md5(data: Uint8Array): Buffer {
  if (!LE || data.length > 4096 + 64) return createHash('md5').update(data).digest();
  scratch.set(data, 0);
  return finish(INIT, 0, data.length);
}

/** MD5(data ‖ suffix) without concatenating: the RADIUS "packet then secret" digests. */
export function md5Concat(data: Uint8Array, suffix: Uint8Array): Buffer {
  const n = data.length + suffix.length;
  if (!LE || n > 4096 + 64) return createHash('md5').update(data).update(suffix).digest();
  scratch.set(data, 0);
  scratch.set(suffix, data.length);
  return finish(INIT, 0, n);
}

interface KeyStates {
  inner: Int32Array;
  outer: Int32Array;
}

const states = new WeakMap<Buffer, KeyStates>();

/** The MD5 states after absorbing K ⊕ ipad and K ⊕ opad (RFC 2104 §2), once per secret Buffer. */
function statesFor(key: Buffer): KeyStates {
  let k = states.get(key);
  if (!k) {
    const kk = key.length > 64 ? createHash('md5').update(key).digest() : key;
    const pad = (byte: number): Int32Array => {
      const b = new Uint8Array(64).fill(byte);
      for (let i = 0; i < kk.length; i++) b[i] = b[i]! ^ kk[i]!;
      const s = Int32Array.from(INIT);
      block(s, new Int32Array(b.buffer), 0);
      return s;
    };
    k = { inner: pad(0x36), outer: pad(0x5c) };
    states.set(key, k);
  }
  return k;
}

/**
 * HMAC-MD5(key, m) where `fill(buf, 0)` writes m into the scratch at offset 0 and returns its
 * length: callers copy the packet in and zero what must be zero, with no extra buffer. `fill`
 * must not call this module.
 */
export function hmacMd5With(key: Buffer, fill: (buf: Buffer, offset: number) => number): Buffer {
  const { inner, outer } = statesFor(key);
  const n = fill(scratchBuffer, 0);
  if (!LE || n > 4096) {
    const copy = Buffer.from(scratchBuffer.subarray(0, n));
    const i = createHash('md5').update(padded(key, 0x36)).update(copy).digest();
    return createHash('md5').update(padded(key, 0x5c)).update(i).digest();
  }
  const innerDigest = finish(inner, 64, n);
  scratch.set(innerDigest, 0);
  return finish(outer, 64, 16);
}

/** HMAC-MD5(key, data). */
export function hmacMd5(key: Buffer, data: Uint8Array): Buffer {
  return hmacMd5With(key, (buf, off) => {
    buf.set(data, off);
    return data.length;
  });
}

const scratchBuffer = Buffer.from(scratch.buffer, 0, 4096 + 64);

function padded(key: Buffer, byte: number): Buffer {
  const kk = key.length > 64 ? createHash('md5').update(key).digest() : key;
  const b = Buffer.alloc(64, byte);
  for (let i = 0; i < kk.length; i++) b[i] = b[i]! ^ kk[i]!;
  return b;
}
