/**
 * /api/v1/sessions against the web role and a real (partitioned) accounting table: who is online
 * with the NAS / subscription / username filters, history by stop time with the range checks,
 * one session by id, 64-bit counters as exact text, and disconnecting one open session through
 * the console's use case (audited, a nas-control job queued for the radius role; RFC 5176).
 */
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { api, tokenFor } from '../helpers/api-client.js';
import { createNas, createSubscription } from '../helpers/factories.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
let nasA: number;
let nasB: number;
let sub: { id: number; username: string };
const ids: Record<string, number> = {};

async function session(f: { nasIp: string; username: string; subscriptionId: number | null; start: string; stop?: string; octets?: string }): Promise<number> {
  const [row] = await web.c.db('accounting_sessions').insert({
    session_key: randomUUID(), acct_session_id: randomUUID().slice(0, 8), username: f.username, subscription_id: f.subscriptionId,
    nas_ip_address: f.nasIp, start_time: f.start, update_time: f.stop ?? f.start, stop_time: f.stop ?? null,
    input_octets: f.octets ?? '0', output_octets: '1000', terminate_cause: f.stop ? 'User-Request' : null,
  }).returning('id');
  return Number(row.id);
}

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-12-08T03:00:00Z'), env: { API_RATE_LIMIT_PER_MINUTE: '1000' } });
  nasA = (await createNas(web.c.db, { name: 'Tower A', ipAddress: '10.30.0.1' })).id;
  nasB = (await createNas(web.c.db, { name: 'Tower B', ipAddress: '10.30.0.2' })).id;
  sub = await createSubscription(web.c.db);
  ids.onlineA = await session({ nasIp: '10.30.0.1', username: sub.username, subscriptionId: sub.id, start: '2026-12-08T01:00:00Z', octets: '9007199254740993' });
  ids.onlineB = await session({ nasIp: '10.30.0.2', username: 'guest-1', subscriptionId: null, start: '2026-12-08T02:00:00Z' });
  ids.closedDec = await session({ nasIp: '10.30.0.1', username: sub.username, subscriptionId: sub.id, start: '2026-12-01T01:00:00Z', stop: '2026-12-02T01:00:00Z' });
  ids.closedOct = await session({ nasIp: '10.30.0.1', username: sub.username, subscriptionId: sub.id, start: '2026-10-01T01:00:00Z', stop: '2026-10-02T01:00:00Z' });
});
after(async () => {
  await web?.stop();
});

const idsOf = (res: { json: { data: Array<{ id: number }> } }): number[] => res.json.data.map((s) => s.id);

test('online: the open sessions only, newest first, filtered by NAS, subscription or username; counters exact past 2^53', async () => {
  const { token } = await tokenFor(web.c.db, 'viewer');
  const all = await api(web.baseUrl, token, 'GET', '/sessions/online');
  assert.equal(all.status, 200, JSON.stringify(all.json));
  assert.deepEqual(idsOf(all), [ids.onlineB, ids.onlineA]);
  const a = all.json.data[1];
  assert.equal(a.input_octets, '9007199254740993', 'a 64-bit counter is exact decimal text (RFC 2869 §5.1)');
  assert.equal(a.nas_id, nasA);
  assert.equal(a.nas_name, 'Tower A');
  assert.equal(a.stop_time, null);
  assert.deepEqual(idsOf(await api(web.baseUrl, token, 'GET', `/sessions/online?nas_id=${nasB}`)), [ids.onlineB]);
  assert.deepEqual(idsOf(await api(web.baseUrl, token, 'GET', `/sessions/online?subscription_id=${sub.id}`)), [ids.onlineA]);
  assert.deepEqual(idsOf(await api(web.baseUrl, token, 'GET', '/sessions/online?username=guest-1')), [ids.onlineB]);
  const page = await api(web.baseUrl, token, 'GET', '/sessions/online?limit=1');
  assert.deepEqual(idsOf(page), [ids.onlineB]);
  assert.deepEqual(idsOf(await api(web.baseUrl, token, 'GET', `/sessions/online?limit=1&cursor=${page.json.next_cursor}`)), [ids.onlineA]);
});

