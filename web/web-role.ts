/**
 * The web role on the process's HTTP server: static files (/static, our own server only: the
 * walled garden blocks CDNs), payment webhooks, pay links, the staff console (/admin), the REST
 * API (/api/v1, api/mount.ts) and the subscribers' portal (/portal: captive portal, hotspot login, self-service).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import serve from 'koa-static';
import mount from 'koa-mount';
import { createStaffSessions } from '../admin/staff-sessions.js';
import { createAdminRender } from '../admin/render.js';
import { mountAdmin } from './admin-routes.js';
import { mountApi } from '../api/mount.js';
import { BILLING_JOBS, type BillingEngine } from '../billing/engine/engine.js';
import { createPayRouter } from './pay-routes.js';
import { createPortalRender } from '../portal/render.js';
import { mountPortal } from './portal-routes.js';
import { createWebhookRouter } from './webhook-routes.js';
import { createGenieAcsInformRouter } from './genieacs-inform-routes.js';
import { createWhatsAppRouter } from './whatsapp-routes.js';
import { setWifi } from '../network/genieacs/set-wifi.js';
import type { Container } from '../lib/container.js';
import type { HttpServer } from './app.js';
import { createViews } from '../lib/http/views.js';
import { QUEUES } from '../lib/queue.js';
import type { RunningRole } from '../lib/role.js';

const PUBLIC_DIR = fileURLToPath(new URL('../public', import.meta.url));
// htmx from its npm package, served by us: the walled garden and offline ISPs cannot reach a CDN.
const HTMX_DIR = path.dirname(createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'));
// Chart.js (the console's dashboard and reports), likewise served by us.
const CHARTJS_DIR = path.dirname(createRequire(import.meta.url).resolve('chart.js')); // dist/: chart.umd.min.js
// Leaflet (the network map: admin/network/map-routes.ts), likewise served by us.
const LEAFLET_DIR = path.dirname(createRequire(import.meta.url).resolve('leaflet')); // dist/: leaflet.js, leaflet.css, images/

export function startWebRole(c: Container, http: HttpServer, engine: BillingEngine): RunningRole {
  const views = createViews({ cache: c.config.NODE_ENV === 'production' });
  const billing = c.queues.queue(QUEUES.billing);
  http.app.use(mount('/static', serve(path.resolve(PUBLIC_DIR), { maxage: 24 * 3600 * 1000 })));
  http.app.use(mount('/static/vendor/htmx', serve(HTMX_DIR, { maxage: 24 * 3600 * 1000 })));
  http.app.use(mount('/static/vendor/chartjs', serve(CHARTJS_DIR, { maxage: 24 * 3600 * 1000 })));
  http.app.use(mount('/static/vendor/leaflet', serve(LEAFLET_DIR, { maxage: 24 * 3600 * 1000 })));
  const webhooks = createWebhookRouter({
    db: c.db,
    clock: c.clock,
    gateways: engine.gateways,
    log: c.log.child({ role: 'web' }),
    received: async (eventId) => {
      await billing.add(BILLING_JOBS.paymentEvent, { eventId }, { jobId: `payment-event-${eventId}`, attempts: 8, backoff: { type: 'exponential', delay: 5000 } });
    },
  });
  const pay = createPayRouter({ db: c.db, engine, views });
  http.app.use(webhooks.routes()).use(webhooks.allowedMethods());
  http.app.use(pay.routes()).use(pay.allowedMethods());
  http.app.use(createGenieAcsInformRouter({ db: c.db, secrets: c.secrets, clock: c.clock, log: c.log.child({ role: 'web', area: 'genieacs' }) }).routes()); // issue 14: CPE informs
  // issue 14: the WhatsApp assistant's inbound webhooks; Wi-Fi changes through GenieACS (billing may not import network/).
  const waLog = c.log.child({ role: 'web', area: 'whatsapp' });
  http.app.use(createWhatsAppRouter({
    db: c.db, clock: c.clock, log: waLog, timeZone: c.config.ISP_TIME_ZONE, payUrl: engine.payUrl, config: c.config,
    rateLimit: { messages: c.config.WHATSAPP_ASSISTANT_RATE_LIMIT, windowMinutes: c.config.WHATSAPP_ASSISTANT_RATE_WINDOW_MINUTES },
    wifi: { setWifi: (subscriptionId, change, actor) => setWifi({ db: c.db, secrets: c.secrets, log: waLog, clock: c.clock }, subscriptionId, change, { staffUserId: null, username: actor, ip: null }) },
  }).routes());
  mountAdmin(http.app, {
    db: c.db, replicaDb: c.replicaDb, redis: c.redis, clock: c.clock, config: c.config, log: c.log.child({ role: 'web', area: 'admin' }), secrets: c.secrets, engine,
    sessions: createStaffSessions({ redis: c.redis, prefix: c.config.QUEUE_PREFIX, idleSeconds: c.config.STAFF_SESSION_IDLE_HOURS * 3600 }),
    render: createAdminRender(views, c.config.ISP_TIME_ZONE),
    prefix: c.config.QUEUE_PREFIX,
  });
  mountApi(http.app, {
    db: c.db, redis: c.redis, clock: c.clock, config: c.config, log: c.log.child({ role: 'web', area: 'api' }), secrets: c.secrets, engine, prefix: c.config.QUEUE_PREFIX,
  }, views);
  mountPortal(http.app, {
    db: c.db, redis: c.redis, clock: c.clock, config: c.config, log: c.log.child({ role: 'web', area: 'portal' }), engine, signer: c.signer, secrets: c.secrets,
    render: createPortalRender(views, { timeZone: c.config.ISP_TIME_ZONE }),
    prefix: c.config.QUEUE_PREFIX,
  });
  return { name: 'web', health: async () => ({ ok: true }), stop: async () => {} };
}
