/**
 * One interface for every way we reach a customer or staff member (WhatsApp, SMS, e-mail,
 * Telegram), so a provider is one file under channels/ and the dispatcher never knows which.
 *
 * A channel sends one already-rendered message and reports the outcome as a value:
 * - `{ ok: true, providerId }`: the provider accepted it (not necessarily delivered yet).
 * - `{ ok: false, retryable, error }`: refused or unreachable. HTTP 4xx other than 429 is a
 *   permanent refusal (bad number, bad token, unknown template): not retryable. 429, 5xx, timeouts
 *   and connection errors are retryable. `error` is short, for `notification_outbox.last_error`
 *   and staff screens: it never contains a token, a password or the message text.
 * A channel never throws for a provider error; it may throw only for a programming error.
 */

export const CHANNEL_NAMES = ['whatsapp', 'sms', 'email', 'telegram'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

export type Locale = 'id' | 'en';

export interface OutgoingMessage {
  /** Phone number (whatsapp, sms: any Indonesian form, see normalizePhone), e-mail address, or Telegram chat id. */
  recipient: string;
  /** Rendered subject: the e-mail subject, the first line of a Telegram message; unused by WhatsApp and SMS. */
  subject: string;
  /** Rendered plain-text body. */
  text: string;
  /** Template name (`invoice_issued`, ...): WhatsApp Cloud sends the approved template of that name. */
  template: string;
  locale: Locale;
  /** The template parameters, already formatted strings (`Rp 150.000`, `21 November 2026`). */
  params: Record<string, string>;
}

export type SendResult = { ok: true; providerId?: string } | { ok: false; retryable: boolean; error: string };

export interface NotificationChannel {
  readonly name: ChannelName;
  /** Sends one message; resolves with the outcome, never rejects for a provider error. */
  send(message: OutgoingMessage): Promise<SendResult>;
}

/** Whether an HTTP status is worth retrying: 408, 425, 429 and 5xx are; other 4xx are not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * Replaces every occurrence of each secret (and its URL-encoded form) by `[redacted]` and caps the
 * length, so a provider echoing a URL with the bot token, or an SMTP URL with its password, cannot
 * reach the database or a log line.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined | null>, maxLength = 500): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('[redacted]');
  }
  return out.length > maxLength ? `${out.slice(0, maxLength - 1)}…` : out;
}
