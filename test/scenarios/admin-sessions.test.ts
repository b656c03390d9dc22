/**
 * The live sessions screen against the web role, the real database and Redis: only open
 * sessions, the search (username fragment, framed IP, MAC in any notation, Acct-Session-Id),
 * the NAS filter, sorting, pages, the CSV export of the filtered list, and the per-session
 * disconnect that queues nas-control for that one session.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';
import { createCustomer, createNas, createSubscription } from '../helpers/factories.js';
import { decodeHtml, insertSession, queuedNasControl, signedInAs, type SessionFixture } from '../helpers/subscriptions-fixtures.js';

const clock = settableClock('2026-11-21T03:00:00Z');
let web: WebServer;
let nasA: { id: number; ipAddress: string };
let nasB: { id: number; ipAddress: string };
const subs: Record<string, { id: number; username: string; customerId: number }> = {};

before(async () => {
  web = await startWebServer({ clock });
  const { db } = web.c;
  nasA = await createNas(db, { name: 'Router Utara', ipAddress: '10.1.0.1' });
  nasB = await createNas(db, { name: 'Router Selatan', ipAddress: '10.2.0.1' });
  for (const [name, username] of [['Andi Wijaya', 'andi.wijaya'], ['Bela Putri', 'bela.putri'], ['Candra Kusuma', 'candra']] as const) {
    const customer = await createCustomer(db, { name });
    subs[username] = await createSubscription(db, { customerId: customer.id, username });
  }
  const s = (username: string, over: Partial<SessionFixture>) =>
    insertSession(db, { subscriptionId: subs[username]?.id ?? null, username, start: '2026-11-21T01:00:00Z', ...over });
  await s('andi.wijaya', { acctSessionId: '81a00001', nasId: nasA.id, nasIp: nasA.ipAddress, framedIp: '100.64.1.10', mac: 'AA:BB:CC:00:00:01', start: '2026-11-21T00:00:00Z', inputOctets: 10 * 1024 ** 2, outputOctets: 900 * 1024 ** 2 });
  await s('bela.putri', { acctSessionId: '81a00002', nasId: nasA.id, nasIp: nasA.ipAddress, framedIp: '100.64.1.11', mac: 'AA:BB:CC:00:00:02', start: '2026-11-21T02:00:00Z', inputOctets: 1024 ** 2, outputOctets: 1024 ** 2 });
  await s('candra', { acctSessionId: '81b00003', nasId: nasB.id, nasIp: nasB.ipAddress, framedIp: '100.64.2.10', mac: 'AA:BB:CC:00:00:03', start: '2026-11-21T01:00:00Z', inputOctets: 5 * 1024 ** 2, outputOctets: 100 * 1024 ** 2 });
  // Closed: history, not live.
  await s('andi.wijaya', { acctSessionId: '81a00000', nasId: nasA.id, nasIp: nasA.ipAddress, framedIp: '100.64.1.9', start: '2026-11-20T00:00:00Z', stop: '2026-11-20T05:00:00Z' });
  // A login the accounting could not tie to any subscription.
  await s('tamu-hotspot', { acctSessionId: '81c00004', nasId: nasB.id, nasIp: nasB.ipAddress, framedIp: '10.5.50.2', mac: 'DE:AD:BE:EF:00:04', start: '2026-11-21T02:30:00Z' });
});
after(async () => {
  await web?.stop();
});

const listed = (html: string): string[] => [...html.matchAll(/<tr data-session="([^"]+)"/g)].map((m) => m[1]!);

test('the list shows open sessions only, newest first, with customer, router, IP, MAC and traffic', async () => {
  const { client } = await signedInAs(web.baseUrl, web.c.db, 'viewer');
  const res = await client.get('/admin/sessions');
  assert.equal(res.status, 200);
  assert.deepEqual(listed(res.text), ['81c00004', '81a00002', '81b00003', '81a00001']);
  assert.match(res.text, /data-total>4</);
  assert.match(res.text, /Andi Wijaya/);
  assert.match(res.text, /Router Selatan/);
  assert.match(res.text, /AA:BB:CC:00:00:01/);
  assert.match(res.text, /10\.0 MiB \/ 900\.0 MiB/);
  assert.match(res.text, new RegExp(`href="/admin/subscriptions/${subs['andi.wijaya']!.id}"`), 'the username opens the subscription');
  assert.match(res.text, /3:00:00/, 'online for 3 hours (since 00:00 UTC)');
  assert.doesNotMatch(res.text, /action="\/admin\/sessions\/\d+\/disconnect"/, 'a viewer sees no disconnect button');
});

test('search by username fragment, framed IP, MAC in any notation, session id; filter by router; sort by bytes and username', async () => {
  const { client } = await signedInAs(web.baseUrl, web.c.db, 'technician');
  const cases: Array<[string, string[]]> = [
    ['q=putri', ['81a00002']],
    ['q=100.64.2.10', ['81b00003']],
    ['q=aa-bb-cc-00-00-01', ['81a00001']],
    ['q=aabb.cc00.0003', ['81b00003']],
    ['q=AA:BB:CC', ['81a00002', '81b00003', '81a00001']],
    ['q=81c00004', ['81c00004']],
    ['q=100.64.1.', ['81a00002', '81a00001']],
    ['q=nobody', []],
    [`nas=${nasB.id}`, ['81c00004', '81b00003']],
    [`q=100.64&nas=${nasA.id}`, ['81a00002', '81a00001']],
    ['sort=bytes&dir=desc', ['81a00001', '81b00003', '81a00002', '81c00004']],
    ['sort=username&dir=asc', ['81a00001', '81a00002', '81b00003', '81c00004']],
    ['sort=start&dir=asc', ['81a00001', '81b00003', '81a00002', '81c00004']],
  ];
  for (const [query, expected] of cases) {
    const res = await client.get(`/admin/sessions?${query}`, { 'HX-Request': 'true' });
    assert.equal(res.status, 200, query);
    assert.match(res.text, /^<div id="session-results">/, `${query}: the htmx fragment`);
    assert.deepEqual(listed(res.text), expected, query);
  }
});

test('pages of 50', async () => {
  const { db } = web.c;
  for (let i = 0; i < 55; i++) {
    await insertSession(db, { username: `kos-${String(i).padStart(2, '0')}`, acctSessionId: `kos${i}`, nasIp: '10.9.0.1', start: new Date(Date.parse('2026-11-20T00:00:00Z') + i * 1000), subscriptionId: null });
  }
  const { client } = await signedInAs(web.baseUrl, web.c.db, 'viewer');
  const first = await client.get('/admin/sessions?q=kos-');
  assert.match(first.text, /data-total>55</);
  assert.equal(listed(first.text).length, 50);
  assert.match(first.text, /Page 1 \/ 2/);
  const second = await client.get('/admin/sessions?q=kos-&page=2');
  assert.deepEqual(listed(second.text), ['kos4', 'kos3', 'kos2', 'kos1', 'kos0']);
});

test('CSV export of the filtered list: a header, one row per session, formula cells neutralised', async () => {
  const { db } = web.c;
  await insertSession(db, { username: '=cmd|calc', acctSessionId: 'evil-1', nasIp: nasB.ipAddress, nasId: nasB.id, start: '2026-11-21T02:40:00Z' });
  const { client } = await signedInAs(web.baseUrl, db, 'viewer');
  const page = await client.get(`/admin/sessions?nas=${nasA.id}`);
  const link = decodeHtml(/href="([^"]+)" data-csv/.exec(page.text)![1]!);
  assert.match(link, new RegExp(`^/admin/sessions\\.csv\\?q=&nas=${nasA.id}&`));
  const csv = await client.get(link);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
  assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="sessions-2026-11-21\.csv"/);
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\n');
  assert.equal(lines[0], 'username,customer,nas,nas_ip,framed_ip,mac,acct_session_id,start_time,last_update,session_time_s,input_octets,output_octets');
  assert.equal(lines.length, 3);
  assert.equal(lines[1], `bela.putri,Bela Putri,Router Utara,10.1.0.1,100.64.1.11,AA:BB:CC:00:00:02,81a00002,2026-11-21T02:00:00.000Z,2026-11-21T02:00:00.000Z,0,${1024 ** 2},${1024 ** 2}`);
  const all = await client.get(`/admin/sessions.csv?q=cmd`);
  assert.match(all.text, /^\uFEFF?username/);
  assert.match(all.text, /\n'=cmd\|calc,/, 'a cell starting with = is not a formula');
});

test('disconnect one session: a nas-control job for that session only, audited; refused to a cashier; a closed or unattributed session is reported', async () => {
  const { db } = web.c;
  const sessionRow = await db('accounting_sessions').where({ acct_session_id: '81b00003' }).first('id', db.raw('session_key::text AS key'));
  const cashier = (await signedInAs(web.baseUrl, db, 'cashier')).client;
  assert.equal((await cashier.post(`/admin/sessions/${sessionRow.id}/disconnect`, {})).status, 403);
  assert.deepEqual((await queuedNasControl(web.c.queues)).filter((j) => j.data.sessionKey === sessionRow.key), []);

  const { client } = await signedInAs(web.baseUrl, db, 'technician');
  const page = await client.get(`/admin/sessions?nas=${nasB.id}`);
  assert.match(page.text, new RegExp(`action="/admin/sessions/${sessionRow.id}/disconnect"`));
  const back = decodeHtml(/name="back" value="([^"]+)"/.exec(page.text)![1]!);
  const res = await client.post(`/admin/sessions/${sessionRow.id}/disconnect`, { back });
  assert.equal(res.status, 302);
  assert.equal(res.location, `${back}&saved=disconnect`, 'back to the same list');
  const jobs = (await queuedNasControl(web.c.queues)).filter((j) => j.data.sessionKey === sessionRow.key);
  assert.equal(jobs.length, 1);
  assert.deepEqual(jobs[0]!.data, { subscriptionId: subs.candra!.id, reason: 'staff_disconnect', disconnect: true, sessionKey: sessionRow.key });
  const audit = await db('audit_log').where({ object_type: 'subscription', object_id: String(subs.candra!.id), action: 'subscription_disconnected' }).first();
  assert.equal(audit.after.sessionId, sessionRow.id);
  assert.equal(audit.after.sessions[0].acctSessionId, '81b00003');
  assert.match((await client.get(res.location!)).text, /Disconnect request sent to the router/);

  const closed = await db('accounting_sessions').where({ acct_session_id: '81a00000' }).first('id');
  assert.match((await client.post(`/admin/sessions/${closed.id}/disconnect`, { back: 'https://evil.example/' })).location ?? '', /^\/admin\/sessions\?saved=disconnect_gone$/, 'an ended session, and no redirect off the console');
  const stranger = await db('accounting_sessions').where({ acct_session_id: '81c00004' }).first('id');
  assert.match((await client.post(`/admin/sessions/${stranger.id}/disconnect`, {})).location ?? '', /saved=no_subscription$/);
});
