/**
 * The router page's RouterOS scripts against the real database: the setup script with a pool
 * for every pool the plans name, the RouterOS 6 variant, a WireGuard tunnel with the VPS side,
 * the hotspot's login.html (nas.view, a download), and the cut-over / rollback scripts built from
 * the subscribers this server knows (nas.edit); the same through `npm run nas`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { settableClock } from '../../lib/clock.js';
import { adminClient } from '../helpers/admin-client.js';
import { testRedisUrl } from '../helpers/database.js';
import { createNas, createPlan, createSubscription, TEST_SECRET_BOX, TEST_SECRET_KEY } from '../helpers/factories.js';
import { signedIn } from '../helpers/plans-fixtures.js';
import { decodeHtml } from '../helpers/subscriptions-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-11-21T03:00:00Z'), env: { PUBLIC_URL: 'http://billing.example.net:8080' } });
});
after(async () => {
  await web.stop();
});

const block = (html: string, attr: string): string => decodeHtml(new RegExp(`<pre class="script" ${attr}>([\\s\\S]*?)</pre>`).exec(html)?.[1] ?? '');

test('the setup script has a pool for every plan pool, the CoA input rule for this server, no place-before=0; RouterOS 6 has no WireGuard', async () => {
  await createPlan(web.c.db, { name: 'Rumah 20M', framedPool: 'pool-rumah' });
  await createPlan(web.c.db, { name: 'Bisnis 50M', framedPool: 'pool-bisnis' });
  const nas = await createNas(web.c.db, { name: 'Router Pool', ipAddress: '10.91.0.1', secret: 'pool-secret-1' });
  const { client } = await signedIn(web.baseUrl, web.c.db, 'technician');
  const page = await client.get(`/admin/nas/${nas.id}/script?server=10.0.0.2`);
  assert.equal(page.status, 200);
  const script = block(page.text, 'data-script');
  for (const pool of ['billing-pppoe', 'pool-rumah', 'pool-bisnis']) assert.match(script, new RegExp(`/ip pool add name="${pool}" ranges=172\\.16\\.\\d+\\.2-172\\.16\\.\\d+\\.254`), pool);
  assert.match(script, /^\/ip firewall filter add chain=input protocol=udp src-address=10\.0\.0\.2 dst-port=3799 action=accept /m);
  assert.doesNotMatch(script, /place-before=0/);
  assert.match(script, /require-message-auth=yes-for-request-resp/);
  assert.match(page.text, /data-copy="\[data-script\]"/);
  assert.match(page.text, /<script src="\/static\/admin-copy\.js" defer><\/script>/);

  // A range typed for one pool replaces its default; RouterOS 6 gets its own syntax.
  const v6 = await client.get(`/admin/nas/${nas.id}/script?server=10.0.0.2&routeros=6&pools=${encodeURIComponent('pool-rumah 100.64.0.2-100.64.3.254')}`);
  const s6 = block(v6.text, 'data-script');
  assert.match(s6, /\/ip pool add name="pool-rumah" ranges=100\.64\.0\.2-100\.64\.3\.254/);
  assert.match(s6, /\/ip pool add name="pool-bisnis" ranges=172\.16\./, 'the others keep their defaults');
  assert.doesNotMatch(s6, /wireguard|require-message-auth/i);
  assert.match(s6, /action=deny redirect-to="http:\/\/billing\.example\.net:8080\/portal\/captive"/);

  const bad = await client.get(`/admin/nas/${nas.id}/script?server=10.0.0.2&routeros=6&tunnel=vps.example.net&pools=${encodeURIComponent('pool-rumah not-a-range')}`);
  assert.equal(bad.status, 422);
  assert.match(bad.text, /data-error="tunnel"/);
  assert.doesNotMatch(bad.text, /data-script>/, 'no script with errors');
  const badPools = await client.get(`/admin/nas/${nas.id}/script?server=10.0.0.2&pools=${encodeURIComponent('pool-rumah not-a-range')}`);
  assert.equal(badPools.status, 422);
  assert.match(badPools.text, /data-error="pools"/);
});

test('a router behind NAT gets a WireGuard tunnel, the VPS its wg-quick file; each private key only on its own side', async () => {
  const nas = await createNas(web.c.db, { name: 'Router NAT', ipAddress: '10.255.255.2', secret: 'tunnel-secret-1' });
  const { client } = await signedIn(web.baseUrl, web.c.db, 'technician');
  const page = await client.get(`/admin/nas/${nas.id}/script?server=203.0.113.5&tunnel=vps.example.net`);
  assert.equal(page.status, 200);
  const script = block(page.text, 'data-script');
  const wg = block(page.text, 'data-wg-quick');
  const routerKey = /private-key="([A-Za-z0-9+/=]{44})"/.exec(script)?.[1];
  const serverKey = /PrivateKey = ([A-Za-z0-9+/=]{44})/.exec(wg)?.[1];
  assert.ok(routerKey && serverKey, page.text);
  assert.ok(!wg.includes(routerKey) && !script.includes(serverKey));
  assert.match(script, /^\/radius add service=ppp,hotspot address=10\.255\.255\.1 /m, 'RADIUS inside the tunnel');
  assert.doesNotMatch(page.text, /data-warning="tunnel"/, 'registered with its tunnel address');
  const rows = await web.c.db('audit_log').where({ action: 'nas_script_viewed', object_id: String(nas.id) });
  assert.ok(!JSON.stringify(rows).includes(routerKey) && !JSON.stringify(rows).includes(serverKey), 'no key in the audit log');
});

test('login.html: a download for whoever sees routers, posting the MikroTik variables to PUBLIC_URL/portal/hotspot/login; signed-out visitors are sent to sign in', async () => {
  const nas = await createNas(web.c.db, { name: 'Router Hotspot', ipAddress: '10.92.0.1' });
  const anonymous = await adminClient(web.baseUrl).get(`/admin/nas/${nas.id}/login.html`);
  assert.equal(anonymous.status, 302);
  assert.match(anonymous.location ?? '', /\/admin\/login/);
  const { client } = await signedIn(web.baseUrl, web.c.db, 'viewer');
  assert.match((await client.get(`/admin/nas/${nas.id}`)).text, /href="\/admin\/nas\/\d+\/login\.html" download/);
  const res = await client.get(`/admin/nas/${nas.id}/login.html`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="login\.html"/);
  assert.match(res.text, /<form name="billing" action="http:\/\/billing\.example\.net:8080\/portal\/hotspot\/login" method="get">/);
  for (const v of ['link-login-only', 'link-orig', 'mac', 'ip', 'chap-id', 'chap-challenge', 'error']) assert.ok(res.text.includes(`name="${v}" value="$(${v})"`), v);
  assert.equal((await client.get('/admin/nas/999999/login.html')).status, 404);
});

test('cut-over: only the canary at once, the rest after its RADIUS login; rollback re-enables active subscribers; technicians only', async () => {
  const nas = await createNas(web.c.db, { name: 'Router Cutover', ipAddress: '10.93.0.1' });
  await createSubscription(web.c.db, { username: 'cut-ani' });
  await createSubscription(web.c.db, { username: 'cut-budi', status: 'suspended' });
  await createSubscription(web.c.db, { username: 'cut-hotspot', serviceType: 'hotspot' });
  await createSubscription(web.c.db, { username: 'cut-old', status: 'terminated' });
  const viewer = (await signedIn(web.baseUrl, web.c.db, 'viewer')).client;
  assert.equal((await viewer.get(`/admin/nas/${nas.id}/cutover`)).status, 403);

  const { client } = await signedIn(web.baseUrl, web.c.db, 'technician');
  const page = await client.get(`/admin/nas/${nas.id}/cutover?canary=cut-ani`);
  assert.equal(page.status, 200);
  const cutover = block(page.text, 'data-cutover');
  const immediate = cutover.split('\n').filter((l) => l.startsWith('/ppp secret disable'));
  assert.deepEqual(immediate, ['/ppp secret disable [find where name="cut-ani"]']);
  assert.match(cutover, /on-event=":if \(\[:len \[\/ppp active find where name=\\"cut-ani\\" radius=yes\]\] > 0\) do=\{ \/system script run \\"billing-cutover\\" \}"/);
  assert.match(cutover, /source="[^\n]*\/ppp secret disable \[find where name=\\"cut-budi\\"\]/, 'the suspended one is switched over too');
  assert.doesNotMatch(cutover, /cut-hotspot|cut-old/, 'hotspot users and terminated subscriptions are not PPP secrets to switch');

  const rollback = block(page.text, 'data-rollback');
  assert.match(rollback, /^\/ppp secret enable \[find where name="cut-ani"\]$/m);
  assert.doesNotMatch(rollback, /cut-budi/, 'suspended in billing: stays disabled');
  assert.match(rollback, /\/ppp aaa set use-radius=no$/);

  const unknown = await client.get(`/admin/nas/${nas.id}/cutover?canary=nobody`);
  assert.equal(unknown.status, 422);
  assert.match(unknown.text, /data-error="canary"/);
});

test('`npm run nas`: add prints the RouterOS 6 script with the pools given, cutover / rollback / login-html print theirs; a bad pool saves nothing', async () => {
  const env = { ...process.env, DATABASE_URL: web.c.testDb.url, REDIS_URL: testRedisUrl(), APP_SECRET_KEY: TEST_SECRET_KEY.toString('hex'), LOG_LEVEL: 'warn', PUBLIC_URL: 'https://billing.example.net' };
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const run = (args: string[]) => new Promise<{ code: number; out: string; err: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/cli/nas.ts', ...args], { cwd: root, env }, (e, stdout, stderr) => resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr }));
  });
  await createPlan(web.c.db, { name: 'CLI 10M', framedPool: 'pool-cli' });
  await createSubscription(web.c.db, { username: 'cli-canary' });
  await createSubscription(web.c.db, { username: 'cli-other' });

  const bad = await run(['add', '--name', 'CLI Router', '--ip', '10.94.0.1', '--server', '10.0.0.2', '--pool', 'pool-cli=nonsense']);
  assert.equal(bad.code, 2, bad.err);
  assert.match(bad.err, /--pool pool-cli=nonsense/);
  assert.equal(await web.c.db('nas').where({ ip_address: '10.94.0.1' }).first(), undefined);

  const add = await run(['add', '--name', 'CLI Router', '--ip', '10.94.0.1', '--server', '10.0.0.2', '--routeros', '6', '--pool', 'pool-cli=100.64.8.2-100.64.8.254', '--lang', 'en']);
  assert.equal(add.code, 0, add.err);
  const secret = TEST_SECRET_BOX.open((await web.c.db('nas').where({ ip_address: '10.94.0.1' }).first()).secret_enc);
  assert.ok(add.out.includes(`secret="${secret}"`));
  assert.match(add.out, /\/ip pool add name="pool-cli" ranges=100\.64\.8\.2-100\.64\.8\.254/);
  assert.doesNotMatch(add.out, /wireguard|require-message-auth|place-before=0/i);
  assert.equal((await web.c.db('nas').where({ ip_address: '10.94.0.1' }).first()).require_message_authenticator, false);

  const cut = await run(['cutover', '--ip', '10.94.0.1', '--canary', 'cli-canary']);
  assert.equal(cut.code, 0, cut.err);
  assert.deepEqual(cut.out.split('\n').filter((l) => l.startsWith('/ppp secret disable')), ['/ppp secret disable [find where name="cli-canary"]']);
  assert.match(cut.out, /radius=yes/);
  const back = await run(['rollback', '--ip', '10.94.0.1']);
  assert.match(back.out, /^\/ppp secret enable \[find where name="cli-other"\]$/m);
  assert.match(back.out, /^\/ppp aaa set use-radius=no$/m);
  assert.equal((await run(['cutover', '--ip', '10.94.0.9'])).code, 2, 'an unregistered router');
  const html = await run(['login-html']);
  assert.match(html.out, /action="https:\/\/billing\.example\.net\/portal\/hotspot\/login" method="get"/);
});
