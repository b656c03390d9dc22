/**
 * The stored RouterOS API password stays with the router it was typed for: changing where the
 * server logs in (the router's address, the API address, port, api-ssl or user) without typing
 * the password again discards it, so "Test the connection" cannot carry it to a listener of the
 * editor's choosing; a technician cannot point the API at an address other than the router's
 * own, an admin can. Listeners are fake RouterOS API servers on 127.0.0.1.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { createNas, TEST_SECRET_BOX } from '../helpers/factories.js';
import { startFakeRouterOs, type FakeRouterOs } from '../helpers/fake-routeros.js';
import { formVersion, signedIn } from '../helpers/plans-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
let listener: FakeRouterOs;

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-12-07T03:00:00Z') });
  // The "address you control": it would accept the stored password, and records every sentence.
  listener = await startFakeRouterOs({ users: { billing: 'api-stored-secret' } });
});
after(async () => {
  await listener.close();
  await web.stop();
});

const form = (over: Record<string, string>): Record<string, string> => ({
  name: 'Router', vendor: 'mikrotik', coa_port: '3799', require_message_authenticator: '1', secret: '', description: '',
  routeros_api_host: '', routeros_api_port: '8728', routeros_username: 'billing', routeros_password: '', ...over,
});
const stored = async (id: number): Promise<string | null> => {
  const row = await web.c.db('nas').where({ id }).first('routeros_password_enc');
  return row.routeros_password_enc ? TEST_SECRET_BOX.open(row.routeros_password_enc) : null;
};

test('a technician who moves the router to another address and presses test sends the stored password nowhere', async () => {
  const nas = await createNas(web.c.db, { name: 'Router Jauh', ipAddress: '10.70.0.1', routerosUsername: 'billing', routerosPassword: 'api-stored-secret' });
  const { client } = await signedIn(web.baseUrl, web.c.db, 'technician');
  const version = formVersion((await client.get(`/admin/nas/${nas.id}`)).text);
  const moved = await client.post(`/admin/nas/${nas.id}`, form({ name: 'Router Jauh', ip_address: '127.0.0.1', routeros_api_port: String(listener.port), version }));
  assert.equal(moved.status, 302);
  const tested = await client.post(`/admin/nas/${nas.id}/test`, {}, { 'HX-Request': 'true' });
  assert.deepEqual(listener.sentences, [], 'the listener got no login');
  assert.match(tested.text, /data-test="no_credentials"/);
  assert.equal(await stored(nas.id), null, 'the password was discarded with the change of address and port');
  const audit = await web.c.db('audit_log').where({ action: 'nas_updated', object_id: String(nas.id) }).first();
  assert.equal(audit.after.routeros_password_discarded, true);
});

test('a technician cannot set an API address other than the router\'s own; an admin can, and must type the password with it', async () => {
  const nas = await createNas(web.c.db, { name: 'Router API', ipAddress: '10.70.0.2', routerosUsername: 'billing', routerosPassword: 'api-stored-secret' });
  const tech = (await signedIn(web.baseUrl, web.c.db, 'technician')).client;
  const page = await tech.get(`/admin/nas/${nas.id}`);
  const version = formVersion(page.text);
  const refused = await tech.post(`/admin/nas/${nas.id}`, form({ name: 'Router API', ip_address: '10.70.0.2', routeros_api_host: '127.0.0.1', version }));
  assert.equal(refused.status, 422);
  assert.match(refused.text, /data-error="routeros_api_host"/);
  assert.match(page.text, /name="routeros_api_host"[^>]*readonly/, 'the field is read-only for a technician');
  const row = await web.c.db('nas').where({ id: nas.id }).first('routeros_api_host', 'version');
  assert.deepEqual([row.routeros_api_host, Number(row.version)], [null, Number(version)], 'nothing saved');
  assert.equal(await stored(nas.id), 'api-stored-secret');
  // The router's own address is fine.
  assert.equal((await tech.post(`/admin/nas/${nas.id}`, form({ name: 'Router API', ip_address: '10.70.0.2', routeros_api_host: '10.70.0.2', version }))).status, 302);
  assert.equal(await stored(nas.id), 'api-stored-secret', 'the same target: the password is kept');
  const registered = await tech.post('/admin/nas', form({ name: 'Router Baru', ip_address: '10.70.0.3', routeros_api_host: '127.0.0.1', routeros_password: 'x' }));
  assert.equal(registered.status, 422, 'not when registering either');

  const admin = (await signedIn(web.baseUrl, web.c.db, 'admin')).client;
  const v2 = formVersion((await admin.get(`/admin/nas/${nas.id}`)).text);
  const blank = await admin.post(`/admin/nas/${nas.id}`, form({ name: 'Router API', ip_address: '10.70.0.2', routeros_api_host: '127.0.0.1', routeros_api_port: String(listener.port), version: v2 }));
  assert.equal(blank.status, 302, 'an admin may set another API address');
  assert.equal(await stored(nas.id), null, 'but the stored password does not follow it');
  const v3 = formVersion((await admin.get(`/admin/nas/${nas.id}`)).text);
  await admin.post(`/admin/nas/${nas.id}`, form({ name: 'Router API', ip_address: '10.70.0.2', routeros_api_host: '127.0.0.1', routeros_api_port: String(listener.port), routeros_password: 'api-stored-secret', version: v3 }));
  assert.equal(await stored(nas.id), 'api-stored-secret', 'typed with the change, it is kept');
  const tested = await admin.post(`/admin/nas/${nas.id}/test`, {}, { 'HX-Request': 'true' });
  assert.match(tested.text, /data-test="ok"/);
  // The technician may keep the admin's address while editing something else.
  const v4 = formVersion((await tech.get(`/admin/nas/${nas.id}`)).text);
  assert.equal((await tech.post(`/admin/nas/${nas.id}`, form({ name: 'Router API 2', ip_address: '10.70.0.2', routeros_api_host: '127.0.0.1', routeros_api_port: String(listener.port), version: v4 }))).status, 302);
  assert.equal(await stored(nas.id), 'api-stored-secret');
});

test('changing only the API user discards the password too', async () => {
  const nas = await createNas(web.c.db, { name: 'Router User', ipAddress: '10.70.0.4', routerosUsername: 'billing', routerosPassword: 'api-stored-secret' });
  const { client } = await signedIn(web.baseUrl, web.c.db, 'technician');
  const version = formVersion((await client.get(`/admin/nas/${nas.id}`)).text);
  assert.equal((await client.post(`/admin/nas/${nas.id}`, form({ name: 'Router User', ip_address: '10.70.0.4', routeros_username: 'admin', version }))).status, 302);
  assert.equal(await stored(nas.id), null);
});
