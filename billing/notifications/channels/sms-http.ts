/**
 * SMS through a generic HTTP gateway: our own small contract, so any provider (Zenziva, a
 * Gammu/Kannel box on a modem, a cloud SMS API) can be put behind a thin adapter.
 *
 * The contract:
 * ```
 * POST {url}
 * Authorization: Bearer {token}
 * Content-Type: application/json
 *
 * { "to": "6281234567890", "text": "Yth. Bapak/Ibu Budi, …" }
 * ```
 * - `to` is E.164 digits without `+` (see normalizePhone); `text` is plain UTF-8, possibly longer
 *   than one SMS (the gateway splits or concatenates).
 * - Accepted: any 2xx; the body may be JSON `{ "id": "…" }` (kept as the provider id) or empty.
 * - Refused: 4xx with an optional JSON `{ "error": "…" }` (or `message`): not retried, except
 *   408 and 429. 5xx and timeouts are retried later.
 */
import type { NotificationChannel, OutgoingMessage, SendResult } from '../channel.js';
import { normalizePhone } from '../../../lib/phone.js';
import { networkFailure, pickString, post, statusFailure } from './http.js';

export interface SmsHttpOptions {
  /** The gateway endpoint, e.g. `https://sms.example.co.id/api/send`. */
  url: string;
  /** Sent as a Bearer token; absent: no Authorization header. */
  token?: string;
  /** Per request, milliseconds (default 10 000). */
  timeoutMs?: number;
}

/** Creates the generic SMS gateway channel (name `sms`). */
export function createSmsHttpChannel(opts: SmsHttpOptions): NotificationChannel {
  const secrets = [opts.token];

  return {
    name: 'sms',
    async send(message: OutgoingMessage): Promise<SendResult> {
      const to = normalizePhone(message.recipient);
      if (!to) return { ok: false, retryable: false, error: 'sms: recipient is not a phone number' };
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;

      const outcome = await post(opts.url, { headers, body: JSON.stringify({ to, text: message.text }) }, opts.timeoutMs);
      if (outcome.kind === 'network') return networkFailure('sms', outcome.error, secrets);
      const { status, json, text } = outcome.reply;
      if (status >= 200 && status < 300) return { ok: true, providerId: pickString(json, 'id') };
      const reason = pickString(json, 'error') ?? pickString(json, 'message') ?? (json === undefined ? text.slice(0, 200) : undefined);
      return statusFailure('sms', status, reason, secrets);
    },
  };
}
