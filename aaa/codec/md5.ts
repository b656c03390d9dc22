/**
 * MD5 and HMAC-MD5 for the RADIUS hot path, where every packet needs two to four digests of a
 * few hundred bytes (RFC 2865 §3 authenticators, RFC 3579 §3.2 Message-Authenticator,
 * RFC 2865 §5.2 User-Password). At that size the cost of a node:crypto Hash object dominates,
 * so digests run through one reused hash-wasm MD5 instance (about 3× faster). Until
 * `initMd5()` has resolved, node:crypto is used: the results are identical.
 *
 * HMAC-MD5 (RFC 2104) = MD5((K ⊕ opad) ‖ MD5((K ⊕ ipad) ‖ m)); the padded keys are computed once
 * per secret (cached by Buffer identity, so pass the same Buffer for a NAS every time).
 */
import { createHash } from 'node:crypto';
import { createMD5, type IHasher } from 'hash-wasm';

let hasher: IHasher | null = null;

/** Loads the WASM MD5. Safe to call more than once; digests before it resolves use node:crypto. */
export async function initMd5(): Promise<void> {
  hasher ??= await createMD5();
}

/** MD5 of `data` (one contiguous buffer). */
export function md5(data: Uint8Array): Buffer {
  if (!hasher) return createHash('md5').update(data).digest();
  hasher.init();
  hasher.update(data);
  const out = hasher.digest('binary');
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

interface KeyPads {
  ipad: Buffer;
  opad: Buffer;
}

const pads = new WeakMap<Buffer, KeyPads>();

function padsFor(key: Buffer): KeyPads {
  let p = pads.get(key);
  if (!p) {
    const k = key.length > 64 ? md5(key) : key;
    const ipad = Buffer.alloc(64, 0x36);
    const opad = Buffer.alloc(64, 0x5c);
    for (let i = 0; i < k.length; i++) {
      ipad[i]! ^= k[i]!;
      opad[i]! ^= k[i]!;
    }
    p = { ipad, opad };
    pads.set(key, p);
  }
  return p;
}

// One scratch area: 64 octets of pad, then the message (RADIUS packets are at most 4096 octets).
const scratch = Buffer.alloc(64 + 4096 + 64);

/**
 * HMAC-MD5(key, data) where `fill(scratch, offset)` writes the message at `offset` and returns
 * its length: callers copy the packet in and zero what must be zero, with no extra buffer.
 */
export function hmacMd5With(key: Buffer, fill: (buf: Buffer, offset: number) => number): Buffer {
  const { ipad, opad } = padsFor(key);
  ipad.copy(scratch, 0);
  const n = fill(scratch, 64);
  const inner = md5(scratch.subarray(0, 64 + n));
  opad.copy(scratch, 0);
  inner.copy(scratch, 64);
  return md5(scratch.subarray(0, 80));
}

/** HMAC-MD5(key, data). */
export function hmacMd5(key: Buffer, data: Uint8Array): Buffer {
  return hmacMd5With(key, (buf, off) => {
    buf.set(data, off);
    return data.length;
  });
}

/** MD5(data ‖ suffix) without concatenating: the RADIUS "packet then secret" digests. */
export function md5Concat(data: Uint8Array, suffix: Uint8Array): Buffer {
  if (data.length + suffix.length > scratch.length) return createHash('md5').update(data).update(suffix).digest();
  scratch.set(data, 0);
  scratch.set(suffix, data.length);
  return md5(scratch.subarray(0, data.length + suffix.length));
}
