/**
 * WhatsApp through Meta's Cloud API (developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates,
 * reference: /docs/whatsapp/cloud-api/reference/messages).
 *
 * `POST {apiUrl}/{phoneNumberId}/messages`, `Authorization: Bearer {token}`, JSON:
 * ```json
 * { "messaging_product": "whatsapp", "recipient_type": "individual", "to": "6281234567890",
 *   "type": "template",
 *   "template": { "name": "invoice_issued", "language": { "code": "id" },
 *                 "components": [{ "type": "body", "parameters": [{ "type": "text", "text": "Budi" }, …] }] } }
 * ```
 * → 200 `{ "messaging_product": "whatsapp", "contacts": [{ "input", "wa_id" }], "messages": [{ "id": "wamid.…" }] }`.
 * Errors are `{ "error": { "message", "type", "code", "error_data": { "details" }, "fbtrace_id" } }`.
 *
 * A business-initiated message must be an approved template, so this channel sends the template
 * of the same name (or `templateNames[name]`) in language `id` / `en`, never our rendered text.
 * Register each template in WhatsApp Manager with the body variables {{1}}, {{2}}, … in the order
 * of WHATSAPP_TEMPLATE_PARAMS, e.g. invoice_issued (id): "Yth. Bapak/Ibu {{1}}, tagihan internet
 * Anda {{2}} sebesar {{3}} jatuh tempo {{4}}. Bayar di {{5}}". A param we do not have is sent as
 * `-` (Meta refuses an empty one), and whitespace runs are folded to one space (Meta refuses
 * newlines and tabs in a parameter, error 132018).
 *
 * Retryable: HTTP 408/429/5xx, and Meta's throttling and transient codes whatever the status
 * (4, 80007, 130429 rate limits; 131048 spam rate limit; 131056 pair rate limit; 1, 2, 131000,
 * 131016, 133004 service unavailable). Anything else (an unknown template 132001, a parameter
 * mismatch 132000, an expired token 190, a number not on WhatsApp 131026) fails at once.
 */
import type { NotificationChannel, OutgoingMessage, SendResult } from '../channel.js';
import { normalizePhone } from '../../../lib/phone.js';
import type { TemplateName } from '../templates.js';
import { joinUrl, networkFailure, pickString, post, statusFailure } from './http.js';

export interface WhatsAppCloudOptions {
  /** Graph API base with version, e.g. `https://graph.facebook.com/v21.0`. */
  apiUrl: string;
  /** A system-user access token with whatsapp_business_messaging. */
  token: string;
  /** The sending number's Phone-Number ID (not the phone number). */
  phoneNumberId: string;
  /** Approved template names where they differ from ours: `{ invoice_issued: 'tagihan_terbit' }`. */
  templateNames?: Partial<Record<TemplateName, string>>;
  /** Per request, milliseconds (default 10 000). */
  timeoutMs?: number;
}

/** Body variables {{1}}, {{2}}, … of each approved template, in order. */
export const WHATSAPP_TEMPLATE_PARAMS: Readonly<Record<TemplateName, readonly string[]>> = {
  invoice_issued: ['customerName', 'invoiceNumber', 'amount', 'dueDate', 'payUrl'],
  payment_reminder: ['customerName', 'invoiceNumber', 'amount', 'dueDate', 'payUrl'],
  payment_received: ['customerName', 'amount', 'invoiceNumber'],
  suspended: ['customerName', 'invoiceNumber', 'amount', 'payUrl'],
  reactivated: ['customerName'],
  staff_alert: ['message'],
  // An authentication template (category AUTHENTICATION, copy-code button): its preset body has
  // the code as its only variable, and the button carries the code again (WHATSAPP_OTP_TEMPLATES).
  login_code: ['code'],
  // A UTILITY template (an update about the customer's account that staff send), not an
  // authentication one: Meta's authentication templates carry only a code in preset text, and a
  // link is not a code. Body e.g. (id): "Yth. Bapak/Ibu {{1}}, buka tautan ini untuk masuk ke
  // portal pelanggan: {{2}} Berlaku {{3}} hari, sekali pakai." The link is a whole URL in {{2}}.
  sign_in_link: ['customerName', 'link', 'days'],
  // A UTILITY template whose whole body is {{1}}: the staff broadcast's text, filled in per
  // customer when queued (admin/broadcasts/). WhatsApp folds its line breaks into spaces.
  broadcast: ['text'],
  // UTILITY templates about the customer's service: e.g. (id) "Yth. Bapak/Ibu {{1}}, terjadi
  // gangguan jaringan di area Anda sejak {{2}}." and "… sejak {{2}} sudah selesai pada {{3}}."
  outage_started: ['customerName', 'since'],
  outage_ended: ['customerName', 'since', 'until'],
  // Not a template: the assistant's answers and staff replies are sent as free text (see SESSION_TEXT).
  assistant_reply: ['text'],
};

