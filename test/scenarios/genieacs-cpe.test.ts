/**
 * CPE management through GenieACS (issue 14 item 3), over HTTP against the web role, a real
 * database and a local fake of the GenieACS NBI speaking its wire format
 * (test/helpers/fake-genieacs.ts): the settings keep the NBI password sealed and the connection
 * check reaches the fake with HTTP Basic; a CPE is linked by serial (staff) and by the PPPoE
 * username it reports (the scheduled sync); the subscription page shows the mapped fields for a
 * TR-098 and a TR-181 CPE, and a vendor mapping adds the optical level; reboot and set Wi-Fi send
 * the right task bodies; a factory reset needs its confirmation; bad Wi-Fi values are refused;
 * an offline CPE is shown so; a viewer sees but cannot act (403); every action is audited without
 * a password.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { NETWORK_JOBS } from '../../network/jobs.js';
import { createSubscription } from '../helpers/factories.js';
import { signedIn } from '../helpers/plans-fixtures.js';
import { igdDevice, startFakeGenieAcs, tr181Device, type FakeGenieAcs } from '../helpers/fake-genieacs.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const NOW = new Date('2026-12-07T03:00:00Z');
const NBI_PASSWORD = 'nbi-sandi-rahasia-77';
let web: WebServer;
let acs: FakeGenieAcs;

before(async () => {
  acs = await startFakeGenieAcs({ auth: { username: 'isp', password: NBI_PASSWORD } });
  web = await startWebServer({ clock: settableClock(NOW.toISOString()), env: { PUBLIC_URL: 'http://billing.example.net' } });
  const { client } = await signedIn(web.baseUrl, web.c.db, 'admin');
  const page = await client.get('/admin/settings/genieacs');
  assert.equal(page.status, 200);
  const version = /name="version" value="(\d+)"/.exec(page.text)![1]!;
  const saved = await client.post('/admin/settings/genieacs', { enabled: '1', url: acs.url, username: 'isp', password: NBI_PASSWORD, offline_factor: '3', version });
  assert.equal(saved.status, 200, 'the first save shows the new inform token once');
  assert.match(saved.text, /data-inform-token>[A-Za-z0-9_-]{20,}</);
  assert.ok(!saved.text.includes(NBI_PASSWORD), 'the NBI password is not on the page');
});
after(async () => {
  await web?.stop();
  await acs?.close();
});

const sync = (): Promise<unknown> => NETWORK_JOBS['genieacs-sync']!.run(web.c, {});
const lastTask = (): Record<string, unknown> => acs.tasks.at(-1)!;

test('the NBI password is sealed at rest and the connection check reaches GenieACS with it', async () => {
  const row = await web.c.db('settings').where({ key: 'genieacs' }).first('value');
  assert.match(row.value.password, /^v1:/, 'sealed with the secret box');
  assert.ok(!JSON.stringify(row.value).includes(NBI_PASSWORD));
  const audit = await web.c.db('audit_log').where({ object_id: 'genieacs' }).first('after');
  assert.equal(audit.after.password, 'changed', 'the audit says changed, never the value');
  const { client } = await signedIn(web.baseUrl, web.c.db, 'admin');
  await client.get('/admin/settings/genieacs');
  const check = await client.post('/admin/settings/genieacs/check', {});
  assert.match(check.text, /data-check="ok"/);
  assert.ok(acs.requests.some((r) => r.path === '/devices/' && decodeURIComponent(r.query).includes('__isp_connection_check__')));
  const { client: tech } = await signedIn(web.baseUrl, web.c.db, 'technician');
  assert.equal((await tech.get('/admin/settings/genieacs')).status, 403, 'the NBI credentials are the admin\'s');
});

test('linked by serial and by PPPoE username, the page shows model, firmware, uptime, WAN, optical level, Wi-Fi and last inform for TR-098 and TR-181', async () => {
  const sari = await createSubscription(web.c.db, { username: 'pppoe-sari' });
  const tono = await createSubscription(web.c.db, { username: 'pppoe-tono' });
  acs.add(igdDevice({ serial: 'HWTC1A2B3C4D', lastInform: new Date(NOW.getTime() - 120_000), rxPower: -21.5, ssids: [{ ssid: 'HUAWEI-Sari', clients: 3 }] }));
  acs.add(tr181Device({ serial: 'TPL-0001', pppoeUsername: 'pppoe-tono', rxPower: -19_870, lastInform: new Date(NOW.getTime() - 60_000), ssids: [{ ssid: 'Tono_5G', clients: 2 }, { ssid: 'Tono_Guest', clients: 0 }] }));

  const { client } = await signedIn(web.baseUrl, web.c.db, 'technician');
  await client.get(`/admin/subscriptions/${sari.id}`);
  const linked = await client.post(`/admin/subscriptions/${sari.id}/cpe/link`, { serial: 'HWTC1A2B3C4D' });
  assert.equal(linked.location, `/admin/subscriptions/${sari.id}?cpe=linked#cpe`);
  await sync();
  const cpeOfTono = await web.c.db('cpes').where({ subscription_id: tono.id }).first('serial', 'linked_by');
  assert.deepEqual(cpeOfTono, { serial: 'TPL-0001', linked_by: 'pppoe' }, 'the sync links by the PPPoE username the CPE reports');

  const igd = (await client.get(`/admin/subscriptions/${sari.id}`)).text;
  assert.match(igd, /data-cpe-model>Huawei Technologies Co., Ltd HG8245H <small class="muted">TR-098/);
  assert.match(igd, /data-cpe-firmware>V3R017C10S130</);
  assert.match(igd, /data-cpe-uptime>1d 2:03:04</);
  assert.match(igd, /data-cpe-wan>Connected</);
  assert.match(igd, /data-cpe-rx>(not reported|tidak dilaporkan)</, 'TR-098 has no standard optical level');
  assert.match(igd, /data-wifi-instance="1"><code>HUAWEI-Sari<\/code> · 3 /);
  assert.match(igd, /data-cpe-online/);
  assert.match(igd, /data-cpe-last-inform>[^<]*2026/);

  const tr = (await client.get(`/admin/subscriptions/${tono.id}`)).text;
  assert.match(tr, /data-cpe-model>TP-Link XZ000-G3 <small class="muted">TR-181/);
  assert.match(tr, /data-cpe-rx>-19.87 dBm</, 'OpticalSignalLevel is in 0.001 dBm');
  assert.match(tr, /data-wifi-instance="1"><code>Tono_5G<\/code> · 2 [\s\S]*data-wifi-instance="2"><code>Tono_Guest<\/code> · 0 /);
  assert.match(tr, /data-cpe-uptime>1:02:05</);

  // A vendor mapping for Huawei adds its optical level; "refresh" reads the device again.
  await client.get('/admin/settings/genieacs/mappings/new');
  const fields = (await web.c.db('cpe_field_mappings').where({ data_model: 'igd', vendor: '' }).first('fields')).fields as Record<string, string>;
  const saved = await client.post('/admin/settings/genieacs/mappings', {
    ...fields, data_model: 'igd', vendor: 'Huawei Technologies Co., Ltd', model: '', rx_power_divisor: '1', rx_power: 'InternetGatewayDevice.WANDevice.1.X_GponInterafceConfig.RXPower',
  });
  assert.equal(saved.status, 302, saved.text.slice(0, 300));
  const bad = await client.post('/admin/settings/genieacs/mappings', { ...fields, data_model: 'igd', vendor: 'ZTE', rx_power: 'Device.Optical.Interface.1.OpticalSignalLevel' });
  assert.equal(bad.status, 422, 'a TR-181 path in a TR-098 mapping is refused');
  assert.equal((await client.post(`/admin/subscriptions/${sari.id}/cpe/refresh`, {})).location, `/admin/subscriptions/${sari.id}?cpe=refresh_done#cpe`);
  assert.deepEqual({ name: lastTask().name, objectName: lastTask().objectName }, { name: 'refreshObject', objectName: '' });
  assert.match((await client.get(`/admin/subscriptions/${sari.id}`)).text, /data-cpe-rx>-21.50 dBm</);
});

test('reboot and set Wi-Fi send the right tasks, a factory reset needs its confirmation, bad Wi-Fi values are refused, a viewer cannot act', async () => {
  const sub = await createSubscription(web.c.db, { username: 'pppoe-wati' });
  const device = igdDevice({ serial: 'ZTEGC0FFEE01', pppoeUsername: 'pppoe-wati', lastInform: new Date(NOW.getTime() - 30_000) });
  acs.add(device);
  await sync();
  const { client } = await signedIn(web.baseUrl, web.c.db, 'technician');
  await client.get(`/admin/subscriptions/${sub.id}`);

  assert.equal((await client.post(`/admin/subscriptions/${sub.id}/cpe/reboot`, {})).location, `/admin/subscriptions/${sub.id}?cpe=reboot_done#cpe`);
  assert.deepEqual([lastTask().device, lastTask().name], [device._id, 'reboot']);

  const before = acs.tasks.length;
  const unconfirmed = await client.post(`/admin/subscriptions/${sub.id}/cpe/factory-reset`, {});
  assert.equal(unconfirmed.status, 422);
  assert.match(unconfirmed.text, /data-error="confirm"/);
  assert.equal(acs.tasks.length, before, 'nothing reached GenieACS without the confirmation');
  assert.equal((await client.get(`/admin/subscriptions/${sub.id}/cpe/factory-reset`)).status, 200);
  assert.equal((await client.post(`/admin/subscriptions/${sub.id}/cpe/factory-reset`, { confirm: '1' })).status, 302);
  assert.equal(lastTask().name, 'factoryReset');

  const wifi = await client.post(`/admin/subscriptions/${sub.id}/cpe/wifi`, { ssid: 'Rumah Wati', wifi_password: 'kopi-susu-123', instance: '1' });
  assert.equal(wifi.location, `/admin/subscriptions/${sub.id}?cpe=wifi_done#cpe`);
  assert.deepEqual(lastTask().parameterValues, [
    ['InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID', 'Rumah Wati', 'xsd:string'],
    ['InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.PreSharedKey.1.KeyPassphrase', 'kopi-susu-123', 'xsd:string'],
  ]);
  assert.match((await client.get(`/admin/subscriptions/${sub.id}`)).text, /<code>Rumah Wati<\/code>/, 'the page reads the CPE again after it took the change');

  const tasks = acs.tasks.length;
  const longSsid = await client.post(`/admin/subscriptions/${sub.id}/cpe/wifi`, { ssid: 'é'.repeat(17) }); // 34 bytes of UTF-8
  assert.equal(longSsid.status, 422);
  assert.match(longSsid.text, /data-error="ssid"/);
  const shortKey = await client.post(`/admin/subscriptions/${sub.id}/cpe/wifi`, { wifi_password: 'kopi123' });
  assert.equal(shortKey.status, 422);
  assert.match(shortKey.text, /data-error="wifi_password"/);
  assert.equal(acs.tasks.length, tasks, 'refused values never reach GenieACS');

  const audit = await web.c.db('audit_log').where({ object_type: 'subscription', object_id: String(sub.id) }).whereLike('action', 'cpe_%').orderBy('id').select('action', 'after');
  assert.deepEqual(audit.map((a) => a.action), ['cpe_linked', 'cpe_rebooted', 'cpe_factory_reset', 'cpe_wifi_changed']);
  assert.equal(audit.at(-1)!.after.password, 'changed');
  assert.ok(!JSON.stringify(audit).includes('kopi-susu-123'), 'the Wi-Fi password is not audited');

  const { client: viewer } = await signedIn(web.baseUrl, web.c.db, 'viewer');
  const seen = await viewer.get(`/admin/subscriptions/${sub.id}`);
  assert.match(seen.text, /data-cpe-panel/);
  assert.doesNotMatch(seen.text, /data-cpe-reboot/);
  assert.equal((await viewer.post(`/admin/subscriptions/${sub.id}/cpe/reboot`, {})).status, 403);
});

test('a CPE silent for longer than 3 inform intervals is offline, and its tasks wait for the next inform', async () => {
  const sub = await createSubscription(web.c.db, { username: 'pppoe-joko' });
  const device = igdDevice({ serial: 'HWTC00000OFF', pppoeUsername: 'pppoe-joko', informInterval: 300, lastInform: new Date(NOW.getTime() - 16 * 60_000) });
  acs.add(device, { online: false });
  await sync();
  const { client } = await signedIn(web.baseUrl, web.c.db, 'technician');
  const page = await client.get(`/admin/subscriptions/${sub.id}`);
  assert.match(page.text, /data-cpe-offline/);
  assert.equal((await client.post(`/admin/subscriptions/${sub.id}/cpe/reboot`, {})).location, `/admin/subscriptions/${sub.id}?cpe=reboot_queued#cpe`, '202: queued');
  // 14 minutes of silence at a 5-minute interval is still online.
  device._lastInform = new Date(NOW.getTime() - 14 * 60_000).toISOString();
  await sync();
  assert.match((await client.get(`/admin/subscriptions/${sub.id}`)).text, /data-cpe-online/);
});
