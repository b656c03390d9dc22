/**
 * Removing the first-start demo data from a database that went live, from the console (Settings ›
 * Demo data, admin only, typed confirmation, CSRF, audited) and with `npm run demo -- remove`:
 * exactly the demo rows and what hangs on them (their invoices and ledger entries from the invoice
 * run) go; every other row stays, counted table by table before and after; real data attached to a
 * demo row blocks the removal and is named; a second run does nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { settableClock } from '../../lib/clock.js';
import { demoHints, loadDemoData } from '../../server/demo/demo-data.js';
import { createCustomer, createNas, createPlan, createSubscription, TEST_SECRET_BOX } from '../helpers/factories.js';
import { decodeHtml, signedInAs } from '../helpers/subscriptions-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const clock = settableClock('2026-11-21T03:00:00Z');
let web: WebServer;

before(async () => {
  web = await startWebServer({ clock });
});
after(async () => {
  await web?.stop();
});

const TABLES = ['nas', 'plans', 'customers', 'subscriptions', 'invoices', 'ledger_entries'] as const;

/** Rows that are not demo, per table (invoices and ledger entries: of customers that are not demo). */
async function realRows(): Promise<Record<string, number>> {
  const { db } = web.c;
  const out: Record<string, number> = {};
  for (const t of TABLES) {
    const q = t === 'invoices' || t === 'ledger_entries'
      ? db(t).whereIn('customer_id', db('customers').where({ demo: false }).select('id'))
      : db(t).where({ demo: false });
    out[t] = Number((await q.count({ n: '*' }))[0]!.n);
  }
  return out;
}

const demoCount = async (): Promise<number> => {
  const { rows } = await web.c.db.raw('SELECT (SELECT count(*) FROM nas WHERE demo) + (SELECT count(*) FROM plans WHERE demo) + (SELECT count(*) FROM customers WHERE demo) + (SELECT count(*) FROM subscriptions WHERE demo) AS n');
  return Number(rows[0].n);
};

function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/cli/demo.ts', ...args], {
      cwd: ROOT, env: { ...process.env, DATABASE_URL: web.c.testDb.url, LOG_LEVEL: 'warn' },
    }, (err, stdout, stderr) => resolve({ code: err ? (err as { code?: number }).code ?? 1 : 0, out: stdout + stderr }));
  });
}

test('remove demo data: blocked while real data hangs on it, then exactly the demo rows go; a second run does nothing', async () => {
  const { db } = web.c;
  await loadDemoData(db, TEST_SECRET_BOX, clock.now());
  assert.ok((await demoHints(db, TEST_SECRET_BOX))?.subscriptions.length, 'the demo logins, for the first start');
  // A live ISP around the demo rows: its own router, plan, customers and a subscription with invoices.
  await createNas(db, { name: 'Router Pusat', ipAddress: '10.20.0.1' });
  const plan = await createPlan(db, { name: 'Bisnis 50 Mbps', price: 500_000 });
  const real = await createSubscription(db, { planId: plan.id, anchorDay: 21 });
  await createCustomer(db, { name: 'Pelanggan tanpa langganan' });
  // The seed and the factory start subscriptions at the database's now(); billing runs on the settable clock.
  await db('subscriptions').update({ started_at: clock.now() });
  await web.engine.generateInvoices();
  assert.ok(Number((await db('ledger_entries').whereIn('customer_id', db('customers').where({ demo: true }).select('id')).count({ n: '*' }))[0]!.n) > 0,
    'the invoice run billed the demo subscribers too');
  assert.ok(Number((await db('invoices').where({ subscription_id: real.id }).count({ n: '*' }))[0]!.n) > 0);
  // Staff put a real subscriber on a demo plan.
  const demoPlan = await db('plans').where({ demo: true }).first('id');
  const onDemoPlan = await createSubscription(db, { planId: Number(demoPlan.id), username: 'pelanggan-nyata' });

  for (const role of ['technician', 'cashier'] as const) {
    const { client } = await signedInAs(web.baseUrl, db, role);
    assert.equal((await client.get('/admin/settings/demo')).status, 403);
    assert.equal((await client.post('/admin/settings/demo/remove', { confirm: 'DEMO' })).status, 403);
  }
  const { client } = await signedInAs(web.baseUrl, db, 'admin');
  const page = await client.get('/admin/settings/demo');
  assert.equal(page.status, 200);
  assert.match(decodeHtml(page.text), /data-demo-blockers[\s\S]*1 subscription\(s\) that are not demo on a demo customer or demo plan: pelanggan-nyata/);
  const before = await realRows();
  const demoBefore = await demoCount();
  const blocked = await client.post('/admin/settings/demo/remove', { confirm: 'DEMO' });
  assert.equal(blocked.status, 409);
  assert.equal(await demoCount(), demoBefore, 'nothing removed');
  const cliBlocked = await cli(['remove']);
  assert.equal(cliBlocked.code, 1);
  assert.match(cliBlocked.out, /pelanggan-nyata/);
  assert.equal(await demoCount(), demoBefore);

  // The subscriber moves off the demo plan; then the removal may go ahead.
  await db('subscriptions').where({ id: onDemoPlan.id }).update({ plan_id: plan.id });
  const unconfirmed = await client.post('/admin/settings/demo/remove', { confirm: 'ya' });
  assert.equal(unconfirmed.status, 422);
  assert.equal(await demoCount(), demoBefore);
  const res = await client.post('/admin/settings/demo/remove', { confirm: 'DEMO' });
  assert.equal(res.location, '/admin/settings/demo?saved=removed');
  assert.equal(await demoCount(), 0, 'every demo row is gone');
  assert.deepEqual(await realRows(), before, 'and no other row');
  assert.equal(Number((await db('ledger_entries').whereNotIn('customer_id', db('customers').select('id')).count({ n: '*' }))[0]!.n), 0);
  assert.equal(await demoHints(db, TEST_SECRET_BOX), null, 'nothing to print any more');
  const audit = await db('audit_log').where({ action: 'demo_data_removed' });
  assert.equal(audit.length, 1);
  assert.equal(audit[0].after.subscriptions, 6);
  assert.match((await client.get(res.location!)).text, /data-demo-none/);

  // The ledger stays append-only for real customers, even with the removal's switch on.
  await assert.rejects(db.transaction(async (trx) => {
    await trx.raw(`SELECT set_config('app.removing_demo', 'on', true)`);
    await trx('ledger_entries').where({ customer_id: real.customerId }).del();
  }), /append-only/);

  const again = await cli(['remove']);
  assert.equal(again.code, 0, again.out);
  assert.match(again.out, /No demo data/);
  assert.deepEqual(await realRows(), before, 'a second run does nothing');
});
