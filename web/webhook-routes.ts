/**
 * POST /webhooks/midtrans, /webhooks/xendit, /webhooks/tripay and /webhooks/duitku. The raw body
 * is verified by the gateway (Midtrans: signature_key = SHA512(order_id + status_code +
 * gross_amount + server key); Xendit: the x-callback-token header; Tripay: X-Callback-Signature =
 * HMAC-SHA256(private key, raw body); Duitku: the form's signature = MD5(merchantCode + amount +
 * merchantOrderId + API key)), stored once in the payment_events inbox
 * (billing/webhooks/store-payment-event.ts), handed to the workers, and answered 200 at once; a
 * worker does the rest (billing/webhooks/process-payment-event.ts). A forged or wrongly signed
 * notification gets 401, changes nothing, and is logged. See ARCHITECTURE.md, "Payment flow".
 */
import Router from '@koa/router';
import type { Clock } from '../lib/clock.js';
import type { Knex } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import type { PaymentGateway, Provider } from '../billing/payments/gateways/payment-gateway.js';
import { storePaymentEvent } from '../billing/webhooks/store-payment-event.js';
import { readRawBody } from '../lib/http/raw-body.js';

const MAX_BODY = 256 * 1024;

export interface WebhookDeps {
  db: Knex;
  clock: Clock;
  gateways: Partial<Record<Provider, PaymentGateway>>;
  log: Logger;
  /** Hands a newly stored event to the workers (a queue job); errors are logged, the sweeper retries. */
  received(eventId: number): Promise<void>;
}


export function createWebhookRouter(deps: WebhookDeps): Router {
  const router = new Router();
  router.post('/webhooks/:provider', async (ctx) => {
    const provider = ctx.params.provider as Provider;
    const gateway = (['midtrans', 'xendit', 'tripay', 'duitku'] as const).includes(provider) ? deps.gateways[provider] : undefined;
    if (!gateway) {
      ctx.status = 404;
      ctx.body = { error: 'unknown payment gateway' };
      return;
    }
    const body = await readRawBody(ctx.req, MAX_BODY);
    if (!body) {
      ctx.status = 413;
      ctx.body = { error: 'notification too large' };
      return;
    }
    const verified = gateway.verifyNotification(body, ctx.headers);
    if (!verified) {
      deps.log.warn({ provider, ip: ctx.ip, bytes: body.length }, 'payment notification with a bad signature rejected');
      ctx.status = 401;
      ctx.body = { error: 'invalid signature' };
      return;
    }
    const id = await storePaymentEvent(deps, provider, verified);
    if (id !== null) {
      await deps.received(id).catch((err: unknown) => deps.log.error({ err: (err as Error).message, eventId: id }, 'could not queue payment event; the sweeper will'));
    }
    ctx.status = 200;
    // Tripay retries a callback until it reads `{"success": true}` (tripay.co.id/developer, "Callback").
    ctx.body = provider === 'tripay' ? { success: true, received: true } : { received: true };
  });
  return router;
}
