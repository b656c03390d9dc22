/**
 * /api/v1/customers updates: a PATCH changes only the fields it sends. An integration that fixes
 * a customer's name must not blank the phone number the dunning reminders go to.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { api, tokenFor } from '../helpers/api-client.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
before(async () => {
  web = await startWebServer({ clock: settableClock('2026-12-08T03:00:00Z'), env: { API_RATE_LIMIT_PER_MINUTE: '1000' } });
});
after(async () => {
  await web?.stop();
});

test('a PATCH keeps every field it leaves out, and a stale version is refused', async () => {
  const t = await tokenFor(web.c.db, 'admin');
  const created = await api(web.baseUrl, t.token, 'POST', '/customers', {
    body: { name: 'Siti Aminah', phone: '0812-3456-7890', email: 'siti@example.id', address: 'Jl. Melati 3, RT 03', notes: 'pagar hijau', area: 'RT 03', locale: 'en' },
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));

  const patched = await api(web.baseUrl, t.token, 'PATCH', `/customers/${created.json.id}`, { body: { version: created.json.version, name: 'Siti Aminah Putri' } });
  assert.equal(patched.status, 200, JSON.stringify(patched.json));
  assert.equal(patched.json.name, 'Siti Aminah Putri');
  assert.equal(patched.json.phone, created.json.phone, 'the phone number stays');
  assert.equal(patched.json.email, 'siti@example.id');
  assert.equal(patched.json.address, 'Jl. Melati 3, RT 03');
  assert.equal(patched.json.notes, 'pagar hijau');
  assert.equal(patched.json.area, 'RT 03');
  assert.equal(patched.json.locale, 'en', 'the language stays English');

  const stale = await api(web.baseUrl, t.token, 'PATCH', `/customers/${created.json.id}`, { body: { version: created.json.version, name: 'Someone else' } });
  assert.equal(stale.status, 409, JSON.stringify(stale.json));
  assert.match(stale.headers.get('content-type') ?? '', /application\/problem\+json/);
});
