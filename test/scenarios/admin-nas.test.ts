/**
 * The routers screen against the real database and Redis: who may see and change routers,
 * registering one (a generated shared secret, sealed, never on the page until revealed, never in
 * the audit log), field errors, stale edits, keeping or replacing the secret and the API
 * password, the connection test over the RouterOS API (a real node-routeros login against a peer
 * on 127.0.0.1), deactivating, and the RouterOS script with the walled garden at PUBLIC_URL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { createNas, TEST_SECRET_BOX } from '../helpers/factories.js';
import { startFakeRouterOs } from '../helpers/fake-routeros.js';
import { formVersion, signedIn } from '../helpers/plans-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;

before(async () => {
  // http: with an https PUBLIC_URL the session cookie is Secure and would not travel over the test's plain HTTP.
  web = await startWebServer({ clock: settableClock('2026-11-21T03:00:00Z'), env: { PUBLIC_URL: 'http://billing.example.net:8080' } });
});
after(async () => {
  await web.stop();
});

const nasForm = (over: Record<string, string> = {}): Record<string, string> => ({
  name: 'Router Pusat', ip_address: '10.10.0.1', vendor: 'mikrotik', coa_port: '3799', require_message_authenticator: '1', secret: '', description: '',
  routeros_api_host: '', routeros_api_port: '8728', routeros_username: '', routeros_password: '', ...over,
});
const secretOf = async (id: number): Promise<string> => TEST_SECRET_BOX.open((await web.c.db('nas').where({ id }).first()).secret_enc);
const auditOf = (id: number) => web.c.db('audit_log').where({ object_type: 'nas', object_id: String(id) }).orderBy('id');

test('cashiers and viewers see routers but not the secret, and every change, reveal, test or script is refused with 403', async () => {
  const nas = await createNas(web.c.db, { name: 'Router Baca', ipAddress: '10.20.0.1', secret: 'readonly-secret-1' });
  for (const role of ['cashier', 'viewer'] as const) {
    const { client } = await signedIn(web.baseUrl, web.c.db, role);
    const list = await client.get('/admin/nas');
    assert.equal(list.status, 200);
    assert.match(list.text, /Router Baca/);
    assert.doesNotMatch(list.text, /href="\/admin\/nas\/new"/, role);
    const page = await client.get(`/admin/nas/${nas.id}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /readonly-secret-1/);
    assert.doesNotMatch(page.text, /\/secret"/, 'no reveal button');
    assert.doesNotMatch(page.text, /\/test"/, 'no test button');
    assert.match(page.text, /<fieldset class="grid" disabled>/);
    for (const path of [`/admin/nas/${nas.id}/secret`, `/admin/nas/${nas.id}/test`, `/admin/nas/${nas.id}/deactivate`, '/admin/nas']) {
      assert.equal((await client.post(path, nasForm({ ip_address: '10.20.0.9' }))).status, 403, `${role} POST ${path}`);
    }
    assert.equal((await client.post(`/admin/nas/${nas.id}`, nasForm({ name: 'Diubah', version: '1' }))).status, 403);
    assert.equal((await client.get('/admin/nas/new')).status, 403);
    assert.equal((await client.get(`/admin/nas/${nas.id}/script`)).status, 403);
  }
  const row = await web.c.db('nas').where({ id: nas.id }).first();
  assert.equal(row.name, 'Router Baca');
  assert.equal(row.is_active, true);
  assert.equal((await auditOf(nas.id)).length, 0, 'nothing revealed, tested or changed');
});

test('a technician registers a router: the secret is generated and sealed, masked on the page, shown on reveal, and never audited', async () => {
  const { client, staff } = await signedIn(web.baseUrl, web.c.db, 'technician');
  assert.equal((await client.get('/admin/nas/new')).status, 200);
  const res = await client.post('/admin/nas', nasForm({ name: 'Router Cabang', ip_address: '10.30.0.1', coa_port: '1700' }));
  assert.equal(res.status, 302);
  const id = Number(/^\/admin\/nas\/(\d+)\?saved=created$/.exec(res.location ?? '')?.[1]);
  assert.ok(id > 0, res.location ?? '');
  const row = await web.c.db('nas').where({ id }).first();
  assert.equal(row.coa_port, 1700);
  assert.doesNotMatch(row.secret_enc, /^[A-Za-z0-9]{16}$/, 'stored sealed, not in clear');
  const secret = await secretOf(id);
  assert.match(secret, /^[a-km-zA-HJ-NP-Z2-9]{16}$/, 'a generated credential: letters and digits, no look-alikes');

  const page = await client.get(`/admin/nas/${id}?saved=created`);
  assert.match(page.text, /Router added/);
  assert.ok(!page.text.includes(secret), 'the page does not carry the secret');
  assert.match(page.text, /hx-post="\/admin\/nas\/\d+\/secret"/);
  const revealed = await client.post(`/admin/nas/${id}/secret`, {}, { 'HX-Request': 'true' });
  assert.equal(revealed.status, 200);
  assert.match(revealed.text, /^<div id="nas-secret"/, 'an htmx fragment');
  assert.match(revealed.text, new RegExp(`<code data-revealed>${secret}</code>`));

  const audit = await auditOf(id);
  assert.deepEqual(audit.map((a) => a.action), ['nas_created', 'nas_secret_revealed']);
  assert.equal(audit[0].staff_user_id, staff.id);
  assert.equal(audit[0].after.secret_generated, true);
  assert.equal(audit[0].after.ip_address, '10.30.0.1');
  assert.ok(!JSON.stringify(audit).includes(secret), 'the secret is not in the audit log');
});

test('bad input is 422 with field errors and what was typed (never the secret); a taken IP address is a field error', async () => {
  const { client } = await signedIn(web.baseUrl, web.c.db, 'admin');
  const bad = await client.post('/admin/nas', nasForm({ name: 'Router Salah', ip_address: '10.0.0.300', coa_port: '70000', secret: 'short', routeros_password: 'api-pass-typed' }));
  assert.equal(bad.status, 422);
  for (const field of ['ip_address', 'coa_port', 'secret', 'routeros_username']) assert.match(bad.text, new RegExp(`data-error="${field}"`), field);
  assert.match(bad.text, /value="Router Salah"/);
  assert.match(bad.text, /value="10.0.0.300"/);
  assert.ok(!bad.text.includes('api-pass-typed'), 'a typed password is not echoed back');
  const leading = await client.post('/admin/nas', nasForm({ ip_address: '10.40.0.1', secret: '-x-looks-like-an-option' }));
  assert.match(leading.text, /data-error="secret"/);
  await createNas(web.c.db, { ipAddress: '10.40.0.2' });
  const taken = await client.post('/admin/nas', nasForm({ name: 'Dobel', ip_address: '10.40.0.2' }));
  assert.equal(taken.status, 422);
  assert.match(taken.text, /Another router has this IP address/);
  assert.equal(await web.c.db('nas').where({ name: 'Router Salah' }).first(), undefined);
});

test('editing keeps the secret and API password unless new ones are given; a stale edit is refused with 409', async () => {
  const nas = await createNas(web.c.db, { name: 'Router Edit', ipAddress: '10.50.0.1', secret: 'first-secret-1', routerosUsername: 'billing', routerosPassword: 'api-first' });
  const a = (await signedIn(web.baseUrl, web.c.db, 'technician')).client;
  const b = (await signedIn(web.baseUrl, web.c.db, 'technician')).client;
  const version = formVersion((await a.get(`/admin/nas/${nas.id}`)).text);
  formVersion((await b.get(`/admin/nas/${nas.id}`)).text);
  const keep = await a.post(`/admin/nas/${nas.id}`, nasForm({ name: 'Router Edit 2', ip_address: '10.50.0.1', routeros_username: 'billing', version }));
  assert.equal(keep.location, `/admin/nas/${nas.id}?saved=updated`);
  assert.equal(await secretOf(nas.id), 'first-secret-1', 'an empty secret field keeps the secret');
  assert.equal(TEST_SECRET_BOX.open((await web.c.db('nas').where({ id: nas.id }).first()).routeros_password_enc), 'api-first');

  const stale = await b.post(`/admin/nas/${nas.id}`, nasForm({ name: 'Router Lama', ip_address: '10.50.0.1', version }));
  assert.equal(stale.status, 409);
  assert.match(stale.text, /Someone else changed this record/);
  assert.match(stale.text, /value="Router Lama"/);
  assert.equal((await web.c.db('nas').where({ id: nas.id }).first()).name, 'Router Edit 2');

  const v2 = formVersion((await a.get(`/admin/nas/${nas.id}`)).text);
  const regenerate = await a.post(`/admin/nas/${nas.id}`, nasForm({ name: 'Router Edit 2', ip_address: '10.50.0.1', routeros_username: 'billing', regenerate_secret: '1', clear_routeros_password: '1', version: v2 }));
  assert.equal(regenerate.status, 302);
  const fresh = await secretOf(nas.id);
  assert.notEqual(fresh, 'first-secret-1');
  assert.equal((await web.c.db('nas').where({ id: nas.id }).first()).routeros_password_enc, null, 'the API password was removed');
  const updates = (await auditOf(nas.id)).filter((x) => x.action === 'nas_updated');
  assert.deepEqual(updates.map((x) => [x.after.secret_changed, x.after.routeros_password_changed]), [[false, false], [true, true]]);
  assert.equal(updates[0].before.name, 'Router Edit');
  assert.ok(!JSON.stringify(updates).includes(fresh) && !JSON.stringify(updates).includes('api-first'), 'no secret in the audit');
});

test('the test button logs in over the RouterOS API and shows the identity and round trip, or the error', async () => {
  const router = await startFakeRouterOs({ users: { billing: 'api-pass' }, identity: 'RB-Pusat' });
  const wrong = await startFakeRouterOs({ users: { billing: 'something-else' } });
  try {
    const good = await createNas(web.c.db, { name: 'API ok', ipAddress: '10.60.0.1', routerosApiHost: '127.0.0.1', routerosApiPort: router.port, routerosUsername: 'billing', routerosPassword: 'api-pass' });
    const refused = await createNas(web.c.db, { name: 'API refused', ipAddress: '10.60.0.2', routerosApiHost: '127.0.0.1', routerosApiPort: wrong.port, routerosUsername: 'billing', routerosPassword: 'api-pass' });
    const none = await createNas(web.c.db, { name: 'API none', ipAddress: '10.60.0.3' });
    const { client } = await signedIn(web.baseUrl, web.c.db, 'technician');
    await client.get(`/admin/nas/${good.id}`);

    const ok = await client.post(`/admin/nas/${good.id}/test`, {}, { 'HX-Request': 'true' });
    assert.equal(ok.status, 200);
    assert.match(ok.text, /^<div id="nas-test"/);
    assert.match(ok.text, /data-test="ok"/);
    assert.match(ok.text, /<strong data-identity>RB-Pusat<\/strong>/);
    assert.match(ok.text, /data-round-trip-ms>\d+</);
    assert.deepEqual(router.sentences.map((w) => w[0]), ['/login', '/system/identity/print']);

    const no = await client.post(`/admin/nas/${refused.id}/test`, {}, { 'HX-Request': 'true' });
    assert.match(no.text, /data-test="failed"/);
    assert.match(no.text, /password is invalid/i);
    assert.equal(wrong.logins.failed, 1);

    const missing = await client.post(`/admin/nas/${none.id}/test`, {}, { 'HX-Request': 'true' });
    assert.match(missing.text, /data-test="no_credentials"/);

    const audit = await web.c.db('audit_log').where({ action: 'nas_tested' }).orderBy('id');
    assert.deepEqual(audit.map((a) => [Number(a.object_id), a.after.ok]), [[good.id, true], [refused.id, false]]);
    assert.equal(audit[0].after.identity, 'RB-Pusat');
    assert.ok(!JSON.stringify(audit).includes('api-pass'), 'no password in the audit');
  } finally {
    await router.close();
    await wrong.close();
  }
});

test('deactivating asks first, is audited, and the router can be reactivated', async () => {
  const nas = await createNas(web.c.db, { name: 'Router Mati', ipAddress: '10.70.0.1' });
  const { client } = await signedIn(web.baseUrl, web.c.db, 'technician');
  const page = await client.get(`/admin/nas/${nas.id}`);
  assert.match(page.text, /hx-confirm="Deactivate this router\?/);
  assert.equal((await client.post(`/admin/nas/${nas.id}/deactivate`, {})).location, `/admin/nas/${nas.id}?saved=deactivated`);
  assert.equal((await web.c.db('nas').where({ id: nas.id }).first()).is_active, false);
  const list = await client.get('/admin/nas');
  assert.match(list.text, /data-nas="Router Mati">(?:(?!<\/tr>).)*Inactive/s);
  assert.equal((await client.post(`/admin/nas/${nas.id}/reactivate`, {})).status, 302);
  assert.equal((await web.c.db('nas').where({ id: nas.id }).first()).is_active, true);
  assert.deepEqual((await auditOf(nas.id)).map((a) => a.action), ['nas_deactivated', 'nas_reactivated']);
});

test('the RouterOS script: RADIUS, incoming CoA, PPP and hotspot AAA, and the walled garden redirecting to PUBLIC_URL/portal/captive', async () => {
  const nas = await createNas(web.c.db, { name: 'Router Skrip', ipAddress: '10.80.0.1', secret: 'script-secret-1', coaPort: 3799 });
  const { client } = await signedIn(web.baseUrl, web.c.db, 'technician');
  const res = await client.get(`/admin/nas/${nas.id}/script?server=10.0.0.2`);
  assert.equal(res.status, 200);
  const script = /<pre class="script" data-script>([\s\S]*?)<\/pre>/.exec(res.text)![1]!.replace(/&quot;/g, '"').replace(/&#x3D;/g, '=').replace(/&amp;/g, '&').replace(/&#x2F;/g, '/');
  assert.match(script, /^\/radius add service=ppp,hotspot address=10\.0\.0\.2 secret="script-secret-1" /m);
  assert.match(script, /^\/radius incoming set accept=yes port=3799$/m);
  assert.ok(script.includes('/ppp aaa set use-radius=yes interim-update=5m'));
  assert.match(script, /^\/ip hotspot profile set \[find\] use-radius=yes radius-accounting=yes/m);
  assert.match(script, /^\/ip firewall address-list add list=isolir-portal address=billing\.example\.net /m);
  assert.match(script, /action=redirect action-data="http:\/\/billing\.example\.net:8080\/portal\/captive"/);
  assert.match(script, /^\/ip firewall nat add chain=dstnat src-address-list=isolir dst-address-list=!isolir-portal protocol=tcp dst-port=80 action=redirect/m);
  assert.match(script, /protocol=udp dst-port=53 action=accept/);
  assert.doesNotMatch(res.text, /data-warning="portal"/, 'PUBLIC_URL is set');
  const named = await client.get(`/admin/nas/${nas.id}/script?server=billing.example.net`);
  assert.match(named.text, /data-warning="server"/, 'a host name in /radius address is flagged');
});
