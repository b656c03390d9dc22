/**
 * MS-CHAP v1 (RFC 2433) and v2 (RFC 2759) as carried in RADIUS (RFC 2548): checking a peer's
 * NT-Response against the subscriber's cleartext password, building the MS-CHAP2-Success value,
 * and the client side (tests, benchmarks, radclient helpers).
 *
 * Attribute values (vendor Microsoft, 311), all octets:
 * - MS-CHAP-Challenge (11): 8 octets for v1, 16 for v2 (the Authenticator Challenge).
 * - MS-CHAP-Response (1), v1: Ident(1) Flags(1) LM-Response(24) NT-Response(24) = 50 octets
 *   (RFC 2548 §2.1.3).
 * - MS-CHAP2-Response (25): Ident(1) Flags(1) Peer-Challenge(16) Reserved(8) NT-Response(24)
 *   = 50 octets (RFC 2548 §2.3.2).
 * - MS-CHAP2-Success (26): Ident(1) then ASCII "S=" + 40 uppercase hex digits = 43 octets
 *   (RFC 2548 §2.3.3, RFC 2759 §5 and §8.7).
 *
 * Node 20's OpenSSL 3 refuses MD4 and DES, so MD4 is js-md4 and DES is des.js; SHA-1 is
 * node:crypto. Only `md4.arrayBuffer` is used: js-md4's default export `md4(x)` delegates to
 * node:crypto under Node and would throw.
 *
 * The verify functions never throw on packet input: wrong sizes, wrong passwords and malformed
 * values are `false` / `{ ok: false }`. Digests are compared with crypto.timingSafeEqual.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { DES } from 'des.js';
import md4 from 'js-md4';

/** Octets in an MS-CHAP-Response or MS-CHAP2-Response value. */
export const MSCHAP_RESPONSE_LENGTH = 50;
/** Octets in MS-CHAP-Challenge for v1 (RFC 2433 §5, "8-octet challenge"). */
export const MSCHAP_V1_CHALLENGE_LENGTH = 8;
/** Octets in MS-CHAP-Challenge for v2 (RFC 2759 §3, "16-octet random number"). */
export const MSCHAP_V2_CHALLENGE_LENGTH = 16;

const PEER_CHALLENGE_OFFSET = 2;
const PEER_CHALLENGE_LENGTH = 16;
const NT_RESPONSE_OFFSET = 26; // same place in v1 (after the LM-Response) and v2 (after Reserved)
const NT_RESPONSE_LENGTH = 24;
const SUCCESS_LENGTH = 43; // Ident + "S=" + 40 hex digits

// RFC 2759 §8.7 GenerateAuthenticatorResponse constants.
const MAGIC1 = Buffer.from('Magic server to client signing constant', 'latin1');
const MAGIC2 = Buffer.from('Pad to make it do more than one iteration', 'latin1');

const FAIL: { ok: false } = Object.freeze({ ok: false as const });

// Scratch for the DES steps. Everything below is synchronous, so one module-level copy is safe
// and spares two allocations per login on the hot path.
const zPasswordHash = new Uint8Array(21); // RFC 2759 §8.5: the 16-octet hash zero-padded to 21
const desKey = new Uint8Array(8);

/**
 * NtPasswordHash (RFC 2759 §8.3, RFC 2433 §A.2): MD4 of the password in UTF-16LE ("Unicode").
 * @param password cleartext, any length (the RFC caps it at 256 characters; we do not enforce it).
 * @returns 16 octets.
 */
export function ntPasswordHash(password: string): Buffer {
  return Buffer.from(md4.arrayBuffer(Buffer.from(password, 'utf16le')));
}

/** HashNtPasswordHash (RFC 2759 §8.4): MD4 of a 16-octet NT password hash; 16 octets. */
export function hashNtPasswordHash(passwordHash: Uint8Array): Buffer {
  return Buffer.from(md4.arrayBuffer(passwordHash));
}

