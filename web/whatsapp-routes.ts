/**
 * The WhatsApp assistant's webhooks (billing/assistant/; README.md, "WhatsApp assistant"):
 *
 * - `GET /webhooks/whatsapp/cloud`: Meta's verification handshake (hub.mode, hub.verify_token,
 *   hub.challenge) → 200 with the challenge, or 403.
 * - `POST /webhooks/whatsapp/cloud`: X-Hub-Signature-256 checked over the raw body with the app
 *   secret (constant time) → 401 when wrong, changing nothing; else each message is handled
 *   (answers queued in the outbox) and each delivery status stored, then 200. A database error
 *   answers 500 and Meta redelivers; a redelivered message is handled once.
 * - `POST /webhooks/whatsapp/fonnte/<secret>`: Fonnte's incoming-message and status webhooks;
 *   a wrong secret is 404 like an unknown path (constant-time comparison).
 *
 * Off (404) while WHATSAPP_CLOUD_APP_SECRET + WHATSAPP_CLOUD_VERIFY_TOKEN, or FONNTE_WEBHOOK_SECRET,
 * are unset. No message text, number or secret is logged. The Wi-Fi change is
 * network/genieacs/set-wifi.ts behind the assistant's WifiControl (billing may not import network/).
 */
import { timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AssistantDeps } from '../billing/assistant/assistant-deps.js';
import { parseFonnteWebhook } from '../billing/assistant/fonnte-webhook.js';
import { handleInbound } from '../billing/assistant/handle-inbound.js';
import { recordDeliveryStatuses } from '../billing/assistant/record-delivery-statuses.js';
import { parseCloudNotification, validCloudSignature, verificationChallenge } from '../billing/assistant/whatsapp-cloud-webhook.js';
import type { Config } from '../lib/config.js';
import { readRawBody } from '../lib/http/raw-body.js';

const MAX_BODY = 256 * 1024;

export interface WhatsAppRouteDeps extends AssistantDeps {
  config: Pick<Config, 'WHATSAPP_CLOUD_APP_SECRET' | 'WHATSAPP_CLOUD_VERIFY_TOKEN' | 'FONNTE_WEBHOOK_SECRET'>;
}


function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Fonnte posts JSON; a form body is read too. */
function parseFonnteBody(body: Buffer, contentType: string | undefined): unknown {
  if ((contentType ?? '').includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  return parseJson(body);
}

function sameSecret(given: string, ours: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(ours);
  return a.length === b.length && timingSafeEqual(a, b);
}

const notFound = (ctx: Context): void => {
  ctx.status = 404;
  ctx.body = { error: 'not found' };
};

export function createWhatsAppRouter(deps: WhatsAppRouteDeps): Router {
  const router = new Router();
  const { WHATSAPP_CLOUD_APP_SECRET: appSecret, WHATSAPP_CLOUD_VERIFY_TOKEN: verifyToken, FONNTE_WEBHOOK_SECRET: fonnteSecret } = deps.config;

  router.get('/webhooks/whatsapp/cloud', (ctx) => {
    if (!appSecret || !verifyToken) return notFound(ctx);
    const challenge = verificationChallenge(ctx.query, verifyToken);
    if (challenge === null) {
      deps.log.warn({ ip: ctx.ip }, 'whatsapp webhook verification with a wrong token refused');
      ctx.status = 403;
      ctx.body = 'forbidden';
      return;
    }
    ctx.type = 'text/plain';
    ctx.body = challenge;
  });

  router.post('/webhooks/whatsapp/cloud', async (ctx) => {
    if (!appSecret || !verifyToken) return notFound(ctx);
    const body = await readRawBody(ctx.req, MAX_BODY);
    if (!body) {
      ctx.status = 413;
      ctx.body = { error: 'notification too large' };
      return;
    }
    if (!validCloudSignature(body, ctx.headers['x-hub-signature-256'], appSecret)) {
      deps.log.warn({ ip: ctx.ip, bytes: body.length }, 'whatsapp notification with a bad signature rejected');
      ctx.status = 401;
      ctx.body = { error: 'invalid signature' };
      return;
    }
    const { messages, statuses } = parseCloudNotification(parseJson(body));
    if (statuses.length) await recordDeliveryStatuses(deps.db, statuses, deps.clock.now());
    for (const m of messages) await handleInbound(deps, m);
    ctx.status = 200;
    ctx.body = { received: true };
  });

  router.post('/webhooks/whatsapp/fonnte/:secret', async (ctx) => {
    if (!fonnteSecret || !sameSecret(ctx.params.secret ?? '', fonnteSecret)) return notFound(ctx);
    const body = await readRawBody(ctx.req, MAX_BODY);
    if (!body) {
      ctx.status = 413;
      ctx.body = { error: 'notification too large' };
      return;
    }
    const event = parseFonnteWebhook(parseFonnteBody(body, ctx.headers['content-type']));
    if (event.kind === 'message') await handleInbound(deps, event.message);
    else if (event.kind === 'status') await recordDeliveryStatuses(deps.db, [event.status], deps.clock.now());
    ctx.status = 200;
    ctx.body = { received: true };
  });

  return router;
}
