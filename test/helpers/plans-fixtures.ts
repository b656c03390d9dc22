/**
 * Helpers for the plans, routers and staff console tests: a signed-in console client per role,
 * the form fields of a plan, and a subscriber brought online the way a NAS does it (radclient
 * Access-Request, then Accounting Start echoing the Class).
 */
import assert from 'node:assert/strict';
import type { StaffRole } from '../../lib/permissions.js';
import type { Knex } from '../../lib/db.js';
import { adminClient, type AdminClient } from './admin-client.js';
import { createStaff } from './factories.js';
import { radclient } from './radclient.js';

/** A console client signed in as a new staff member of `role` (with a page loaded, so it has a CSRF token). */
export async function signedIn(baseUrl: string, db: Knex, role: StaffRole): Promise<{ client: AdminClient; staff: { id: number; username: string; password: string } }> {
  const staff = await createStaff(db, { role });
  const client = adminClient(baseUrl);
  const res = await client.signIn(staff.username, staff.password);
  assert.equal(res.status, 302, `sign-in as ${role}`);
  await client.get('/admin');
  return { client, staff };
}

/** A valid plan form; override any field. */
export function planForm(over: Record<string, string> = {}): Record<string, string> {
  return {
    name: 'Home 10M', description: '', service_type: 'pppoe', price: '150.000', billing_cycle: 'monthly', cycle_days: '', rate_limit: '2M/10M',
    quota_gib: '', fup_rate_limit: '', soft_limit_rate_limit: '', framed_pool: '', mikrotik_group: '', session_timeout: '', idle_timeout: '',
    simultaneous_use: '1', ...over,
  };
}

/** The `version` hidden field of a form page. */
export function formVersion(html: string): string {
  const v = /name="version" value="(\d+)"/.exec(html)?.[1];
  assert.ok(v, 'the form carries its version');
  return v;
}

/**
 * Logs `username` in through the radius role and starts its accounting session, as a MikroTik
 * does; resolves with the Access-Accept's Mikrotik-Rate-Limit.
 */
export async function bringOnline(opts: {
  authPort: number; acctPort: number; secret: string; username: string; password: string; sessionId: string; framedIp: string;
}): Promise<string | undefined> {
  const accept = await radclient({
    port: opts.authPort, secret: opts.secret, type: 'auth',
    attributes: [`User-Name = "${opts.username}"`, `User-Password = "${opts.password}"`, 'Message-Authenticator = 0x00'],
  });
  assert.equal(accept.code, 'Access-Accept', accept.stdout + accept.stderr);
  const cls = accept.attributes.find(([n]) => n === 'Class')![1];
  const start = await radclient({
    port: opts.acctPort, secret: opts.secret, type: 'acct',
    attributes: [`User-Name = "${opts.username}"`, 'Acct-Status-Type = Start', `Acct-Session-Id = "${opts.sessionId}"`, `Framed-IP-Address = ${opts.framedIp}`, `Class = ${cls}`],
  });
  assert.equal(start.code, 'Accounting-Response');
  return accept.attributes.find(([n]) => n === 'Mikrotik-Rate-Limit')?.[1];
}
