/**
 * Live (issue 12 item 6): the live dashboard's Server-Sent Events stream and a subscriber's live
 * traffic, against the web role, the real database and the fake RouterOS API server (real
 * node-routeros client, real wire protocol).
 *
 * - The stream answers as an event stream that proxies pass on at once (headers), its first
 *   message carries each router's online sessions as the database has them, and a staff alert
 *   written afterwards arrives on it within a few seconds.
 * - A staff member's streams are capped; disconnecting one frees its slot.
 * - A viewer (no network.live) gets 403.
 * - Live traffic: the rates the router reports for `<pppoe-USER>`, down = tx, up = rx; two staff
 *   watching one subscriber share one monitor (one API login, about one command a second), which
 *   stops when both leave; clear states for offline, no API credentials, and an unreachable router.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { raiseStaffAlerts } from '../../lib/staff-alerts.js';
import { freePort } from '../../lib/embedded/local-state.js';
import { LIVE_STREAMS_PER_STAFF } from '../../admin/network/live-hub.js';
import type { AdminClient } from '../helpers/admin-client.js';
import type { TestContainer } from '../helpers/container.js';
import { createNas, createSubscription } from '../helpers/factories.js';
import { startFakeRouterOs, type FakeRouterOs } from '../helpers/fake-routeros.js';
import { signedIn } from '../helpers/plans-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
let c: TestContainer;
let router: FakeRouterOs;
const nas: Record<'core' | 'edge' | 'noApi' | 'down', number> = {} as never;
const subs: Record<'live' | 'offline' | 'noApi' | 'down', { id: number; username: string }> = {} as never;

async function openSession(sub: { id: number; username: string }, nasId: number, nasIp: string, stopped = false): Promise<void> {
  const started = new Date(Date.now() - 10 * 60_000);
  await c.db('accounting_sessions').insert({
    session_key: randomUUID(), acct_session_id: randomUUID().slice(0, 8), username: sub.username, subscription_id: sub.id, nas_id: nasId,
    nas_ip_address: nasIp, start_time: started, update_time: started, stop_time: stopped ? new Date() : null,
  });
}

/** Reads an event stream message by message (WHATWG HTML §9.2: `data:` lines, blank line ends one). */
function reader(res: Response): { next(match: (data: string) => boolean, ms?: number): Promise<string> } {
  const body = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const queue: string[] = [];
  return {
    async next(match, ms = 8000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const i = queue.findIndex(match);
        if (i >= 0) return queue.splice(0, i + 1).pop()!;
        queue.length = 0;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no matching message in time');
        let timer: NodeJS.Timeout | undefined;
        const chunk = await Promise.race([body.read(), new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error('no matching message in time')), left)))])
          .finally(() => clearTimeout(timer));
        if (chunk.done) throw new Error('stream ended');
        buffer += decoder.decode(chunk.value, { stream: true });
        const parts = buffer.split('\n\n');
        buffer = parts.pop()!;
        for (const p of parts) {
          const data = p.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (data) queue.push(data);
        }
      }
    },
  };
}

/** What htmx's SSE extension sends (and EventSource: `text/event-stream`). */
const SSE = { accept: 'text/html, text/event-stream' };

const onlineOf = (html: string): Map<number, number> =>
  new Map([...html.matchAll(/data-nas-id="(\d+)" data-online="(\d+)"/g)].map((m) => [Number(m[1]), Number(m[2])]));

before(async () => {
  web = await startWebServer();
  c = web.c;
  router = await startFakeRouterOs({ users: { billing: 'api-pw' } });
  nas.core = (await createNas(c.db, { name: 'core', ipAddress: '10.8.0.1', routerosUsername: 'billing', routerosPassword: 'api-pw', routerosApiPort: router.port, routerosApiHost: '127.0.0.1' })).id;
  nas.edge = (await createNas(c.db, { name: 'edge', ipAddress: '10.8.0.2' })).id;
  nas.noApi = nas.edge;
  nas.down = (await createNas(c.db, { name: 'down', ipAddress: '10.8.0.3', routerosUsername: 'billing', routerosPassword: 'api-pw', routerosApiPort: await freePort(0), routerosApiHost: '127.0.0.1' })).id;
  for (const k of ['live', 'offline', 'noApi', 'down'] as const) subs[k] = await createSubscription(c.db);
  await openSession(subs.live, nas.core, '10.8.0.1');
  await openSession(subs.offline, nas.core, '10.8.0.1', true);
  await openSession(subs.noApi, nas.edge, '10.8.0.2');
  await openSession(subs.down, nas.down, '10.8.0.3');
  for (let i = 0; i < 2; i++) await openSession(await createSubscription(c.db), nas.core, '10.8.0.1');
  router.traffic.set(`<pppoe-${subs.live.username}>`, { rx: 2_500_000, tx: 12_300_000 });
});

after(async () => {
  await web?.stop();
  await router?.close();
});

