import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.js';
import { createNas, createSubscription, TEST_SECRET_BOX } from '../../test/helpers/factories.js';
import { deleteDevice } from './delete-device.js';
import { EMPTY_DEVICE, type DeviceFormValues } from './device-form.js';
import { addDevice, updateDevice } from './save-device.js';
import { openSnmp } from './snmp-credentials.js';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(async () => {
  await t.drop();
});

const actor = { staffUserId: null, username: 'test', ip: null };
const deps = () => ({ db: t.db, secrets: TEST_SECRET_BOX });
const form = (over: Partial<DeviceFormValues>): DeviceFormValues => ({ ...EMPTY_DEVICE, probe_ping: '', ...over });
const add = async (over: Partial<DeviceFormValues>): Promise<number> => {
  const out = await addDevice(deps(), actor, form(over));
  assert.ok(out.ok, JSON.stringify(out));
  return out.id;
};
const errorsOf = (out: Awaited<ReturnType<typeof addDevice>>): Record<string, string> => (!out.ok && out.code === 'invalid' ? out.errors : {});
const row = (id: number) => t.db('devices').where({ id }).first();

test('a parent that would close a loop is refused; another parent is taken', async () => {
  const olt = await add({ kind: 'olt', name: 'OLT', address: '10.2.0.1', probe_ping: '1', port_count: '16' });
  const odc = await add({ kind: 'odc', name: 'ODC', parent_id: String(olt), parent_port: '1', port_count: '8' });
  const odp = await add({ kind: 'odp', name: 'ODP', parent_id: String(odc), parent_port: '1', port_count: '8' });
  const v = Number((await row(olt)).version);
  assert.deepEqual(errorsOf(await updateDevice(deps(), actor, olt, v, form({ kind: 'olt', name: 'OLT', parent_id: String(odp) }))), { parent_id: 'devices.error.parent_cycle' });
  assert.deepEqual(errorsOf(await updateDevice(deps(), actor, olt, v, form({ kind: 'olt', name: 'OLT', parent_id: String(olt) }))), { parent_id: 'devices.error.parent_cycle' });
  assert.equal((await row(olt)).parent_id, null);
  const other = await add({ kind: 'odc', name: 'ODC 2' });
  const moved = await updateDevice(deps(), actor, odp, 1, form({ kind: 'odp', name: 'ODP', parent_id: String(other), port_count: '8' }));
  assert.deepEqual(moved, { ok: true, id: odp });
  assert.equal(Number((await row(odp)).parent_id), other);
  assert.equal((await updateDevice(deps(), actor, odp, 1, form({ kind: 'odp', name: 'ODP' }))).ok, false, 'stale version refused');
});

test('a port beyond the parent\'s port count, or taken by a device or a subscription, is refused; a port count below a used port too', async () => {
  const odp = await add({ kind: 'odp', name: 'ODP 8', port_count: '8' });
  assert.deepEqual(errorsOf(await addDevice(deps(), actor, form({ kind: 'cpe', name: 'CPE 9', parent_id: String(odp), parent_port: '9' }))), { parent_port: 'devices.error.port_out_of_range' });
  await add({ kind: 'cpe', name: 'CPE 3', parent_id: String(odp), parent_port: '3' });
  assert.deepEqual(errorsOf(await addDevice(deps(), actor, form({ kind: 'cpe', name: 'CPE 3b', parent_id: String(odp), parent_port: '3' }))), { parent_port: 'devices.error.port_taken' });
  const sub = await createSubscription(t.db);
  await t.db('subscriptions').where({ id: sub.id }).update({ device_id: odp, device_port: 7 });
  assert.deepEqual(errorsOf(await addDevice(deps(), actor, form({ kind: 'cpe', name: 'CPE 7', parent_id: String(odp), parent_port: '7' }))), { parent_port: 'devices.error.port_taken' });
  assert.deepEqual(errorsOf(await updateDevice(deps(), actor, odp, 1, form({ kind: 'odp', name: 'ODP 8', port_count: '4' }))), { port_count: 'devices.error.ports_in_use' });
  assert.deepEqual(errorsOf(await addDevice(deps(), actor, form({ kind: 'cpe', name: 'No parent', parent_port: '2' }))), { parent_port: 'devices.error.port_without_parent' });
});

