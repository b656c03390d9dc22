/**
 * The WhatsApp assistant (issue 14 item 5) through its real webhooks on the web role, a real
 * database, the real outbox dispatcher and a fake WhatsApp Cloud API (test/helpers/fake-messaging.ts):
 * Meta's verification handshake; notifications signed with an HMAC computed here, independently
 * of the product; a forged or missing signature refused; a conversation per command in Indonesian
 * and English (bantuan/help, tagihan/bill with a pay link, status online / isolated / outage,
 * lapor with its ticket reference, wifi through GenieACS and without it); an unknown number
 * answered without personal data; several subscriptions asked and remembered; the per-number
 * rate limit; free text to staff as a ticket, the staff reply going out on WhatsApp, and its
 * delivery statuses stored and shown; Fonnte's webhook behind its URL secret; redeliveries once.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWhatsAppCloudChannel } from '../../billing/notifications/channels/whatsapp-cloud.js';
import { settableClock } from '../../lib/clock.js';
import { NETWORK_JOBS } from '../../network/jobs.js';
import { createCustomer, createPlan, createSubscription } from '../helpers/factories.js';
import { startFakeWhatsAppCloud, type FakeProvider } from '../helpers/fake-messaging.js';
import { igdDevice, startFakeGenieAcs, type FakeGenieAcs } from '../helpers/fake-genieacs.js';
import { signedIn } from '../helpers/plans-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const APP_SECRET = 'meta-app-secret-for-tests-0123456789';
const VERIFY_TOKEN = 'verify-me-please';
const FONNTE_SECRET = 'fonnte-hook-secret-abcdef123456';
const WA_TOKEN = 'wa-test-token';
const PHONE_NUMBER_ID = '109876543210';
const PUBLIC_URL = 'http://billing.example.net';

const clock = settableClock('2026-12-08T03:00:00Z');
let web: WebServer;
let wa: FakeProvider;
let acs: FakeGenieAcs;
let seq = 0;

before(async () => {
  wa = await startFakeWhatsAppCloud({ token: WA_TOKEN, phoneNumberId: PHONE_NUMBER_ID });
  acs = await startFakeGenieAcs({ auth: { username: 'isp', password: 'nbi-sandi-rahasia-77' } });
  web = await startWebServer({
    clock,
    env: { PUBLIC_URL, WHATSAPP_CLOUD_APP_SECRET: APP_SECRET, WHATSAPP_CLOUD_VERIFY_TOKEN: VERIFY_TOKEN, FONNTE_WEBHOOK_SECRET: FONNTE_SECRET },
    channels: { whatsapp: createWhatsAppCloudChannel({ apiUrl: wa.url, token: WA_TOKEN, phoneNumberId: PHONE_NUMBER_ID }) },
  });
});
after(async () => {
  await web?.stop();
  await wa?.close();
  await acs?.close();
});

/** Meta's signature, computed here: `sha256=` + hex HMAC-SHA256 of the exact body bytes with the app secret. */
const signature = (body: string, secret = APP_SECRET): string => `sha256=${createHmac('sha256', secret).update(Buffer.from(body, 'utf8')).digest('hex')}`;

function notification(value: Record<string, unknown>): string {
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'WABA-1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '6221000000', phone_number_id: PHONE_NUMBER_ID }, ...value } }] }] });
}

async function post(body: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`${web.baseUrl}/webhooks/whatsapp/cloud`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  await res.text();
  return res.status;
}

/** A customer's text message as Meta posts it, correctly signed. @returns the HTTP status. */
async function say(from: string, text: string, id = `wamid.test-${++seq}`): Promise<number> {
  const body = notification({ contacts: [{ profile: { name: 'Pelanggan' }, wa_id: from }], messages: [{ from, id, timestamp: String(Math.floor(clock.now().getTime() / 1000)), type: 'text', text: { body: text } }] });
  return post(body, { 'x-hub-signature-256': signature(body) });
}

const textsTo = (to: string): string[] => wa.delivered.filter((r) => (r.body as { to?: string }).to === to).map((r) => (r.body as { text?: { body: string } }).text?.body ?? '');

/** Sends the message, runs the outbox dispatcher, and returns the answers that reached the fake WhatsApp since. */
async function ask(from: string, text: string): Promise<string[]> {
  const before = textsTo(from).length;
  assert.equal(await say(from, text), 200);
  await web.engine.dispatchNotifications();
  return textsTo(from).slice(before);
}

