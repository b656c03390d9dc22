import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.js';
import { createNas, createSubscription } from '../../test/helpers/factories.js';
import { createsCycle, descendantsOf, deviceAncestors, subscriptionsBehind } from './topology.js';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(async () => {
  await t.drop();
});

const device = async (kind: string, name: string, parentId: number | null = null, parentPort: number | null = null, extra: Record<string, unknown> = {}): Promise<number> => {
  const [row] = await t.db('devices').insert({ kind, name, parent_id: parentId, parent_port: parentPort, ...extra }).returning('id');
  return Number(row.id);
};
const attach = (subscriptionId: number, deviceId: number, port: number | null = null) => t.db('subscriptions').where({ id: subscriptionId }).update({ device_id: deviceId, device_port: port });

test('the fibre tree: OLT → ODC → two ODPs → subscriptions; the radio tree: NAS router → switch → access point', async () => {
  const olt = await device('olt', 'OLT Pusat', null, null, { address: '10.1.0.2' });
  const odc = await device('odc', 'ODC Timur', olt, 1, { port_count: 4 });
  const odp1 = await device('odp', 'ODP 1', odc, 1, { port_count: 8 });
  const odp2 = await device('odp', 'ODP 2', odc, 2, { port_count: 8 });
  const nas = await createNas(t.db, { name: 'Router Pusat', ipAddress: '10.9.0.1' });
  const router = await device('router', 'Router Pusat', null, null, { nas_id: nas.id, address: '10.9.0.1' });
  const sw = await device('switch', 'Switch Tower', router);
  const ap = await device('access_point', 'AP Sektor 1', sw);
  const subs = [];
  for (let i = 0; i < 4; i++) subs.push(await createSubscription(t.db)); // one by one: ids ascending
  await attach(subs[0]!.id, odp1, 1);
  await attach(subs[1]!.id, odp1, 2);
  await attach(subs[2]!.id, odp2, 5);
  await attach(subs[3]!.id, ap);
  const [a, b, c, d] = subs.map((s) => s.id);

  assert.deepEqual(await subscriptionsBehind(t.db, olt), [a, b, c], 'everyone on the fibre tree');
  assert.deepEqual(await subscriptionsBehind(t.db, odc), [a, b, c]);
  assert.deepEqual(await subscriptionsBehind(t.db, odp1), [a, b]);
  assert.deepEqual(await subscriptionsBehind(t.db, odp2), [c]);
  assert.deepEqual(await subscriptionsBehind(t.db, router), [d], 'the radio tree only');
  assert.deepEqual(await subscriptionsBehind(t.db, ap), [d]);
  assert.deepEqual(await subscriptionsBehind(t.db, 999_999), []);

  assert.deepEqual(await deviceAncestors(t.db, odp2), [odc, olt], 'nearest first');
  assert.deepEqual(await deviceAncestors(t.db, ap), [sw, router]);
  assert.deepEqual(await deviceAncestors(t.db, olt), [], 'a root has none');

  assert.deepEqual(await descendantsOf(t.db, olt), [odc, odp1, odp2], 'nearest first, then by id');
  assert.deepEqual(await descendantsOf(t.db, router), [sw, ap]);
  assert.deepEqual(await descendantsOf(t.db, odp1), []);

  assert.equal(await createsCycle(t.db, olt, odp1), true, 'an OLT under its own ODP');
  assert.equal(await createsCycle(t.db, odc, odc), true, 'a device under itself');
  assert.equal(await createsCycle(t.db, odp1, odp2), false, 'an ODP under its sibling');
  assert.equal(await createsCycle(t.db, sw, olt), false, 'the switch under the OLT');
});

test('a loop written by hand in SQL ends the walks instead of hanging them', async () => {
  const x = await device('switch', 'X');
  const y = await device('switch', 'Y', x);
  await t.db('devices').where({ id: x }).update({ parent_id: y });
  const sub = await createSubscription(t.db);
  await attach(sub.id, y);
  assert.deepEqual(await subscriptionsBehind(t.db, x), [sub.id]);
  assert.deepEqual(await deviceAncestors(t.db, x), [y]);
  assert.deepEqual(await descendantsOf(t.db, x), [y]);
});
