/**
 * Staff alerts on WhatsApp (issue 12, item 5): staff WhatsApp numbers saved on the console's
 * channel settings (validated, stored E.164, audited) get every staff alert through the outbox and
 * the WhatsApp channel, here the fake WhatsApp Cloud API (test/helpers/fake-messaging.ts), once
 * per alert and number; with no numbers, or with WhatsApp off, nothing is queued.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { raiseStaffAlerts } from '../../lib/staff-alerts.js';
import { readSetting } from '../../lib/settings-store.js';
import { startFakeWhatsAppCloud, type FakeProvider } from '../helpers/fake-messaging.js';
import { auditRows, decodeHtml, formVersion, startConsoleServer, type ConsoleServer } from '../helpers/settings-fixtures.js';

const TOKEN = 'wa-cloud-token-staff-9c4e1f';
const PHONE_NUMBER_ID = '109876543210';
const FORM = '/admin/settings/channels/whatsapp';

let s: ConsoleServer;
let wa: FakeProvider;

before(async () => {
  wa = await startFakeWhatsAppCloud({ token: TOKEN, phoneNumberId: PHONE_NUMBER_ID });
  // WhatsApp configured by the environment, as an installation would; the staff numbers in the console.
  s = await startConsoleServer({
    env: { WHATSAPP_PROVIDER: 'cloud', WHATSAPP_CLOUD_TOKEN: TOKEN, WHATSAPP_CLOUD_PHONE_NUMBER_ID: PHONE_NUMBER_ID, WHATSAPP_CLOUD_API_URL: wa.url },
  });
});
after(async () => {
  await s.stop();
  await wa.close();
});

type Admin = Awaited<ReturnType<ConsoleServer['signedIn']>>;
async function saveWhatsApp(admin: Admin, fields: { provider?: string; staffNumbers: string }) {
  const page = await admin.get('/admin/settings/channels');
  return admin.post(FORM, {
    version: formVersion(page.text, FORM), provider: fields.provider ?? '', cloudToken: '', cloudPhoneNumberId: '', fonnteToken: '', staffNumbers: fields.staffNumbers,
  });
}
const staffWhatsApp = () => s.c.db('notification_outbox').where({ channel: 'whatsapp', template: 'staff_alert' }).orderBy('id');
/** What the fake WhatsApp API delivered: [to, the template's one parameter]. */
const delivered = () => wa.delivered.map((r) => {
  const body = r.body as { to: string; template: { name: string; components: Array<{ parameters: Array<{ text: string }> }> } };
  assert.equal(body.template.name, 'staff_alert');
  return [body.to, body.template.components[0]!.parameters[0]!.text];
});

test('the settings form refuses a staff number that is not a phone number, with a field error, and stores nothing', async () => {
  const admin = await s.signedIn('admin');
  const bad = await saveWhatsApp(admin, { staffNumbers: '0812-3456-7890, call Budi' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /data-error="staffNumbers"/);
  assert.match(decodeHtml(bad.text), /Phone numbers separated by commas/);
  assert.match(decodeHtml(bad.text), /value="0812-3456-7890, call Budi"/, 'kept as typed');
  const tooMany = await saveWhatsApp(admin, { staffNumbers: '0811111111, 0812222222, 0813333333, 0814444444, 0815555555, 0816666666' });
  assert.equal(tooMany.status, 422);
  assert.match(tooMany.text, /data-error="staffNumbers"/);
  assert.equal((await readSetting(s.c.db, 'notification_channels')).value, null);
});

test('with no staff numbers an alert queues no WhatsApp message (and stays for when someone is set)', async () => {
  await raiseStaffAlerts(s.c.db, [{ kind: 'nas_control_failed', message: 'CoA and Disconnect to Router Pusat failed for pppoe-budi' }]);
  await s.engine.dispatchNotifications();
  assert.equal((await staffWhatsApp()).length, 0);
  assert.equal(wa.requests.length, 0);
  assert.equal((await s.c.db('staff_alerts').whereNull('relayed_at')).length, 1);
});

test('two staff numbers saved in the console each get every alert once after the dispatcher runs; a second run sends nothing more', async () => {
  const admin = await s.signedIn('admin');
  const saved = await saveWhatsApp(admin, { staffNumbers: '0812-3456-7890; +65 9123 4567, 081234567890' });
  assert.equal(saved.status, 302);
  const stored = (await readSetting(s.c.db, 'notification_channels')).value as Record<string, Record<string, string>>;
  assert.equal(stored.whatsapp!.staffNumbers, '+6281234567890, +6591234567', 'E.164, a number typed twice once');
  const [audit] = await auditRows(s.c.db, 'settings', 'notification_channels.whatsapp');
  assert.deepEqual(audit!.after, { staffNumbers: '+6281234567890, +6591234567' });
  assert.match((await admin.get('/admin/settings/channels')).text, /value="\+6281234567890, \+6591234567"/);

  await raiseStaffAlerts(s.c.db, [{ kind: 'device_down', message: 'OLT Sukamaju is down; 300 subscriptions behind it' }]);
  const run = await s.engine.dispatchNotifications();
  assert.equal(run.staffAlerts, 4, 'two alerts (the one kept from before and the new one) to two numbers');
  assert.deepEqual(delivered().sort(), [
    ['6281234567890', 'CoA and Disconnect to Router Pusat failed for pppoe-budi'],
    ['6281234567890', 'OLT Sukamaju is down; 300 subscriptions behind it'],
    ['6591234567', 'CoA and Disconnect to Router Pusat failed for pppoe-budi'],
    ['6591234567', 'OLT Sukamaju is down; 300 subscriptions behind it'],
  ]);
  assert.deepEqual((await staffWhatsApp()).map((m) => m.status), ['sent', 'sent', 'sent', 'sent']);

  const again = await s.engine.dispatchNotifications();
  assert.equal(again.staffAlerts, 0);
  assert.equal(wa.delivered.length, 4, 'nothing more');
  assert.equal((await staffWhatsApp()).length, 4);
  assert.equal(await s.c.db('notification_outbox').where({ channel: 'telegram' }).count({ n: '*' }).first().then((r) => Number(r!.n)), 0, 'no Telegram without a chat');
});

test('with WhatsApp switched off the saved numbers get nothing', async () => {
  const admin = await s.signedIn('admin');
  assert.equal((await saveWhatsApp(admin, { provider: 'none', staffNumbers: '+6281234567890, +6591234567' })).status, 302);
  await raiseStaffAlerts(s.c.db, [{ kind: 'nas_silent', message: 'NAS Router Timur sent no accounting for 10 minutes' }]);
  await s.engine.dispatchNotifications();
  assert.equal((await staffWhatsApp()).length, 4);
  assert.equal(wa.delivered.length, 4);
});
