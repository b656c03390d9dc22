/**
 * Access-Request scenarios against the real stack (PostgreSQL, the radius role on UDP) with
 * FreeRADIUS's radclient as the NAS: every authentication method for subscribers in every state,
 * with the exact reply attributes a MikroTik router would receive. Every reply shape checked
 * starts with Message-Authenticator (radclient verifies its value and drops a reply whose does
 * not verify).
 *
 * The radius role runs on a clock standing at 2026-11-30 18:00 UTC: 01:00 on 1 December in
 * Jakarta, the hour when a UTC date and the ISP's date disagree about the month (quota periods
 * are Jakarta months). Dates written for the role come from that clock, never from the machine's.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { authenticatorResponse, msChapV2Response, ntPasswordHash } from '../../aaa/auth/mschap.js';
import { settableClock } from '../../lib/clock.js';
import { createNas, createPlan, createSubscription } from '../helpers/factories.js';
import { radclient, type RadclientReply } from '../helpers/radclient.js';
import { startRadiusStack, type RadiusStack } from '../helpers/radius-stack.js';

const SECRET = 'test-secret-4f8a';
const clock = settableClock('2026-11-30T18:00:00Z');
/** The ISP's date (Asia/Jakarta, UTC+7) at `clock`: the first day of December's quota period. */
const JAKARTA_TODAY = '2026-12-01';
const ago = (ms: number): Date => new Date(clock.now().getTime() - ms);

let stack: RadiusStack;
let port: number;
const subs: Record<string, { id: number; username: string; password: string }> = {};
let planId = 0;

async function auth(lines: string[]): Promise<RadclientReply> {
  return radclient({ port, secret: SECRET, type: 'auth', attributes: [...lines, 'Message-Authenticator = 0x00'] });
}

function pap(name: string, password?: string): Promise<RadclientReply> {
  const s = subs[name]!;
  return auth([`User-Name = "${s.username}"`, `User-Password = "${password ?? s.password}"`, 'Calling-Station-Id = "AA:BB:CC:00:00:01"']);
}

/**
 * Reply attributes without the per-packet ones (Message-Authenticator value, Class bytes), once
 * Message-Authenticator is found first (BlastRADIUS, CVE-2024-3596) in the Accept or Reject.
 */
function shape(r: RadclientReply): Array<[string, string]> {
  assert.equal(r.attributes[0]?.[0], 'Message-Authenticator', `Message-Authenticator is the first attribute of the ${r.code}: ${r.stdout}`);
  return r.attributes.filter(([n]) => n !== 'Message-Authenticator' && n !== 'Class');
}

function classOf(r: RadclientReply): string | undefined {
  const hex = r.attributes.find(([n]) => n === 'Class')?.[1];
  return hex ? Buffer.from(hex.slice(2), 'hex').toString('latin1') : undefined;
}

before(async () => {
  stack = await startRadiusStack({
    clock,
    before: async (c) => {
      await createNas(c.db, { secret: SECRET });
      const plan = await createPlan(c.db, { rateLimit: '2M/10M 4M/15M 1500k/8M 16/16 8 1M/5M', framedPool: 'pool-home', softLimitRateLimit: '512k/1M' });
      planId = plan.id;
      const quota = await createPlan(c.db, { rateLimit: '10M/30M', quotaBytes: 10 * 2 ** 30, fupRateLimit: '1M/2M' });
      const twoDevices = await createPlan(c.db, { rateLimit: '5M/5M', simultaneousUse: 2, mikrotikGroup: 'profile-family' });
      const mk = async (name: string, over: Parameters<typeof createSubscription>[1]): Promise<void> => {
        subs[name] = await createSubscription(c.db, { planId: plan.id, ...over });
      };
      await mk('active', {});
      await mk('suspended', { status: 'suspended' });
      await mk('terminated', { status: 'terminated' });
      await mk('soft', { status: 'soft_limited' });
      await mk('static', { staticIp: '100.64.10.20' });
      await mk('prepaid', { billingType: 'prepaid', paidUntil: ago(-2 * 3600 * 1000) });
      await mk('expired', { billingType: 'prepaid', paidUntil: ago(60_000) });
      await mk('quota', { planId: quota.id });
      await mk('family', { planId: twoDevices.id });
      await mk('mschap', { password: 'clientPass' });
    },
  });
  port = stack.radius.ports.authPort;
});

