/**
 * Hotspot vouchers enforced by the radius role, against the real stack (PostgreSQL, the radius
 * role on UDP) with FreeRADIUS's radclient as the MikroTik: a code logs in as User-Name with
 * itself as the password (PAP or CHAP with CHAP-Challenge, as a hotspot sends it); the first
 * Access-Accept starts the validity; the reply carries Session-Timeout = min(time left, validity
 * left), Mikrotik-Total-Limit (+ -Gigawords) = octets left and the batch's Mikrotik-Rate-Limit;
 * accounting across sessions uses the voucher up, then Access-Reject with a Reply-Message; one
 * device at a time; the validity ends on the (test) clock.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BILLING_JOBS, createBillingEngine } from '../../billing/engine/engine.js';
import { settableClock } from '../../lib/clock.js';
import { QUEUES } from '../../lib/queue.js';
import { startWorkerRole } from '../../server/worker-role.js';
import { createNas, createPlan, createSubscription } from '../helpers/factories.js';
import { chapPassword, radclient, type RadclientReply } from '../helpers/radclient.js';
import { startRadiusStack, type RadiusStack } from '../helpers/radius-stack.js';
import { createVoucherBatch, GIB, MIB, voucherAccounting, voucherRow } from '../helpers/vouchers-fixtures.js';

const SECRET = 'voucher-secret-7c21';
const HOUR = 3600;
const DAY = 86_400;
const MAC_A = 'AA:BB:CC:00:10:01';
const MAC_B = 'AA:BB:CC:00:10:02';

// Real time at the start, standing still until a test moves it: session update times (real,
// from the database) then never look stale, and validity is tested by moving the clock only.
const clock = settableClock(new Date());
let stack: RadiusStack;
let authPort: number;
let acctPort: number;
let planId: number;

async function auth(lines: string[]): Promise<RadclientReply> {
  return radclient({ port: authPort, secret: SECRET, type: 'auth', attributes: [...lines, 'Message-Authenticator = 0x00'] });
}

function pap(code: string, password = code, mac = MAC_A): Promise<RadclientReply> {
  return auth([`User-Name = "${code}"`, `User-Password = "${password}"`, `Calling-Station-Id = "${mac}"`]);
}

/** CHAP as a MikroTik hotspot sends it: CHAP-Password (ident + MD5) and a CHAP-Challenge of its own. */
function chap(code: string, password = code, mac = MAC_A): Promise<RadclientReply> {
  const challenge = randomBytes(16);
  return auth([
    `User-Name = "${code}"`, `CHAP-Password = 0x${chapPassword(password, challenge).toString('hex')}`,
    `CHAP-Challenge = 0x${challenge.toString('hex')}`, `Calling-Station-Id = "${mac}"`,
  ]);
}

const attr = (r: RadclientReply, name: string): string | undefined => r.attributes.find(([n]) => n === name)?.[1];
const acct = (voucher: { id: number; code: string }, sessionId: string, status: 'Start' | 'Interim-Update' | 'Stop', seconds = 0, octets = 0, mac = MAC_A, withClass = true) =>
  voucherAccounting({ port: acctPort, secret: SECRET, voucher, sessionId, status, seconds, octets, mac, withClass });

before(async () => {
  stack = await startRadiusStack({
    clock,
    before: async (c) => {
      await createNas(c.db, { secret: SECRET });
      planId = (await createPlan(c.db, { rateLimit: '2M/4M', serviceType: 'hotspot', mikrotikGroup: 'hs-voucher' })).id;
    },
  });
  authPort = stack.radius.ports.authPort;
  acctPort = stack.radius.ports.acctPort;
});

after(async () => {
  await stack?.stop();
});

/** Runs one job of the worker role's `billing` queue on this stack's clock and returns what it returned. */
async function runWorkerJob(name: string): Promise<unknown> {
  const worker = await startWorkerRole(stack.c, createBillingEngine(stack.c, { clock }), { schedule: false });
  try {
    const queue = stack.c.queues.queue(QUEUES.billing);
    const job = await queue.add(name, {});
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
      const j = await queue.getJob(job.id!);
      if (j?.failedReason) throw new Error(`${name} failed: ${j.failedReason}`);
      if (j?.finishedOn) return j.returnvalue;
    }
    throw new Error(`${name} did not finish within 10 s`);
  } finally {
    await worker.stop();
  }
}