/**
 * Sent as a `type: "text"` message (Meta, "Send messages" → text: `{ "body", "preview_url" }`),
 * which WhatsApp accepts only inside the 24-hour customer service window that the customer's
 * last message opened; outside it Meta refuses with 131047 ("Re-engagement message"), a
 * permanent failure the conversation shows as `failed`.
 */
const SESSION_TEXT: ReadonlySet<string> = new Set<TemplateName>(['assistant_reply']);

/** Authentication templates with a copy-code button: the code is also the button's parameter. */
const WHATSAPP_OTP_TEMPLATES: ReadonlySet<string> = new Set<TemplateName>(['login_code']);

const RETRYABLE_CODES = new Set([1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056, 133004]);

function paramText(value: string | undefined): string {
  const v = (value ?? '').replace(/\s+/g, ' ').trim();
  return v === '' ? '-' : v;
}

/** The copy-code button component of an authentication template (Meta: "Sending authentication templates"). */
function otpButton(template: string, parameters: Array<{ type: string; text: string }>): unknown[] {
  return WHATSAPP_OTP_TEMPLATES.has(template) && parameters[0] ? [{ type: 'button', sub_type: 'url', index: '0', parameters: [parameters[0]] }] : [];
}

/** Creates the WhatsApp Cloud API channel (name `whatsapp`). */
export function createWhatsAppCloudChannel(opts: WhatsAppCloudOptions): NotificationChannel {
  const secrets = [opts.token];
  const url = joinUrl(opts.apiUrl, `${encodeURIComponent(opts.phoneNumberId)}/messages`);

  return {
    name: 'whatsapp',
    async send(message: OutgoingMessage): Promise<SendResult> {
      const to = normalizePhone(message.recipient);
      if (!to) return { ok: false, retryable: false, error: 'whatsapp: recipient is not a phone number' };
      const order = WHATSAPP_TEMPLATE_PARAMS[message.template as TemplateName];
      if (!order) return { ok: false, retryable: false, error: `whatsapp: no WhatsApp template for "${message.template}"` };

      const parameters = order.map((p) => ({ type: 'text', text: paramText(message.params[p]) }));
      const body = SESSION_TEXT.has(message.template) ? {
        messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body: message.text.slice(0, 4096), preview_url: true },
      } : {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to,
        type: 'template',
        template: {
          name: opts.templateNames?.[message.template as TemplateName] ?? message.template,
          language: { code: message.locale },
          ...(parameters.length ? { components: [{ type: 'body', parameters }, ...otpButton(message.template, parameters)] } : {}),
        },
      };

      const outcome = await post(url, { headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }, opts.timeoutMs);
      if (outcome.kind === 'network') return networkFailure('whatsapp', outcome.error, secrets);
      const { status, json } = outcome.reply;
      if (status >= 200 && status < 300) return { ok: true, providerId: pickString(json, 'messages', '0', 'id') };

      const code = Number(pickString(json, 'error', 'code'));
      const msg = pickString(json, 'error', 'message');
      const details = pickString(json, 'error', 'error_data', 'details');
      const reason = [msg && !/^\(#\d+\)/.test(msg) && Number.isFinite(code) ? `(#${code}) ${msg}` : msg, details].filter(Boolean).join(' — ');
      const failure = statusFailure('whatsapp', status, reason, secrets);
      if (!failure.ok && Number.isFinite(code) && RETRYABLE_CODES.has(code)) return { ...failure, retryable: true };
      return failure;
    },
  };
}