after(async () => {
  await stack.stop();
});

describe('active subscriber', () => {
  test('PAP gets Access-Accept with the plan rate limit, pool, interim interval and a Class naming the subscription', async () => {
    const r = await pap('active');
    assert.equal(r.code, 'Access-Accept');
    assert.deepEqual(shape(r), [
      ['Framed-Pool', 'pool-home'],
      ['Acct-Interim-Interval', '300'],
      ['Mikrotik-Rate-Limit', '2M/10M 4M/15M 1500k/8M 16/16 8 1M/5M'],
    ]);
    assert.equal(classOf(r), `isp1;s=${subs.active!.id};p=${planId};d=a`);
  });

  test('CHAP with the Request Authenticator as challenge is accepted', async () => {
    const s = subs.active!;
    const r = await auth([`User-Name = "${s.username}"`, `CHAP-Password = "${s.password}"`]);
    assert.equal(r.code, 'Access-Accept');
  });

  test('CHAP with a CHAP-Challenge attribute is accepted, and a wrong CHAP password rejected', async () => {
    const s = subs.active!;
    const challenge = randomBytes(16).toString('hex');
    const ok = await auth([`User-Name = "${s.username}"`, `CHAP-Password = "${s.password}"`, `CHAP-Challenge = 0x${challenge}`]);
    assert.equal(ok.code, 'Access-Accept');
    const bad = await auth([`User-Name = "${s.username}"`, 'CHAP-Password = "not-it"', `CHAP-Challenge = 0x${challenge}`]);
    assert.equal(bad.code, 'Access-Reject');
    assert.deepEqual(shape(bad), [['Reply-Message', 'Login ditolak / Login rejected']]);
  });

  test('MS-CHAP v1 from radclient is accepted', async () => {
    const s = subs.active!;
    const r = await auth([`User-Name = "${s.username}"`, `MS-CHAP-Password = "${s.password}"`]);
    assert.equal(r.code, 'Access-Accept');
  });

  test('MS-CHAPv2 is accepted with an MS-CHAP2-Success proving the server knows the password', async () => {
    const s = subs.mschap!;
    const authenticatorChallenge = randomBytes(16);
    const peerChallenge = randomBytes(16);
    const response = msChapV2Response({ username: s.username, password: 'clientPass', authenticatorChallenge, peerChallenge, ident: 7 });
    const r = await auth([
      `User-Name = "${s.username}"`,
      `MS-CHAP-Challenge = 0x${authenticatorChallenge.toString('hex')}`,
      `MS-CHAP2-Response = 0x${response.toString('hex')}`,
    ]);
    assert.equal(r.code, 'Access-Accept');
    const success = r.attributes.find(([n]) => n === 'MS-CHAP2-Success')?.[1];
    assert.ok(success, 'MS-CHAP2-Success present');
    const bytes = Buffer.from(success.slice(2), 'hex');
    assert.equal(bytes[0], 7, 'the ident of the response');
    const expected = authenticatorResponse(ntPasswordHash('clientPass'), response.subarray(26, 50), peerChallenge, authenticatorChallenge, s.username);
    assert.equal(bytes.subarray(1).toString('latin1'), expected);
  });

  test('MS-CHAPv2 with a wrong password is rejected', async () => {
    const s = subs.mschap!;
    const authenticatorChallenge = randomBytes(16);
    const response = msChapV2Response({ username: s.username, password: 'wrong', authenticatorChallenge, peerChallenge: randomBytes(16) });
    const r = await auth([
      `User-Name = "${s.username}"`,
      `MS-CHAP-Challenge = 0x${authenticatorChallenge.toString('hex')}`,
      `MS-CHAP2-Response = 0x${response.toString('hex')}`,
    ]);
    assert.equal(r.code, 'Access-Reject');
    assert.equal(shape(r)[0]?.[0], 'Reply-Message');
  });

  test('a static IP is sent as Framed-IP-Address instead of the pool', async () => {
    const r = await pap('static');
    assert.equal(r.code, 'Access-Accept');
    assert.deepEqual(r.attributes.find(([n]) => n === 'Framed-IP-Address'), ['Framed-IP-Address', '100.64.10.20']);
    assert.equal(r.attributes.find(([n]) => n === 'Framed-Pool'), undefined);
  });

  test('soft-limited subscriber gets the plan soft-limit rate', async () => {
    const r = await pap('soft');
    assert.equal(r.code, 'Access-Accept');
    assert.deepEqual(r.attributes.find(([n]) => n === 'Mikrotik-Rate-Limit'), ['Mikrotik-Rate-Limit', '512k/1M']);
  });

  test('prepaid subscriber gets a Session-Timeout ending at paid-until', async () => {
    const r = await pap('prepaid');
    assert.equal(r.code, 'Access-Accept');
    const timeout = Number(r.attributes.find(([n]) => n === 'Session-Timeout')?.[1]);
    assert.equal(timeout, 2 * 3600, 'paid-until is two hours after the clock');
  });
});

