/**
 * Reads that hand out secrets or the whole customer list are written to the admin audit log like
 * changes are: opening a router's RouterOS script (it carries the shared secret) and exporting
 * the customers as CSV (every subscriber's name and phone).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { createCustomer, createNas } from '../helpers/factories.js';
import { signedIn } from '../helpers/plans-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
before(async () => {
  web = await startWebServer({ clock: settableClock('2026-12-07T03:00:00Z') });
});
after(async () => {
  await web.stop();
});

test('opening a router\'s RouterOS script is audited: who, which router, for which server address; never the secret', async () => {
  const nas = await createNas(web.c.db, { name: 'Router Skrip', ipAddress: '10.80.0.5', secret: 'skrip-secret-123' });
  const { client, staff } = await signedIn(web.baseUrl, web.c.db, 'technician');
  const script = await client.get(`/admin/nas/${nas.id}/script?server=10.0.0.2`);
  assert.equal(script.status, 200);
  assert.match(script.text, /skrip-secret-123/);
  const rows = await web.c.db('audit_log').where({ action: 'nas_script_viewed', object_type: 'nas', object_id: String(nas.id) });
  assert.equal(rows.length, 1);
  assert.deepEqual([Number(rows[0].staff_user_id), rows[0].after], [staff.id, { server: '10.0.0.2' }]);
  assert.ok(!JSON.stringify(rows).includes('skrip-secret-123'), 'not the secret itself');
});

test('exporting the customers as CSV is audited with its filter', async () => {
  await createCustomer(web.c.db, { name: 'Sari Ekspor' });
  const { client, staff } = await signedIn(web.baseUrl, web.c.db, 'viewer');
  const csv = await client.get('/admin/customers.csv?q=Sari&filter=&sort=name&dir=desc');
  assert.equal(csv.status, 200);
  assert.match(csv.text, /Sari Ekspor/);
  const rows = await web.c.db('audit_log').where({ action: 'customers_exported' });
  assert.equal(rows.length, 1);
  assert.equal(Number(rows[0].staff_user_id), staff.id);
  assert.deepEqual(rows[0].after, { q: 'Sari', filter: '', area: '', sort: 'name', dir: 'desc' });
});
