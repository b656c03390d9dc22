/**
 * Staff alerts in the console (issue 10, item 6): a count in the header of every page for staff
 * who may see alerts, the list at /admin/alerts page by page, and "acknowledge" (CSRF, audited,
 * refused to a viewer) which takes the alert out of the count and the open list. The Telegram
 * relay is untouched (billing/notifications/relay-staff-alerts.test.ts).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ALERTS_PAGE_SIZE } from '../../lib/staff-alert-inbox.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';
import { decodeHtml, signedInAs } from '../helpers/subscriptions-fixtures.js';

let web: WebServer;

before(async () => {
  web = await startWebServer();
});
after(async () => {
  await web?.stop();
});

/** The header's open-alert count on `path`. */
const headerCount = (html: string): number | null => {
  const m = /data-open-alerts="(\d*)"/.exec(html);
  return m ? Number(m[1] || 0) : null;
};

test('an alert raised shows in the header count and the list; acknowledging it (CSRF, audited) removes it', async () => {
  const { client, staff } = await signedInAs(web.baseUrl, web.c.db, 'technician');
  assert.equal(headerCount((await client.get('/admin/customers')).text), 0);

  // What nas-control writes when a router answered no attempt (aaa/nas/nas-control.ts).
  const [alert] = await web.c.db('staff_alerts').insert({
    kind: 'nas_control_failed', message: 'Could not apply "suspended" to budi on NAS POP-Cibubur (10.1.0.1)',
    details: JSON.stringify({ tried: [{ action: 'disconnect', result: 'timeout' }] }),
  }).returning('id');
  const customers = await client.get('/admin/customers');
  assert.equal(headerCount(customers.text), 1, 'the count is on every page');
  assert.match(customers.text, /<a class="alerts-link alerts-open" href="\/admin\/alerts" data-open-alerts="1"[^>]*>.*?Alerts<\/span> <strong class="badge count"[^>]*>1<\/strong>/s);

  const list = await client.get('/admin/alerts');
  assert.equal(list.status, 200);
  assert.match(decodeHtml(list.text), /Could not apply "suspended" to budi on NAS POP-Cibubur/);
  assert.match(list.text, new RegExp(`action="/admin/alerts/${alert.id}/acknowledge"`));

  assert.equal((await client.post(`/admin/alerts/${alert.id}/acknowledge`, { _csrf: null })).status, 403, 'no CSRF token, no change');
  const ack = await client.post(`/admin/alerts/${alert.id}/acknowledge`, { back: '/admin/alerts' });
  assert.equal(ack.status, 302);
  assert.equal(ack.location, '/admin/alerts?saved=acknowledged');
  const after = await client.get(ack.location!);
  assert.equal(headerCount(after.text), 0);
  assert.match(after.text, /Alert acknowledged\./);
  assert.match(after.text, /No open alerts\./);
  assert.match(decodeHtml((await client.get('/admin/alerts?show=acknowledged')).text), /Could not apply "suspended" to budi/);

  const row = await web.c.db('staff_alerts').where({ id: alert.id }).first('acknowledged_at', 'acknowledged_by');
  assert.ok(row.acknowledged_at);
  assert.equal(Number(row.acknowledged_by), staff.id);
  const audit = await web.c.db('audit_log').where({ action: 'staff_alert_acknowledged', object_id: String(alert.id) }).select('staff_user_id');
  assert.deepEqual(audit.map((a) => Number(a.staff_user_id)), [staff.id]);
  assert.equal((await client.post(`/admin/alerts/${alert.id}/acknowledge`, {})).location, '/admin/alerts?saved=gone', 'once only');
});

test('a viewer sees the count and the list but cannot acknowledge; the list comes in pages', async () => {
  await web.c.db('staff_alerts').whereNull('acknowledged_at').update({ acknowledged_at: web.c.db.fn.now() });
  await web.c.db('staff_alerts').insert(Array.from({ length: ALERTS_PAGE_SIZE + 2 }, (_, i) => ({ kind: 'payment_amount_mismatch', message: `mismatch ${i}` })));
  const { client } = await signedInAs(web.baseUrl, web.c.db, 'viewer');
  const first = await client.get('/admin/alerts');
  assert.equal(headerCount(first.text), ALERTS_PAGE_SIZE + 2);
  assert.equal((first.text.match(/data-alert="/g) ?? []).length, ALERTS_PAGE_SIZE);
  assert.doesNotMatch(first.text, /\/acknowledge"/, 'no button for a viewer');
  assert.match(decodeHtml(first.text), /href="\?page=2" rel="next"/);
  assert.equal(((await client.get('/admin/alerts?page=2')).text.match(/data-alert="/g) ?? []).length, 2);
  const id = (await web.c.db('staff_alerts').whereNull('acknowledged_at').first('id')).id;
  assert.equal((await client.post(`/admin/alerts/${id}/acknowledge`, {})).status, 403);
  assert.equal(await web.c.db('staff_alerts').whereNull('acknowledged_at').count({ n: '*' }).first().then((r) => Number(r!.n)), ALERTS_PAGE_SIZE + 2);
});
