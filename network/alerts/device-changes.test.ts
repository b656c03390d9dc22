import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { createTestContainer, type TestContainer } from '../../test/helpers/container.js';
import { handleDeviceChanges, handleInterfaceChanges } from './device-changes.js';

let c: TestContainer;
const at = new Date('2026-12-07T03:00:00Z');
before(async () => {
  c = await createTestContainer({ clock: settableClock(at) });
});
after(() => c.dispose());

async function device(kind: string, name: string, parentId: number | null): Promise<number> {
  const [row] = await c.db('devices').insert({ kind, name, parent_id: parentId }).returning('id');
  return Number(row.id);
}
const alerts = (kind: string) => c.db('staff_alerts').where({ kind }).orderBy('id');

test('OLT, ODC and ODP down in one round raise one alert, for the OLT; a device under one already down raises none', async () => {
  const olt = await device('olt', 'OLT A', null);
  const odc = await device('odc', 'ODC A1', olt);
  const odp = await device('odp', 'ODP A1-1', odc);
  const other = await device('switch', 'Switch B', null);
  await handleDeviceChanges({ db: c.db, clock: c.clock }, [odp, odc, olt, other].map((deviceId) => ({ deviceId, from: 'up' as const, to: 'down' as const, at })));
  const down = await alerts('device_down');
  assert.deepEqual(down.map((a) => a.details.deviceId).sort(), [olt, other].sort());
  assert.deepEqual(down.find((a) => a.details.deviceId === olt).details.grouped.sort(), [odc, odp].sort());

  // Later: the OLT is known down (device_state), a new ODP behind it goes down alone: no alert.
  await c.db('device_state').insert({ device_id: olt, state: 'down', since: at });
  const odp2 = await device('odp', 'ODP A1-2', odc);
  await handleDeviceChanges({ db: c.db, clock: c.clock }, [{ deviceId: odp2, from: 'up', to: 'down', at: new Date(at.getTime() + 60_000) }]);
  assert.equal((await alerts('device_down')).length, 2);
});

test('interface down raises an alert unless the rule is off or the device itself is down', async () => {
  const sw = await device('switch', 'Switch C', null);
  const [ifRow] = await c.db('device_interfaces').insert({ device_id: sw, if_index: 3, name: 'ether3' }).returning('id');
  const change = { deviceId: sw, interfaceId: Number(ifRow.id), ifIndex: 3, from: 'up', to: 'down', at };
  await handleInterfaceChanges({ db: c.db, clock: c.clock }, [change]);
  assert.match((await alerts('interface_down'))[0].message, /Switch C ether3 is down/);
  await c.db('network_alert_rules').update({ interface_down: false });
  await handleInterfaceChanges({ db: c.db, clock: c.clock }, [{ ...change, at: new Date(at.getTime() + 1000) }]);
  assert.equal((await alerts('interface_down')).length, 1);
});
