/**
 * Rows and helpers for the subscription and session screens' tests: accounting sessions and
 * per-day usage written as the radius role writes them, the nas-control jobs the console
 * queued, and a signed-in console client per role.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { StaffRole } from '../../lib/permissions.js';
import type { Knex } from '../../lib/db.js';
import type { NasControlJob } from '../../lib/jobs.js';
import { QUEUES, type QueueFactory } from '../../lib/queue.js';
import { adminClient, type AdminClient } from './admin-client.js';
import { createStaff } from './factories.js';

export interface SessionFixture {
  subscriptionId?: number | null;
  username: string;
  nasId?: number | null;
  nasIp?: string;
  acctSessionId?: string;
  framedIp?: string | null;
  /** Calling-Station-Id as a MikroTik sends it: AA:BB:CC:DD:EE:FF. */
  mac?: string | null;
  start: Date | string;
  /** Set for a closed session. */
  stop?: Date | string | null;
  inputOctets?: number;
  outputOctets?: number;
  terminateCause?: string | null;
}

/** Inserts one accounting session (open unless `stop`); resolves with its id and session key. */
export async function insertSession(db: Knex, s: SessionFixture): Promise<{ id: number; sessionKey: string }> {
  const start = new Date(s.start);
  const stop = s.stop ? new Date(s.stop) : null;
  const sessionKey = randomUUID();
  const [row] = await db('accounting_sessions').insert({
    session_key: sessionKey,
    acct_session_id: s.acctSessionId ?? sessionKey.slice(0, 8),
    username: s.username,
    subscription_id: s.subscriptionId ?? null,
    nas_id: s.nasId ?? null,
    nas_ip_address: s.nasIp ?? '127.0.0.1',
    calling_station_id: s.mac ?? null,
    framed_ip_address: s.framedIp ?? null,
    start_time: start,
    update_time: stop ?? start,
    stop_time: stop,
    session_time: stop ? Math.round((stop.getTime() - start.getTime()) / 1000) : 0,
    input_octets: s.inputOctets ?? 0,
    output_octets: s.outputOctets ?? 0,
    terminate_cause: stop ? (s.terminateCause ?? 'User-Request') : null,
  }).returning('id');
  return { id: Number(row.id), sessionKey };
}

/** The nas-control jobs waiting in the queue (the web role has no consumer), oldest first. */
export async function queuedNasControl(queues: QueueFactory): Promise<Array<{ id: string; data: NasControlJob }>> {
  const jobs = await queues.queue(QUEUES.nasControl).getJobs(['waiting', 'delayed', 'prioritized']);
  return jobs.sort((a, b) => a.timestamp - b.timestamp).map((j) => ({ id: String(j.id), data: j.data as NasControlJob }));
}

/** A new staff member of `role`, signed in; the client holds a CSRF token from the dashboard. */
export async function signedInAs(baseUrl: string, db: Knex, role: StaffRole): Promise<{ client: AdminClient; staff: { id: number; username: string } }> {
  const staff = await createStaff(db, { role, locale: 'en' });
  const client = adminClient(baseUrl);
  const res = await client.signIn(staff.username, staff.password);
  assert.equal(res.status, 302, `sign-in as ${role}`);
  await client.get('/admin');
  return { client, staff };
}

/** What the browser shows of escaped HTML text (Handlebars escapes & < > " ' ` =). */
export function decodeHtml(html: string): string {
  return html.replace(/&(#x([0-9a-f]+)|quot|amp|lt|gt);/gi, (_m, name: string, hex?: string) =>
    (hex ? String.fromCharCode(parseInt(hex, 16)) : ({ quot: '"', amp: '&', lt: '<', gt: '>' } as Record<string, string>)[name.toLowerCase()]!));
}
