/**
 * Devices and topology in the console (issue 12 item 1), over HTTP against the web role and a
 * real database: a technician builds OLT → ODC → ODP (8 ports), hangs two subscriptions on ODP
 * ports from the subscription form (with a pasted location), the ODP page shows its ports used
 * and free; a loop, port 9 and a taken port are refused; the SNMP community is never on a page
 * nor in the audit log; deleting says what is detached; a viewer sees but cannot change (403); a
 * collector does not see devices at all.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { subscriptionsBehind } from '../../network/devices/topology.js';
import { adminClient } from '../helpers/admin-client.js';
import { createStaff, createSubscription } from '../helpers/factories.js';
import { formVersion, signedIn } from '../helpers/plans-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-12-07T03:00:00Z'), env: { PUBLIC_URL: 'http://billing.example.net:8080' } });
});
after(async () => {
  await web.stop();
});

const COMMUNITY = 'komunitas-olt-rahasia';
const deviceForm = (over: Record<string, string> = {}): Record<string, string> => ({
  kind: 'odp', name: '', address: '', nas_id: '', parent_id: '', parent_port: '', port_count: '', location: '', snmp_version: '', snmp_port: '161',
  snmp_community: '', snmp_v3_user: '', snmp_v3_auth_protocol: '', snmp_v3_auth_key: '', snmp_v3_priv_protocol: '', snmp_v3_priv_key: '', note: '', ...over,
});
const createdId = (location: string | null | undefined): number => {
  const id = Number(/^\/admin\/devices\/(\d+)\?saved=created$/.exec(location ?? '')?.[1]);
  assert.ok(id > 0, `redirected to the new device: ${location}`);
  return id;
};

test('a technician builds OLT → ODC → ODP, hangs two subscriptions on ODP ports, and loops, port 9 and a taken port are refused', async () => {
  const { client } = await signedIn(web.baseUrl, web.c.db, 'technician');
  assert.equal((await client.get('/admin/devices/new')).status, 200);
  const olt = createdId((await client.post('/admin/devices', deviceForm({
    kind: 'olt', name: 'OLT Pusat', address: '10.50.0.2', probe_ping: '1', probe_snmp: '1', snmp_version: '2c', snmp_community: COMMUNITY, port_count: '16', location: '-6.200000, 106.816666',
  }))).location);
  const odc = createdId((await client.post('/admin/devices', deviceForm({ kind: 'odc', name: 'ODC Melati', parent_id: String(olt), parent_port: '1', port_count: '4' }))).location);
  const odp = createdId((await client.post('/admin/devices', deviceForm({ kind: 'odp', name: 'ODP Melati 01', parent_id: String(odc), parent_port: '2', port_count: '8', location: '-6.2101 106.8202' }))).location);
  const odpRow = await web.c.db('devices').where({ id: odp }).first();
  assert.deepEqual([Number(odpRow.latitude), Number(odpRow.longitude)], [-6.2101, 106.8202], 'the pasted location is stored');

  // Two subscriptions hang off ports 1 and 5 of the ODP, from their edit form.
  const subs = [await createSubscription(web.c.db, { username: 'pppoe-ani' }), await createSubscription(web.c.db, { username: 'pppoe-budi' })];
  const editForm = async (id: number, over: Record<string, string>) => {
    const page = await client.get(`/admin/subscriptions/${id}/edit`);
    assert.equal(page.status, 200);
    assert.match(page.text, /name="device_id"/);
    return client.post(`/admin/subscriptions/${id}/edit`, {
      username: (await web.c.db('subscriptions').where({ id }).first()).username, service_type: 'pppoe', anchor_day: '1', static_ip: '', mac_address: '', notes: '',
      version: formVersion(page.text), device_id: String(odp), device_port: '', location: '', ...over,
    });
  };
  assert.equal((await editForm(subs[0]!.id, { device_port: '1', location: '-6.21012, 106.82031' })).status, 302);
  assert.equal((await editForm(subs[1]!.id, { device_port: '5' })).status, 302);
  const placed = await web.c.db('subscriptions').where({ id: subs[0]!.id }).first('device_id', 'device_port', 'latitude', 'longitude');
  assert.deepEqual([Number(placed.device_id), placed.device_port, Number(placed.latitude), Number(placed.longitude)], [odp, 1, -6.21012, 106.82031]);
  const subPage = await client.get(`/admin/subscriptions/${subs[0]!.id}`);
  assert.match(subPage.text, /data-network><a href="\/admin\/devices\/\d+">ODP Melati 01<\/a> · Port 1/);

  // A taken port and a port beyond the ODP's 8 are refused, on the subscription form and the device form.
  const taken = await editForm(subs[1]!.id, { device_port: '1' });
  assert.equal(taken.status, 422);
  assert.match(taken.text, /data-error="device_port">[^<]*(already in use|sudah terpakai)/);
  assert.equal((await editForm(subs[1]!.id, { device_port: '9' })).status, 422);
  const port9 = await client.post('/admin/devices', deviceForm({ kind: 'cpe', name: 'CPE 9', parent_id: String(odp), parent_port: '9' }));
  assert.equal(port9.status, 422);
  assert.match(port9.text, /data-error="parent_port"/);
  const port5 = await client.post('/admin/devices', deviceForm({ kind: 'cpe', name: 'CPE 5', parent_id: String(odp), parent_port: '5' }));
  assert.equal(port5.status, 422, 'port 5 carries pppoe-budi');
  assert.equal((await web.c.db('devices').whereIn('name', ['CPE 9', 'CPE 5'])).length, 0);

  // The OLT cannot hang off its own ODP.
  const oltEdit = await client.get(`/admin/devices/${olt}/edit`);
  const parentChoice = /<select name="parent_id"[^>]*>(.*?)<\/select>/s.exec(oltEdit.text)?.[1] ?? '';
  assert.match(parentChoice, /<option value=""/);
  assert.doesNotMatch(parentChoice, new RegExp(`<option value="(${olt}|${odc}|${odp})"`), 'the device itself and those below it are not offered as the parent');
  const loop = await client.post(`/admin/devices/${olt}`, deviceForm({ kind: 'olt', name: 'OLT Pusat', address: '10.50.0.2', snmp_version: '2c', parent_id: String(odp), version: formVersion(oltEdit.text) }));
  assert.equal(loop.status, 422);
  assert.match(loop.text, /data-error="parent_id"/);
  assert.equal((await web.c.db('devices').where({ id: olt }).first()).parent_id, null);

  // The ODP page: path, ports used and free, the subscriptions on it; the OLT has both behind it.
  const page = await client.get(`/admin/devices/${odp}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /data-chain><a href="\/admin\/devices\/\d+">OLT Pusat<\/a> › <a href="\/admin\/devices\/\d+">ODC Melati<\/a> › <strong>ODP Melati 01<\/strong>/);
  assert.match(page.text, /data-ports>2 used · 6 free/);
  assert.match(page.text, /data-port="5"><td class="num">5<\/td><td><a href="\/admin\/subscriptions\/\d+">pppoe-budi<\/a>/);
  assert.deepEqual(await subscriptionsBehind(web.c.db, olt), [subs[0]!.id, subs[1]!.id]);
  assert.match((await client.get(`/admin/devices/${olt}`)).text, /data-behind>2</);
  const list = await client.get(`/admin/devices?kind=odp&parent=${odc}`);
  assert.match(list.text, /data-device="ODP Melati 01"/);
  assert.doesNotMatch(list.text, /data-device="OLT Pusat"/);

  // The community never leaves the database: not on the pages, not in the audit log; a blank field keeps it.
  for (const path of [`/admin/devices/${olt}`, `/admin/devices/${olt}/edit`, '/admin/devices', '/admin/audit']) {
    assert.ok(!(await client.get(path)).text.includes(COMMUNITY), `${path} does not carry the community`);
  }
  const keep = await client.post(`/admin/devices/${olt}`, deviceForm({
    kind: 'olt', name: 'OLT Pusat Baru', address: '10.50.0.2', probe_snmp: '1', snmp_version: '2c', port_count: '16', version: formVersion((await client.get(`/admin/devices/${olt}/edit`)).text),
  }));
  assert.equal(keep.status, 302);
  const stored = await web.c.db('devices').where({ id: olt }).first();
  assert.equal(web.c.secrets.open(stored.snmp_community_enc), COMMUNITY, 'kept');
  const audit = JSON.stringify(await web.c.db('audit_log').where({ object_type: 'device' }).select('action', 'before', 'after'));
  assert.ok(!audit.includes(COMMUNITY) && !audit.includes(stored.snmp_community_enc), 'no community in the audit log');
  assert.match(audit, /"action":"device_created"/);

  // Deleting the ODC: the confirmation says what is detached; the ODP and the subscriptions stay.
  const confirm = await client.get(`/admin/devices/${odc}/delete`);
  assert.match(confirm.text, /data-detach>[^<]*lose their parent/);
  assert.equal((await client.post(`/admin/devices/${odc}/delete`, {})).location, '/admin/devices?saved=deleted');
  const orphan = await web.c.db('devices').where({ id: odp }).first();
  assert.deepEqual([orphan.parent_id, orphan.parent_port], [null, null]);
  assert.deepEqual(await subscriptionsBehind(web.c.db, olt), []);
});

test('a viewer sees devices but every change is refused with 403; a collector does not see them', async () => {
  const [row] = await web.c.db('devices').insert({ kind: 'switch', name: 'Switch Baca', address: '10.60.0.1' }).returning('id');
  const id = Number(row.id);
  const { client } = await signedIn(web.baseUrl, web.c.db, 'viewer');
  assert.equal((await client.get('/admin/devices')).status, 200);
  const page = await client.get(`/admin/devices/${id}`);
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.text, /\/edit"/, 'no edit link');
  assert.equal((await client.get(`/admin/devices/${id}/edit`)).status, 403);
  assert.equal((await client.get('/admin/devices/new')).status, 403);
  assert.equal((await client.post('/admin/devices', deviceForm({ kind: 'server', name: 'X' }))).status, 403);
  assert.equal((await client.post(`/admin/devices/${id}`, deviceForm({ kind: 'switch', name: 'Diubah', version: '1' }))).status, 403);
  assert.equal((await client.post(`/admin/devices/${id}/delete`, {})).status, 403);
  assert.equal((await web.c.db('devices').where({ id }).first()).name, 'Switch Baca');

  const collector = await createStaff(web.c.db, { role: 'collector' });
  const c = adminClient(web.baseUrl);
  assert.equal((await c.signIn(collector.username, collector.password)).status, 302);
  const customers = await c.get('/admin/customers');
  assert.doesNotMatch(customers.text, /href="\/admin\/devices"/, 'no menu entry');
  assert.equal((await c.get('/admin/devices')).status, 403);
  assert.equal((await c.get(`/admin/devices/${id}`)).status, 403);
});
