/**
 * The console's support tickets over HTTP: the list (status filter, search, pages, CSV), the
 * ticket page with the conversation, a staff reply the customer then sees in the portal, closing
 * and reopening, the roles that may and may not change a ticket, and the audit rows.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openTicket } from '../../billing/tickets/open-ticket.js';
import { settableClock } from '../../lib/clock.js';
import { adminClient } from '../helpers/admin-client.js';
import { createStaff } from '../helpers/factories.js';
import { portalClient, portalCustomer, signInWithPassword } from '../helpers/portal-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
const clock = settableClock('2026-11-21T03:00:00Z');

before(async () => {
  web = await startWebServer({ clock });
});
after(async () => {
  await web?.stop();
});

async function staffClient(role: 'admin' | 'cashier' | 'technician' | 'viewer') {
  const staff = await createStaff(web.c.db, { role, name: `Petugas ${role}` });
  const client = adminClient(web.baseUrl);
  assert.equal((await client.signIn(staff.username, staff.password)).status, 302);
  await client.get('/admin');
  return { client, staff };
}

const noAudit = async (): Promise<void> => {};

test('a staff reply reaches the customer in the portal; close and reopen; audited; a viewer only reads', async () => {
  const customer = await portalCustomer(web.c.db, { name: 'Rina Marlina', phone: '081400001111', password: 'sandi rina 12345' });
  const phone = await portalClient(web.baseUrl);
  await signInWithPassword(phone, customer.customerNumber, 'sandi rina 12345');
  await phone.get('/portal/account/tickets');
  const opened = await phone.post('/portal/account/tickets', { subject: 'Tidak bisa konek', message: 'Lampu LOS merah sejak pagi.' });
  const reference = /T-2026-\d{6}/.exec(opened.location ?? '')![0];

  const { client: tech, staff } = await staffClient('technician');
  const list = await tech.get('/admin/tickets');
  assert.equal(list.status, 200);
  assert.match(list.text, new RegExp(`data-ticket="${reference}"`), 'open tickets first, by default');
  const page = await tech.get(`/admin/tickets/${reference}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Lampu LOS merah sejak pagi\./);
  assert.match(page.text, new RegExp(customer.customerNumber));

  const empty = await tech.post(`/admin/tickets/${reference}/reply`, { message: '   ' });
  assert.equal(empty.status, 422);
  const reply = await tech.post(`/admin/tickets/${reference}/reply`, { message: 'Teknisi kami datang jam 14.00.' });
  assert.equal(reply.status, 302);
  assert.equal(reply.location, `/admin/tickets/${reference}?saved=reply`);

  const seen = await phone.get(`/portal/account/tickets/${reference}`);
  assert.match(seen.text, /Teknisi kami datang jam 14\.00\./, 'the customer sees the reply');
  assert.match(seen.text, /Petugas technician/);
  assert.match(seen.text, /data-status="answered"/);

  const { client: viewer } = await staffClient('viewer');
  assert.equal((await viewer.get(`/admin/tickets/${reference}`)).status, 200, 'a viewer reads');
  assert.doesNotMatch((await viewer.get(`/admin/tickets/${reference}`)).text, /\/reply"/, 'without a reply form');
  assert.equal((await viewer.post(`/admin/tickets/${reference}/reply`, { message: 'x' })).status, 403);
  assert.equal((await viewer.post(`/admin/tickets/${reference}/close`, {})).status, 403);

  await tech.get(`/admin/tickets/${reference}`);
  const closed = await tech.post(`/admin/tickets/${reference}/close`, {});
  assert.equal(closed.location, `/admin/tickets/${reference}?saved=close`);
  const closedPage = await tech.get(`/admin/tickets/${reference}`);
  assert.match(closedPage.text, /hx-confirm="[^"]+"[^>]*>|hx-confirm/, 'reopening asks first');
  await phone.get(`/portal/account/tickets/${reference}`);
  const late = await phone.post(`/portal/account/tickets/${reference}/reply`, { message: 'Masih mati.' });
  assert.equal(late.status, 409, 'a closed ticket takes no reply');
  assert.equal((await tech.post(`/admin/tickets/${reference}/reply`, { message: 'x' })).status, 409);
  assert.equal((await tech.post(`/admin/tickets/${reference}/reopen`, {})).location, `/admin/tickets/${reference}?saved=reopen`);
  assert.equal((await phone.post(`/portal/account/tickets/${reference}/reply`, { message: 'Masih mati.' })).status, 302);

  const ticketId = String((await web.c.db('tickets').where({ reference }).first('id')).id);
  const audit = await web.c.db('audit_log').where({ object_type: 'ticket', object_id: ticketId }).orderBy('id').select('action', 'actor', 'staff_user_id');
  assert.deepEqual(audit.map((a) => a.action), ['ticket_opened', 'ticket_answered', 'ticket_closed', 'ticket_reopened', 'ticket_replied_by_customer']);
  assert.equal(audit[1]!.actor, staff.username);
  assert.equal(Number(audit[1]!.staff_user_id), staff.id);
  assert.equal(audit[0]!.actor, `customer ${customer.customerNumber}`);
});

test('the list: status filter, search by reference, subject, customer number or name, pages, CSV of the filtered list', async () => {
  const a = await portalCustomer(web.c.db, { name: 'Joko Widodo', phone: '081400002222', invoices: 0 });
  const b = await portalCustomer(web.c.db, { name: 'Maria Ulfa', phone: '081400003333', invoices: 0 });
  const deps = { db: web.c.db, now: clock.now(), timeZone: 'Asia/Jakarta', audit: noAudit };
  const refs: string[] = [];
  for (let i = 0; i < 28; i++) {
    const r = await openTicket(deps, { customerId: a.id, subject: `Gangguan nomor ${i}`, message: 'Mohon dibantu' });
    assert.ok(r.ok);
    refs.push(r.reference);
  }
  const maria = await openTicket(deps, { customerId: b.id, subject: 'Ganti paket =SUM(1)', message: 'Mau upgrade' });
  assert.ok(maria.ok);
  await web.c.db('tickets').where({ reference: refs[0] }).update({ status: 'closed' });

  const { client } = await staffClient('cashier');
  const all = await client.get('/admin/tickets?status=');
  const total = Number(/data-total>(\d+)</.exec(all.text)![1]);
  assert.ok(total >= 29);
  assert.equal((all.text.match(/data-ticket="/g) ?? []).length, 25, 'a page of 25');
  assert.match(all.text, /rel="next"/);
  const page2 = await client.get('/admin/tickets?status=&page=2');
  assert.equal((page2.text.match(/data-ticket="/g) ?? []).length, total - 25);

  const closed = await client.get('/admin/tickets?status=closed');
  assert.match(closed.text, new RegExp(`data-ticket="${refs[0]}"`));
  assert.doesNotMatch(closed.text, new RegExp(`data-ticket="${refs[1]}"`));

  for (const q of ['maria', b.customerNumber, 'ganti paket', maria.reference]) {
    const found = await client.get(`/admin/tickets?status=&q=${encodeURIComponent(q)}`);
    assert.match(found.text, /data-total>1</, `search ${q}`);
    assert.match(found.text, new RegExp(`data-ticket="${maria.reference}"`));
  }
  const htmx = await client.get('/admin/tickets?status=&q=maria', { 'HX-Request': 'true' });
  assert.match(htmx.text, /^<div id="ticket-results">/, 'htmx gets the results alone');

  const csv = await client.get('/admin/tickets.csv?status=&q=joko');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\n');
  assert.equal(lines[0], 'reference,status,subject,customer_number,customer_name,messages,last_from,last_message_at,created_at');
  assert.equal(lines.length, 29, 'every matching ticket, not one page');
  const mariaCsv = await client.get('/admin/tickets.csv?status=&q=maria');
  assert.match(mariaCsv.text, /'=SUM\(1\)|Ganti paket =SUM\(1\)/);
  assert.doesNotMatch(mariaCsv.text, /^=SUM/m);
});

test('an unknown reference is not found; signed out, the ticket screens lead to sign-in', async () => {
  const { client } = await staffClient('admin');
  assert.equal((await client.get('/admin/tickets/T-2026-999999')).status, 404);
  assert.equal((await client.get('/admin/tickets/1')).status, 404);
  const stranger = adminClient(web.baseUrl);
  assert.match((await stranger.get('/admin/tickets')).location ?? '', /^\/admin\/login/);
  assert.match((await stranger.post('/admin/tickets/T-2026-000001/close', { _csrf: null })).location ?? '', /^\/admin\/login/);
});
