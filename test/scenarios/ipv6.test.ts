/**
 * IPv6 for each plan kind (issue 13 item 5), against the real radius role on UDP with FreeRADIUS's
 * radclient as the NAS, which decodes the ipv6prefix attributes itself (RFC 3162 §2.3, RFC 4818):
 *
 * - PPPoE plan with pools: Framed-IPv6-Pool and Mikrotik-Delegated-IPv6-Pool;
 * - static-prefix subscription on that plan: Framed-IPv6-Prefix and Delegated-IPv6-Prefix instead;
 * - pool-only plan (a delegated pool, no IPv4 pool): only Mikrotik-Delegated-IPv6-Pool;
 * - hotspot plan (pools set in the database anyway): no IPv6 attribute (RouterOS hotspot is IPv4-only);
 * - a suspended subscriber (walled garden): no IPv6 attribute;
 * - a prefix set in the database reaches the replica and the next Access-Accept within a second.
 *
 * Then accounting stores the IPv6 fields the NAS reports, and the captive portal (web role behind a
 * trusted proxy, TRUSTED_PROXIES=127.0.0.1) finds the subscriber by an IPv6 address inside the
 * delegated prefix of their open session, given in X-Forwarded-For.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { maskName } from '../../portal/captive/mask.js';
import { createCustomer, createNas, createPlan, createSubscription } from '../helpers/factories.js';
import { radclient, type RadclientReply } from '../helpers/radclient.js';
import { startRadiusStack, type RadiusStack } from '../helpers/radius-stack.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const SECRET = 'test-secret-v6v6';
let stack: RadiusStack;
const subs: Record<string, { id: number; username: string; password: string }> = {};

async function login(name: string): Promise<RadclientReply> {
  const s = subs[name]!;
  return radclient({
    port: stack.radius.ports.authPort, secret: SECRET, type: 'auth',
    attributes: [`User-Name = "${s.username}"`, `User-Password = "${s.password}"`, 'Message-Authenticator = 0x00'],
  });
}

/** The Access-Accept's attributes without Message-Authenticator, Class and Acct-Interim-Interval. */
async function accepted(name: string): Promise<Array<[string, string]>> {
  const r = await login(name);
  assert.equal(r.code, 'Access-Accept', r.stdout + r.stderr);
  return r.attributes.filter(([n]) => !['Message-Authenticator', 'Class', 'Acct-Interim-Interval'].includes(n));
}

before(async () => {
  stack = await startRadiusStack({
    before: async (c) => {
      const { db } = c;
      await createNas(db, { secret: SECRET });
      const pppoe = await createPlan(db, { name: 'Rumahan v6', framedPool: 'pool-home' });
      const poolOnly = await createPlan(db, { name: 'PD only' });
      const hotspot = await createPlan(db, { name: 'Hotspot', serviceType: 'hotspot' });
      await db('plans').where({ id: pppoe.id }).update({ framed_ipv6_pool: 'v6-wan', delegated_ipv6_pool: 'v6-pd' });
      await db('plans').where({ id: poolOnly.id }).update({ delegated_ipv6_pool: 'v6-pd-small' });
      // What the console refuses (save-plan.ts), written directly: the radius role must not send it either.
      await db('plans').where({ id: hotspot.id }).update({ framed_ipv6_pool: 'v6-wan', delegated_ipv6_pool: 'v6-pd' });
      subs.pool = await createSubscription(db, { planId: pppoe.id, password: 'pw-pool' });
      subs.static = await createSubscription(db, { planId: pppoe.id, password: 'pw-static' });
      await db('subscriptions').where({ id: subs.static.id }).update({ framed_ipv6_prefix: '2001:db8:0:7::/64', delegated_ipv6_prefix: '2001:db8:700::/56' });
      subs.poolOnly = await createSubscription(db, { planId: poolOnly.id, password: 'pw-only' });
      subs.hotspot = await createSubscription(db, { planId: hotspot.id, serviceType: 'hotspot', password: 'pw-hs' });
      subs.suspended = await createSubscription(db, { planId: pppoe.id, status: 'suspended', password: 'pw-susp' });
      await db('subscriptions').where({ id: subs.suspended.id }).update({ delegated_ipv6_prefix: '2001:db8:900::/56' });
      subs.later = await createSubscription(db, { planId: poolOnly.id, password: 'pw-later' });
    },
  });
});

after(async () => {
  await stack?.stop();
});

