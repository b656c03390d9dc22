/**
 * The staff console's settings, dunning and template screens for route tests: the web role on a
 * private database with a settable clock and every log line kept (so a test can show a secret
 * never reached the log), an optional radius role on the same database (to see a settings
 * change arrive through LISTEN/NOTIFY), signed-in staff of any role, and small readers.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startRadiusRole, type RadiusRole } from '../../server/radius-role.js';
import { createBillingEngine, type BillingEngine } from '../../billing/engine/engine.js';
import type { ChannelName, NotificationChannel, OutgoingMessage } from '../../billing/notifications/channel.js';
import type { PaymentGateway, Provider } from '../../billing/payments/gateways/payment-gateway.js';
import { settableClock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import { freePort } from '../../lib/embedded/local-state.js';
import { createHttpServer, type HttpServer } from '../../web/app.js';
import { startWebRole } from '../../web/web-role.js';
import { adminClient, type AdminClient } from './admin-client.js';
import { createTestContainer, type TestContainer } from './container.js';
import { createStaff } from './factories.js';

export interface ConsoleServer {
  c: TestContainer;
  engine: BillingEngine;
  clock: ReturnType<typeof settableClock>;
  baseUrl: string;
  /** Every log line written so far (JSON), by the web role and the engine. */
  logs: string[];
  radius?: RadiusRole;
  /** A signed-in client of a new staff member with `role`. */
  signedIn(role: 'admin' | 'cashier' | 'technician' | 'viewer'): Promise<AdminClient>;
  stop(): Promise<void>;
}

export async function startConsoleServer(opts: {
  env?: Record<string, string>;
  start?: string;
  radius?: boolean;
  gateways?: Partial<Record<Provider, PaymentGateway>>;
  channels?: Partial<Record<ChannelName, NotificationChannel>>;
} = {}): Promise<ConsoleServer> {
  const clock = settableClock(opts.start ?? '2026-11-21T02:00:00Z');
  const c = await createTestContainer({ clock, env: { PASSWORD_HASH_ROUNDS: '4', ...opts.env } });
  const logs: string[] = [];
  c.log = pino({ level: 'debug' }, new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  }));
  const radius = opts.radius ? await startRadiusRole(c, { host: '127.0.0.1', authPort: 0, acctPort: 0, schedule: false }) : undefined;
  const http: HttpServer = createHttpServer(c, () => []);
  const engine = createBillingEngine(c, { clock, gateways: opts.gateways, channels: opts.channels });
  startWebRole(c, http, engine);
  const port = await http.listen('127.0.0.1', await freePort(0));
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    c, engine, clock, baseUrl, logs, radius,
    async signedIn(role) {
      const staff = await createStaff(c.db, { role, locale: 'en' });
      const client = adminClient(baseUrl);
      const res = await client.signIn(staff.username, staff.password);
      if (res.status !== 302) throw new Error(`sign-in as ${role}: ${res.status}`);
      await client.get('/admin');
      return client;
    },
    async stop() {
      await http.close();
      await radius?.stop();
      await c.dispose();
    },
  };
}

/** What the browser shows of escaped HTML text (Handlebars escapes & < > " ' ` =). */
export function decodeHtml(html: string): string {
  return html.replace(/&(#x([0-9a-f]+)|quot|amp|lt|gt);/gi, (_m, name: string, hex?: string) =>
    hex ? String.fromCharCode(parseInt(hex, 16)) : ({ quot: '"', amp: '&', lt: '<', gt: '>' } as Record<string, string>)[name.toLowerCase()]!);
}

/** The `version` hidden field of the form posting to `action` in `html`. */
export function formVersion(html: string, action: string): string {
  const at = html.indexOf(`action="${action}"`);
  if (at === -1) throw new Error(`no form posting to ${action}`);
  const m = /name="version" value="(\d*)"/.exec(html.slice(at));
  if (!m) throw new Error(`no version in the form posting to ${action}`);
  return m[1]!;
}

/** Audit rows of `objectType` (optionally one object), oldest first, as JSON text per row. */
export async function auditRows(db: Knex, objectType: string, objectId?: string): Promise<Array<{ action: string; before: unknown; after: unknown; text: string }>> {
  const q = db('audit_log').where({ object_type: objectType }).orderBy('id');
  if (objectId !== undefined) q.where({ object_id: objectId });
  const rows = (await q) as Array<{ action: string; before: unknown; after: unknown }>;
  return rows.map((r) => ({ action: r.action, before: r.before, after: r.after, text: JSON.stringify(r) }));
}

/** A channel that keeps what it was asked to send. */
export function capturingChannel(name: ChannelName): NotificationChannel & { sent: OutgoingMessage[] } {
  const sent: OutgoingMessage[] = [];
  return {
    name,
    sent,
    async send(message) {
      sent.push(message);
      return { ok: true, providerId: `test-${sent.length}` };
    },
  };
}

/** An open invoice of `total` rupiah for customer `customerId` (no subscription), numbered `number`. */
export async function openInvoice(db: Knex, customerId: number, opts: { number: string; total: number; dueDate: string; subscriptionId?: number }): Promise<number> {
  const [row] = await db('invoices').insert({
    invoice_number: opts.number, customer_id: customerId, subscription_id: opts.subscriptionId ?? null, kind: opts.subscriptionId ? 'recurring' : 'one_off',
    period_start: opts.subscriptionId ? opts.dueDate : null, issue_date: opts.dueDate, due_date: opts.dueDate, status: 'open',
    subtotal: opts.total, total: opts.total,
  }).returning('id');
  return Number(row.id);
}
