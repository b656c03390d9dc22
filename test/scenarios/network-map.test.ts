/**
 * The network map's data (issue 12 item 7), over HTTP against the web role and a real database:
 * GET /admin/network/map/features?bbox=… gives the four subscription states (online: an open
 * accounting session; offline; isolir: suspended; overdue: an overdue invoice), only what lies in
 * the box (not terminated), capped with the total, the ODP's ports used and free and the links to
 * parents; staff set a location through it (technician yes, viewer 403), a collector sees no map;
 * the map page's Content-Security-Policy lets images come from the configured tile host only,
 * and an empty tile URL (no tiles) leaves the site-wide policy.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { CONTENT_SECURITY_POLICY } from '../../lib/http/security-headers.js';
import { locatedSubscription, seedMapNetwork } from '../helpers/map-fixtures.js';
import { signedIn } from '../helpers/plans-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
const ids = { olt: 0, odp: 0, online: 0, offline: 0, isolated: 0, overdue: 0, far: 0, terminated: 0 };
const BOX = '106.85,-6.35,106.95,-6.25';

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-12-07T03:00:00Z') });
  const { db } = web.c;
  Object.assign(ids, await seedMapNetwork(db));
  ids.far = await locatedSubscription(db, -7.8, 110.36);
  ids.terminated = await locatedSubscription(db, -6.305, 106.905, { status: 'terminated' });
});
after(async () => {
  await web?.stop();
});

interface Features {
  subscriptions: { total: number; capped: boolean; items: Array<{ id: number; state: string; online: boolean; lat: number; lng: number; parent: [number, number] | null; devicePort: number | null }> };
  devices: { total: number; capped: boolean; items: Array<{ id: number; kind: string; parent: [number, number] | null; ports: { count: number; used: number; free: number } | null }> };
}

test('each subscription in the box is coloured by its state; what lies outside, or is terminated, is not sent', async () => {
  const { client } = await signedIn(web.baseUrl, web.c.db, 'technician');
  const res = await client.get(`/admin/network/map/features?bbox=${BOX}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = JSON.parse(res.text) as Features;
  const states = Object.fromEntries(body.subscriptions.items.map((s) => [s.id, s.state]));
  assert.deepEqual(states, { [ids.online]: 'online', [ids.offline]: 'offline', [ids.isolated]: 'isolated', [ids.overdue]: 'overdue' });
  assert.equal(body.subscriptions.total, 4);
  assert.equal(body.subscriptions.capped, false);
  const online = body.subscriptions.items.find((s) => s.id === ids.online)!;
  assert.deepEqual([online.lat, online.lng, online.online, online.devicePort], [-6.2995, 106.9012, true, 1]);
  assert.deepEqual(online.parent, [-6.3, 106.9], 'a link to its ODP');
  assert.equal(body.subscriptions.items.find((s) => s.id === ids.isolated)!.parent, null, 'hangs off no device: no link');

  // The far one is in its own box only.
  const far = JSON.parse((await client.get('/admin/network/map/features?bbox=110.3,-7.9,110.4,-7.7')).text) as Features;
  assert.deepEqual(far.subscriptions.items.map((s) => s.id), [ids.far]);
});

test("the ODP's popup data: ports used (subscriptions and devices on its ports) and free, and its link to the OLT", async () => {
  const { client } = await signedIn(web.baseUrl, web.c.db, 'viewer');
  const body = JSON.parse((await client.get(`/admin/network/map/features?bbox=${BOX}`)).text) as Features;
  const odp = body.devices.items.find((d) => d.id === ids.odp)!;
  assert.deepEqual(odp.ports, { count: 8, used: 4, free: 4 }, 'ports 1, 2, 3 (subscriptions) and 5 (a device)');
  assert.deepEqual(odp.parent, [-6.31, 106.91]);
  const olt = body.devices.items.find((d) => d.id === ids.olt)!;
  assert.deepEqual([olt.kind, olt.parent, olt.ports], ['olt', null, { count: 16, used: 1, free: 15 }]);
  assert.equal(body.devices.total, 2, 'the device without a location is not drawn');
});

test('a box holding more than the limit sends the limit and says how many there are; a malformed box is refused', async () => {
  const { client } = await signedIn(web.baseUrl, web.c.db, 'technician');
  const body = JSON.parse((await client.get(`/admin/network/map/features?bbox=${BOX}&limit=2`)).text) as Features;
  assert.equal(body.subscriptions.items.length, 2);
  assert.deepEqual([body.subscriptions.total, body.subscriptions.capped], [4, true]);
  for (const bad of ['', 'bbox=1,2,3', 'bbox=106.95,-6.35,106.85,-6.25', 'bbox=a,b,c,d']) {
    assert.equal((await client.get(`/admin/network/map/features?${bad}`)).status, 400, bad);
  }
});

test('a technician sets a location by "lat, lng" (saved and audited as a subscription edit); a viewer may look but not move; a collector sees no map', async () => {
  const { client: tech } = await signedIn(web.baseUrl, web.c.db, 'technician');
  const moved = await tech.post(`/admin/network/map/subscriptions/${ids.offline}/location`, { location: '-6.2, 106.8' });
  assert.equal(moved.status, 200, moved.text);
  assert.deepEqual(JSON.parse(moved.text), { ok: true });
  const row = await web.c.db('subscriptions').where({ id: ids.offline }).first('latitude', 'longitude', 'device_id', 'device_port');
  assert.deepEqual([Number(row.latitude), Number(row.longitude), Number(row.device_id), row.device_port], [-6.2, 106.8, ids.odp, 2], 'moved; still on ODP port 2');
  const audit = await web.c.db('audit_log').where({ action: 'subscription_updated', object_id: String(ids.offline) }).orderBy('id', 'desc').first('after');
  assert.deepEqual(audit.after, { latitude: -6.2, longitude: 106.8 });
  const after = JSON.parse((await tech.get(`/admin/network/map/features?bbox=${BOX}`)).text) as Features;
  assert.ok(!after.subscriptions.items.some((s) => s.id === ids.offline), 'no longer in the old box');

  const refused = await tech.post(`/admin/network/map/devices/${ids.odp}/location`, { location: '-6.3 106' + '.9.1' });
  assert.equal(refused.status, 422);
  assert.match(JSON.parse(refused.text).errors.join(' '), /lat, lng/);
  assert.equal((await tech.post(`/admin/network/map/devices/${ids.odp}/location`, { location: '-6.3005, 106.9005' })).status, 200);
  assert.equal(Number((await web.c.db('devices').where({ id: ids.odp }).first('latitude')).latitude), -6.3005);

  const { client: viewer } = await signedIn(web.baseUrl, web.c.db, 'viewer');
  assert.equal((await viewer.get('/admin/network/map')).status, 200);
  assert.equal((await viewer.post(`/admin/network/map/subscriptions/${ids.online}/location`, { location: '-6.1, 106.7' })).status, 403);
  assert.equal((await viewer.post(`/admin/network/map/devices/${ids.odp}/location`, { location: '-6.1, 106.7' })).status, 403);

  const { client: collector } = await signedIn(web.baseUrl, web.c.db, 'collector');
  assert.equal((await collector.get(`/admin/network/map/features?bbox=${BOX}`)).status, 403);
  assert.equal((await collector.get('/admin/network/map')).status, 403);
});

test("the map page lets images come from the configured tile host only; no tile URL keeps the site's policy", async () => {
  const { client } = await signedIn(web.baseUrl, web.c.db, 'admin');
  const page = await client.get('/admin/network/map');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', /img-src 'self' data: https:\/\/tile\.openstreetmap\.org;/, 'the default: OpenStreetMap');
  assert.match(page.text, /data-tile-url="https:\/\/tile\.openstreetmap\.org\/\{z\}\/\{x\}\/\{y\}\.png"/);
  assert.equal((await client.get('/admin/customers')).headers.get('content-security-policy'), CONTENT_SECURITY_POLICY, 'other pages keep the policy');

  const settings = await client.get('/admin/settings');
  const mapVersion = /name="mapVersion" value="(\d+)"/.exec(settings.text)?.[1] ?? '';
  const bad = await client.post('/admin/settings/map', { mapVersion, tileUrl: 'https://tiles-{s}.example.org/{z}/{x}/{y}.png', attribution: '' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /data-error="tileUrl"/);
  const saved = await client.post('/admin/settings/map', { mapVersion, tileUrl: 'https://{s}.tiles.example.net/{z}/{x}/{y}.png', attribution: 'Peta © Contoh' });
  assert.equal(saved.status, 302);
  assert.match((await client.get('/admin/network/map')).headers.get('content-security-policy') ?? '', /img-src 'self' data: https:\/\/\*\.tiles\.example\.net;/);

  const next = /name="mapVersion" value="(\d+)"/.exec((await client.get('/admin/settings')).text)?.[1] ?? '';
  assert.equal((await client.post('/admin/settings/map', { mapVersion, tileUrl: '', attribution: '' })).status, 409, 'a stale form');
  assert.equal((await client.post('/admin/settings/map', { mapVersion: next, tileUrl: '', attribution: '' })).status, 302);
  const plain = await client.get('/admin/network/map');
  assert.equal(plain.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  assert.match(plain.text, /data-tile-url=""/);
});
