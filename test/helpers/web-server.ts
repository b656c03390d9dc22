/**
 * The web role alone (staff console, portal, pay links, webhooks) on 127.0.0.1 against a test
 * database and Redis, for route tests: no radius role, no workers. Queued jobs stay in Redis for
 * the test to inspect (c.queues). For the whole product (radius role, workers, a NAS emulator)
 * use billing-stack.ts.
 */
import { createBillingEngine, type BillingEngine } from '../../billing/engine/engine.js';
import type { PaymentGateway, Provider } from '../../billing/payments/gateways/payment-gateway.js';
import type { ChannelName, NotificationChannel } from '../../billing/notifications/channel.js';
import type { Clock } from '../../lib/clock.js';
import { freePort } from '../../lib/embedded/local-state.js';
import { createHttpServer } from '../../web/app.js';
import { startWebRole } from '../../web/web-role.js';
import { createTestContainer, type TestContainer } from './container.js';

export interface WebServer {
  c: TestContainer;
  engine: BillingEngine;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  stop(): Promise<void>;
}

/** @param opts.env config overrides (PASSWORD_HASH_ROUNDS '4' keeps bcrypt fast in tests) */
export async function startWebServer(opts: {
  clock?: Clock;
  env?: Record<string, string>;
  gateways?: Partial<Record<Provider, PaymentGateway>>;
  channels?: Partial<Record<ChannelName, NotificationChannel>>;
} = {}): Promise<WebServer> {
  const c = await createTestContainer({ clock: opts.clock, env: { PASSWORD_HASH_ROUNDS: '4', ...opts.env } });
  const http = createHttpServer(c, () => []);
  const engine = createBillingEngine(c, { clock: opts.clock, gateways: opts.gateways, channels: opts.channels });
  startWebRole(c, http, engine);
  const port = await http.listen('127.0.0.1', await freePort(0));
  return {
    c, engine, baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      await http.close();
      await c.dispose();
    },
  };
}
