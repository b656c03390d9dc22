/**
 * The sign-in brakes under parallel guesses, against the real web role, database and Redis:
 * each attempt is counted before its password is compared, so a burst from one address gets no
 * more than the limit evaluated (console and portal), and a burst against one account cannot sign
 * in once the burst has passed the lockout. A locked account and a wrong password get the same
 * answer, and the commonest passwords are refused when staff or customers choose one.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword } from '../../lib/password.js';
import { IP_ATTEMPTS } from '../../admin/auth/sign-in.js';
import { settableClock } from '../../lib/clock.js';
import { LIMITS } from '../../portal/account/sign-in.js';
import { adminClient, type AdminResponse } from '../helpers/admin-client.js';
import { createStaff } from '../helpers/factories.js';
import { portalClient, portalCustomer, signInWithPassword } from '../helpers/portal-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
const LOCKOUT = 5;

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-12-07T03:00:00Z'), env: { STAFF_LOCKOUT_FAILURES: String(LOCKOUT) } });
});
after(async () => {
  await web.stop();
});
// Every test signs in from 127.0.0.1: each starts with the address's brakes cleared.
beforeEach(async () => {
  const keys = await web.c.redis.keys(`${web.c.config.QUEUE_PREFIX}:limit:*`);
  if (keys.length) await web.c.redis.del(...keys);
});

const statuses = (responses: AdminResponse[]): Record<number, number> =>
  responses.reduce<Record<number, number>>((n, r) => ({ ...n, [r.status]: (n[r.status] ?? 0) + 1 }), {});
const alert = (res: AdminResponse): string => /<p class="error" role="alert">([^<]*)<\/p>/.exec(res.text)?.[1] ?? '';

test('60 parallel wrong sign-ins from one address: the limit is evaluated, every other one is refused as too many', async () => {
  const burst = await Promise.all(Array.from({ length: 60 }, (_, i) => adminClient(web.baseUrl).signIn(`nobody-${i}`, 'wrong password!')));
  assert.deepEqual(statuses(burst), { 401: IP_ATTEMPTS, 429: 60 - IP_ATTEMPTS });
});

test('a burst against one account, the right password last: no sign-in, and the account stays locked', async () => {
  const staff = await createStaff(web.c.db, { role: 'cashier' });
  // A costly hash keeps every guess of the burst in flight while the others are counted.
  await web.c.db('staff_users').where({ id: staff.id }).update({ password_hash: await hashPassword(staff.password, 12) });
  const guesses = [...Array.from({ length: 9 }, (_, i) => `wrong guess ${i}`), staff.password];
  const burst = await Promise.all(guesses.map((password) => adminClient(web.baseUrl).signIn(staff.username, password)));
  assert.deepEqual(statuses(burst), { 401: 10 }, 'no guess signed in');
  const row = await web.c.db('staff_users').where({ id: staff.id }).first('locked_until');
  assert.ok(row.locked_until, 'the account is locked');
  assert.equal((await adminClient(web.baseUrl).signIn(staff.username, staff.password)).status, 401, 'and the right password is refused after the burst');
});

test('a locked account and a wrong password get the same answer (no username is revealed)', async () => {
  const locked = await createStaff(web.c.db, { role: 'viewer' });
  for (let i = 0; i < LOCKOUT; i++) await adminClient(web.baseUrl).signIn(locked.username, `wrong ${i}`);
  const lockedAnswer = await adminClient(web.baseUrl).signIn(locked.username, locked.password);
  const other = await createStaff(web.c.db, { role: 'viewer' });
  const wrongAnswer = await adminClient(web.baseUrl).signIn(other.username, 'not the password');
  const unknownAnswer = await adminClient(web.baseUrl).signIn('nobody-at-all', 'not the password');
  assert.deepEqual([lockedAnswer.status, wrongAnswer.status, unknownAnswer.status], [401, 401, 401]);
  assert.ok(alert(lockedAnswer), 'an error is shown');
  assert.equal(alert(lockedAnswer), alert(wrongAnswer));
  assert.equal(alert(unknownAnswer), alert(wrongAnswer));
});

test('portal: 9 parallel guesses at one customer get 5 evaluated, the rest refused; a known and an unknown number look the same', async () => {
  const c = await portalCustomer(web.c.db, { phone: '081377770001', password: 'sandi yang benar 1' });
  const clients = await Promise.all(Array.from({ length: 9 }, () => portalClient(web.baseUrl)));
  const burst = await Promise.all(clients.map((client, i) => signInWithPassword(client, c.customerNumber, `salah ${i}`)));
  assert.deepEqual(statuses(burst), { 401: LIMITS.passwordAccount, 429: 9 - LIMITS.passwordAccount });
  const right = await signInWithPassword(await portalClient(web.baseUrl), c.customerNumber, 'sandi yang benar 1');
  assert.equal(right.status, 429, 'the right password is refused once the limit is used up');

  const unknownClients = await Promise.all(Array.from({ length: 9 }, () => portalClient(web.baseUrl)));
  const unknown = await Promise.all(unknownClients.map((client, i) => signInWithPassword(client, 'CUST99999001', `salah ${i}`)));
  assert.deepEqual(statuses(unknown), statuses(burst));
  assert.equal(alert(unknown.find((r) => r.status === 429)!), alert(burst.find((r) => r.status === 429)!));
});

test('staff cannot choose one of the commonest passwords', async () => {
  const staff = await createStaff(web.c.db, { role: 'cashier', locale: 'en' });
  const client = adminClient(web.baseUrl);
  assert.equal((await client.signIn(staff.username, staff.password)).status, 302);
  await client.get('/admin/password');
  const before = (await web.c.db('staff_users').where({ id: staff.id }).first('password_hash')).password_hash;
  for (const common of ['password123', 'Password123', '12345678', 'qwertyui', 'qwertyuiop']) {
    const res = await client.post('/admin/password', { current: staff.password, password: common, confirm: common });
    assert.equal(res.status, 422, common);
  }
  const refused = await client.post('/admin/password', { current: staff.password, password: 'password123', confirm: 'password123' });
  assert.match(refused.text, /one of the most common/);
  assert.equal((await web.c.db('staff_users').where({ id: staff.id }).first('password_hash')).password_hash, before, 'unchanged');
  assert.equal((await client.post('/admin/password', { current: staff.password, password: 'kuda lumping sawah', confirm: 'kuda lumping sawah' })).status, 302);
});

test('customers cannot choose one of the commonest passwords in the portal', async () => {
  const c = await portalCustomer(web.c.db, { phone: '081377770002', password: 'sandi lama yang aman' });
  const client = await portalClient(web.baseUrl);
  assert.equal((await signInWithPassword(client, c.customerNumber, 'sandi lama yang aman')).status, 302);
  await client.get('/portal/account/password');
  const res = await client.post('/portal/account/password', { current: 'sandi lama yang aman', password: 'password123', confirm: 'password123' });
  assert.equal(res.status, 422);
  assert.match(res.text, /paling umum/, 'told why (the portal speaks Indonesian by default)');
});
