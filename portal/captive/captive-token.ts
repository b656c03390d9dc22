/**
 * The captive portal's handle on a subscriber: a token signed with the app key (lib/signer.ts,
 * purpose `captive`) naming the accounting session that identified them when the page loaded,
 * and when the token stops being honoured. The pay form and the status poll are keyed by it, not
 * by the request's address (a subscriber's address changes when the router reconnects them after
 * payment) and not by an invoice or subscription id a client could change. The session key is a
 * digest, not a row id, so the page and its URLs carry no internal ids.
 */
import type { Signer } from '../../lib/signer.js';

const PURPOSE = 'captive';
/** As long as a payment link lives (create-payment-link.ts): the gateway's return still works. */
export const CAPTIVE_TOKEN_TTL_MS = 24 * 3600 * 1000;
const UUID_HEX = /^([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/;

/** A token for the session `sessionKey` (uuid), valid for CAPTIVE_TOKEN_TTL_MS from `now`. */
export function issueCaptiveToken(signer: Signer, sessionKey: string, now: Date): string {
  const expires = Math.ceil((now.getTime() + CAPTIVE_TOKEN_TTL_MS) / 1000).toString(36);
  return signer.sign(PURPOSE, `${sessionKey.replaceAll('-', '').toLowerCase()}.${expires}`);
}

/** The session key (uuid) a token names, or null when it is not ours, was altered, or has expired at `now`. */
export function readCaptiveToken(signer: Signer, token: string, now: Date): string | null {
  if (token.length > 120) return null;
  const value = signer.verify(PURPOSE, token);
  const m = value ? /^([0-9a-f]{32})\.([0-9a-z]{1,10})$/.exec(value) : null;
  if (!m || Number.parseInt(m[2]!, 36) * 1000 <= now.getTime()) return null;
  return m[1]!.replace(UUID_HEX, '$1-$2-$3-$4-$5');
}
