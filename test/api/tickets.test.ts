/**
 * /api/v1/tickets against the web role and a real database: a ticket opened by a customer (the
 * portal's use case), listed with filters and read with its conversation, a staff reply through
 * the console's use case (status `answered`, audited with the token's staff member), closing
 * (a closed ticket takes no reply: 409) and reopening, 404s and problem+json on bad input.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openTicket } from '../../billing/tickets/open-ticket.js';
import { settableClock } from '../../lib/clock.js';
import { api, tokenFor } from '../helpers/api-client.js';
import { createCustomer } from '../helpers/factories.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
let ticketId: number;
let reference: string;
let customerId: number;

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-12-08T03:00:00Z'), env: { API_RATE_LIMIT_PER_MINUTE: '1000' } });
  customerId = (await createCustomer(web.c.db, { name: 'Sari Wulandari' })).id;
  const opened = await openTicket(
    { db: web.c.db, now: new Date('2026-12-08T02:00:00Z'), timeZone: 'Asia/Jakarta', audit: async () => {} },
    { customerId, subject: 'Internet putus', message: 'Sejak pagi lampu LOS merah.' },
  );
  assert.ok(opened.ok);
  reference = opened.reference;
  ticketId = Number((await web.c.db('tickets').where({ reference }).first('id')).id);
  const other = (await createCustomer(web.c.db, { name: 'Other' })).id;
  await openTicket({ db: web.c.db, now: new Date('2026-12-08T02:30:00Z'), timeZone: 'Asia/Jakarta', audit: async () => {} }, { customerId: other, subject: 'Ganti paket', message: 'Mau naik ke 20 Mbps' });
});
after(async () => {
  await web?.stop();
});

test('list with filters and get with the conversation', async () => {
  const { token } = await tokenFor(web.c.db, 'viewer');
  const all = await api(web.baseUrl, token, 'GET', '/tickets');
  assert.equal(all.status, 200);
  assert.equal(all.json.data.length, 2);
  const mine = await api(web.baseUrl, token, 'GET', `/tickets?customer_id=${customerId}`);
  assert.deepEqual(mine.json.data.map((t: { id: number }) => t.id), [ticketId]);
  assert.equal(mine.json.data[0].reference, reference);
  assert.equal(mine.json.data[0].status, 'open');
  assert.equal(mine.json.data[0].messages, 1);
  assert.equal(mine.json.data[0].last_author, 'customer');
  assert.deepEqual((await api(web.baseUrl, token, 'GET', `/tickets?reference=${reference.toLowerCase()}`)).json.data.map((t: { id: number }) => t.id), [ticketId]);
  assert.deepEqual((await api(web.baseUrl, token, 'GET', '/tickets?status=closed')).json.data, []);

  const one = await api(web.baseUrl, token, 'GET', `/tickets/${ticketId}`);
  assert.equal(one.status, 200);
  assert.equal(one.json.customer.name, 'Sari Wulandari');
  assert.deepEqual(one.json.conversation.map((m: { author: string; body: string }) => [m.author, m.body]), [['customer', 'Sejak pagi lampu LOS merah.']]);
});

test('a staff reply answers the ticket (audited); closed tickets refuse replies until reopened', async () => {
  const t = await tokenFor(web.c.db, 'technician');
  const reply = await api(web.baseUrl, t.token, 'POST', `/tickets/${ticketId}/messages`, { body: { message: 'Teknisi kami menuju lokasi.' } });
  assert.equal(reply.status, 201, JSON.stringify(reply.json));
  assert.equal(reply.json.status, 'answered');
  const last = reply.json.conversation.at(-1);
  assert.equal(last.author, 'staff');
  assert.equal(last.body, 'Teknisi kami menuju lokasi.');
  assert.ok(last.staff_name);
  const audit = await web.c.db('audit_log').where({ action: 'ticket_answered', object_id: String(ticketId) }).first('staff_user_id', 'actor');
  assert.equal(Number(audit.staff_user_id), t.staffId);
  assert.match(audit.actor, /\(API token #\d+\)$/);

  const closed = await api(web.baseUrl, t.token, 'POST', `/tickets/${ticketId}/status`, { body: { status: 'closed' } });
  assert.equal(closed.status, 200);
  assert.equal(closed.json.status, 'closed');
  assert.ok(closed.json.closed_at);
  const again = await api(web.baseUrl, t.token, 'POST', `/tickets/${ticketId}/status`, { body: { status: 'closed' } });
  assert.equal(again.status, 409);
  assert.equal(again.json.type, '/api/v1/problems/unchanged');
  const refused = await api(web.baseUrl, t.token, 'POST', `/tickets/${ticketId}/messages`, { body: { message: 'Halo?' } });
  assert.equal(refused.status, 409);
  assert.equal(refused.json.type, '/api/v1/problems/closed');
  const reopened = await api(web.baseUrl, t.token, 'POST', `/tickets/${ticketId}/status`, { body: { status: 'open' } });
  assert.equal(reopened.json.status, 'open');
  assert.ok(await web.c.db('audit_log').where({ action: 'ticket_reopened', object_id: String(ticketId) }).first());
});

test('404s and problem+json on bad input; a viewer may not reply', async () => {
  const { token } = await tokenFor(web.c.db, 'admin');
  assert.equal((await api(web.baseUrl, token, 'GET', '/tickets/999999999')).status, 404);
  assert.equal((await api(web.baseUrl, token, 'POST', '/tickets/999999999/messages', { body: { message: 'x' } })).status, 404);
  const blank = await api(web.baseUrl, token, 'POST', `/tickets/${ticketId}/messages`, { body: { message: '   ' } });
  assert.equal(blank.status, 422);
  assert.deepEqual(blank.json.errors, [{ pointer: '#/body/message', detail: 'tickets.error.message_required' }]);
  const status = await api(web.baseUrl, token, 'POST', `/tickets/${ticketId}/status`, { body: { status: 'answered' } });
  assert.equal(status.status, 422);
  assert.equal(status.json.errors[0].pointer, '#/body/status');
  const viewer = await tokenFor(web.c.db, 'viewer');
  assert.equal((await api(web.baseUrl, viewer.token, 'POST', `/tickets/${ticketId}/messages`, { body: { message: 'x' } })).status, 403);
});
