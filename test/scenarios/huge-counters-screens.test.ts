/**
 * Octet counters are 64-bit (RFC 2869 §5.1, §5.2: Acct-Input-Gigawords × 2^32 + Acct-Input-Octets)
 * and the accounting path stores them exactly past 2^53. The screens that show them must too:
 * the live sessions list and its CSV, the subscription page (sessions and daily usage), the top
 * usage report and a voucher batch answer 200, and the CSV carries the exact value.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';
import { createCustomer, createNas, createSubscription } from '../helpers/factories.js';
import { insertSession, signedInAs } from '../helpers/subscriptions-fixtures.js';

const clock = settableClock('2026-11-21T03:00:00Z');
const PAST_2_53 = '9007199254740997'; // 2^53 + 5: a JS number would read …996
const NEAR_2_63 = '9223372036854775000';
let web: WebServer;
let sub: { id: number; username: string };

before(async () => {
  web = await startWebServer({ clock });
  const { db } = web.c;
  const nas = await createNas(db, { name: 'Router Besar', ipAddress: '10.9.0.1' });
  const customer = await createCustomer(db, { name: 'Heavy Downloader' });
  sub = await createSubscription(db, { customerId: customer.id, username: 'heavy.user' });
  const { id } = await insertSession(db, { subscriptionId: sub.id, username: sub.username, acctSessionId: 'b16b0001', nasId: nas.id, nasIp: nas.ipAddress, start: '2026-11-21T01:00:00Z' });
  await db('accounting_sessions').where({ id }).update({ input_octets: db.raw('?::bigint', [PAST_2_53]), output_octets: db.raw('?::bigint', [NEAR_2_63]) });
  // The accounting trigger has counted the session into usage_daily; make the day's total near 2^63.
  await db('usage_daily').where({ subscription_id: sub.id }).update({ input_octets: db.raw('?::bigint', [NEAR_2_63]), output_octets: db.raw('?::bigint', [NEAR_2_63]) });
});
after(async () => {
  await web?.stop();
});

test('sessions, subscription page and top usage show counters past 2^53; the CSV carries them exactly', async () => {
  const { client } = await signedInAs(web.baseUrl, web.c.db, 'admin');
  const list = await client.get('/admin/sessions?sort=bytes&dir=desc');
  assert.equal(list.status, 200);
  assert.match(list.text, /data-session="b16b0001"/);
  assert.match(list.text, /TiB/, 'shown in binary units');

  const csv = await client.get('/admin/sessions.csv');
  assert.equal(csv.status, 200);
  assert.match(csv.text, new RegExp(`,${PAST_2_53},${NEAR_2_63}\\s*$`, 'm'), 'exact counters in the CSV');

  const page = await client.get(`/admin/subscriptions/${sub.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /data-day="2026-11-21"/, 'the day of usage is listed');

  const usage = await client.get('/admin/reports/usage?from=2026-11-21&to=2026-11-21');
  assert.equal(usage.status, 200, 'two near-2^63 counters add up without overflow');
  assert.match(usage.text, new RegExp(`data-subscription="${sub.id}"`));
});