describe('subscribers who may not browse', () => {
  test('suspended subscriber is accepted into the walled garden', async () => {
    const r = await pap('suspended');
    assert.equal(r.code, 'Access-Accept');
    assert.deepEqual(shape(r), [
      ['Framed-Pool', 'pool-home'],
      ['Session-Timeout', '3600'],
      ['Acct-Interim-Interval', '300'],
      ['Mikrotik-Rate-Limit', '512k/512k'],
      ['Mikrotik-Address-List', 'isolir'],
      ['Reply-Message', 'Langganan diisolir, silakan bayar tagihan / Suspended, please pay your invoice'],
    ]);
    assert.match(classOf(r) ?? '', /;d=w$/);
  });

  test('expired prepaid subscriber is accepted into the walled garden', async () => {
    const r = await pap('expired');
    assert.equal(r.code, 'Access-Accept');
    assert.deepEqual(r.attributes.find(([n]) => n === 'Mikrotik-Address-List'), ['Mikrotik-Address-List', 'isolir']);
  });

  test('terminated subscriber is rejected with a Reply-Message', async () => {
    const r = await pap('terminated');
    assert.equal(r.code, 'Access-Reject');
    assert.deepEqual(shape(r), [['Reply-Message', 'Langganan berhenti / Subscription terminated']]);
  });

  test('unknown user and wrong password are rejected', async () => {
    const unknown = await auth(['User-Name = "nobody-here"', 'User-Password = "x"']);
    assert.equal(unknown.code, 'Access-Reject');
    assert.deepEqual(shape(unknown), [['Reply-Message', 'Login ditolak / Login rejected']]);
    const wrong = await pap('active', 'wrong-password');
    assert.equal(wrong.code, 'Access-Reject');
    assert.deepEqual(shape(wrong), [['Reply-Message', 'Login ditolak / Login rejected']]);
  });

  test('a request with no credential at all is rejected', async () => {
    const r = await auth([`User-Name = "${subs.active!.username}"`]);
    assert.equal(r.code, 'Access-Reject');
    shape(r);
  });

  test('with suspendedAction = reject, a suspended subscriber is rejected (setting applied through NOTIFY)', async () => {
    await stack.c.db('settings').insert({ key: 'aaa', value: JSON.stringify({ suspendedAction: 'reject' }) });
    try {
      await stack.radius.sync.settled();
      const r = await pap('suspended');
      assert.equal(r.code, 'Access-Reject');
      assert.deepEqual(shape(r), [['Reply-Message', 'Langganan diisolir, silakan bayar tagihan / Suspended, please pay your invoice']]);
    } finally {
      await stack.c.db('settings').where({ key: 'aaa' }).delete();
      await stack.radius.sync.settled();
    }
  });
});

