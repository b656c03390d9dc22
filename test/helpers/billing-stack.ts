/**
 * The whole product for billing scenarios, on 127.0.0.1: the radius role (with a NAS emulator
 * receiving CoA / Disconnect), the web app (payment webhooks, pay links), the worker consuming
 * the billing queue, fake Midtrans and Xendit driven through their official SDKs, and a settable
 * clock so a test walks through a month. Schedules are off: the test runs the invoice run and the
 * dunning pass itself, day by day.
 */
import { startWorkerRole } from '../../server/worker-role.js';
import { createBillingEngine, type BillingEngine } from '../../billing/engine/engine.js';
import { settableClock } from '../../lib/clock.js';
import { freePort } from '../../lib/embedded/local-state.js';
import { createHttpServer, type HttpServer } from '../../web/app.js';
import type { RunningRole } from '../../lib/role.js';
import { startWebRole } from '../../web/web-role.js';
import { addDays } from '../../billing/plans/billing-period.js';
import { createCustomer, createNas, createPlan, createSubscription } from './factories.js';
import { startFakeMidtrans, type FakeMidtrans } from './fake-midtrans.js';
import { startFakeXendit, type FakeXendit } from './fake-xendit.js';
import { startNasEmulator, type NasEmulator } from './nas-emulator.js';
import { startRadiusStack, type RadiusStack } from './radius-stack.js';

export const NAS_SECRET = 'billing-nas-secret';
const MIDTRANS_KEY = 'SB-Mid-server-test-key';
const XENDIT_KEY = 'xnd_development_test_key';
const XENDIT_TOKEN = 'xendit-callback-token-test';

export interface BillingStack extends RadiusStack {
  clock: ReturnType<typeof settableClock>;
  engine: BillingEngine;
  nas: NasEmulator;
  midtrans: FakeMidtrans;
  xendit: FakeXendit;
  /** http://127.0.0.1:<port> of the web app. */
  baseUrl: string;
  http: HttpServer;
}

export async function startBillingStack(opts: { start: string; env?: Record<string, string> }): Promise<BillingStack> {
  const clock = settableClock(opts.start);
  const nas = await startNasEmulator({ secret: NAS_SECRET });
  const midtrans = await startFakeMidtrans({ serverKey: MIDTRANS_KEY });
  const xendit = await startFakeXendit({ secretKey: XENDIT_KEY, callbackToken: XENDIT_TOKEN });
  const port = await freePort(0);
  const baseUrl = `http://127.0.0.1:${port}`;
  const stack = await startRadiusStack({
    clock,
    env: {
      MIDTRANS_SERVER_KEY: MIDTRANS_KEY, MIDTRANS_CLIENT_KEY: 'SB-Mid-client-test', MIDTRANS_API_URL: midtrans.url, MIDTRANS_SNAP_URL: midtrans.url,
      XENDIT_SECRET_KEY: XENDIT_KEY, XENDIT_CALLBACK_TOKEN: XENDIT_TOKEN, XENDIT_API_URL: xendit.url,
      PUBLIC_URL: baseUrl,
      ...opts.env,
    },
    before: async (c) => {
      await createNas(c.db, { secret: NAS_SECRET, coaPort: nas.port });
    },
  });
  const { c } = stack;
  const engine = createBillingEngine(c, { clock });
  const roles: RunningRole[] = [];
  const http = createHttpServer(c, () => roles);
  roles.push(startWebRole(c, http, engine));
  roles.push(await startWorkerRole(c, engine, { schedule: false }));
  await http.listen('127.0.0.1', port);
  return {
    ...stack,
    clock, engine, nas, midtrans, xendit, baseUrl, http,
    async stop() {
      for (const r of roles.reverse()) await r.stop();
      await http.close();
      await stack.stop();
      await Promise.all([nas.close(), midtrans.close(), xendit.close()]);
    },
  };
}

/** A subscription that overdueSubscriptions billed, with its invoices (id order). */
export interface OverdueSubscription {
  id: number;
  customerId: number;
  invoices: Array<{ id: number; status: string; total: number }>;
}

/**
 * One customer and subscription per name on a plan at `price` (rupiah), started 1 October and
 * billed on the 1st; then the invoice run and the dunning pass day by day from 20 November to
 * 18 December (Asia/Jakarta days), leaving the clock at 18 December 12:00 in Jakarta. Each
 * subscription then has its December invoice overdue; the caller asserts what it relies on.
 */
export async function overdueSubscriptions<N extends string>(
  stack: BillingStack, names: readonly N[], price: number,
): Promise<Record<N, OverdueSubscription>> {
  const { db } = stack.c;
  const plan = await createPlan(db, { name: 'Rumahan 10 Mbps', price });
  const subs = {} as Record<N, OverdueSubscription>;
  for (const name of names) {
    const customer = await createCustomer(db, { name: `Pelanggan ${name}` });
    const s = await createSubscription(db, { customerId: customer.id, planId: plan.id, anchorDay: 1 });
    await db('subscriptions').where({ id: s.id }).update({ started_at: '2026-10-01T00:00:00+07:00' });
    subs[name] = { id: s.id, customerId: customer.id, invoices: [] };
  }
  for (let day = '2026-11-20'; day <= '2026-12-18'; day = addDays(day, 1)) {
    stack.clock.set(`${day}T02:00:00Z`); // 09:00 in Jakarta
    await stack.engine.generateInvoices();
    await stack.engine.runDunningPass();
  }
  stack.clock.set('2026-12-18T05:00:00Z');
  for (const s of Object.values<OverdueSubscription>(subs)) {
    const rows = await db('invoices').where({ subscription_id: s.id }).orderBy('id').select('id', 'status', 'total');
    s.invoices = rows.map((r: { id: number; status: string; total: number }) => ({ id: Number(r.id), status: r.status, total: Number(r.total) }));
  }
  return subs;
}