/**
 * The user name ChallengeHash uses: RFC 2759 §8.2 excludes any prepended domain name, so
 * `DOMAIN\user` becomes `user` (split at the first backslash, as FreeRADIUS does).
 */
export function mschapUserName(username: string): string {
  const slash = username.indexOf('\\');
  return slash < 0 ? username : username.slice(slash + 1);
}

/**
 * ChallengeHash (RFC 2759 §8.2): the first 8 octets of
 * SHA-1(PeerChallenge(16) | AuthenticatorChallenge(16) | UserName), the user name as UTF-8
 * octets without any `DOMAIN\` prefix.
 * @returns 8 octets.
 */
export function challengeHash(peerChallenge: Uint8Array, authenticatorChallenge: Uint8Array, username: string): Buffer {
  return createHash('sha1')
    .update(peerChallenge)
    .update(authenticatorChallenge)
    .update(mschapUserName(username), 'utf8')
    .digest()
    .subarray(0, 8);
}

/** Odd DES parity in the low bit over the 7 key bits above it (FIPS 46; des.js ignores it anyway). */
function withOddParity(b: number): number {
  b &= 0xfe;
  let x = b ^ (b >> 4);
  x ^= x >> 2;
  x ^= x >> 1;
  return b | (~x & 1);
}

/**
 * DesEncrypt (RFC 2759 §8.6): one DES-ECB block of `clear` (8 octets at clearOff) under the
 * 56-bit key `src[off..off+7)`, spread over 8 octets of 7 bits each with a parity bit, into
 * `out[outOff..outOff+8)`.
 */
function desEncrypt(src: Uint8Array, off: number, clear: Uint8Array, out: Uint8Array, outOff: number): void {
  const k0 = src[off]!, k1 = src[off + 1]!, k2 = src[off + 2]!, k3 = src[off + 3]!;
  const k4 = src[off + 4]!, k5 = src[off + 5]!, k6 = src[off + 6]!;
  desKey[0] = withOddParity(k0);
  desKey[1] = withOddParity((k0 << 7) | (k1 >> 1));
  desKey[2] = withOddParity((k1 << 6) | (k2 >> 2));
  desKey[3] = withOddParity((k2 << 5) | (k3 >> 3));
  desKey[4] = withOddParity((k3 << 4) | (k4 >> 4));
  desKey[5] = withOddParity((k4 << 3) | (k5 >> 5));
  desKey[6] = withOddParity((k5 << 2) | (k6 >> 6));
  desKey[7] = withOddParity(k6 << 1);
  const block = DES.create({ type: 'encrypt', key: desKey, padding: false }).update(clear);
  for (let i = 0; i < 8; i++) out[outOff + i] = block[i]!;
}

/**
 * ChallengeResponse (RFC 2759 §8.5, RFC 2433 §A.5): the 8-octet challenge DES-encrypted under
 * each third of the zero-padded 21-octet password hash.
 * @param challenge 8 octets (v1: MS-CHAP-Challenge; v2: ChallengeHash).
 * @param passwordHash 16 octets (NtPasswordHash).
 * @returns the 24-octet NT-Response.
 * @throws RangeError when a size is wrong (programming error, not packet input).
 */
export function challengeResponse(challenge: Uint8Array, passwordHash: Uint8Array): Buffer {
  if (challenge.length !== 8 || passwordHash.length !== 16) throw new RangeError('challengeResponse: need an 8-octet challenge and a 16-octet hash');
  const out = Buffer.allocUnsafe(NT_RESPONSE_LENGTH);
  zPasswordHash.set(passwordHash); // octets 16-20 stay zero
  desEncrypt(zPasswordHash, 0, challenge, out, 0);
  desEncrypt(zPasswordHash, 7, challenge, out, 8);
  desEncrypt(zPasswordHash, 14, challenge, out, 16);
  return out;
}

