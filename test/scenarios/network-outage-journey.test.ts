/**
 * Issue 12's whole outage chain through the worker's real jobs (network/jobs.ts NETWORK_JOBS), a
 * real fping and the MikroTik simulator logged in to the radius role, with a settable clock:
 * - five simulated subscribers are online; four hang off an ODP behind an ODC behind an OLT, the
 *   fifth off an ODP elsewhere; all five owe an invoice 11 days overdue (the default schedule
 *   suspends at H+7);
 * - the OLT, ODC and ODP stop answering (their addresses move to 203.0.113.x, TEST-NET-3, RFC 5737,
 *   unrouted here): three `ping-round`s → down, one `device_down` alert for the OLT; `alert-rules`
 *   after the outage threshold → one outage with the four subscriptions, one start notice each;
 *   the dunning pass suspends the fifth (its Disconnect reaches the simulator) and leaves the four;
 * - they answer again (127.0.0.x): two `ping-round`s → up; `alert-rules` → the outage ends, one end
 *   notice each, one SLA credit each (billing/plans/sla-credit.ts), written once however often the
 *   job runs; dunning resumes.
 * And the prober's flap damping follows the console's "missed probes before down" rule.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createBillingEngine, type BillingEngine } from '../../billing/engine/engine.js';
import { settableClock } from '../../lib/clock.js';
import { NETWORK_JOB_NAMES, NETWORK_JOBS } from '../../network/jobs.js';
import type { Simulator } from '../../simulator/start-simulator.js';
import { startRadiusStack, type RadiusStack } from '../helpers/radius-stack.js';
import { startSimulatorBeside } from '../helpers/simulator-beside.js';
import { openInvoice } from '../helpers/settings-fixtures.js';

const NAS_IP = '127.0.0.41';
const SECRET = 'sim-secret-outage';
// 09:00 in Jakarta on 21 November 2026; the invoices fell due on the 10th.
const T0 = new Date('2026-11-21T02:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const clock = settableClock(T0);
let stack: RadiusStack;
let sim: Simulator;
let billing: BillingEngine;
const lines: string[] = [];

async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 8000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; simulator said:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs a network job as the worker's dispatcher does (server/network-jobs.ts), at `at`. */
async function job(name: string, at: Date): Promise<Record<string, number>> {
  clock.set(at);
  return (await NETWORK_JOBS[name]!.run(stack.c, {})) as Record<string, number>;
}

before(async () => {
  stack = await startRadiusStack({
    clock,
    // A WhatsApp channel configured, so notices reach the outbox (nothing dispatches them here).
    env: { WHATSAPP_PROVIDER: 'fonnte', FONNTE_TOKEN: 'test-token', FONNTE_API_URL: 'http://127.0.0.1:9' },
  });
  sim = await startSimulatorBeside(stack, { nasIp: NAS_IP, secret: SECRET, subscribers: 5, devices: 0, lines });
  billing = createBillingEngine(stack.c);
});

after(async () => {
  await sim?.stop();
  await stack?.stop();
});

