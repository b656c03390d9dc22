/**
 * Meta's WhatsApp Cloud API webhook (developers.facebook.com/docs/graph-api/webhooks/getting-started,
 * "Verification Requests" and "Event Notifications"; /docs/whatsapp/cloud-api/webhooks/components):
 *
 * - Verification: `GET ?hub.mode=subscribe&hub.verify_token=<ours>&hub.challenge=<n>` → 200 with
 *   the challenge as the body when the token is ours, else 403.
 * - Notifications: `POST` JSON, header `X-Hub-Signature-256: sha256=<hex>` = HMAC-SHA256 of the
 *   raw body (the bytes as received, before any JSON parsing) keyed with the app secret; compared
 *   in constant time. Shape:
 *   ```json
 *   { "object": "whatsapp_business_account",
 *     "entry": [{ "id": "<WABA id>", "changes": [{ "field": "messages", "value": {
 *       "messaging_product": "whatsapp", "metadata": { "display_phone_number", "phone_number_id" },
 *       "contacts": [{ "profile": { "name" }, "wa_id": "6281…" }],
 *       "messages": [{ "from": "6281…", "id": "wamid.…", "timestamp": "1733580000", "type": "text", "text": { "body": "tagihan" } }],
 *       "statuses": [{ "id": "wamid.…", "status": "sent|delivered|read|failed", "timestamp": "…", "recipient_id": "6281…",
 *                      "errors": [{ "code": 131047, "title": "Re-engagement message" }] }] } }] }] }
 *   ```
 *   A button reply carries its text in `button.text`, an interactive reply in
 *   `interactive.button_reply.title` / `list_reply.title`, media in `image|document|video.caption`;
 *   other types (stickers, reactions, locations) are kept as an empty text, which goes to staff
 *   only when it has words.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { InboundMessage } from './assistant-deps.js';
import type { DeliveryStatus } from './record-delivery-statuses.js';

/** The GET handshake: the challenge to echo, or null (answer 403). */
export function verificationChallenge(query: Record<string, unknown>, verifyToken: string): string | null {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string' || challenge === '') return null;
  const a = Buffer.from(token);
  const b = Buffer.from(verifyToken);
  return a.length === b.length && timingSafeEqual(a, b) ? challenge : null;
}

/** Whether `header` (`sha256=<64 hex>`) is the HMAC-SHA256 of `rawBody` with `appSecret`, compared in constant time. */
export function validCloudSignature(rawBody: Buffer, header: string | string[] | undefined, appSecret: string): boolean {
  if (typeof header !== 'string') return false;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(m[1]!, 'hex'));
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

function textOf(m: Json): string {
  const interactive = obj(m.interactive);
  return str(obj(m.text).body) ?? str(obj(m.button).text) ?? str(obj(interactive.button_reply).title) ?? str(obj(interactive.list_reply).title)
    ?? str(obj(m.image).caption) ?? str(obj(m.document).caption) ?? str(obj(m.video).caption) ?? '';
}

/** The messages and delivery statuses of one notification (anything else in it is ignored). */
export function parseCloudNotification(body: unknown): { messages: InboundMessage[]; statuses: DeliveryStatus[] } {
  const messages: InboundMessage[] = [];
  const statuses: DeliveryStatus[] = [];
  for (const entry of arr(obj(body).entry)) {
    for (const change of arr(obj(entry).changes)) {
      const value = obj(obj(change).value);
      for (const raw of arr(value.messages)) {
        const m = obj(raw);
        const from = str(m.from);
        if (from) messages.push({ provider: 'cloud', providerMessageId: str(m.id) ?? null, from, text: textOf(m) });
      }
      for (const raw of arr(value.statuses)) {
        const s = obj(raw);
        const id = str(s.id);
        const status = str(s.status);
        if (!id || (status !== 'sent' && status !== 'delivered' && status !== 'read' && status !== 'failed')) continue;
        const seconds = Number(str(s.timestamp));
        const error = obj(arr(s.errors)[0]);
        const code = str(error.code);
        const title = str(error.title) ?? str(error.message);
        statuses.push({ providerMessageId: id, status, at: Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : null, error: code || title ? [code && `(#${code})`, title].filter(Boolean).join(' ') : null });
      }
    }
  }
  return { messages, statuses };
}