describe('logging in with a voucher code', () => {
  test('PAP: the first Access-Accept starts the validity; the reply has the batch rate, Session-Timeout = min(time, validity), Total-Limit with Gigawords and a voucher Class', async () => {
    const { vouchers: [v] } = await createVoucherBatch(stack.c.db, {
      rateLimit: '1M/3M', timeLimitSeconds: 3 * HOUR, dataLimitBytes: 5 * GIB, validitySeconds: 2 * HOUR, codes: ['PAPTEST2'],
    });
    await stack.radius.sync.settled();
    const r = await pap(v!.code);
    assert.equal(r.code, 'Access-Accept');
    assert.equal(r.attributes[0]?.[0], 'Message-Authenticator');
    assert.equal(attr(r, 'Mikrotik-Rate-Limit'), '1M/3M');
    assert.equal(attr(r, 'Session-Timeout'), String(2 * HOUR), 'the validity (2 h) is shorter than the time left (3 h)');
    assert.equal(attr(r, 'Mikrotik-Total-Limit'), String((5 * GIB) % 2 ** 32));
    assert.equal(attr(r, 'Mikrotik-Total-Limit-Gigawords'), '1');
    assert.equal(attr(r, 'Acct-Interim-Interval'), '300');
    assert.equal(Buffer.from(attr(r, 'Class')!.slice(2), 'hex').toString('latin1'), `isp1;v=${v!.id}`);

    const row = await voucherRow(stack.c.db, v!.code);
    assert.equal(row.status, 'active');
    assert.equal(new Date(row.first_used_at as string).getTime(), clock.now().getTime(), 'first use = the Access-Accept, on the clock');
    assert.equal(new Date(row.expires_at as string).getTime(), clock.now().getTime() + 2 * HOUR * 1000);
  });

  test('CHAP with a CHAP-Challenge (what a hotspot sends) is accepted with the plan\'s rate and group; a wrong code is rejected', async () => {
    const { vouchers: [v] } = await createVoucherBatch(stack.c.db, { planId, rateLimit: null, timeLimitSeconds: HOUR, codes: ['CHAPTEST'] });
    await stack.radius.sync.settled();
    const ok = await chap(v!.code);
    assert.equal(ok.code, 'Access-Accept');
    assert.equal(attr(ok, 'Mikrotik-Rate-Limit'), '2M/4M', 'no rate of its own: the plan\'s');
    assert.equal(attr(ok, 'Mikrotik-Group'), 'hs-voucher');
    assert.equal(attr(ok, 'Session-Timeout'), String(HOUR));
    assert.equal(attr(ok, 'Mikrotik-Total-Limit'), undefined, 'no data limit');
    const bad = await chap(v!.code, 'CHAPTESX');
    assert.equal(bad.code, 'Access-Reject');
    assert.equal(attr(bad, 'Reply-Message'), 'Login ditolak / Login rejected');
  });

  test('the code typed in small letters works with PAP (username and password) and with CHAP', async () => {
    const { vouchers: [v] } = await createVoucherBatch(stack.c.db, { timeLimitSeconds: HOUR, codes: ['SMALLER5'] });
    await stack.radius.sync.settled();
    assert.equal((await pap('smaller5', 'smaller5')).code, 'Access-Accept');
    assert.equal((await chap(v!.code, 'smaller5')).code, 'Access-Accept');
    assert.equal((await pap(v!.code, 'SMALLER6')).code, 'Access-Reject');
  });

  test('a subscription\'s username still wins over a voucher with the same text, and an unknown code is rejected', async () => {
    await createSubscription(stack.c.db, { username: 'SAMENAME', password: 'sub-password' });
    await createVoucherBatch(stack.c.db, { codes: ['SAMENAME'] });
    await stack.radius.sync.settled();
    assert.equal((await pap('SAMENAME', 'sub-password')).code, 'Access-Accept');
    assert.equal((await pap('SAMENAME', 'SAMENAME')).code, 'Access-Reject');
    const unknown = await pap('NQXW7KPZ');
    assert.equal(unknown.code, 'Access-Reject');
    assert.equal(attr(unknown, 'Reply-Message'), 'Login ditolak / Login rejected');
  });

  test('a batch generated while the radius role runs logs in at once (LISTEN/NOTIFY)', async () => {
    const { vouchers: [v] } = await createVoucherBatch(stack.c.db, { timeLimitSeconds: HOUR });
    const r = await pap(v!.code);
    assert.equal(r.code, 'Access-Accept');
  });
});

