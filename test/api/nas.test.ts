/**
 * /api/v1/nas against the web role and a real database: registering a router through the one NAS
 * writer (aaa/nas/save-nas.ts: validation, audit, sealed secret), listing and reading it without
 * ever answering the shared secret or the RouterOS password (only whether each is set), editing
 * it with the optimistic lock, 404 and problem+json on bad input, and the nas.api_host rule for a
 * technician's token.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { api, tokenFor } from '../helpers/api-client.js';
import { TEST_SECRET_BOX } from '../helpers/factories.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
before(async () => {
  web = await startWebServer({ clock: settableClock('2026-12-08T03:00:00Z'), env: { API_RATE_LIMIT_PER_MINUTE: '1000' } });
});
after(async () => {
  await web?.stop();
});

test('a router registered over the API is stored with its sealed secret, audited, and never answered with a secret', async () => {
  const t = await tokenFor(web.c.db, 'admin');
  const created = await api(web.baseUrl, t.token, 'POST', '/nas', {
    body: { name: 'Tower Cibubur', ip_address: '10.20.0.1', secret: 'Sh4redSecret99', routeros_username: 'api', routeros_password: 'RouterPass1' },
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  assert.equal(created.headers.get('location'), `/api/v1/nas/${created.json.id}`);
  assert.equal(created.json.ip_address, '10.20.0.1');
  assert.equal(created.json.secret_set, true);
  assert.equal(created.json.routeros_password_set, true);
  assert.equal(created.json.coa_port, 3799, 'the form\'s default CoA port (RFC 5176 §3)');
  const text = created.bytes.toString('utf8');
  assert.ok(!text.includes('Sh4redSecret99') && !text.includes('RouterPass1'), 'no secret in the answer');

  const row = await web.c.db('nas').where({ id: created.json.id }).first('secret_enc', 'routeros_password_enc');
  assert.equal(TEST_SECRET_BOX.open(row.secret_enc), 'Sh4redSecret99', 'the secret is stored sealed');
  const audit = await web.c.db('audit_log').where({ action: 'nas_created', object_id: String(created.json.id) }).first('staff_user_id', 'actor', 'after');
  assert.equal(Number(audit.staff_user_id), t.staffId);
  assert.match(audit.actor, /\(API token #\d+\)$/);
  assert.ok(!JSON.stringify(audit.after).includes('Sh4redSecret99'), 'no secret in the audit row');

  const list = await api(web.baseUrl, t.token, 'GET', '/nas?q=Cibubur');
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.data.map((n: { id: number }) => n.id), [created.json.id]);
  assert.ok(!list.bytes.toString('utf8').includes('Sh4redSecret99'));
  const one = await api(web.baseUrl, t.token, 'GET', `/nas/${created.json.id}`);
  assert.equal(one.status, 200);
  assert.equal(one.json.name, 'Tower Cibubur');
  assert.equal('secret' in one.json || 'secret_enc' in one.json || 'routeros_password' in one.json, false);

  // Edit: a field left out keeps its value and its secret; a stale version is refused.
  const edited = await api(web.baseUrl, t.token, 'PATCH', `/nas/${created.json.id}`, { body: { version: one.json.version, description: 'rooftop', coa_port: 1700 } });
  assert.equal(edited.status, 200, JSON.stringify(edited.json));
  assert.equal(edited.json.description, 'rooftop');
  assert.equal(edited.json.coa_port, 1700);
  assert.equal(edited.json.name, 'Tower Cibubur');
  assert.equal(edited.json.routeros_password_set, true, 'the API password is kept when the API target does not change');
  const stored = await web.c.db('nas').where({ id: created.json.id }).first('secret_enc');
  assert.equal(TEST_SECRET_BOX.open(stored.secret_enc), 'Sh4redSecret99', 'the secret is kept');
  assert.ok(await web.c.db('audit_log').where({ action: 'nas_updated', object_id: String(created.json.id) }).first());
  const stale = await api(web.baseUrl, t.token, 'PATCH', `/nas/${created.json.id}`, { body: { version: one.json.version, description: 'again' } });
  assert.equal(stale.status, 409);
  assert.equal(stale.json.type, '/api/v1/problems/stale');
});

test('unknown routers answer 404; bad input answers 422 problem+json with a pointer per field', async () => {
  const { token } = await tokenFor(web.c.db, 'admin');
  const missing = await api(web.baseUrl, token, 'GET', '/nas/999999999');
  assert.equal(missing.status, 404);
  assert.match(missing.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal((await api(web.baseUrl, token, 'PATCH', '/nas/999999999', { body: { version: 1, name: 'x' } })).status, 404);

  const bad = await api(web.baseUrl, token, 'POST', '/nas', { body: { name: 'R', ip_address: 'not-an-ip', coa_port: 70000 } });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.json.errors.map((e: { pointer: string }) => e.pointer).sort(), ['#/body/coa_port']);
  // The writer's own validation (IPv4 only, secret syntax) comes back as field errors too.
  const writer = await api(web.baseUrl, token, 'POST', '/nas', { body: { name: 'R', ip_address: 'not-an-ip', secret: 'short' } });
  assert.equal(writer.status, 422);
  assert.equal(writer.json.type, '/api/v1/problems/validation');
  assert.deepEqual(writer.json.errors.map((e: { pointer: string }) => e.pointer).sort(), ['#/body/ip_address', '#/body/secret']);

  await api(web.baseUrl, token, 'POST', '/nas', { body: { name: 'First', ip_address: '10.20.0.9' } });
  const taken = await api(web.baseUrl, token, 'POST', '/nas', { body: { name: 'Second', ip_address: '10.20.0.9' } });
  assert.equal(taken.status, 422);
  assert.deepEqual(taken.json.errors, [{ pointer: '#/body/ip_address', detail: 'error.nas.ip_taken' }]);
});

test('a technician edits routers but may not point the RouterOS API at another host (nas.api_host); a viewer may not edit', async () => {
  const tech = await tokenFor(web.c.db, 'technician');
  const made = await api(web.baseUrl, tech.token, 'POST', '/nas', { body: { name: 'Tech router', ip_address: '10.20.1.1' } });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  assert.equal(made.json.secret_set, true, 'a secret is generated when none is sent');
  const foreign = await api(web.baseUrl, tech.token, 'PATCH', `/nas/${made.json.id}`, { body: { version: made.json.version, routeros_api_host: '203.0.113.9' } });
  assert.equal(foreign.status, 422);
  assert.deepEqual(foreign.json.errors, [{ pointer: '#/body/routeros_api_host', detail: 'error.nas.api_host_own' }]);

  const viewer = await tokenFor(web.c.db, 'viewer');
  assert.equal((await api(web.baseUrl, viewer.token, 'GET', `/nas/${made.json.id}`)).status, 200);
  const refused = await api(web.baseUrl, viewer.token, 'PATCH', `/nas/${made.json.id}`, { body: { version: made.json.version, name: 'x' } });
  assert.equal(refused.status, 403);
});
