/**
 * Fonnte's webhooks (docs.fonnte.com, "Webhook" → "webhook reply" and "webhook update status"),
 * set per device in the Fonnte dashboard. Fonnte signs nothing, so the URL carries our secret
 * (`/webhooks/whatsapp/fonnte/<FONNTE_WEBHOOK_SECRET>`, web/whatsapp-routes.ts).
 *
 * - Incoming message: JSON (or a form) with `device` (our number), `sender` (6281…), `message`
 *   (the text), `text` (a button's text), `member` (the author inside a group; a group message
 *   is not a conversation with a customer and is ignored), `name`, `location`, `url`,
 *   `filename`, `extension`, and since January 2026 `inboxid` (the message's id, used here to
 *   handle a redelivery once) and `timestamp`.
 * - Status update: `device`, `id` (the id `/send` returned: notification_outbox.provider_id),
 *   `stateid`, `status`, `state`. The documented states include `sent`, `delivered` and `read`;
 *   `status` values such as `failed` / `invalid` are read as failed. (Not verified against a
 *   live device; anything unrecognised is ignored.)
 */
import type { InboundMessage } from './assistant-deps.js';
import type { DeliveryStatus } from './record-delivery-statuses.js';

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

export type FonnteEvent = { kind: 'message'; message: InboundMessage } | { kind: 'status'; status: DeliveryStatus } | { kind: 'ignored' };

export function parseFonnteWebhook(body: unknown): FonnteEvent {
  const b = (body && typeof body === 'object' ? body : {}) as Json;
  const sender = str(b.sender);
  if (sender) {
    if (str(b.member)) return { kind: 'ignored' };
    const text = str(b.message) || str(b.text) || '';
    return { kind: 'message', message: { provider: 'fonnte', providerMessageId: str(b.inboxid) || null, from: sender, text } };
  }
  const id = str(b.id);
  const state = (str(b.state) ?? '').toLowerCase();
  const status = (str(b.status) ?? '').toLowerCase();
  if (!id) return { kind: 'ignored' };
  const mapped: DeliveryStatus['status'] | null = ['failed', 'invalid', 'error'].includes(status) ? 'failed'
    : state === 'read' ? 'read' : state === 'delivered' ? 'delivered' : state === 'sent' || status === 'sent' ? 'sent' : null;
  if (!mapped) return { kind: 'ignored' };
  return { kind: 'status', status: { providerMessageId: id, status: mapped, at: null, error: mapped === 'failed' ? `fonnte: ${status || state}` : null } };
}
