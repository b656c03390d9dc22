/**
 * Telegram for staff alerts, through the Bot API (core.telegram.org/bots/api#sendmessage).
 *
 * `POST {apiUrl}/bot{token}/sendMessage`, JSON `{ "chat_id": "-1001234567890", "text": "…" }`
 * (plain text: no parse_mode, so `_` and `*` in a message are not markup).
 * → 200 `{ "ok": true, "result": { "message_id": 42, … } }`, or
 * `{ "ok": false, "error_code": 400, "description": "Bad Request: chat not found" }` with that
 * HTTP status (429 carries `parameters.retry_after`).
 *
 * The token is part of the URL, so every error text passes through redactSecrets.
 * Text is subject, a blank line, then the body, cut to Telegram's 4096 characters.
 */
import type { NotificationChannel, OutgoingMessage, SendResult } from '../channel.js';
import { joinUrl, networkFailure, pick, pickString, post, statusFailure } from './http.js';

export interface TelegramOptions {
  /** Default `https://api.telegram.org`. */
  apiUrl: string;
  /** The bot token from @BotFather (`123456:ABC-…`). */
  token: string;
  /** Per request, milliseconds (default 10 000). */
  timeoutMs?: number;
}

const MAX_TEXT = 4096;

/** Creates the Telegram channel (name `telegram`); the recipient is the chat id. */
export function createTelegramChannel(opts: TelegramOptions): NotificationChannel {
  const secrets = [opts.token];
  const url = joinUrl(opts.apiUrl, `bot${opts.token}/sendMessage`);

  return {
    name: 'telegram',
    async send(message: OutgoingMessage): Promise<SendResult> {
      const chatId = message.recipient.trim();
      if (!/^(-?\d+|@[A-Za-z0-9_]{4,})$/.test(chatId)) return { ok: false, retryable: false, error: 'telegram: recipient is not a chat id' };
      let text = message.subject ? `${message.subject}\n\n${message.text}` : message.text;
      if (text.length > MAX_TEXT) text = `${text.slice(0, MAX_TEXT - 1)}…`;

      const outcome = await post(url, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat_id: chatId, text }) }, opts.timeoutMs);
      if (outcome.kind === 'network') return networkFailure('telegram', outcome.error, secrets);
      const { status, json } = outcome.reply;
      if (status >= 200 && status < 300 && pick(json, 'ok') === true) return { ok: true, providerId: pickString(json, 'result', 'message_id') };
      // A 2xx without ok: true is not a documented answer: a fault on their side, try again later.
      if (status >= 200 && status < 300) return { ok: false, retryable: true, error: `telegram: unexpected answer (HTTP ${status})` };
      return statusFailure('telegram', status, pickString(json, 'description'), secrets);
    },
  };
}
