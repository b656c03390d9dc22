/**
 * Accounting-Requests at the edges, with radclient as the NAS: 64-bit counters past 2^53 (RFC
 * 2869 §5.1-5.2) stored exactly and loaded into the replica's quota usage (and a voucher's usage
 * into the replica's voucher), also by a restarted server;
 * requests that can never be stored as sent (a total above 2^63 − 1, a row the database refuses)
 * answered and kept as dead letters without slowing the good ones; a Class naming a deleted
 * subscription; an absurd Acct-Session-Time; and the bound on accounting work in flight.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRadiusRole, type RadiusRole } from '../../server/radius-role.js';
import { classFor } from '../../aaa/policy/reply-attributes.js';
import { holdAccountingLock } from '../helpers/accounting-lock.js';
import { until } from '../helpers/browser.js';
import { createTestContainer, type TestContainer } from '../helpers/container.js';
import { createNas, createPlan, createSubscription } from '../helpers/factories.js';
import { radclient, type RadclientReply } from '../helpers/radclient.js';
import { createVoucherBatch, voucherAccounting } from '../helpers/vouchers-fixtures.js';

const SECRET = 'edge-secret-7713';
const GIB = 2 ** 30;

interface Stack {
  c: TestContainer;
  radius: RadiusRole;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Stops the radius role and starts a new one on the same database (a server restart). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const c = await createTestContainer({ env });
  await createNas(c.db, { secret: SECRET });
  const start = () => startRadiusRole(c, { host: '127.0.0.1', authPort: 0, acctPort: 0, schedule: false });
  const stack: Stack = {
    c,
    radius: await start(),
    async metric(name, labels = {}) {
      const m = (await c.metrics.getMetricsAsJSON()).find((x) => x.name === name);
      const v = m?.values.find((s) => Object.entries(labels).every(([k, val]) => String(s.labels[k]) === val));
      return v ? Number(v.value) : 0;
    },
    async restart() {
      await stack.radius.stop();
      c.metrics.clear(); // the new role registers its metrics again
      stack.radius = await start();
    },
    async stop() {
      await stack.radius.stop();
      await c.dispose();
    },
  };
  return stack;
}

function acct(stack: Stack, lines: string[], opts: { timeoutSeconds?: number } = {}): Promise<RadclientReply> {
  return radclient({ port: stack.radius.ports.acctPort, secret: SECRET, type: 'acct', attributes: lines, retries: 1, timeoutSeconds: opts.timeoutSeconds ?? 5 });
}

function session(username: string, id: string, status: string, extra: string[] = []): string[] {
  return [`User-Name = "${username}"`, `Acct-Session-Id = "${id}"`, `Acct-Status-Type = ${status}`, 'NAS-Port = 3', ...extra];
}

/** Counters as text: values past 2^53 would make the int8 parser throw. */
async function counters(stack: Stack, acctSessionId: string): Promise<{ input: string; output: string; subscriptionId: number | null } | undefined> {
  const { rows } = await stack.c.db.raw(
    `SELECT input_octets::text AS input, output_octets::text AS output, subscription_id AS "subscriptionId"
       FROM accounting_sessions WHERE acct_session_id = ?`,
    [acctSessionId],
  );
  return rows[0];
}

describe('counters past 2^53', () => {
  let stack: Stack;
  let quotaSub: { id: number; username: string; password: string };
  before(async () => {
    stack = await startStack();
    const plan = await createPlan(stack.c.db, { quotaBytes: 10 * GIB, fupRateLimit: '1M/2M', simultaneousUse: 2 });
    quotaSub = await createSubscription(stack.c.db, { planId: plan.id });
    await stack.radius.sync.settled();
  });
  after(() => stack.stop());

  test('9007199254740997 octets (2^53 + 5) round-trip exactly: the session row and the per-day usage', async () => {
    const sub = await createSubscription(stack.c.db);
    // Accounting ties a session to its subscription through the radius role's index: wait until it knows this one.
    await stack.radius.sync.settled();
    const r = await acct(stack, session(sub.username, 'exact-1', 'Interim-Update', ['Acct-Input-Gigawords = 2097152', 'Acct-Input-Octets = 5']));
    assert.equal(r.code, 'Accounting-Response');
    assert.equal((await counters(stack, 'exact-1'))?.input, '9007199254740997');
    const { rows } = await stack.c.db.raw('SELECT sum(input_octets)::text AS input FROM usage_daily WHERE subscription_id = ?', [sub.id]);
    assert.equal(rows[0].input, '9007199254740997');
  });

  test('a quota subscriber past 2^53: the replica holds the exact usage, a restart loads it, and the quota applies', async () => {
    // The packet of the report: Gigawords 2^22, i.e. 2^54 + 1000 octets.
    const r = await acct(stack, session(quotaSub.username, 'q1', 'Interim-Update', ['Acct-Input-Gigawords = 4194304', 'Acct-Input-Octets = 1000']));
    assert.equal(r.code, 'Accounting-Response');
    await stack.radius.sync.settled();
    const periodStart = stack.radius.replica.quotaPeriodStart(
      stack.radius.replica.subscriptionById(quotaSub.id)!, stack.radius.replica.plan(stack.radius.replica.subscriptionById(quotaSub.id)!.planId)!, new Date(),
    )!;
    assert.equal(stack.radius.replica.usedOctets(quotaSub.id, periodStart), 2n ** 54n + 1000n);

    await stack.restart(); // used to fail: "bigint … exceeds the exact range of a JS number"
    const login = await radclient({
      port: stack.radius.ports.authPort, secret: SECRET, type: 'auth',
      attributes: [`User-Name = "${quotaSub.username}"`, `User-Password = "${quotaSub.password}"`, 'Message-Authenticator = 0x00'],
    });
    assert.equal(login.code, 'Access-Accept');
    assert.deepEqual(login.attributes.find(([n]) => n === 'Mikrotik-Rate-Limit'), ['Mikrotik-Rate-Limit', '1M/2M'], 'over the quota: the fair-usage rate');
    assert.equal(login.attributes.find(([n]) => n === 'Mikrotik-Total-Limit'), undefined);
  });
});