test('history: closed sessions by stop time in [from, to), default the last 31 days; bad ranges are 422 problems', async () => {
  const { token } = await tokenFor(web.c.db, 'viewer');
  const recent = await api(web.baseUrl, token, 'GET', '/sessions/history');
  assert.equal(recent.status, 200, JSON.stringify(recent.json));
  assert.deepEqual(idsOf(recent), [ids.closedDec], 'the October session is older than the default 31 days');
  assert.equal(recent.json.data[0].terminate_cause, 'User-Request');
  const wide = await api(web.baseUrl, token, 'GET', `/sessions/history?from=2026-09-01&to=2026-12-08T03:00:00Z&subscription_id=${sub.id}`);
  assert.deepEqual(idsOf(wide), [ids.closedOct, ids.closedDec], 'by id, newest row first');
  assert.deepEqual(idsOf(await api(web.baseUrl, token, 'GET', '/sessions/history?from=2026-10-01&to=2026-11-01')), [ids.closedOct]);
  assert.deepEqual(idsOf(await api(web.baseUrl, token, 'GET', '/sessions/history?from=2026-09-01&username=nobody')), []);

  const reversed = await api(web.baseUrl, token, 'GET', '/sessions/history?from=2026-12-01&to=2026-11-01');
  assert.equal(reversed.status, 422);
  assert.equal(reversed.json.errors[0].pointer, '#/query/from');
  assert.equal((await api(web.baseUrl, token, 'GET', '/sessions/history?from=2024-01-01&to=2026-01-01')).status, 422, 'more than 366 days');
  const garbage = await api(web.baseUrl, token, 'GET', '/sessions/history?from=yesterday');
  assert.equal(garbage.status, 422);
  assert.match(garbage.headers.get('content-type') ?? '', /problem\+json/);
});

test('one session by id, open or closed; 404 for none', async () => {
  const { token } = await tokenFor(web.c.db, 'viewer');
  const closed = await api(web.baseUrl, token, 'GET', `/sessions/${ids.closedOct}`);
  assert.equal(closed.status, 200);
  assert.equal(closed.json.stop_time, '2026-10-02T01:00:00.000Z');
  assert.equal(closed.json.session_time, 0);
  assert.equal((await api(web.baseUrl, token, 'GET', '/sessions/999999999')).status, 404);
});

test('disconnect: the console\'s use case, audited, a nas-control job queued; a closed session 404, a session of no subscription 409', async () => {
  const t = await tokenFor(web.c.db, 'technician');
  const res = await api(web.baseUrl, t.token, 'POST', `/sessions/${ids.onlineA}/disconnect`);
  assert.equal(res.status, 202, JSON.stringify(res.json));
  assert.equal(res.json.subscription_id, sub.id);
  assert.equal(res.json.sessions, 1);
  assert.ok(res.json.job_id);
  const audit = await web.c.db('audit_log').where({ action: 'subscription_disconnected', object_id: String(sub.id) }).first('staff_user_id', 'after');
  assert.equal(Number(audit.staff_user_id), t.staffId);
  assert.equal(audit.after.sessionId, ids.onlineA);

  const closed = await api(web.baseUrl, t.token, 'POST', `/sessions/${ids.closedDec}/disconnect`);
  assert.equal(closed.status, 404);
  const orphan = await api(web.baseUrl, t.token, 'POST', `/sessions/${ids.onlineB}/disconnect`);
  assert.equal(orphan.status, 409);
  assert.equal(orphan.json.type, '/api/v1/problems/no_subscription');

  const viewer = await tokenFor(web.c.db, 'viewer');
  assert.equal((await api(web.baseUrl, viewer.token, 'POST', `/sessions/${ids.onlineA}/disconnect`)).status, 403);
});