test('address: optional for a passive ODP, required for probing, one device per address; a NAS link only for routers', async () => {
  const odp = await add({ kind: 'odp', name: 'ODP tanpa alamat', probe_ping: '1', probe_snmp: '1' });
  assert.equal((await row(odp)).probe_ping, false, 'a splitter box is never probed');
  assert.deepEqual(errorsOf(await addDevice(deps(), actor, form({ kind: 'switch', name: 'SW', probe_ping: '1' }))), { address: 'devices.error.address_needed' });
  await add({ kind: 'switch', name: 'SW', address: '10.3.0.1', probe_ping: '1' });
  assert.deepEqual(errorsOf(await addDevice(deps(), actor, form({ kind: 'server', name: 'Dup', address: '10.3.0.1' }))), { address: 'devices.error.address_taken' });
  assert.deepEqual(errorsOf(await addDevice(deps(), actor, form({ kind: 'server', name: 'Bad', address: '10.3.0.0/24' }))), { address: 'devices.error.address' });
  const nas = await createNas(t.db, { name: 'R', ipAddress: '10.3.0.9' });
  assert.deepEqual(errorsOf(await addDevice(deps(), actor, form({ kind: 'switch', name: 'SW2', nas_id: String(nas.id) }))), { nas_id: 'devices.error.nas_router_only' });
  await add({ kind: 'router', name: 'R', nas_id: String(nas.id), location: '-6.2, 106.816666' });
  assert.deepEqual(errorsOf(await addDevice(deps(), actor, form({ kind: 'router', name: 'R2', nas_id: String(nas.id) }))), { nas_id: 'devices.error.nas_taken' });
  assert.deepEqual(errorsOf(await addDevice(deps(), actor, form({ kind: 'server', name: 'Loc', location: '-6.2' }))), { location: 'devices.error.location_format' });
});

test('SNMP secrets are sealed, kept when left blank, dropped when the version changes, and never audited', async () => {
  const id = await add({ kind: 'switch', name: 'SNMP', address: '10.4.0.1', probe_snmp: '1', snmp_version: '2c', snmp_community: 'komunitas-rahasia' });
  const stored = await row(id);
  assert.notEqual(stored.snmp_community_enc, 'komunitas-rahasia');
  assert.deepEqual(openSnmp(TEST_SECRET_BOX, stored), { version: '2c', port: 161, community: 'komunitas-rahasia' });
  assert.deepEqual(errorsOf(await addDevice(deps(), actor, form({ kind: 'switch', name: 'No community', address: '10.4.0.2', snmp_version: '2c' }))), { snmp_community: 'error.required' });
  assert.ok((await updateDevice(deps(), actor, id, 1, form({ kind: 'switch', name: 'SNMP 2', address: '10.4.0.1', snmp_version: '2c' }))).ok);
  assert.deepEqual(openSnmp(TEST_SECRET_BOX, await row(id)), { version: '2c', port: 161, community: 'komunitas-rahasia' }, 'blank keeps it');
  const v3 = await updateDevice(deps(), actor, id, 2, form({ kind: 'switch', name: 'SNMP 2', address: '10.4.0.1', snmp_version: '3', snmp_v3_user: 'monitor',
    snmp_v3_auth_protocol: 'sha256', snmp_v3_auth_key: 'kunci-auth-1', snmp_v3_priv_protocol: 'aes', snmp_v3_priv_key: 'kunci-priv-1' }));
  assert.ok(v3.ok);
  const after = await row(id);
  assert.equal(after.snmp_community_enc, null, 'v3 forgets the community');
  assert.deepEqual(openSnmp(TEST_SECRET_BOX, after), { version: '3', port: 161, user: 'monitor', authProtocol: 'sha256', authKey: 'kunci-auth-1', privProtocol: 'aes', privKey: 'kunci-priv-1' });
  assert.deepEqual(errorsOf(await updateDevice(deps(), actor, id, 3, form({ kind: 'switch', name: 'S', snmp_version: '3', snmp_v3_user: 'm', snmp_v3_auth_protocol: 'md5', snmp_v3_auth_key: 'short' }))),
    { snmp_v3_auth_key: 'devices.error.snmp_key_short' });
  const audit = JSON.stringify(await t.db('audit_log').where({ object_type: 'device', object_id: String(id) }).select('before', 'after'));
  for (const s of ['komunitas-rahasia', 'kunci-auth-1', 'kunci-priv-1', stored.snmp_community_enc]) assert.ok(!audit.includes(s), `audit carries no ${s}`);
  assert.match(audit, /"snmp_community_changed":true/);
});

test('deleting a device detaches its children and subscriptions', async () => {
  const odc = await add({ kind: 'odc', name: 'ODC hapus', port_count: '4' });
  const odp = await add({ kind: 'odp', name: 'ODP sisa', parent_id: String(odc), parent_port: '2' });
  const sub = await createSubscription(t.db);
  await t.db('subscriptions').where({ id: sub.id }).update({ device_id: odc, device_port: 1 });
  assert.deepEqual(await deleteDevice(t.db, actor, odc), { ok: true, children: 1, subscriptions: 1 });
  const child = await row(odp);
  assert.deepEqual([child.parent_id, child.parent_port], [null, null]);
  const s = await t.db('subscriptions').where({ id: sub.id }).first('device_id', 'device_port');
  assert.deepEqual([s.device_id, s.device_port], [null, null]);
  assert.deepEqual(await deleteDevice(t.db, actor, odc), { ok: false, code: 'not_found' });
});