describe('voucher usage past 2^53', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.stop());

  test('a voucher session past 2^53 octets: the replica reloads the voucher, and a restart loads it', async () => {
    const { vouchers: [v] } = await createVoucherBatch(stack.c.db, { timeLimitSeconds: null, dataLimitBytes: null, codes: ['HUGEUSE1'] });
    const r = await voucherAccounting({ port: stack.radius.ports.acctPort, secret: SECRET, voucher: v!, sessionId: 'v-huge', status: 'Interim-Update', octets: 2 ** 55 });
    assert.equal(r.code, 'Accounting-Response');
    await stack.radius.sync.settled();
    // Capped at 2^53 − 1 in the index: beyond any data limit, and the load cannot throw.
    assert.equal(stack.radius.replica.voucherById(v!.id)?.usedOctets, Number.MAX_SAFE_INTEGER);
    await stack.restart();
    assert.equal(stack.radius.replica.voucherById(v!.id)?.usedOctets, Number.MAX_SAFE_INTEGER);
  });
});

describe('requests that can never be stored as sent', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.stop());

  const deadLetters = async (reason: string): Promise<Array<{ record: Record<string, unknown>; nas_ip_address: string }>> =>
    stack.c.db('accounting_dead_letters').where({ reason }).select('record', 'nas_ip_address');

  test('Gigawords 4294967295 (a total above 2^63 − 1): answered, kept as a dead letter with the reason, counted', async () => {
    const sub = await createSubscription(stack.c.db);
    const r = await acct(stack, session(sub.username, 'huge-1', 'Interim-Update', ['Acct-Input-Gigawords = 4294967295', 'Acct-Input-Octets = 1000']));
    assert.equal(r.code, 'Accounting-Response');
    assert.equal(await counters(stack, 'huge-1'), undefined, 'no session row');
    const [letter] = await deadLetters('input_octets_out_of_range');
    assert.ok(letter);
    assert.equal(letter.record.acctSessionId, 'huge-1');
    assert.equal(letter.record.inputOctets, (4294967295n * 2n ** 32n + 1000n).toString(), 'the exact value as sent');
    assert.equal(letter.nas_ip_address, '127.0.0.1');
    assert.equal(await stack.metric('radius_accounting_dead_letters_total', { reason: 'input_octets_out_of_range' }), 1);
    assert.equal(await stack.metric('radius_requests_total', { type: 'accounting', result: 'dead_letter' }), 1);
  });

  test('a Class naming a subscription that no longer exists (an older backup restored): answered, stored, linked by username', async () => {
    const sub = await createSubscription(stack.c.db);
    await stack.radius.sync.settled();
    const gone = `Class = 0x${classFor(987_654, sub.planId, false).toString('hex')}`;
    const r = await acct(stack, session(sub.username, 'orphan-1', 'Start', [gone]));
    assert.equal(r.code, 'Accounting-Response');
    assert.equal((await counters(stack, 'orphan-1'))?.subscriptionId, sub.id);
    // Nobody of that name either: the session is kept without a link.
    const r2 = await acct(stack, session('nobody-here', 'orphan-2', 'Start', [gone]));
    assert.equal(r2.code, 'Accounting-Response');
    const row = await counters(stack, 'orphan-2');
    assert.ok(row);
    assert.equal(row.subscriptionId, null);
  });

  test('Acct-Session-Time 4294967295 does not move the session start (to 1890), and is counted', async () => {
    const sub = await createSubscription(stack.c.db);
    const startOf = async (id: string) =>
      new Date((await stack.c.db('accounting_sessions').where({ acct_session_id: id }).first('start_time')).start_time).getTime();
    await acct(stack, session(sub.username, 'long-1', 'Start'));
    const started = await startOf('long-1');
    await acct(stack, session(sub.username, 'long-1', 'Interim-Update', ['Acct-Session-Time = 4294967295']));
    assert.equal(await startOf('long-1'), started);
    // Without a Start, the estimate is not taken from it either.
    const r = await acct(stack, session(sub.username, 'long-2', 'Interim-Update', ['Acct-Session-Time = 4294967295']));
    assert.equal(r.code, 'Accounting-Response');
    assert.ok(Math.abs((await startOf('long-2')) - Date.now()) < 60_000);
    assert.equal(await stack.metric('radius_accounting_ignored_values_total', { reason: 'session_time_out_of_range' }), 2);
  });

  test('one record the database refuses in a batch of good ones: the good ones commit together, the refused one is a dead letter', async () => {
    // Per-day usage at the top of the int8 range: adding this session's octets overflows in the
    // database's trigger (bigint out of range), which no check before the batch can see.
    const full = await createSubscription(stack.c.db);
    await stack.c.db.raw(
      `INSERT INTO usage_daily (subscription_id, day, input_octets) VALUES (?, (now() AT TIME ZONE isp_time_zone())::date, 9223372036854775000)`,
      [full.id],
    );
    const good = Array.from({ length: 30 }, (_, i) => `batch-good-${i}`);
    const lock = await holdAccountingLock(stack.c.testDb.url, stack.c.db);
    let replies: RadclientReply[];
    try {
      const sent = [
        ...good.slice(0, 15).map((id) => acct(stack, session('walk-in', id, 'Start'), { timeoutSeconds: 20 })),
        acct(stack, session(full.username, 'batch-bad', 'Interim-Update', ['Acct-Input-Octets = 100000']), { timeoutSeconds: 20 }),
        ...good.slice(15).map((id) => acct(stack, session('walk-in', id, 'Start'), { timeoutSeconds: 20 })),
      ];
      // Everything is queued behind the lock, so it reaches the database as one batch per lane.
      await until('all 31 records are in flight', async () => (await stack.metric('radius_accounting_in_flight')) === 31);
      await lock.release();
      replies = await Promise.all(sent);
    } finally {
      await lock.release();
    }
    assert.deepEqual(replies.map((r) => r.code), Array(31).fill('Accounting-Response'));
    const { rows } = await stack.c.db.raw(
      'SELECT count(*)::int AS n, count(DISTINCT xmin::text)::int AS commits FROM accounting_sessions WHERE acct_session_id = ANY(?)',
      [good],
    );
    assert.equal(rows[0].n, 30);
    // One by one would be 30 commits; halving the refused batch takes about log2(30) + 1 per lane.
    assert.ok(rows[0].commits <= 10, `30 good records in ${rows[0].commits} commits`);
    const [letter] = await deadLetters('db_22003');
    assert.equal(letter?.record.acctSessionId, 'batch-bad');
    assert.equal(await counters(stack, 'batch-bad'), undefined);
    assert.equal(await stack.metric('radius_accounting_dead_letters_total', { reason: 'db_22003' }), 1);
  });
});