describe('usage and sessions', () => {
  test('quota plan: Mikrotik-Total-Limit is what is left, with Gigawords above 4 GiB', async () => {
    const s = subs.quota!;
    const r = await pap('quota');
    assert.equal(r.code, 'Access-Accept');
    assert.deepEqual(r.attributes.find(([n]) => n === 'Mikrotik-Total-Limit'), ['Mikrotik-Total-Limit', String((10 * 2 ** 30) % 2 ** 32)]);
    assert.deepEqual(r.attributes.find(([n]) => n === 'Mikrotik-Total-Limit-Gigawords'), ['Mikrotik-Total-Limit-Gigawords', '2']);
    // Use 9.5 GiB today (the ISP's today: a UTC date would fall in November's period): 0.5 GiB left, no Gigawords.
    await stack.c.db('usage_daily').insert({ subscription_id: s.id, day: JAKARTA_TODAY, input_octets: 2 ** 30, output_octets: 8.5 * 2 ** 30 });
    await stack.radius.sync.settled();
    const after = await pap('quota');
    assert.deepEqual(after.attributes.find(([n]) => n === 'Mikrotik-Total-Limit'), ['Mikrotik-Total-Limit', String(0.5 * 2 ** 30)]);
    assert.equal(after.attributes.find(([n]) => n === 'Mikrotik-Total-Limit-Gigawords'), undefined);
  });

  test('quota plan: over the quota the fair-usage rate applies and no Total-Limit is sent', async () => {
    const s = subs.quota!;
    await stack.c.db('usage_daily')
      .insert({ subscription_id: s.id, day: JAKARTA_TODAY, input_octets: 0, output_octets: 2 ** 31 })
      .onConflict(['subscription_id', 'day'])
      .merge({ output_octets: stack.c.db.raw('usage_daily.output_octets + ?', [2 ** 31]) });
    await stack.radius.sync.settled();
    const r = await pap('quota');
    assert.equal(r.code, 'Access-Accept');
    assert.deepEqual(r.attributes.find(([n]) => n === 'Mikrotik-Rate-Limit'), ['Mikrotik-Rate-Limit', '1M/2M']);
    assert.equal(r.attributes.find(([n]) => n === 'Mikrotik-Total-Limit'), undefined);
  });

  test('simultaneous use: a second device is rejected, the same device reconnecting is not', async () => {
    const s = subs.active!;
    const nas = await stack.c.db('nas').first('id');
    const now = clock.now();
    await stack.c.db('accounting_sessions').insert({
      session_key: '11111111-2222-3333-4444-555555555555', acct_session_id: 'sim-1', username: s.username, subscription_id: s.id,
      nas_id: nas.id, nas_ip_address: '127.0.0.1', calling_station_id: 'AA:BB:CC:00:00:01', start_time: now, update_time: now,
    });
    await stack.radius.sync.settled();
    const same = await pap('active');
    assert.equal(same.code, 'Access-Accept', 'same MAC on the same NAS is a reconnect');
    const other = await auth([`User-Name = "${s.username}"`, `User-Password = "${s.password}"`, 'Calling-Station-Id = "AA:BB:CC:00:00:99"']);
    assert.equal(other.code, 'Access-Reject');
    assert.deepEqual(shape(other), [['Reply-Message', 'Sudah login di perangkat lain / Already logged in elsewhere']]);
    await stack.c.db('accounting_sessions').where({ acct_session_id: 'sim-1' }).update({ stop_time: clock.now() });
    await stack.radius.sync.settled();
    const afterStop = await auth([`User-Name = "${s.username}"`, `User-Password = "${s.password}"`, 'Calling-Station-Id = "AA:BB:CC:00:00:99"']);
    assert.equal(afterStop.code, 'Access-Accept');
  });

  test('simultaneous use holds for a long session kept alive by Interim-Updates (the index never sees them)', async () => {
    const s = subs.active!;
    const nas = await stack.c.db('nas').first('id');
    const started = ago(3 * 3600_000);
    await stack.c.db('accounting_sessions').insert({
      session_key: '31111111-2222-3333-4444-555555555555', acct_session_id: 'long-1', username: s.username, subscription_id: s.id,
      nas_id: nas.id, nas_ip_address: '127.0.0.1', calling_station_id: 'AA:BB:CC:00:00:01', start_time: started, update_time: started,
    });
    await stack.radius.sync.settled();
    // An Interim-Update a minute ago: the session is alive, three hours after its Start.
    await stack.c.db('accounting_sessions').where({ acct_session_id: 'long-1' }).update({ update_time: ago(60_000) });
    const other = await auth([`User-Name = "${s.username}"`, `User-Password = "${s.password}"`, 'Calling-Station-Id = "AA:BB:CC:00:00:98"']);
    assert.equal(other.code, 'Access-Reject', 'a second device while the first is online');
    await stack.c.db('accounting_sessions').where({ acct_session_id: 'long-1' }).update({ stop_time: clock.now() });
    await stack.radius.sync.settled();
  });

  test('a plan allowing two devices accepts the second and sends its Mikrotik-Group', async () => {
    const s = subs.family!;
    const nas = await stack.c.db('nas').first('id');
    const now = clock.now();
    await stack.c.db('accounting_sessions').insert({
      session_key: '21111111-2222-3333-4444-555555555555', acct_session_id: 'fam-1', username: s.username, subscription_id: s.id,
      nas_id: nas.id, nas_ip_address: '127.0.0.1', calling_station_id: 'AA:BB:CC:00:01:01', start_time: now, update_time: now,
    });
    await stack.radius.sync.settled();
    const r = await auth([`User-Name = "${s.username}"`, `User-Password = "${s.password}"`, 'Calling-Station-Id = "AA:BB:CC:00:01:02"']);
    assert.equal(r.code, 'Access-Accept');
    assert.deepEqual(r.attributes.find(([n]) => n === 'Mikrotik-Group'), ['Mikrotik-Group', 'profile-family']);
  });
});