/** RFC 2759 §8.7 with the ChallengeHash already computed: the 20-octet digest behind "S=". */
function authenticatorDigest(passwordHash: Uint8Array, ntResponse: Uint8Array, challenge8: Uint8Array): Buffer {
  const first = createHash('sha1').update(hashNtPasswordHash(passwordHash)).update(ntResponse).update(MAGIC1).digest();
  return createHash('sha1').update(first).update(challenge8).update(MAGIC2).digest();
}

/**
 * GenerateAuthenticatorResponse (RFC 2759 §8.7).
 * @param passwordHash 16 octets (NtPasswordHash).
 * @param ntResponse the peer's 24-octet NT-Response.
 * @param peerChallenge 16 octets; authenticatorChallenge 16 octets; username as for challengeHash.
 * @returns the 42-character ASCII string "S=" + 40 uppercase hex digits.
 */
export function authenticatorResponse(
  passwordHash: Uint8Array,
  ntResponse: Uint8Array,
  peerChallenge: Uint8Array,
  authenticatorChallenge: Uint8Array,
  username: string,
): string {
  const challenge8 = challengeHash(peerChallenge, authenticatorChallenge, username);
  return `S=${authenticatorDigest(passwordHash, ntResponse, challenge8).toString('hex').toUpperCase()}`;
}

function isBufferOf(b: unknown, length: number): b is Buffer {
  return Buffer.isBuffer(b) && b.length === length;
}

/** MS-CHAP v2 (RFC 2759) carried in RADIUS (RFC 2548 §2.3.2 MS-CHAP2-Response, §2.3.3 MS-CHAP2-Success). */
export function verifyMsChapV2(args: {
  /** User-Name as received; ChallengeHash drops any `DOMAIN\` prefix (RFC 2759 §8.2). */
  username: string;
  /** Cleartext (UTF-8 string; the NT hash uses UTF-16LE, RFC 2759 §8.3). */
  password: string;
  /** MS-CHAP-Challenge value; must be 16 octets. */
  authenticatorChallenge: Buffer;
  /** MS-CHAP2-Response value; must be 50 octets: Ident Flags Peer-Challenge(16) Reserved(8) NT-Response(24). */
  response: Buffer;
}): { ok: true; success: Buffer } | { ok: false } {
  const { username, password, authenticatorChallenge, response } = args;
  if (
    typeof username !== 'string' ||
    typeof password !== 'string' ||
    !isBufferOf(authenticatorChallenge, MSCHAP_V2_CHALLENGE_LENGTH) ||
    !isBufferOf(response, MSCHAP_RESPONSE_LENGTH)
  ) {
    return FAIL;
  }
  // Flags and Reserved must be zero (RFC 2759 §4) but carry nothing we check, as in FreeRADIUS.
  const peerChallenge = response.subarray(PEER_CHALLENGE_OFFSET, PEER_CHALLENGE_OFFSET + PEER_CHALLENGE_LENGTH);
  const received = response.subarray(NT_RESPONSE_OFFSET, NT_RESPONSE_OFFSET + NT_RESPONSE_LENGTH);
  const passwordHash = ntPasswordHash(password);
  const challenge8 = challengeHash(peerChallenge, authenticatorChallenge, username);
  if (!timingSafeEqual(challengeResponse(challenge8, passwordHash), received)) return FAIL;

  const success = Buffer.allocUnsafe(SUCCESS_LENGTH);
  success[0] = response[0]!; // RFC 2548 §2.3.3: the Ident of the MS-CHAP2-Response
  success[1] = 0x53; // 'S'
  success[2] = 0x3d; // '='
  success.write(authenticatorDigest(passwordHash, received, challenge8).toString('hex').toUpperCase(), 3, 'latin1');
  return { ok: true, success };
}

