/**
 * How each webhook delivery is signed (README.md, "Webhooks" documents it for receivers, with a
 * Node and a PHP example). Modelled on Standard Webhooks 1.0 (standardwebhooks.com: HMAC-SHA256
 * over the timestamp and the raw body, a `whsec_` secret, several signatures during a rotation,
 * a 5-minute tolerance) with hex digests in the headers this product has always documented:
 *
 *   X-Webhook-Timestamp: <Unix seconds>
 *   X-Webhook-Signature: v1=<hex HMAC-SHA256(key = the secret's UTF-8 bytes, "<timestamp>.<raw body>")>
 *
 * During a rotation's grace period the header carries two space-separated entries, the new
 * secret's first: `v1=<hex> v1=<hex>`. A receiver accepts the delivery when any entry matches
 * (compared in constant time) and the timestamp is within 300 s of its clock (the replay window).
 */
import { createHmac, randomBytes } from 'node:crypto';

/** The replay window receivers should apply, seconds (Standard Webhooks' recommendation). */
export const REPLAY_WINDOW_SECONDS = 300;

/** A new signing secret: `whsec_` + 32 random bytes in base64url (43 characters). */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The hex HMAC-SHA256 of `<timestamp>.<body>` with `secret` as its UTF-8 bytes. */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/**
 * The X-Webhook-Signature value for `body` sent at `timestamp` (Unix seconds), one `v1=` entry per
 * secret in `secrets` (the current one first, then the previous one while its grace period lasts).
 */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  return secrets.map((s) => `v1=${signatureOf(s, timestamp, body)}`).join(' ');
}
