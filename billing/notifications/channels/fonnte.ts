/**
 * WhatsApp through Fonnte (docs.fonnte.com/api-send-message), the unofficial gateway many
 * Indonesian ISPs use with an ordinary WhatsApp number: free text, no template approval.
 *
 * `POST {apiUrl}/send`, header `Authorization: {token}` (the device token, no `Bearer`),
 * form fields `target` (6281234567890) and `message` (our rendered text). Sent urlencoded
 * (application/x-www-form-urlencoded, which form parsers take like the multipart of the
 * documented curl example) because multipart serialisation turns every `\n` of the message into
 * `\r\n`.
 * → 200 `{ "status": true, "detail": "success! message in queue", "id": ["80367170"], "process": "pending", "target": ["62…"] }`,
 * or 200 `{ "status": false, "reason": "token invalid" }`: Fonnte reports most refusals with HTTP 200.
 *
 * Retryable: HTTP 408/429/5xx, timeouts, and a `status: false` whose reason reads as passing
 * (a disconnected device, a timeout, a rate limit, "try again"). Other reasons (an invalid
 * token or target, no quota left) fail at once: retrying cannot fix them.
 */
import type { NotificationChannel, OutgoingMessage, SendResult } from '../channel.js';
import { redactSecrets } from '../channel.js';
import { normalizePhone } from '../../../lib/phone.js';
import { joinUrl, networkFailure, pick, pickString, post, statusFailure } from './http.js';

export interface FonnteOptions {
  /** Default `https://api.fonnte.com`. */
  apiUrl: string;
  /** The device token from the Fonnte dashboard. */
  token: string;
  /** Per request, milliseconds (default 10 000). */
  timeoutMs?: number;
}

const TRANSIENT_REASON = /disconnect|timeout|timed out|try again|rate|limit|busy|server|maintenance/i;

/** Creates the Fonnte channel (name `whatsapp`). */
export function createFonnteChannel(opts: FonnteOptions): NotificationChannel {
  const secrets = [opts.token];
  const url = joinUrl(opts.apiUrl, 'send');

  return {
    name: 'whatsapp',
    async send(message: OutgoingMessage): Promise<SendResult> {
      const target = normalizePhone(message.recipient);
      if (!target) return { ok: false, retryable: false, error: 'fonnte: recipient is not a phone number' };
      const form = new URLSearchParams({ target, message: message.text });

      const outcome = await post(url, { headers: { authorization: opts.token }, body: form }, opts.timeoutMs);
      if (outcome.kind === 'network') return networkFailure('fonnte', outcome.error, secrets);
      const { status, json, text } = outcome.reply;
      if (status < 200 || status >= 300) return statusFailure('fonnte', status, pickString(json, 'reason') ?? pickString(json, 'detail'), secrets);
      if (pick(json, 'status') === true) return { ok: true, providerId: pickString(json, 'id', '0') };

      const reason = pickString(json, 'reason') ?? pickString(json, 'detail') ?? (text.slice(0, 200) || 'no reason given');
      return { ok: false, retryable: TRANSIENT_REASON.test(reason), error: redactSecrets(`fonnte refused: ${reason}`, secrets) };
    },
  };
}