/**
 * MS-CHAP v1 (RFC 2433) in RADIUS (RFC 2548: MS-CHAP-Challenge, 8 octets; MS-CHAP-Response,
 * 50 octets: Ident, Flags, LM-Response(24), NT-Response(24)).
 *
 * Only the NT-Response is checked: Flags must have bit 0 ("use the NT-Response", RFC 2433 §5)
 * set, as FreeRADIUS requires. Flags = 0 (LM-Response only) is rejected: LM is broken and
 * RouterOS never needs it.
 * @returns true when the NT-Response matches `password`; false otherwise, including bad sizes.
 */
export function verifyMsChapV1(args: { password: string; challenge: Buffer; response: Buffer }): boolean {
  const { password, challenge, response } = args;
  if (
    typeof password !== 'string' ||
    !isBufferOf(challenge, MSCHAP_V1_CHALLENGE_LENGTH) ||
    !isBufferOf(response, MSCHAP_RESPONSE_LENGTH) ||
    (response[1]! & 0x01) === 0
  ) {
    return false;
  }
  const received = response.subarray(NT_RESPONSE_OFFSET, NT_RESPONSE_OFFSET + NT_RESPONSE_LENGTH);
  return timingSafeEqual(challengeResponse(challenge, ntPasswordHash(password)), received);
}

function checkIdent(ident: number): number {
  if (!Number.isInteger(ident) || ident < 0 || ident > 255) throw new RangeError(`MS-CHAP Ident must be 0-255: ${ident}`);
  return ident;
}

/**
 * Client side of MS-CHAP v2: the MS-CHAP2-Response value a peer sends (RFC 2759 §4 and §8.1,
 * RFC 2548 §2.3.2), with Flags and Reserved zero.
 * @param authenticatorChallenge 16 octets (the MS-CHAP-Challenge to send with it).
 * @param peerChallenge 16 octets, random in real use.
 * @param ident 0-255, default 0.
 * @returns 50 octets.
 * @throws RangeError on a wrong size or Ident.
 */
export function msChapV2Response(args: {
  username: string;
  password: string;
  authenticatorChallenge: Buffer;
  peerChallenge: Buffer;
  ident?: number;
}): Buffer {
  const { username, password, authenticatorChallenge, peerChallenge, ident = 0 } = args;
  if (authenticatorChallenge.length !== MSCHAP_V2_CHALLENGE_LENGTH) throw new RangeError('authenticatorChallenge must be 16 octets');
  if (peerChallenge.length !== PEER_CHALLENGE_LENGTH) throw new RangeError('peerChallenge must be 16 octets');
  const out = Buffer.alloc(MSCHAP_RESPONSE_LENGTH);
  out[0] = checkIdent(ident);
  peerChallenge.copy(out, PEER_CHALLENGE_OFFSET);
  challengeResponse(challengeHash(peerChallenge, authenticatorChallenge, username), ntPasswordHash(password)).copy(out, NT_RESPONSE_OFFSET);
  return out;
}

/**
 * Client side of MS-CHAP v1: the MS-CHAP-Response value (RFC 2433 §5, RFC 2548) with
 * Flags = 1 and the LM-Response zeroed, as FreeRADIUS's radclient builds it.
 * @param challenge 8 octets (the MS-CHAP-Challenge to send with it).
 * @param ident 0-255, default 0.
 * @returns 50 octets.
 * @throws RangeError on a wrong size or Ident.
 */
export function msChapV1Response(args: { password: string; challenge: Buffer; ident?: number }): Buffer {
  const { password, challenge, ident = 0 } = args;
  if (challenge.length !== MSCHAP_V1_CHALLENGE_LENGTH) throw new RangeError('challenge must be 8 octets');
  const out = Buffer.alloc(MSCHAP_RESPONSE_LENGTH);
  out[0] = checkIdent(ident);
  out[1] = 0x01;
  challengeResponse(challenge, ntPasswordHash(password)).copy(out, NT_RESPONSE_OFFSET);
  return out;
}
