/**
 * The NBI client against the local GenieACS fake (test/helpers/fake-genieacs.ts): HTTP Basic
 * sent and required, device ids percent-encoded so the NBI's path pattern takes them, 200 / 202
 * mapped to done / queued, a "Task faulted" answer an error, paging with skip and limit.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { igdDevice, startFakeGenieAcs, type FakeGenieAcs } from '../../test/helpers/fake-genieacs.js';
import type { NbiError } from './nbi-client.js';
import { createNbiClient, encodeDeviceId } from './nbi-client.js';

let acs: FakeGenieAcs;
before(async () => {
  acs = await startFakeGenieAcs({ auth: { username: 'nbi', password: 'rahasia' } });
});
after(() => acs.close());

test('device ids keep only characters the NBI route accepts', () => {
  assert.equal(encodeDeviceId('00259E-HG8245H-HWTC%2D1.a(b)'), '00259E-HG8245H-HWTC%252D1%2Ea%28b%29');
  assert.match(encodeDeviceId('A-B-C.d!e~f*g\'h'), /^[A-Za-z0-9_%-]+$/);
});

test('tasks: 200 is done, 202 queued, "Task faulted" an error; credentials required', async () => {
  const at = new Date('2026-12-07T03:00:00Z');
  const up = igdDevice({ serial: 'HWTC-UP.1', lastInform: at });
  const asleep = igdDevice({ serial: 'HWTC-SLEEP', lastInform: at });
  const broken = igdDevice({ serial: 'HWTC-FAULT', lastInform: at });
  acs.add(up);
  acs.add(asleep, { online: false });
  acs.add(broken);
  acs.faulting.add(broken._id);
  const client = createNbiClient({ url: `${acs.url}/`, username: 'nbi', password: 'rahasia' });
  assert.equal((await client.postTask(up._id, { name: 'reboot' })).state, 'done');
  assert.equal((await client.postTask(asleep._id, { name: 'reboot' })).state, 'queued');
  await assert.rejects(client.postTask(broken._id, { name: 'factoryReset' }), (err: NbiError) => err.status === 202 && /fault/.test(err.message));
  assert.deepEqual((await client.listTasks(up._id)).map((t) => t.name), ['reboot']);
  const wrong = createNbiClient({ url: acs.url, username: 'nbi', password: 'salah' });
  await assert.rejects(wrong.findDevices({}), (err: NbiError) => err.status === 401 && !err.message.includes('salah'));
  const pages = [await client.findDevices({}, { skip: 0, limit: 2 }), await client.findDevices({}, { skip: 2, limit: 2 })];
  assert.deepEqual(pages.map((p) => p.length), [2, 1]);
  assert.deepEqual((await client.findDevices({ '_deviceId._SerialNumber': 'HWTC-UP.1' }, { projection: ['_id'] })).map((d) => d._id), [up._id]);
});