describe('usage across sessions', () => {
  test('two sessions use up the time: the second login gets what is left (Session-Timeout, Total-Limit), then Access-Reject with a Reply-Message', async () => {
    const { vouchers: [v] } = await createVoucherBatch(stack.c.db, { timeLimitSeconds: HOUR, dataLimitBytes: 5 * GIB, codes: ['TWSESS23'] });
    await stack.radius.sync.settled();
    const first = await pap(v!.code);
    assert.equal(attr(first, 'Session-Timeout'), String(HOUR));
    assert.equal(attr(first, 'Mikrotik-Total-Limit-Gigawords'), '1');

    // Session 1: 30 minutes, 3 GiB (the Interim's counters are cumulative: counted once).
    assert.equal((await acct(v!, 'hs-1', 'Start')).code, 'Accounting-Response');
    await acct(v!, 'hs-1', 'Interim-Update', 600, 1 * GIB);
    await acct(v!, 'hs-1', 'Stop', 1800, 3 * GIB);
    let row = await voucherRow(stack.c.db, v!.code);
    assert.equal(Number(row.used_seconds), 1800);
    assert.equal(Number(row.used_octets), 3 * GIB);
    assert.equal(row.status, 'active');

    await stack.radius.sync.settled();
    const second = await chap(v!.code);
    assert.equal(second.code, 'Access-Accept');
    assert.equal(attr(second, 'Session-Timeout'), '1800', 'the half hour left');
    assert.equal(attr(second, 'Mikrotik-Total-Limit'), String(2 * GIB), '2 GiB left: below 4 GiB, no Gigawords');
    assert.equal(attr(second, 'Mikrotik-Total-Limit-Gigawords'), undefined);

    // Session 2 runs until the NAS ends it at the Session-Timeout.
    await acct(v!, 'hs-2', 'Start');
    await acct(v!, 'hs-2', 'Stop', 1800, 100 * MIB);
    row = await voucherRow(stack.c.db, v!.code);
    assert.equal(Number(row.used_seconds), HOUR);
    assert.equal(row.status, 'used');
    assert.ok(row.ended_at, 'ended_at set');

    await stack.radius.sync.settled();
    const third = await pap(v!.code);
    assert.equal(third.code, 'Access-Reject');
    assert.equal(attr(third, 'Reply-Message'), 'Voucher sudah habis / Voucher used up');
    assert.equal((await chap(v!.code)).code, 'Access-Reject', 'a used voucher stays refused (looked up in the database)');
  });

  test('data used up ends a voucher with time left', async () => {
    const { vouchers: [v] } = await createVoucherBatch(stack.c.db, { timeLimitSeconds: 10 * HOUR, dataLimitBytes: 100 * MIB, codes: ['DATAGNE2'] });
    await stack.radius.sync.settled();
    const r = await pap(v!.code);
    assert.equal(attr(r, 'Mikrotik-Total-Limit'), String(100 * MIB));
    await acct(v!, 'data-1', 'Start');
    await acct(v!, 'data-1', 'Stop', 120, 100 * MIB);
    assert.equal((await voucherRow(stack.c.db, v!.code)).status, 'used');
    await stack.radius.sync.settled();
    const again = await pap(v!.code);
    assert.equal(again.code, 'Access-Reject');
    assert.equal(attr(again, 'Reply-Message'), 'Voucher sudah habis / Voucher used up');
  });

  test('accounting without our Class (a NAS that drops it) is counted to the voucher by its code', async () => {
    const { vouchers: [v] } = await createVoucherBatch(stack.c.db, { timeLimitSeconds: HOUR, codes: ['NCLASS23'] });
    await stack.radius.sync.settled();
    await pap(v!.code);
    await acct(v!, 'nc-1', 'Start', 0, 0, MAC_A, false);
    await acct(v!, 'nc-1', 'Stop', 900, 10 * MIB, MAC_A, false);
    const row = await voucherRow(stack.c.db, v!.code);
    assert.equal(Number(row.used_seconds), 900);
    const session = await stack.c.db('accounting_sessions').where({ acct_session_id: 'nc-1' }).first();
    assert.equal(Number(session.voucher_id), v!.id);
    assert.equal(session.subscription_id, null);
  });
});

