/**
 * Stage 2 of the Access-Request, "verify" (FreeRADIUS's authenticate; ARCHITECTURE.md
 * "Access-Request flow"): the request's proof against the credential found in stage 1, with the
 * algorithms of aaa/auth/. The first of these the request carries is checked:
 * - User-Password: PAP (RFC 2865 §5.2);
 * - CHAP-Password: CHAP (RFC 2865 §5.3), challenge = CHAP-Challenge or the Request Authenticator;
 * - MS-CHAP-Challenge with MS-CHAP2-Response: MS-CHAPv2 (RFC 2548 §2.3.2, RFC 2759), whose
 *   success carries the MS-CHAP2-Success value for the Access-Accept;
 * - MS-CHAP-Challenge with MS-CHAP-Response: MS-CHAP v1 (RFC 2548 §2.1.3, RFC 2433).
 * A subscription's password is its own; a voucher's is its code (PAP and CHAP only, any case:
 * aaa/auth/voucher.ts). Nothing of these: `{ type: 'none', ok: false }` (no credentials).
 * Synchronous and without I/O.
 */
import { verifyChap } from '../auth/chap.js';
import { verifyMsChapV1, verifyMsChapV2 } from '../auth/mschap.js';
import { verifyPap } from '../auth/pap.js';
import { verifyVoucherChap, verifyVoucherPap } from '../auth/voucher.js';
import { dictionary } from '../codec/dictionary.js';
import type { Packet } from '../codec/packet.js';
import { attributeOf } from '../codec/values.js';
import type { AccessReplica } from '../replica/access-replica.js';
import { isVoucher, type Credential } from './find-credential.js';
import type { PostAuthRow } from './post-auth-log.js';

const d = dictionary();
const A = {
  userPassword: d.attr('User-Password'),
  chapPassword: d.attr('CHAP-Password'),
  chapChallenge: d.attr('CHAP-Challenge'),
  msChapChallenge: d.attr('MS-CHAP-Challenge'),
  msChapResponse: d.attr('MS-CHAP-Response'),
  msChap2Response: d.attr('MS-CHAP2-Response'),
};

export type AuthType = PostAuthRow['authType'];

export interface Verified {
  /** Which method the request used ('none': it carried no credentials we take). */
  type: AuthType;
  ok: boolean;
  /** MS-CHAPv2 only: the MS-CHAP2-Success value (43 octets) the Access-Accept must carry. */
  success?: Buffer;
}

const NO_CREDENTIALS: Verified = Object.freeze({ type: 'none', ok: false });

/**
 * Checks the request's credentials against what stage 1 found.
 * @param secret the NAS's shared secret (PAP hides the password with it).
 * @param index opens a subscription's sealed password (once, then cached in its entry).
 */
export function verifyCredential(p: Packet, secret: Buffer, found: Credential, index: Pick<AccessReplica, 'password'>): Verified {
  const pap = attributeOf(p, A.userPassword);
  const chap = pap ? undefined : attributeOf(p, A.chapPassword);
  if (isVoucher(found)) {
    if (pap) return { type: 'pap', ok: verifyVoucherPap(pap.value, p.authenticator, secret, found.code) };
    if (chap) return { type: 'chap', ok: verifyVoucherChap(chap.value, attributeOf(p, A.chapChallenge)?.value ?? p.authenticator, found.code) };
    return NO_CREDENTIALS;
  }
  if (pap) return { type: 'pap', ok: verifyPap(pap.value, p.authenticator, secret, index.password(found)) };
  if (chap) return { type: 'chap', ok: verifyChap(chap.value, attributeOf(p, A.chapChallenge)?.value ?? p.authenticator, index.password(found)) };
  const msChallenge = attributeOf(p, A.msChapChallenge);
  if (!msChallenge) return NO_CREDENTIALS;
  const ms2 = attributeOf(p, A.msChap2Response);
  if (ms2) {
    const r = verifyMsChapV2({ username: found.username, password: index.password(found), authenticatorChallenge: msChallenge.value, response: ms2.value });
    return r.ok ? { type: 'mschapv2', ok: true, success: r.success } : { type: 'mschapv2', ok: false };
  }
  const ms1 = attributeOf(p, A.msChapResponse);
  if (ms1) return { type: 'mschap', ok: verifyMsChapV1({ password: index.password(found), challenge: msChallenge.value, response: ms1.value }) };
  return NO_CREDENTIALS;
}