test('an OLT stops answering and comes back: one alert, an outage, dunning paused, notices once, SLA credits once', async () => {
  const { db } = stack.c;
  await sim.firstLogins;
  await eventually('5 open sessions', async () =>
    Number((await db('accounting_sessions').where({ nas_ip_address: NAS_IP }).whereNull('stop_time').count('* as n').first())?.n) === 5);

  // Rp 150.000 a month (seed:load's plan), 1 hour of outage tolerated; outages open after 5 minutes.
  const subs = await db('subscriptions').whereIn('username', ['user1', 'user2', 'user3', 'user4', 'user5']).orderBy('username')
    .select('id', 'customer_id', 'plan_id', 'username');
  await db('plans').where({ id: subs[0].plan_id }).update({ sla_threshold_hours: 1 });
  await db('network_alert_rules').insert({ id: true, outage_after_minutes: 5 }).onConflict('id').merge(['outage_after_minutes']);

  const routerId = Number((await db('devices').where({ kind: 'router' }).first('id')).id);
  const device = async (kind: string, name: string, parentId: number | null, address: string): Promise<number> =>
    Number((await db('devices').insert({ kind, name, parent_id: parentId, address }).returning('id'))[0].id);
  const olt = await device('olt', 'OLT Cibubur', routerId, '127.0.0.1');
  const odc = await device('odc', 'ODC Cibubur 1', olt, '127.0.0.43');
  const odp = await device('odp', 'ODP Cibubur 1-1', odc, '127.0.0.44');
  const elsewhere = Number((await db('devices').insert({ kind: 'odp', name: 'ODP Depok', parent_id: routerId }).returning('id'))[0].id);
  const behind = subs.slice(0, 4);
  const other = subs[4];
  for (const [i, s] of behind.entries()) await db('subscriptions').where({ id: s.id }).update({ device_id: odp, device_port: i + 1 });
  await db('subscriptions').where({ id: other.id }).update({ device_id: elsewhere, device_port: 1 });
  for (const [i, s] of subs.entries()) {
    await db('customers').where({ id: s.customer_id }).update({ phone: `08121234500${i}` });
    const number = `INV/2026/11/00070${i}`;
    const inv = await openInvoice(db, Number(s.customer_id), { number, total: 150_000, dueDate: '2026-11-10', subscriptionId: Number(s.id) });
    await db('ledger_entries').insert({ customer_id: s.customer_id, entry_type: 'invoice', amount: -150_000, invoice_id: inv, description: number });
  }

  // All answer; then the OLT's site loses power: nobody there answers any more.
  await job(NETWORK_JOB_NAMES.pingRound, T0);
  assert.deepEqual((await db('device_state').whereIn('device_id', [olt, odc, odp, routerId]).pluck('state')), ['up', 'up', 'up', 'up']);
  for (const [id, n] of [[olt, 10], [odc, 11], [odp, 12]] as const) await db('devices').where({ id }).update({ address: `203.0.113.${n}` });
  for (let i = 1; i <= 3; i++) await job(NETWORK_JOB_NAMES.pingRound, new Date(T0.getTime() + i * MIN));
  const down = new Date(T0.getTime() + 3 * MIN);
  const downAlerts = await db('staff_alerts').where({ kind: 'device_down' });
  assert.equal(downAlerts.length, 1, 'one alert for the OLT, none for the ODC and ODP behind it');
  assert.equal(downAlerts[0].details.deviceId, olt);
  assert.match(downAlerts[0].message, /OLT Cibubur is down \(2 device\(s\) behind it also down\)/);
  assert.equal((await db('device_state').where({ device_id: routerId }).first()).state, 'up');

  assert.equal((await job(NETWORK_JOB_NAMES.alertRules, new Date(down.getTime() + 4 * MIN))).opened, 0, 'not yet: the threshold is 5 minutes');
  assert.equal((await job(NETWORK_JOB_NAMES.alertRules, new Date(down.getTime() + 5 * MIN))).opened, 1);
  const again = await job(NETWORK_JOB_NAMES.alertRules, new Date(down.getTime() + 6 * MIN));
  assert.deepEqual([again.opened, again.noticed, again.settled], [0, 0, 0], 'a re-run opens and notices nothing');
  const outages = await db('outages');
  assert.equal(outages.length, 1, 'one outage, for the OLT');
  assert.equal(Number(outages[0].device_id), olt);
  assert.equal(new Date(outages[0].started_at).getTime(), down.getTime(), 'since the OLT went down');
  assert.equal(outages[0].affected, 4);
  const outageId = Number(outages[0].id);
  assert.deepEqual((await db('outage_subscriptions').where({ outage_id: outageId }).pluck('subscription_id')).map(Number).sort((a, b) => a - b),
    behind.map((s) => Number(s.id)).sort((a, b) => a - b), 'every subscription behind the OLT, not the one elsewhere');
  const started = await db('notification_outbox').where({ template: 'outage_started' });
  assert.deepEqual(started.map((m) => Number(m.customer_id)).sort((a, b) => a - b), behind.map((s) => Number(s.customer_id)).sort((a, b) => a - b),
    'one start notice per affected customer, once');
  assert.ok(started.every((m) => m.channel === 'whatsapp'));

  // The dunning pass: the customer elsewhere is suspended and its router drops the session; the four are left alone.
  await billing.runDunningPass();
  assert.equal((await db('subscriptions').where({ id: other.id }).first()).status, 'suspended');
  for (const s of behind) assert.equal((await db('subscriptions').where({ id: s.id }).first()).status, 'active', `${s.username}: dunning paused`);
  const actedOn = await db('dunning_actions as a').join('invoices as i', 'i.id', 'a.invoice_id').distinct('i.customer_id').pluck('i.customer_id');
  assert.deepEqual(actedOn.map(Number), [Number(other.customer_id)], 'no reminder, fee or suspension for a customer in the outage');
  await eventually('user5 disconnected', async () => !sim.router.sessions.has('user5'));
  assert.equal(sim.router.sessions.size, 4);

  // Three hours after it went down, the OLT, the ODC and the ODP answer again: up after two answered rounds.
  for (const [id, address] of [[olt, '127.0.0.1'], [odc, '127.0.0.43'], [odp, '127.0.0.44']] as const) await db('devices').where({ id }).update({ address });
  const up = new Date(down.getTime() + 3 * HOUR);
  await job(NETWORK_JOB_NAMES.pingRound, new Date(up.getTime() - MIN));
  assert.equal((await db('device_state').where({ device_id: olt }).first()).state, 'down', 'one answered round is not enough');
  await job(NETWORK_JOB_NAMES.pingRound, up);
  const upAlerts = await db('staff_alerts').where({ kind: 'device_up' });
  assert.equal(upAlerts.length, 1, 'one "up again" alert, for the OLT');
  assert.equal(upAlerts[0].details.deviceId, olt);
  assert.equal(new Date((await db('outages').where({ id: outageId }).first()).ended_at).getTime(), up.getTime());

  // 3 h lost, 1 h tolerated: 2 h of a 30-day month (720 h) of Rp 150.000 = Rp 416,67 → Rp 417 each.
  const credit = 417;
  const settled = await job(NETWORK_JOB_NAMES.alertRules, new Date(up.getTime() + MIN));
  assert.equal(settled.settled, 1);
  assert.equal(settled.credited, 4 * credit);
  for (let i = 2; i <= 3; i++) assert.equal((await job(NETWORK_JOB_NAMES.alertRules, new Date(up.getTime() + i * MIN))).credited, 0, 'a re-run credits nothing');
  const ended = await db('notification_outbox').where({ template: 'outage_ended' });
  assert.deepEqual(ended.map((m) => Number(m.customer_id)).sort((a, b) => a - b), behind.map((s) => Number(s.customer_id)).sort((a, b) => a - b),
    'one end notice per customer');
  const credits = await db('ledger_entries').where({ entry_type: 'adjustment' }).orderBy('customer_id');
  assert.deepEqual(credits.map((e) => [Number(e.customer_id), Number(e.amount)]), behind.map((s) => [Number(s.customer_id), credit]));
  assert.ok(credits.every((e) => e.description.includes(`#${outageId}`)), 'the outage is the reason');
  assert.equal(Number((await db('invoices').where({ customer_id: behind[0]!.customer_id }).first()).amount_paid), credit, 'the credit pays towards what is owed');
  assert.equal((await db('staff_alerts').where({ kind: 'outage_ended' })).length, 1);

  // Dunning resumes after the outage.
  await billing.runDunningPass();
  for (const s of behind) assert.equal((await db('subscriptions').where({ id: s.id }).first()).status, 'suspended', `${s.username}: dunning resumed`);
});

test('the prober follows the console\'s "missed probes before down" rule', async () => {
  const { db } = stack.c;
  await db('network_alert_rules').where({ id: true }).update({ missed_probes_down: 2 });
  const [row] = await db('devices').insert({ kind: 'switch', name: 'Switch Bogor', address: '203.0.113.20' }).returning('id');
  const from = clock.now().getTime();
  await job(NETWORK_JOB_NAMES.pingRound, new Date(from + MIN));
  await job(NETWORK_JOB_NAMES.pingRound, new Date(from + 2 * MIN));
  const s = await db('device_state').where({ device_id: row.id }).first();
  assert.equal(s.state, 'down', 'down after two missed rounds');
  assert.equal(new Date(s.since).getTime(), from + 2 * MIN);
});