describe('one device at a time', () => {
  test('a second device is refused while the first one\'s session is open; the same device reconnects; after Stop the other device may log in', async () => {
    const { vouchers: [v] } = await createVoucherBatch(stack.c.db, { timeLimitSeconds: HOUR, codes: ['NEDEV234'] });
    await stack.radius.sync.settled();
    assert.equal((await pap(v!.code, v!.code, MAC_A)).code, 'Access-Accept');
    await acct(v!, 'dev-1', 'Start', 0, 0, MAC_A);
    await stack.radius.sync.settled();
    const other = await pap(v!.code, v!.code, MAC_B);
    assert.equal(other.code, 'Access-Reject');
    assert.equal(attr(other, 'Reply-Message'), 'Sudah login di perangkat lain / Already logged in elsewhere');
    assert.equal((await chap(v!.code, v!.code, MAC_A)).code, 'Access-Accept', 'the same phone reconnecting');
    await acct(v!, 'dev-1', 'Stop', 60, MIB, MAC_A);
    await stack.radius.sync.settled();
    assert.equal((await pap(v!.code, v!.code, MAC_B)).code, 'Access-Accept');
  });

  test('between an Access-Accept and its accounting Start, another device is refused too', async () => {
    const { vouchers: [v] } = await createVoucherBatch(stack.c.db, { timeLimitSeconds: HOUR, codes: ['RACEDEV2'] });
    await stack.radius.sync.settled();
    assert.equal((await pap(v!.code, v!.code, MAC_A)).code, 'Access-Accept');
    assert.equal((await pap(v!.code, v!.code, MAC_B)).code, 'Access-Reject');
  });
});

describe('validity', () => {
  test('the validity counts from the first login on the clock: Session-Timeout shrinks to it, then Access-Reject, and the worker\'s expire-vouchers job marks it expired', async () => {
    const { vouchers: [v] } = await createVoucherBatch(stack.c.db, { timeLimitSeconds: 30 * DAY, validitySeconds: DAY, codes: ['VALDDAY2'] });
    await stack.radius.sync.settled();
    const first = await pap(v!.code);
    assert.equal(attr(first, 'Session-Timeout'), String(DAY));
    const startedAt = clock.now().getTime();

    clock.advance(23 * HOUR * 1000);
    const late = await chap(v!.code);
    assert.equal(late.code, 'Access-Accept');
    assert.equal(attr(late, 'Session-Timeout'), String(HOUR), 'one hour of validity left');

    clock.advance(2 * HOUR * 1000);
    const expired = await pap(v!.code);
    assert.equal(expired.code, 'Access-Reject');
    assert.equal(attr(expired, 'Reply-Message'), 'Voucher kedaluwarsa / Voucher expired');

    assert.ok((await runWorkerJob(BILLING_JOBS.expireVouchers) as { expired: number }).expired >= 1);
    const row = await voucherRow(stack.c.db, v!.code);
    assert.equal(row.status, 'expired');
    assert.equal(new Date(row.ended_at as string).getTime(), startedAt + DAY * 1000);
    await stack.radius.sync.settled();
    assert.equal(stack.radius.replica.voucher(v!.code), undefined, 'an expired voucher leaves the replica');
    const still = await pap(v!.code);
    assert.equal(attr(still, 'Reply-Message'), 'Voucher kedaluwarsa / Voucher expired');
  });
});