async function customerWith(phone: string, opts: { name?: string; subs?: Array<{ username: string; status?: string }>; locale?: 'id' | 'en' } = {}) {
  const customer = await createCustomer(web.c.db, { name: opts.name ?? 'Siti Aminah', phone });
  if (opts.locale) await web.c.db('customers').where({ id: customer.id }).update({ locale: opts.locale });
  const plan = await createPlan(web.c.db, { name: `Rumahan 10 Mbps ${randomUUID().slice(0, 6)}` });
  const subs = [];
  for (const s of opts.subs ?? [{ username: `wa-${randomUUID().slice(0, 8)}` }]) subs.push(await createSubscription(web.c.db, { customerId: customer.id, planId: plan.id, username: s.username, status: s.status }));
  return { ...customer, subs };
}

test('the verification handshake echoes the challenge for our token only', async () => {
  const ok = await fetch(`${web.baseUrl}/webhooks/whatsapp/cloud?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), '1158201444');
  const wrong = await fetch(`${web.baseUrl}/webhooks/whatsapp/cloud?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444`);
  assert.equal(wrong.status, 403);
  assert.ok(!(await wrong.text()).includes('1158201444'));
});

test('a forged, missing or foreign-secret signature is refused with 401 and changes nothing', async () => {
  await customerWith('081277770001');
  const body = notification({ messages: [{ from: '6281277770001', id: 'wamid.forged', timestamp: '1765162800', type: 'text', text: { body: 'tagihan' } }] });
  assert.equal(await post(body, {}), 401);
  assert.equal(await post(body, { 'x-hub-signature-256': signature(body, 'another-app-secret') }), 401);
  assert.equal(await post(body, { 'x-hub-signature-256': signature(`${body} `) }), 401, 'a signature of other bytes');
  assert.equal(await web.c.db('assistant_messages').where({ provider_message_id: 'wamid.forged' }).count('* as n').first().then((r) => Number(r!.n)), 0);
  assert.equal(await post(body, { 'x-hub-signature-256': signature(body) }), 200, 'the same body correctly signed is accepted');
});

test('bantuan / help answer the menu in the language of the word', async () => {
  await customerWith('081277770002');
  const [id] = await ask('6281277770002', 'Bantuan');
  assert.match(id!, /TAGIHAN/);
  assert.match(id!, /LAPOR/);
  const [en] = await ask('6281277770002', 'help');
  assert.match(en!, /BILL/);
  assert.match(en!, /REPORT/);
});

test('an unknown number gets a polite answer that names nobody', async () => {
  const [answer] = await ask('6281277779999', 'tagihan saya berapa?');
  assert.match(answer!, /belum terdaftar/);
  assert.ok(!/Rp|INV|T-20|Siti|Budi/.test(answer!), 'no amounts, references or names');
  const conv = await web.c.db('assistant_conversations').where({ phone: '6281277779999' }).first('customer_id');
  assert.equal(conv.customer_id, null);
  assert.equal(await web.c.db('tickets').whereRaw("subject ILIKE '%whatsapp%'").join('customers as c', 'c.id', 'tickets.customer_id').where('c.phone', '081277779999').count('* as n').first().then((r) => Number(r!.n)), 0);
});

test('tagihan / bill: the amount due with a signed pay link that opens the invoice', async () => {
  const c = await customerWith('081277770003', { name: 'Dewi Lestari' });
  const [inv] = await web.c.db('invoices').insert({
    invoice_number: 'INV/2026/12/009001', customer_id: c.id, subscription_id: c.subs[0]!.id, kind: 'one_off', status: 'open',
    issue_date: '2026-12-01', due_date: '2026-12-10', subtotal: 150_000, total: 150_000,
  }).returning('id');
  const [answer] = await ask('6281277770003', 'tagihan');
  assert.match(answer!, /Rp\s?150\.000/);
  assert.match(answer!, /INV\/2026\/12\/009001/);
  const link = new RegExp(`${PUBLIC_URL}/pay/([^\\s]+)`).exec(answer!);
  assert.ok(link, 'a pay link');
  assert.equal(web.engine.invoiceOfPayToken(link[1]!), Number(inv.id), 'the link is the invoice\'s signed pay link');
  const [en] = await ask('6281277770003', 'bill');
  assert.match(en!, /^Bill for .*Rp\s?150\.000 in total/s);
});

test('status: online, isolated (suspended), and an outage in the area', async () => {
  const online = await customerWith('081277770004');
  await web.c.db('accounting_sessions').insert({ session_key: randomUUID(), acct_session_id: 'S-1', username: online.subs[0]!.username, subscription_id: online.subs[0]!.id, nas_ip_address: '10.0.0.1', start_time: new Date('2026-12-08T01:00:00Z'), update_time: new Date('2026-12-08T02:55:00Z') });
  assert.match((await ask('6281277770004', 'status'))[0]!, /online/);

  await customerWith('081277770005', { subs: [{ username: 'wa-isolir', status: 'suspended' }] });
  assert.match((await ask('6281277770005', 'status'))[0]!, /wa-isolir: diisolir/);

  const cut = await customerWith('081277770006');
  const [device] = await web.c.db('devices').insert({ kind: 'olt', name: 'OLT Cibubur' }).returning('id');
  const [outage] = await web.c.db('outages').insert({ device_id: device.id, started_at: new Date('2026-12-08T02:10:00Z') }).returning('id');
  await web.c.db('outage_subscriptions').insert({ outage_id: outage.id, subscription_id: cut.subs[0]!.id });
  assert.match((await ask('6281277770006', 'cek'))[0]!, /gangguan jaringan di area Anda sejak/);
});

test('lapor opens a support ticket and says its reference; staff see it', async () => {
  const c = await customerWith('081277770007');
  const [answer] = await ask('6281277770007', 'lapor internet mati sejak pagi, lampu LOS merah');
  const reference = /T-2026-\d{6}/.exec(answer!)?.[0];
  assert.ok(reference, answer);
  const ticket = await web.c.db('tickets').where({ reference }).first('id', 'customer_id', 'status');
  assert.equal(Number(ticket.customer_id), c.id);
  const messages = await web.c.db('ticket_messages').where({ ticket_id: ticket.id }).pluck('body');
  assert.deepEqual(messages, ['internet mati sejak pagi, lampu LOS merah']);
});

test('several subscriptions: the assistant asks which, runs the command on the answer, and remembers it', async () => {
  await customerWith('081277770008', { subs: [{ username: 'wa-rumah' }, { username: 'wa-toko', status: 'suspended' }] });
  const [question] = await ask('6281277770008', 'status');
  assert.match(question!, /1\. wa-rumah[\s\S]*2\. wa-toko/);
  const [picked] = await ask('6281277770008', '2');
  assert.match(picked!, /wa-toko dipilih/);
  assert.match(picked!, /wa-toko: diisolir/, 'the waiting command ran for the chosen one');
  assert.match((await ask('6281277770008', 'status'))[0]!, /^wa-toko: diisolir/, 'the choice is remembered');
  assert.match((await ask('6281277770008', 'pilih'))[0]!, /1\. wa-rumah/);
  assert.match((await ask('6281277770008', '1'))[0]!, /wa-rumah dipilih/);
});

test('wifi: without a linked CPE the portal is named; with one the change reaches GenieACS; the passphrase is never stored', async () => {
  await customerWith('081277770009');
  assert.match((await ask('6281277770009', 'wifi sandi rahasia-baru-1'))[0]!, /portal/);

  const { client } = await signedIn(web.baseUrl, web.c.db, 'admin');
  const page = await client.get('/admin/settings/genieacs');
  const version = /name="version" value="(\d+)"/.exec(page.text)![1]!;
  assert.equal((await client.post('/admin/settings/genieacs', { enabled: '1', url: acs.url, username: 'isp', password: 'nbi-sandi-rahasia-77', offline_factor: '3', version })).status, 200);
  const c = await customerWith('081277770010', { locale: 'en' });
  acs.add(igdDevice({ serial: 'HWTC-WA-0001', lastInform: new Date(clock.now().getTime() - 60_000), ssids: [{ ssid: 'Rumah-Lama', clients: 1 }] }), { online: true });
  const { client: tech } = await signedIn(web.baseUrl, web.c.db, 'technician');
  await tech.get(`/admin/subscriptions/${c.subs[0]!.id}`);
  await tech.post(`/admin/subscriptions/${c.subs[0]!.id}/cpe/link`, { serial: 'HWTC-WA-0001' });
  await NETWORK_JOBS['genieacs-sync']!.run(web.c, {});

  assert.match((await ask('6281277770010', 'wifi'))[0]!, /WIFI NAME/);
  assert.match((await ask('6281277770010', 'wifi password kopi-susu-123'))[0]!, /has been changed|next time/);
  assert.deepEqual(acs.tasks.at(-1)!.parameterValues, [['InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.PreSharedKey.1.KeyPassphrase', 'kopi-susu-123', 'xsd:string']]);
  assert.match((await ask('6281277770010', 'wifi name Rumah Baru'))[0]!, /has been changed|next time/);
  assert.deepEqual(acs.tasks.at(-1)!.parameterValues, [['InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID', 'Rumah Baru', 'xsd:string']]);
  assert.match((await ask('6281277770010', 'wifi password short'))[0]!, /8–63/);

  const stored = await web.c.db('assistant_messages').whereIn('conversation_id', web.c.db('assistant_conversations').whereIn('phone', ['6281277770009', '6281277770010']).select('id')).pluck('body');
  assert.ok(!stored.some((b: string) => b.includes('kopi-susu-123') || b.includes('rahasia-baru-1')), 'passphrases are masked');
  assert.ok(stored.includes('wifi password ••••••••'));
});

test('free text goes to staff as a ticket; the staff reply goes out on WhatsApp; its delivery statuses are stored and shown', async () => {
  const c = await customerWith('081277770011', { name: 'Rina Marlina' });
  const [ack] = await ask('6281277770011', 'Mas, bisa pasang di rumah kedua?');
  const reference = /T-2026-\d{6}/.exec(ack!)![0];
  assert.deepEqual(await ask('6281277770011', 'Alamatnya Jl. Melati 5'), [], 'a follow-up joins the open ticket without another acknowledgement');
  const ticket = await web.c.db('tickets').where({ reference }).first('id', 'customer_id');
  assert.equal(Number(ticket.customer_id), c.id);
  assert.deepEqual(await web.c.db('ticket_messages').where({ ticket_id: ticket.id }).orderBy('id').pluck('body'), ['Mas, bisa pasang di rumah kedua?', 'Alamatnya Jl. Melati 5']);

  const { client: staff } = await signedIn(web.baseUrl, web.c.db, 'technician');
  await staff.get(`/admin/tickets/${reference}`);
  const before = textsTo('6281277770011').length;
  assert.equal((await staff.post(`/admin/tickets/${reference}/reply`, { message: 'Bisa, teknisi datang Kamis.' })).status, 302);
  await web.engine.dispatchNotifications();
  const out = textsTo('6281277770011').slice(before);
  assert.deepEqual(out, [`[${reference}] Bisa, teknisi datang Kamis.`]);
  const sent = wa.delivered.filter((r) => (r.body as { to?: string }).to === '6281277770011').at(-1)!;
  assert.equal((sent.body as { type: string }).type, 'text', 'a service-window text message, not a template');

  const outbox = await web.c.db('notification_outbox').where({ template: 'assistant_reply', recipient: '6281277770011' }).orderBy('id', 'desc').first('provider_id');
  assert.match(outbox.provider_id, /^wamid\./, 'the id WhatsApp gave is stored');
  const statuses = (list: string[]) => notification({ statuses: list.map((status, i) => ({ id: outbox.provider_id, status, timestamp: String(1765170000 + i), recipient_id: '6281277770011' })) });
  for (const body of [statuses(['read']), statuses(['delivered']), statuses(['sent', 'read'])]) assert.equal(await post(body, { 'x-hub-signature-256': signature(body) }), 200);
  assert.deepEqual((await web.c.db('whatsapp_message_statuses').where({ provider_message_id: outbox.provider_id }).orderBy('status').pluck('status')), ['delivered', 'read', 'sent']);
  const page = await staff.get(`/admin/tickets/${reference}`);
  assert.match(page.text, /data-direction="out"[\s\S]*Bisa, teknisi datang Kamis\.[\s\S]*data-state="read"/, 'read wins over a late delivered and sent');
  assert.match(page.text, /data-direction="in"[\s\S]*Alamatnya Jl\. Melati 5/);
});

test('per-number rate limit: 20 messages in 10 minutes, then one notice and silence, answered again after the window', async () => {
  await customerWith('081277770012');
  for (let i = 0; i < 20; i++) assert.equal(await say('6281277770012', 'bantuan'), 200);
  await web.engine.dispatchNotifications();
  assert.equal(textsTo('6281277770012').length, 20);
  assert.match((await ask('6281277770012', 'bantuan'))[0]!, /Terlalu banyak pesan/);
  assert.deepEqual(await ask('6281277770012', 'bantuan'), [], 'silence after the notice');
  assert.equal(await web.c.db('assistant_messages').where({ status: 'rate_limited' }).count('* as n').first().then((r) => Number(r!.n)), 2, 'still stored');
  clock.advance(11 * 60_000);
  assert.match((await ask('6281277770012', 'bantuan'))[0]!, /TAGIHAN/);
});

test('a redelivered message is handled once; Fonnte\'s webhook needs its URL secret', async () => {
  await customerWith('081277770013');
  const before = textsTo('6281277770013').length;
  assert.equal(await say('6281277770013', 'bantuan', 'wamid.same'), 200);
  assert.equal(await say('6281277770013', 'bantuan', 'wamid.same'), 200);
  await web.engine.dispatchNotifications();
  assert.equal(textsTo('6281277770013').length - before, 1);

  const fonnte = (secret: string, body: unknown) => fetch(`${web.baseUrl}/webhooks/whatsapp/fonnte/${secret}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const msg = { device: '6221000000', sender: '6281277770013', message: 'status', name: 'Pelanggan', inboxid: 'F-77' };
  assert.equal((await fonnte('wrong-secret-wrong-secret', msg)).status, 404);
  assert.equal((await fonnte(FONNTE_SECRET, msg)).status, 200);
  assert.equal((await fonnte(FONNTE_SECRET, msg)).status, 200);
  await web.engine.dispatchNotifications();
  const answers = textsTo('6281277770013').slice(before + 1);
  assert.equal(answers.length, 1, 'once per inboxid');
  assert.match(answers[0]!, /tidak terhubung|offline/);
});
