/**
 * /api/v1/alerts against the web role and a real database: staff alerts raised by the kernel's
 * one writer (lib/staff-alerts.ts, as network monitoring raises them), listed open / acknowledged
 * and by kind, read one by one, acknowledged once through the console's use case (audited with
 * the token's staff member), 404 and problem+json.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { raiseStaffAlerts } from '../../lib/staff-alerts.js';
import { api, tokenFor } from '../helpers/api-client.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
const ids: Record<string, number> = {};

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-12-08T03:00:00Z'), env: { API_RATE_LIMIT_PER_MINUTE: '1000' } });
  await raiseStaffAlerts(web.c.db, [{ kind: 'device_down', message: 'ODP Blok C is down', details: { device_id: 7 } }]);
  await raiseStaffAlerts(web.c.db, [{ kind: 'nas_silent', message: 'Tower A sent no accounting for 10 minutes' }]);
  for (const r of await web.c.db('staff_alerts').select('id', 'kind')) ids[r.kind] = Number(r.id);
});
after(async () => {
  await web?.stop();
});

test('list open alerts by kind, read one, acknowledge it once (audited); then it is listed as acknowledged', async () => {
  const viewer = await tokenFor(web.c.db, 'viewer');
  const open = await api(web.baseUrl, viewer.token, 'GET', '/alerts');
  assert.equal(open.status, 200, JSON.stringify(open.json));
  assert.deepEqual(open.json.data.map((a: { id: number }) => a.id), [ids.nas_silent, ids.device_down]);
  assert.deepEqual((await api(web.baseUrl, viewer.token, 'GET', '/alerts?kind=device_down')).json.data.map((a: { id: number }) => a.id), [ids.device_down]);
  const one = await api(web.baseUrl, viewer.token, 'GET', `/alerts/${ids.device_down}`);
  assert.equal(one.status, 200);
  assert.deepEqual(one.json.details, { device_id: 7 });
  assert.equal(one.json.acknowledged_at, null);
  assert.equal((await api(web.baseUrl, viewer.token, 'POST', `/alerts/${ids.device_down}/acknowledge`)).status, 403, 'a viewer sees but does not acknowledge');

  const tech = await tokenFor(web.c.db, 'technician');
  const ack = await api(web.baseUrl, tech.token, 'POST', `/alerts/${ids.device_down}/acknowledge`);
  assert.equal(ack.status, 200, JSON.stringify(ack.json));
  assert.ok(ack.json.acknowledged_at);
  assert.equal(ack.json.acknowledged_by, tech.staffId);
  const audit = await web.c.db('audit_log').where({ action: 'staff_alert_acknowledged', object_id: String(ids.device_down) }).first('staff_user_id', 'actor');
  assert.equal(Number(audit.staff_user_id), tech.staffId);
  assert.match(audit.actor, /\(API token #\d+\)$/);
  const twice = await api(web.baseUrl, tech.token, 'POST', `/alerts/${ids.device_down}/acknowledge`);
  assert.equal(twice.status, 409);
  assert.equal(twice.json.type, '/api/v1/problems/already_acknowledged');

  assert.deepEqual((await api(web.baseUrl, viewer.token, 'GET', '/alerts')).json.data.map((a: { id: number }) => a.id), [ids.nas_silent]);
  assert.deepEqual((await api(web.baseUrl, viewer.token, 'GET', '/alerts?state=acknowledged')).json.data.map((a: { id: number }) => a.id), [ids.device_down]);
  assert.equal((await api(web.baseUrl, viewer.token, 'GET', '/alerts?state=all')).json.data.length, 2);
});

test('404 and problem+json', async () => {
  const { token } = await tokenFor(web.c.db, 'admin');
  assert.equal((await api(web.baseUrl, token, 'GET', '/alerts/999999999')).status, 404);
  assert.equal((await api(web.baseUrl, token, 'POST', '/alerts/999999999/acknowledge')).status, 404);
  const bad = await api(web.baseUrl, token, 'GET', '/alerts?state=maybe');
  assert.equal(bad.status, 422);
  assert.equal(bad.json.errors[0].pointer, '#/query/state');
});
