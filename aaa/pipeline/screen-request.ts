/**
 * Stage 0 of the Access-Request (ARCHITECTURE.md "Access-Request flow"): the security checks a
 * request passes before anything is looked up. A request that fails one is dropped without a
 * reply (RFC 2865 §3; BlastRADIUS, CVE-2024-3596, draft-ietf-radext-deprecating-radius §5):
 * - a Message-Authenticator that does not verify (RFC 3579 §3.2): `bad_message_authenticator`;
 * - none, from a NAS that must send one: `missing_message_authenticator`;
 * - none, but a Proxy-State (the attribute the attack smuggles the forged reply in):
 *   `proxy_state_without_message_authenticator`, for NAS that cannot send Message-Authenticator yet.
 */
import { verifyRequestMessageAuthenticator } from '../codec/authenticators.js';
import { dictionary } from '../codec/dictionary.js';
import type { Packet } from '../codec/packet.js';
import { attributeOf } from '../codec/values.js';
import type { NasEntry } from '../replica/access-replica.js';
import type { DropReason } from '../metrics/radius-metrics.js';

const PROXY_STATE = dictionary().attr('Proxy-State');

/** Why the request is dropped, or null when it may go on. */
export function screenRequest(p: Packet, nas: Pick<NasEntry, 'secret' | 'requireMessageAuthenticator'>): DropReason | null {
  if (p.messageAuthenticatorOffset >= 0) {
    return verifyRequestMessageAuthenticator(p, nas.secret) ? null : 'bad_message_authenticator';
  }
  if (nas.requireMessageAuthenticator) return 'missing_message_authenticator';
  if (attributeOf(p, PROXY_STATE)) return 'proxy_state_without_message_authenticator';
  return null;
}