describe('state changes and the post-auth log', () => {
  test('a subscription suspended in the database is in the walled garden on its next login, within a second', async () => {
    const s = subs.static!;
    assert.equal((await pap('static')).attributes.find(([n]) => n === 'Mikrotik-Address-List'), undefined);
    const t0 = Date.now();
    await stack.c.db('subscriptions').where({ id: s.id }).update({ status: 'suspended' });
    let r: RadclientReply;
    do {
      r = await pap('static');
    } while (!r.attributes.some(([n]) => n === 'Mikrotik-Address-List') && Date.now() - t0 < 3000);
    const elapsed = Date.now() - t0;
    assert.deepEqual(r.attributes.find(([n]) => n === 'Mikrotik-Address-List'), ['Mikrotik-Address-List', 'isolir']);
    assert.ok(elapsed < 1000, `took ${elapsed} ms`);
  });

  test('a subscription created after start-up can log in at once', async () => {
    const fresh = await createSubscription(stack.c.db, { planId, password: 'fresh-pw' });
    const r = await auth([`User-Name = "${fresh.username}"`, 'User-Password = "fresh-pw"']);
    assert.equal(r.code, 'Access-Accept');
  });

  test('by default the post-auth log keeps rejections and walled-garden decisions, with reasons and never the password', async () => {
    await pap('active', 'definitely-wrong');
    await pap('suspended');
    await pap('active');
    await stack.radius.flushPostAuth();
    const rows = await stack.c.db('post_auth_log').where({ username: subs.active!.username }).orderBy('id');
    assert.ok(rows.some((r) => r.result === 'reject' && r.reason === 'bad_password' && r.auth_type === 'pap'));
    assert.ok(!rows.some((r) => r.result === 'accept'), 'accepted logins are in accounting, not here');
    const walled = await stack.c.db('post_auth_log').where({ username: subs.suspended!.username });
    assert.ok(walled.some((r) => r.result === 'walled_garden' && r.reason === 'suspended'));
    const columns = Object.keys(rows[0]);
    assert.ok(!columns.some((c) => /pass/i.test(c)), `columns: ${columns.join(', ')}`);
    const all = JSON.stringify(await stack.c.db('post_auth_log').select());
    assert.ok(!all.includes('definitely-wrong') && !all.includes(subs.active!.password), 'no password in the log');
  });

  test('RADIUS_POST_AUTH_LOG=all logs accepted logins too', async () => {
    const other = await startRadiusStack({
      env: { RADIUS_POST_AUTH_LOG: 'all' },
      before: async (c) => {
        await createNas(c.db, { secret: SECRET });
        subs.logged = await createSubscription(c.db, { password: 'logged-pw' });
      },
    });
    try {
      const r = await radclient({ port: other.radius.ports.authPort, secret: SECRET, type: 'auth', attributes: [`User-Name = "${subs.logged!.username}"`, 'User-Password = "logged-pw"', 'Message-Authenticator = 0x00'] });
      assert.equal(r.code, 'Access-Accept');
      await other.radius.flushPostAuth();
      const rows = await other.c.db('post_auth_log').where({ username: subs.logged!.username });
      assert.deepEqual(rows.map((x) => [x.result, x.reason]), [['accept', 'active']]);
    } finally {
      await other.stop();
    }
  });
});
