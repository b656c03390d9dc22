/**
 * /api/v1/devices against the web role and a real database: devices with the prober's state
 * (device_state), filters by kind, parent and state, one device with its interfaces and
 * children, never a sealed SNMP secret (only whether it is set), 404 and problem+json.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { TEST_SECRET_BOX } from '../helpers/factories.js';
import { api, tokenFor } from '../helpers/api-client.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
let olt: number;
let odp: number;

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-12-08T03:00:00Z'), env: { API_RATE_LIMIT_PER_MINUTE: '1000' } });
  const db = web.c.db;
  [{ id: olt }] = await db('devices').insert({ kind: 'olt', name: 'OLT Pusat', address: '10.40.0.1', snmp_version: '2c', snmp_community_enc: TEST_SECRET_BOX.seal('c0mmunity-secret'), probe_snmp: true }).returning('id');
  [{ id: odp }] = await db('devices').insert({ kind: 'odp', name: 'ODP Blok C', parent_id: olt, parent_port: 3, port_count: 8 }).returning('id');
  olt = Number(olt);
  odp = Number(odp);
  await db('device_state').insert([
    { device_id: olt, state: 'up', since: '2026-12-08T00:00:00Z', last_probe_at: '2026-12-08T02:59:00Z', rtt_ms: 1.5, loss_pct: 0 },
    { device_id: odp, state: 'down', since: '2026-12-08T02:00:00Z', consecutive_misses: 4, loss_pct: 100 },
  ]);
  await db('device_interfaces').insert({ device_id: olt, if_index: 1, name: 'pon0/1', speed_bps: 1_000_000_000, admin_status: 'up', oper_status: 'up' });
});
after(async () => {
  await web?.stop();
});

test('devices with their state, filtered; one with interfaces and children; no SNMP secret', async () => {
  const { token } = await tokenFor(web.c.db, 'viewer');
  const all = await api(web.baseUrl, token, 'GET', '/devices');
  assert.equal(all.status, 200, JSON.stringify(all.json));
  assert.deepEqual(all.json.data.map((d: { id: number }) => d.id), [odp, olt]);
  assert.ok(!all.bytes.toString('utf8').includes('c0mmunity-secret'));
  assert.deepEqual((await api(web.baseUrl, token, 'GET', '/devices?state=down')).json.data.map((d: { id: number }) => d.id), [odp]);
  assert.deepEqual((await api(web.baseUrl, token, 'GET', '/devices?kind=olt')).json.data.map((d: { id: number }) => d.id), [olt]);
  assert.deepEqual((await api(web.baseUrl, token, 'GET', `/devices?parent_id=${olt}`)).json.data.map((d: { id: number }) => d.id), [odp]);
  assert.deepEqual((await api(web.baseUrl, token, 'GET', '/devices?q=blok')).json.data.map((d: { id: number }) => d.id), [odp]);

  const one = await api(web.baseUrl, token, 'GET', `/devices/${olt}`);
  assert.equal(one.status, 200, JSON.stringify(one.json));
  assert.equal(one.json.address, '10.40.0.1');
  assert.equal(one.json.snmp_community_set, true);
  assert.equal(one.json.state.state, 'up');
  assert.equal(one.json.state.rtt_ms, 1.5);
  assert.deepEqual(one.json.interfaces.map((i: Record<string, unknown>) => [i.if_index, i.name, i.speed_bps, i.oper_status]), [[1, 'pon0/1', 1_000_000_000, 'up']]);
  assert.deepEqual(one.json.children.map((c: Record<string, unknown>) => [c.id, c.parent_port]), [[odp, 3]]);
  assert.ok(!one.bytes.toString('utf8').includes('c0mmunity-secret'), 'never the sealed community');
  const down = await api(web.baseUrl, token, 'GET', `/devices/${odp}`);
  assert.equal(down.json.state.state, 'down');
  assert.equal(down.json.state.consecutive_misses, 4);
});

test('404 and problem+json; a collector lacks devices.view', async () => {
  const { token } = await tokenFor(web.c.db, 'admin');
  assert.equal((await api(web.baseUrl, token, 'GET', '/devices/999999999')).status, 404);
  const bad = await api(web.baseUrl, token, 'GET', '/devices?kind=toaster');
  assert.equal(bad.status, 422);
  assert.equal(bad.json.errors[0].pointer, '#/query/kind');
  const collector = await tokenFor(web.c.db, 'collector');
  assert.equal((await api(web.baseUrl, collector.token, 'GET', '/devices')).status, 403);
});