describe('IPv6 attributes for each plan kind', () => {
  test('PPPoE plan with pools: Framed-IPv6-Pool, then Mikrotik-Delegated-IPv6-Pool among the MikroTik attributes', async () => {
    assert.deepEqual(await accepted('pool'), [
      ['Framed-Pool', 'pool-home'],
      ['Framed-IPv6-Pool', 'v6-wan'],
      ['Mikrotik-Rate-Limit', '5M/10M'],
      ['Mikrotik-Delegated-IPv6-Pool', 'v6-pd'],
    ]);
  });

  test('static-prefix subscription: Framed-IPv6-Prefix and Delegated-IPv6-Prefix, no IPv6 pool', async () => {
    assert.deepEqual(await accepted('static'), [
      ['Framed-Pool', 'pool-home'],
      ['Framed-IPv6-Prefix', '2001:db8:0:7::/64'],
      ['Delegated-IPv6-Prefix', '2001:db8:700::/56'],
      ['Mikrotik-Rate-Limit', '5M/10M'],
    ]);
  });

  test('pool-only plan: the delegated pool and nothing else of addressing', async () => {
    assert.deepEqual(await accepted('poolOnly'), [
      ['Mikrotik-Rate-Limit', '5M/10M'],
      ['Mikrotik-Delegated-IPv6-Pool', 'v6-pd-small'],
    ]);
  });

  test('hotspot plan: no IPv6 attribute, whatever the plan row says', async () => {
    assert.deepEqual(await accepted('hotspot'), [['Mikrotik-Rate-Limit', '5M/10M']]);
  });

  test('walled garden: a suspended subscriber gets no IPv6 attribute', async () => {
    const got = await accepted('suspended');
    assert.ok(got.some(([n, v]) => n === 'Mikrotik-Address-List' && v === 'isolir'), JSON.stringify(got));
    assert.deepEqual(got.filter(([n]) => /IPv6/i.test(n)), []);
  });

  test('a static prefix set in the database reaches the replica and the next Access-Accept within a second', async () => {
    assert.deepEqual((await accepted('later')).map(([n]) => n), ['Mikrotik-Rate-Limit', 'Mikrotik-Delegated-IPv6-Pool']);
    await stack.c.db('subscriptions').where({ id: subs.later!.id }).update({ delegated_ipv6_prefix: '2001:db8:a00::/48' });
    const deadline = Date.now() + 1000;
    let got: Array<[string, string]> = [];
    while (Date.now() < deadline) {
      got = await accepted('later');
      if (got.some(([n]) => n === 'Delegated-IPv6-Prefix')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(got, [['Delegated-IPv6-Prefix', '2001:db8:a00::/48'], ['Mikrotik-Rate-Limit', '5M/10M']]);
  });
});

test('accounting stores the IPv6 fields the NAS reports, and keeps them when an Interim omits them', async () => {
  const s = subs.static!;
  const acct = (status: string, extra: string[]): Promise<RadclientReply> => radclient({
    port: stack.radius.ports.acctPort, secret: SECRET, type: 'acct',
    attributes: [`User-Name = "${s.username}"`, `Acct-Status-Type = ${status}`, 'Acct-Session-Id = "81f00001"', 'NAS-Port-Id = "ether2"', ...extra],
  });
  const start = await acct('Start', [
    'Framed-IP-Address = 100.64.0.7', 'Framed-IPv6-Prefix = 2001:db8:0:7::/64', 'Delegated-IPv6-Prefix = 2001:db8:700::/56',
    'Framed-Interface-Id = 0211:22ff:fe33:4455', 'Framed-IPv6-Address = 2001:db8:0:7::2',
  ]);
  assert.equal(start.code, 'Accounting-Response', start.stdout + start.stderr);
  assert.equal((await acct('Interim-Update', ['Acct-Session-Time = 300'])).code, 'Accounting-Response');
  const row = await stack.c.db('accounting_sessions').where({ acct_session_id: '81f00001' })
    .first(stack.c.db.raw('text(framed_ipv6_prefix) AS framed, text(delegated_ipv6_prefix) AS delegated, framed_interface_id AS ifid, host(framed_ipv6_address) AS address, session_time'));
  assert.deepEqual({ ...row, session_time: Number(row.session_time) }, {
    framed: '2001:db8:0:7::/64', delegated: '2001:db8:700::/56', ifid: '0211:22ff:fe33:4455', address: '2001:db8:0:7::2', session_time: 300,
  });
});

describe('captive portal by IPv6 address behind a trusted proxy', () => {
  let web: WebServer;
  const portal = (clientAddress: string): Promise<string> =>
    fetch(`${web.baseUrl}/portal/captive`, { headers: { 'x-forwarded-for': clientAddress } }).then((r) => r.text());

  before(async () => {
    web = await startWebServer({ env: { TRUSTED_PROXIES: '127.0.0.1' } });
    const { db } = web.c;
    const nas = await createNas(db, { secret: SECRET });
    const customer = await createCustomer(db, { name: 'Budi Santoso' });
    const sub = await createSubscription(db, { customerId: customer.id, status: 'suspended' });
    const other = await createSubscription(db, { customerId: (await createCustomer(db, { name: 'Siti Aminah' })).id });
    const session = (subscriptionId: number, key: string, v6: Record<string, string | null>) => ({
      session_key: key, acct_session_id: key.slice(0, 8), username: 'u', subscription_id: subscriptionId, nas_id: nas.id,
      nas_ip_address: '127.0.0.1', start_time: new Date(), update_time: new Date(), ...v6,
    });
    await db('accounting_sessions').insert([
      session(sub.id, '11111111-0000-0000-0000-000000000001', { delegated_ipv6_prefix: '2001:db8:700::/56', framed_ipv6_prefix: '2001:db8:0:7::/64' }),
      // A closed session of another subscriber once held the same prefix: it must not answer.
      { ...session(other.id, '11111111-0000-0000-0000-000000000002', { delegated_ipv6_prefix: '2001:db8:700::/56' }), stop_time: new Date() },
    ]);
  });
  after(async () => {
    await web?.stop();
  });

  test('an address inside the open session\'s delegated prefix opens that subscriber\'s page', async () => {
    const html = await portal('2001:db8:700:42:a1b2:c3ff:fed4:e5f6');
    assert.ok(html.includes(maskName('Budi Santoso')), 'the suspended subscriber\'s (masked) page');
    assert.doesNotMatch(html, /data-variant="unknown"/);
  });

  test('an address inside the framed /64 finds them too; one outside both prefixes is unknown', async () => {
    assert.ok((await portal('2001:db8:0:7::1234')).includes(maskName('Budi Santoso')));
    assert.match(await portal('2001:db8:701::1'), /data-variant="unknown"/);
  });
});