test('the dashboard stream: event-stream headers, first message = online sessions per NAS as in the database, a new staff alert within seconds', async () => {
  const { client } = await signedIn(web.baseUrl, c.db, 'admin');
  const ac = new AbortController();
  const res = await client.open('/admin/network/live/stream', ac.signal, SSE);
  try {
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.match(res.headers.get('cache-control') ?? '', /no-cache/);
    assert.equal(res.headers.get('x-accel-buffering'), 'no');
    const stream = reader(res);
    const first = await stream.next((d) => d.includes('data-nas-id'));
    const { rows } = await c.db.raw('SELECT nas_id, count(*)::int AS n FROM accounting_sessions WHERE stop_time IS NULL GROUP BY nas_id');
    const expected = new Map((rows as Array<{ nas_id: string; n: number }>).map((r) => [Number(r.nas_id), r.n]));
    const shown = onlineOf(first);
    assert.deepEqual({ core: shown.get(nas.core), edge: shown.get(nas.edge), down: shown.get(nas.down) },
      { core: expected.get(nas.core), edge: expected.get(nas.edge), down: expected.get(nas.down) });
    assert.equal(shown.get(nas.core), 3, 'three open sessions on core, the stopped one not counted');
    assert.match(first, /hx-swap-oob/, 'swapped into the page out of band');
    assert.match(first, /data-no-samples/, 'no SNMP samples yet: "no data yet"');

    const message = `live alert ${randomUUID()}`;
    await raiseStaffAlerts(c.db, [{ kind: 'test_live', message }]);
    const alert = await stream.next((d) => d.includes(message), 6000);
    assert.match(alert, /id="live-alerts" hx-swap-oob="afterbegin"/);
  } finally {
    ac.abort();
  }
});

test(`a staff member has at most ${LIVE_STREAMS_PER_STAFF} live streams; disconnecting one frees its slot`, async () => {
  const { client } = await signedIn(web.baseUrl, c.db, 'technician');
  const open: AbortController[] = [];
  for (let i = 0; i < LIVE_STREAMS_PER_STAFF; i++) {
    const ac = new AbortController();
    const res = await client.open('/admin/network/live/stream', ac.signal, SSE);
    assert.equal(res.status, 200, `stream ${i + 1}`);
    await reader(res).next((d) => d.includes('data-nas-id'));
    open.push(ac);
  }
  const refused = await client.open('/admin/network/live/stream', undefined, SSE);
  assert.equal(refused.status, 429);
  await refused.text();
  const plain = await client.get('/admin/network/live/stream');
  assert.equal(plain.status, 406, 'a request not asking for an event stream is not held open');
  open.shift()!.abort();
  let status = 0;
  for (let i = 0; i < 30 && status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const ac = new AbortController();
    const res = await client.open('/admin/network/live/stream', ac.signal, SSE);
    status = res.status;
    if (status === 200) open.push(ac);
    else await res.text();
  }
  assert.equal(status, 200, 'the freed slot takes a new stream');
  for (const ac of open) ac.abort();
});

test('a viewer may not open the live dashboard, its stream, or live traffic (403)', async () => {
  const { client } = await signedIn(web.baseUrl, c.db, 'viewer');
  assert.equal((await client.get('/admin/network/live')).status, 403);
  const res = await client.open('/admin/network/live/stream', undefined, SSE);
  assert.equal(res.status, 403);
  await res.text();
  const traffic = await client.open(`/admin/subscriptions/${subs.live.id}/traffic`, undefined, SSE);
  assert.equal(traffic.status, 403);
  await traffic.text();
  const page = await client.get(`/admin/subscriptions/${subs.live.id}`);
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.text, /data-live-traffic/, 'no live traffic panel without network.live');
});

test('live traffic: the router\'s rates, one shared monitor for two viewers, stopped when both leave', async () => {
  const viewers: Array<{ client: AdminClient; ac: AbortController }> = [];
  for (const role of ['admin', 'technician'] as const) viewers.push({ client: (await signedIn(web.baseUrl, c.db, role)).client, ac: new AbortController() });
  const page = await viewers[0]!.client.get(`/admin/subscriptions/${subs.live.id}`);
  assert.match(page.text, new RegExp(`hx-sse:connect="/admin/subscriptions/${subs.live.id}/traffic"`));
  assert.match(page.text, /\/static\/vendor\/htmx\/ext\/hx-sse\.min\.js/);

  const readings: string[] = [];
  for (const v of viewers) {
    const res = await v.client.open(`/admin/subscriptions/${subs.live.id}/traffic`, v.ac.signal, SSE);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    readings.push(await reader(res).next((d) => d.includes('data-live-traffic-state="ok"')));
  }
  for (const r of readings) {
    assert.match(r, /data-rx-bps="2500000" data-tx-bps="12300000"/);
    assert.match(r, /data-down>12[.,]3</, 'download = what the router sends the subscriber (tx), in Mbps');
    assert.match(r, /data-up>2[.,]5</);
  }
  const monitorCalls = (): number => router.sentences.filter((s) => s[0] === '/interface/monitor-traffic').length;
  const before = monitorCalls();
  await new Promise((r) => setTimeout(r, 3000));
  const perSecond = (monitorCalls() - before) / 3;
  assert.ok(perSecond >= 0.6 && perSecond <= 1.4, `one shared monitor, about one command a second (got ${perSecond}/s)`);
  assert.equal(router.logins.ok, 1, 'one API login for both viewers');

  for (const v of viewers) v.ac.abort();
  await new Promise((r) => setTimeout(r, 2500));
  const stopped = monitorCalls();
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(monitorCalls(), stopped, 'no more commands once nobody watches');
  assert.equal(router.connections(), 0, 'the API connection is closed');
});

test('live traffic states: offline, router without API credentials, router unreachable', async () => {
  const { client } = await signedIn(web.baseUrl, c.db, 'admin');
  const cases = [[subs.offline, 'offline'], [subs.noApi, 'no_api'], [subs.down, 'unreachable']] as const;
  for (const [sub, state] of cases) {
    const ac = new AbortController();
    const res = await client.open(`/admin/subscriptions/${sub.id}/traffic`, ac.signal, SSE);
    try {
      assert.equal(res.status, 200);
      const msg = await reader(res).next((d) => d.includes(`data-live-traffic-state="${state}"`));
      assert.ok(msg, state);
    } finally {
      ac.abort();
    }
  }
});
