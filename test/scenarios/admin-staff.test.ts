/**
 * Staff and roles against the real database and Redis: admins only; a new account's one-time
 * password shown once (hashed, never audited) and changed at first sign-in; role changes with
 * stale forms refused; deactivation ending the member's open session at once; password resets;
 * nobody deactivates, demotes or resets themselves; two admins demoting each other at once leave
 * one admin; the read-only permission matrix.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyPassword } from '../../lib/password.js';
import { PERMISSIONS } from '../../lib/permissions.js';
import { changeStaffRole } from '../../admin/staff/manage-staff.js';
import { settableClock } from '../../lib/clock.js';
import { adminClient } from '../helpers/admin-client.js';
import { createStaff, TEST_STAFF_PASSWORD } from '../helpers/factories.js';
import { formVersion, signedIn } from '../helpers/plans-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-11-21T03:00:00Z') });
});
after(async () => {
  await web.stop();
});

const member = (id: number) => web.c.db('staff_users').where({ id }).first();
const oneTimePassword = (html: string): string => {
  const p = /<code data-one-time-password>([^<]+)<\/code>/.exec(html)?.[1];
  assert.ok(p, 'the one-time password is on the page');
  return p;
};

test('only admins manage staff: cashiers, technicians and viewers get 403 everywhere under /admin/staff', async () => {
  const target = await createStaff(web.c.db, { role: 'viewer' });
  for (const role of ['cashier', 'technician', 'viewer'] as const) {
    const { client } = await signedIn(web.baseUrl, web.c.db, role);
    assert.doesNotMatch((await client.get('/admin')).text, /href="\/admin\/staff"/, `no staff menu for a ${role}`);
    for (const path of ['/admin/staff', '/admin/staff.csv', '/admin/staff/roles', '/admin/staff/new', `/admin/staff/${target.id}`]) {
      assert.equal((await client.get(path)).status, 403, `${role} GET ${path}`);
    }
    for (const path of ['/admin/staff', `/admin/staff/${target.id}/role`, `/admin/staff/${target.id}/deactivate`, `/admin/staff/${target.id}/password`]) {
      assert.equal((await client.post(path, { username: 'sneaky', name: 'Sneaky', role: 'admin', locale: 'id', version: '1' })).status, 403, `${role} POST ${path}`);
    }
  }
  const row = await member(target.id);
  assert.equal(row.role, 'viewer');
  assert.equal(row.is_active, true);
  assert.equal(await web.c.db('staff_users').where({ username: 'sneaky' }).first(), undefined);
});

test('a new account gets a one-time password shown once, stored as a hash, never audited, and changed at first sign-in', async () => {
  const { client, staff } = await signedIn(web.baseUrl, web.c.db, 'admin');
  assert.equal((await client.get('/admin/staff/new')).status, 200);
  const bad = await client.post('/admin/staff', { username: 'Sari Kasir', name: 'Sari', email: 'sari@', role: 'cashier', locale: 'id' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /data-error="username"/);
  assert.match(bad.text, /data-error="email"/);
  assert.match(bad.text, /value="Sari Kasir"/);

  const res = await client.post('/admin/staff', { username: 'Sari.Kasir', name: 'Sari Wulandari', email: '', role: 'cashier', locale: 'id' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const password = oneTimePassword(res.text);
  assert.match(password, /^[A-Za-z0-9]{16}$/);
  const row = await web.c.db('staff_users').where({ username: 'sari.kasir' }).first();
  assert.ok(row, 'the username is stored in lower case');
  assert.equal(row.role, 'cashier');
  assert.equal(row.must_change_password, true);
  assert.notEqual(row.password_hash, password);
  assert.ok(await verifyPassword(password, row.password_hash));
  const page = await client.get(`/admin/staff/${row.id}`);
  assert.ok(!page.text.includes(password), 'not shown again');

  const audit = await web.c.db('audit_log').where({ object_type: 'staff_user', object_id: String(row.id) });
  assert.deepEqual(audit.map((a) => a.action), ['staff_created']);
  assert.equal(audit[0].staff_user_id, staff.id);
  assert.equal(audit[0].after.role, 'cashier');
  const text = JSON.stringify(audit);
  assert.ok(!text.includes(password) && !text.includes(row.password_hash), 'no password or hash in the audit');

  const taken = await client.post('/admin/staff', { username: 'sari.kasir', name: 'Another Sari', email: '', role: 'viewer', locale: 'en' });
  assert.equal(taken.status, 422);
  assert.match(taken.text, /This username is taken/);

  const sari = adminClient(web.baseUrl);
  const signIn = await sari.signIn('sari.kasir', password);
  assert.equal(signIn.location, '/admin/password', 'must choose a password first');
});

test('deactivating a staff member ends their open session at once; they cannot sign in until reactivated', async () => {
  const { client } = await signedIn(web.baseUrl, web.c.db, 'admin');
  const other = await signedIn(web.baseUrl, web.c.db, 'technician');
  assert.equal((await other.client.get('/admin/nas')).status, 200, 'signed in and working');
  const page = await client.get(`/admin/staff/${other.staff.id}`);
  assert.match(page.text, /hx-confirm="Deactivate this account\? Their open sessions end at once/);
  const res = await client.post(`/admin/staff/${other.staff.id}/deactivate`, {});
  assert.equal(res.location, `/admin/staff/${other.staff.id}?saved=deactivated`);
  assert.match((await other.client.get('/admin/nas')).location ?? '', /^\/admin\/login/, 'the open session ended');
  assert.equal((await adminClient(web.baseUrl).signIn(other.staff.username, other.staff.password)).status, 401);
  assert.match((await client.get('/admin/staff')).text, new RegExp(`data-staff="${other.staff.username}">(?:(?!</tr>).)*Deactivated`, 's'));

  assert.equal((await client.post(`/admin/staff/${other.staff.id}/reactivate`, {})).status, 302);
  assert.equal((await adminClient(web.baseUrl).signIn(other.staff.username, other.staff.password)).status, 302);
  const actions = (await web.c.db('audit_log').where({ object_type: 'staff_user', object_id: String(other.staff.id) }).whereLike('action', 'staff_%').orderBy('id')).map((a) => a.action);
  assert.deepEqual(actions, ['staff_deactivated', 'staff_reactivated']);
});

test('changing a role ends the member\'s sessions and takes effect; a stale role form is refused with 409', async () => {
  const { client } = await signedIn(web.baseUrl, web.c.db, 'admin');
  const second = (await signedIn(web.baseUrl, web.c.db, 'admin')).client;
  const tech = await signedIn(web.baseUrl, web.c.db, 'technician');
  const version = formVersion((await client.get(`/admin/staff/${tech.staff.id}`)).text);
  formVersion((await second.get(`/admin/staff/${tech.staff.id}`)).text);
  const res = await client.post(`/admin/staff/${tech.staff.id}/role`, { role: 'viewer', version });
  assert.equal(res.location, `/admin/staff/${tech.staff.id}?saved=role`);
  assert.equal((await member(tech.staff.id)).role, 'viewer');
  assert.match((await tech.client.get('/admin/nas')).location ?? '', /^\/admin\/login/, 'their session ended');

  const stale = await second.post(`/admin/staff/${tech.staff.id}/role`, { role: 'cashier', version });
  assert.equal(stale.status, 409);
  assert.match(stale.text, /Someone else changed this account/);
  assert.equal((await member(tech.staff.id)).role, 'viewer');

  const again = adminClient(web.baseUrl);
  await again.signIn(tech.staff.username, tech.staff.password);
  assert.equal((await again.get('/admin/nas/new')).status, 403, 'a viewer now');
  const audit = await web.c.db('audit_log').where({ action: 'staff_role_changed', object_id: String(tech.staff.id) });
  assert.deepEqual([audit.length, audit[0].before.role, audit[0].after.role], [1, 'technician', 'viewer']);
});

test('a password reset shows a new one-time password once, ends their sessions and retires the old password', async () => {
  const { client } = await signedIn(web.baseUrl, web.c.db, 'admin');
  const cashier = await signedIn(web.baseUrl, web.c.db, 'cashier');
  await web.c.db('staff_users').where({ id: cashier.staff.id }).update({ failed_login_count: 4, locked_until: new Date('2026-11-21T04:00:00Z') });
  const res = await client.post(`/admin/staff/${cashier.staff.id}/password`, {});
  assert.equal(res.status, 200);
  const password = oneTimePassword(res.text);
  assert.match((await cashier.client.get('/admin/customers')).location ?? '', /^\/admin\/login/, 'their session ended');
  assert.equal((await adminClient(web.baseUrl).signIn(cashier.staff.username, TEST_STAFF_PASSWORD)).status, 401, 'the old password is gone');
  const fresh = adminClient(web.baseUrl);
  assert.equal((await fresh.signIn(cashier.staff.username, password)).location, '/admin/password', 'the lockout was lifted; a new password must be chosen');
  const audit = await web.c.db('audit_log').where({ action: 'staff_password_reset', object_id: String(cashier.staff.id) });
  assert.equal(audit.length, 1);
  assert.ok(!JSON.stringify(audit).includes(password));
});

test('nobody deactivates, demotes or resets their own account', async () => {
  const { client, staff } = await signedIn(web.baseUrl, web.c.db, 'admin');
  const page = await client.get(`/admin/staff/${staff.id}`);
  assert.doesNotMatch(page.text, /\/deactivate"/, 'no deactivate button on your own page');
  const version = String((await member(staff.id)).version);
  for (const [path, form] of [[`/admin/staff/${staff.id}/deactivate`, {}], [`/admin/staff/${staff.id}/role`, { role: 'viewer', version }], [`/admin/staff/${staff.id}/password`, {}]] as const) {
    const res = await client.post(path, form);
    assert.equal(res.status, 409, path);
    assert.match(res.text, /You cannot deactivate, demote or reset your own account/);
  }
  const row = await member(staff.id);
  assert.deepEqual([row.role, row.is_active], ['admin', true]);
  assert.equal((await client.get('/admin/staff')).status, 200, 'still signed in');
});

test('the roles page shows the permission matrix of lib/permissions.ts', async () => {
  const { client } = await signedIn(web.baseUrl, web.c.db, 'admin');
  const res = await client.get('/admin/staff/roles');
  assert.equal(res.status, 200);
  assert.equal([...res.text.matchAll(/data-permission="/g)].length, PERMISSIONS.length);
  const row = (p: string): string[] => [...(new RegExp(`data-permission="${p.replace('.', '\\.')}">([\\s\\S]*?)</tr>`).exec(res.text)?.[1] ?? '').matchAll(/data-granted="(\w+)"/g)].map((m) => m[1]!);
  // Columns: admin, cashier, technician, viewer, collector.
  assert.deepEqual(row('staff.manage'), ['true', 'false', 'false', 'false', 'false']);
  assert.deepEqual(row('payments.record'), ['true', 'true', 'false', 'false', 'true']);
  assert.deepEqual(row('nas.edit'), ['true', 'false', 'true', 'false', 'false']);
  assert.deepEqual(row('plans.view'), ['true', 'true', 'true', 'true', 'false']);
  assert.match(res.text, /<th class="num">Collector<\/th>/, 'the collector role is named');
});

test('the last active admin stays: two admins demoting each other at the same moment leave one admin', async () => {
  const a = await createStaff(web.c.db, { role: 'admin' });
  const b = await createStaff(web.c.db, { role: 'admin' });
  await web.c.db('staff_users').where({ role: 'admin' }).whereNotIn('id', [a.id, b.id]).update({ is_active: false });
  const actor = (s: { id: number; username: string }) => ({ staffUserId: s.id, username: s.username, ip: '127.0.0.1' });
  const [ab, ba] = await Promise.all([
    changeStaffRole(web.c.db, actor(a), b.id, 1, 'cashier'),
    changeStaffRole(web.c.db, actor(b), a.id, 1, 'cashier'),
  ]);
  const outcomes = [ab, ba].map((o) => (o.ok ? 'ok' : o.code)).sort();
  assert.deepEqual(outcomes, ['last_admin', 'ok']);
  const admins = await web.c.db('staff_users').where({ role: 'admin', is_active: true });
  assert.equal(admins.length, 1);
});

test('the staff list as CSV: every account with its role and state, no password hash', async () => {
  const target = await createStaff(web.c.db, { role: 'technician', name: 'Teknisi Csv' });
  const { client } = await signedIn(web.baseUrl, web.c.db, 'admin');
  const csv = await client.get('/admin/staff.csv');
  assert.equal(csv.status, 200);
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.equal(lines[0], 'username,name,email,role,active,must_change_password,locked_until,last_login_at');
  const row = lines.find((l) => l.startsWith(`${target.username},`));
  assert.ok(row, 'the new account is listed');
  assert.match(row, /,Teknisi Csv,.*,technician,yes,/);
  assert.doesNotMatch(csv.text, /\$2[aby]\$/, 'no bcrypt hash');
});
