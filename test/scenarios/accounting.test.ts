/**
 * Accounting (RFC 2866) against the real stack with radclient as the NAS: one row per session,
 * cumulative counters with Gigawords, per-day usage, Accounting-On/Off, the stale sweep, and the
 * promise behind every Accounting-Response: the row is already committed (tested by stalling and
 * by failing the commit from another connection).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dictionary } from '../../aaa/codec/dictionary.js';
import { Code } from '../../aaa/codec/packet.js';
import { PacketWriter } from '../../aaa/codec/writer.js';
import { sweepStaleSessions } from '../../aaa/accounting/sweep-stale-sessions.js';
import { classFor } from '../../aaa/policy/reply-attributes.js';
import { systemClock } from '../../lib/clock.js';
import { holdAccountingLock } from '../helpers/accounting-lock.js';
import { until } from '../helpers/browser.js';
import { createNas, createSubscription } from '../helpers/factories.js';
import { radclient, type RadclientReply } from '../helpers/radclient.js';
import { startRadiusStack, type RadiusStack } from '../helpers/radius-stack.js';
import { createUdpPeer } from '../helpers/udp-peer.js';

const SECRET = 'acct-secret-5521';
const OTHER_SECRET = 'acct-secret-other';
let stack: RadiusStack;
let port: number;
let sub: { id: number; username: string; planId: number };
let nasId: number;

function acct(lines: string[]): Promise<RadclientReply> {
  return radclient({ port, secret: SECRET, type: 'acct', attributes: lines });
}

function session(id: string, status: string, extra: string[] = []): string[] {
  return [
    `User-Name = "${sub.username}"`, `Acct-Session-Id = "${id}"`, `Acct-Status-Type = ${status}`,
    'NAS-Port-Id = "ether2"', 'NAS-Port-Type = Ethernet', 'Calling-Station-Id = "AA:BB:CC:11:22:33"',
    'Framed-IP-Address = 100.64.0.10', `Class = 0x${classFor(sub.id, sub.planId, false).toString('hex')}`, ...extra,
  ];
}

const row = (id: string): Promise<Record<string, unknown>> => stack.c.db('accounting_sessions').where({ acct_session_id: id }).first();
const usage = async (): Promise<{ input: number; output: number }> => {
  const r = await stack.c.db('usage_daily').where({ subscription_id: sub.id }).sum({ input: 'input_octets', output: 'output_octets' }).first();
  return { input: Number(r?.input ?? 0), output: Number(r?.output ?? 0) };
};

before(async () => {
  stack = await startRadiusStack({
    before: async (c) => {
      nasId = (await createNas(c.db, { secret: SECRET })).id;
      await createNas(c.db, { ipAddress: '127.0.0.4', secret: OTHER_SECRET });
      sub = await createSubscription(c.db);
    },
  });
  port = stack.radius.ports.acctPort;
});

after(async () => {
  await stack.stop();
});

describe('a session from Start to Stop', () => {
  test('Start creates one open row, tied to the subscription by its Class; the row exists when the response arrives', async () => {
    const r = await acct(session('s-1', 'Start'));
    assert.equal(r.code, 'Accounting-Response');
    const s = await row('s-1');
    assert.ok(s, 'committed before the Accounting-Response');
    assert.equal(s.subscription_id, sub.id);
    assert.equal(s.nas_id, nasId);
    assert.equal(s.stop_time, null);
    assert.equal(s.framed_ip_address, '100.64.0.10');
    assert.equal(s.calling_station_id, 'AA:BB:CC:11:22:33');
    assert.equal(s.nas_port, 'ether2');
    assert.equal(s.nas_port_type, 'Ethernet');
    assert.ok(Math.abs(new Date(s.start_time as string).getTime() - Date.now()) < 5000);
  });

  test('Interim-Update stores totals including Gigawords, and usage counts the growth once', async () => {
    await acct(session('s-1', 'Interim-Update', [
      'Acct-Session-Time = 300', 'Acct-Input-Octets = 1000', 'Acct-Input-Gigawords = 1',
      'Acct-Output-Octets = 5000', 'Acct-Output-Gigawords = 2', 'Acct-Input-Packets = 10', 'Acct-Output-Packets = 20',
    ]));
    const s = await row('s-1');
    assert.equal(s.input_octets, 2 ** 32 + 1000);
    assert.equal(s.output_octets, 2 * 2 ** 32 + 5000);
    assert.equal(s.session_time, 300);
    assert.deepEqual(await usage(), { input: 2 ** 32 + 1000, output: 2 * 2 ** 32 + 5000 });

    // The same cumulative totals again (a repeated interim): nothing is added.
    await acct(session('s-1', 'Interim-Update', [
      'Acct-Session-Time = 600', 'Acct-Input-Octets = 1000', 'Acct-Input-Gigawords = 1',
      'Acct-Output-Octets = 5000', 'Acct-Output-Gigawords = 2',
    ]));
    assert.deepEqual(await usage(), { input: 2 ** 32 + 1000, output: 2 * 2 ** 32 + 5000 });
    assert.equal((await row('s-1')).session_time, 600);
  });

  test('an older Interim arriving late does not roll the counters back', async () => {
    await acct(session('s-1', 'Interim-Update', ['Acct-Session-Time = 120', 'Acct-Input-Octets = 10', 'Acct-Output-Octets = 10']));
    const s = await row('s-1');
    assert.equal(s.input_octets, 2 ** 32 + 1000);
    assert.equal(s.session_time, 600);
  });

  test('Stop closes the row with its cause and adds only the last growth to usage', async () => {
    await acct(session('s-1', 'Stop', [
      'Acct-Session-Time = 900', 'Acct-Input-Octets = 3000', 'Acct-Input-Gigawords = 1',
      'Acct-Output-Octets = 9000', 'Acct-Output-Gigawords = 2', 'Acct-Terminate-Cause = User-Request',
    ]));
    const s = await row('s-1');
    assert.ok(s.stop_time);
    assert.equal(s.terminate_cause, 'User-Request');
    assert.equal(s.input_octets, 2 ** 32 + 3000);
    assert.deepEqual(await usage(), { input: 2 ** 32 + 3000, output: 2 * 2 ** 32 + 9000 });
    assert.equal((await stack.c.db('accounting_sessions').where({ acct_session_id: 's-1' })).length, 1, 'one row per session');
  });

  test('an Interim after the Stop does not reopen the session', async () => {
    await acct(session('s-1', 'Interim-Update', ['Acct-Session-Time = 950']));
    assert.ok((await row('s-1')).stop_time);
  });
});

describe('acknowledged only after commit (RFC 2866 §4.1)', () => {
  test('while the commit waits for a lock, no Accounting-Response goes out; it follows the commit', async () => {
    const lock = await holdAccountingLock(stack.c.testDb.url, stack.c.db);
    try {
      const answered = () => stack.metric('radius_requests_total', { type: 'accounting', result: 'start' });
      const before = await answered();
      let replied = false;
      const reply = acct(session('commit-1', 'Start')).then((r) => ((replied = true), r));
      await lock.waiters(1); // the server's INSERT is waiting: the record is not committed
      assert.equal(replied, false, 'radclient got no reply');
      assert.equal(await answered(), before, 'the server sent no reply');
      assert.equal(await row('commit-1'), undefined);
      await lock.release();
      const r = await reply;
      assert.equal(r.code, 'Accounting-Response');
      assert.ok(await row('commit-1'));
    } finally {
      await lock.release();
    }
  });

  test('when the commit fails, no Accounting-Response goes out at all (the NAS retries)', async () => {
    const lock = await holdAccountingLock(stack.c.testDb.url, stack.c.db);
    try {
      const failedBefore = await stack.metric('radius_dropped_total', { reason: 'internal_error' });
      const reply = radclient({ port, secret: SECRET, type: 'acct', attributes: session('commit-2', 'Start'), retries: 1, timeoutSeconds: 2 });
      const [pid] = await lock.waiters(1);
      await stack.c.db.raw('SELECT pg_cancel_backend(?)', [pid!]); // the statement fails: query_canceled
      await until('the failed request is dropped', async () => (await stack.metric('radius_dropped_total', { reason: 'internal_error' })) > failedBefore);
      await lock.release();
      assert.equal((await reply).code, null, 'radclient timed out without a reply');
      assert.equal(await row('commit-2'), undefined);
    } finally {
      await lock.release();
    }
  });
});

describe('lost packets', () => {
  test('an Interim-Update without a Start creates the session, started Acct-Session-Time ago', async () => {
    await acct(session('s-2', 'Interim-Update', ['Acct-Session-Time = 3600', 'Acct-Input-Octets = 5', 'Acct-Output-Octets = 7']));
    const s = await row('s-2');
    assert.equal(s.stop_time, null);
    const started = new Date(s.start_time as string).getTime();
    assert.ok(Math.abs(Date.now() - 3600_000 - started) < 5000, 'start = now − session time');
    assert.equal(s.start_is_estimate, true);
    // Later Interims keep the estimate; the late Start replaces it.
    await acct(session('s-2', 'Interim-Update', ['Acct-Session-Time = 3000']));
    assert.equal(new Date((await row('s-2')).start_time as string).getTime(), started);
    await acct(session('s-2', 'Start'));
    const corrected = await row('s-2');
    assert.equal(corrected.start_is_estimate, false);
    assert.ok(Math.abs(Date.now() - new Date(corrected.start_time as string).getTime()) < 5000);
  });

  test('a Stop without a Start creates a closed session', async () => {
    await acct(session('s-3', 'Stop', ['Acct-Session-Time = 60', 'Acct-Terminate-Cause = Lost-Carrier']));
    const s = await row('s-3');
    assert.ok(s.stop_time);
    assert.equal(s.terminate_cause, 'Lost-Carrier');
  });

  test('Acct-Delay-Time moves the event back', async () => {
    await acct(session('s-4', 'Start', ['Acct-Delay-Time = 120']));
    const s = await row('s-4');
    assert.ok(Math.abs(Date.now() - 120_000 - new Date(s.start_time as string).getTime()) < 5000);
  });

  test('a retransmitted Accounting-Request is answered again but processed once', async () => {
    const w = new PacketWriter().reset(Code.AccountingRequest, 99);
    const d = dictionary();
    w.add(d.attr('Acct-Status-Type'), 'Start').add(d.attr('User-Name'), sub.username).add(d.attr('Acct-Session-Id'), 's-dup');
    const packet = w.toSignedRequest(Buffer.from(SECRET));
    const peer = await createUdpPeer();
    const before = await stack.metric('radius_requests_total', { type: 'accounting', result: 'start' });
    const a = await peer.request(packet, port);
    const b = await peer.request(packet, port);
    peer.close();
    assert.ok(a && b && a.equals(b));
    assert.equal(await stack.metric('radius_requests_total', { type: 'accounting', result: 'start' }), before + 1);
  });
});

describe('NAS reboot and stale sessions', () => {
  test('Accounting-On closes every open session of that NAS (NAS-Reboot), not those of other NAS', async () => {
    await acct(session('on-1', 'Start'));
    await acct(session('on-2', 'Start'));
    // A session on the other NAS (127.0.0.4).
    const w = new PacketWriter().reset(Code.AccountingRequest, 5);
    const d = dictionary();
    w.add(d.attr('Acct-Status-Type'), 'Start').add(d.attr('User-Name'), sub.username).add(d.attr('Acct-Session-Id'), 'other-1');
    const peer = await createUdpPeer('127.0.0.4');
    assert.ok(await peer.request(w.toSignedRequest(Buffer.from(OTHER_SECRET)), port));
    peer.close();
    await new Promise((r) => setTimeout(r, 20)); // the Starts' event times must precede the Accounting-On
    await acct(['Acct-Status-Type = Accounting-On', 'NAS-Identifier = "router-1"']);
    for (const id of ['on-1', 'on-2']) {
      const s = await row(id);
      assert.ok(s.stop_time, `${id} closed`);
      assert.equal(s.terminate_cause, 'NAS-Reboot');
    }
    assert.equal((await row('other-1')).stop_time, null, 'a session on another NAS stays open');
  });

  test('Accounting-Off closes them too, and a session started after it stays open', async () => {
    await acct(session('off-1', 'Start'));
    await new Promise((r) => setTimeout(r, 20));
    await acct(['Acct-Status-Type = Accounting-Off']);
    await new Promise((r) => setTimeout(r, 20));
    await acct(session('off-2', 'Start'));
    assert.equal((await row('off-1')).terminate_cause, 'NAS-Reboot');
    assert.equal((await row('off-2')).stop_time, null);
  });

  test('the sweep closes sessions silent for too long; a later Interim from the live session reopens it', async () => {
    await acct(session('stale-1', 'Start'));
    await stack.c.db('accounting_sessions').where({ acct_session_id: 'stale-1' }).update({ update_time: new Date(Date.now() - 3600_000) });
    const closed = await sweepStaleSessions(stack.c.db, systemClock, 15 * 60_000);
    assert.ok(closed >= 1);
    const s = await row('stale-1');
    assert.equal(s.terminate_cause, 'Stale-Session');
    assert.ok(s.stop_time);
    await acct(session('stale-1', 'Interim-Update', ['Acct-Session-Time = 4000']));
    const reopened = await row('stale-1');
    assert.equal(reopened.stop_time, null);
    assert.equal(reopened.terminate_cause, null);
  });

  test('the simultaneous-use view follows accounting: a Start or Stop marks the sessions changed; a login reads them, or the replica reads them a second later', async () => {
    const held = (): boolean | undefined => stack.radius.replica.openSessions(sub.id)?.some((s) => s.acctSessionId === 'idx-1');
    await acct(session('idx-1', 'Start'));
    await stack.radius.sync.settled();
    assert.ok((await stack.radius.sync.loadOpenSessions(sub.id)).some((s) => s.acctSessionId === 'idx-1'), 'what a login reads');
    assert.equal(held(), true, 'held once read');
    await acct(session('idx-1', 'Stop'));
    await stack.radius.sync.settled();
    // No login: the replica reads the changed sessions ahead of the next one (replica-sync.ts, READ_AHEAD_MS).
    await until('the replica reads the Stop ahead of a login', async () => held() === false, 10_000);
    await acct(session('idx-2', 'Start'));
    await until('the replica reads the Start ahead of a login', async () => stack.radius.replica.openSessions(sub.id)?.some((s) => s.acctSessionId === 'idx-2') === true, 10_000);
    await acct(session('idx-2', 'Stop'));
  });
});

test('many Accounting-Requests at once share commits, and every one is stored', async () => {
  const d = dictionary();
  const peer = await createUdpPeer();
  const n = 400;
  const packets = Array.from({ length: n }, (_, i) =>
    new PacketWriter().reset(Code.AccountingRequest, i % 256)
      .add(d.attr('Acct-Status-Type'), 'Start').add(d.attr('User-Name'), sub.username).add(d.attr('Acct-Session-Id'), `burst-${i}`)
      .toSignedRequest(Buffer.from(SECRET)),
  );
  const countBefore = await stack.histogramCount('radius_accounting_batch_size');
  // Two waves, so no Identifier is reused while in flight.
  for (const wave of [packets.slice(0, 200), packets.slice(200)]) {
    const replies = await Promise.all(wave.map((p, i) => new Promise<Buffer | null>((resolve) => setTimeout(() => resolve(peer.request(p, port, 3000)), i % 5))));
    assert.ok(replies.every(Boolean), 'every request answered');
  }
  peer.close();
  const stored = await stack.c.db('accounting_sessions').where('acct_session_id', 'like', 'burst-%').count({ n: '*' }).first();
  assert.equal(Number(stored?.n), n);
  const countAfter = await stack.histogramCount('radius_accounting_batch_size');
  const commits = countAfter - countBefore;
  assert.ok(commits > 0 && commits < n, `${n} requests in ${commits} commits`);
});

test('two radius processes storing the same session at once count its usage exactly once', async () => {
  // Two writers on two connection pools: what two radius processes (or instances) behind one
  // NAS that retransmits to both would do.
  const { createAccountingWriter } = await import('../../aaa/accounting/accounting-writer.js');
  const { createDb } = await import('../../lib/db.js');
  const { createRadiusMetrics } = await import('../../aaa/metrics/radius-metrics.js');
  const { Registry } = await import('prom-client');
  const { sessionKey } = await import('../../aaa/accounting/accounting-record.js');
  const dbs = [createDb({ url: stack.c.testDb.url }), createDb({ url: stack.c.testDb.url })];
  const writers = dbs.map((db) => createAccountingWriter({ db, log: stack.c.log, metrics: createRadiusMetrics(new Registry()) }));
  const other = await createSubscription(stack.c.db);
  const key = sessionKey(other.username, 'race-1', '127.0.0.1', '');
  const at = Date.now();
  const record = (round: number) => ({
    kind: 'interim' as const, sessionKey: key, acctSessionId: 'race-1', acctMultiSessionId: null, username: other.username,
    subscriptionId: other.id, nasId, nasIpAddress: '127.0.0.1', nasIdentifier: null, nasPort: null, nasPortType: null,
    callingStationId: null, calledStationId: null, framedIpAddress: null, serviceType: null, class: null,
    eventTime: at + round, startTime: at - 1000, startIsEstimate: true, sessionTime: round,
    inputOctets: BigInt(round * 1000), outputOctets: BigInt(round * 3000), inputPackets: round, outputPackets: round, terminateCause: null,
  });
  try {
    // Every round reaches both writers at the same time, as a retransmission to two servers would.
    for (let round = 1; round <= 60; round++) await Promise.all(writers.map((w) => w.submit(record(round))));
    const total = await stack.c.db('usage_daily').where({ subscription_id: other.id })
      .sum({ input: 'input_octets', output: 'output_octets' }).first();
    assert.deepEqual({ input: Number(total?.input), output: Number(total?.output) }, { input: 60_000, output: 180_000 });
  } finally {
    await Promise.all(writers.map((w) => w.close()));
    await Promise.all(dbs.map((db) => db.destroy()));
  }
});