describe('the bound on accounting work in flight (RADIUS_ACCT_MAX_IN_FLIGHT)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ RADIUS_ACCT_MAX_IN_FLIGHT: '3' });
  });
  after(() => stack.stop());

  test('beyond the bound, requests are dropped without a reply and counted; those within are answered after the commit', async () => {
    const lock = await holdAccountingLock(stack.c.testDb.url, stack.c.db);
    try {
      const within = ['bound-1', 'bound-2', 'bound-3'].map((id) => acct(stack, session('walk-in', id, 'Start'), { timeoutSeconds: 20 }));
      await until('three records in flight', async () => (await stack.metric('radius_accounting_in_flight')) === 3);
      const beyond = await Promise.all(['bound-4', 'bound-5'].map((id) => acct(stack, session('walk-in', id, 'Start'), { timeoutSeconds: 1 })));
      assert.deepEqual(beyond.map((r) => r.code), [null, null], 'no reply: the NAS retries later');
      assert.equal(await stack.metric('radius_dropped_total', { reason: 'accounting_queue_full' }), 2);
      await lock.release();
      assert.deepEqual((await Promise.all(within)).map((r) => r.code), Array(3).fill('Accounting-Response'));
    } finally {
      await lock.release();
    }
    const stored = await stack.c.db('accounting_sessions').where('acct_session_id', 'like', 'bound-%').orderBy('acct_session_id').pluck('acct_session_id');
    assert.deepEqual(stored, ['bound-1', 'bound-2', 'bound-3']);
    assert.equal(await stack.metric('radius_accounting_in_flight'), 0);
  });
});
