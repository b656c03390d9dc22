/**
 * The handler as a composition of its stages, without a database or a socket: what each kind of
 * request gets back, and what the post-auth log records (the scenarios in test/scenarios/ run
 * the same flows over UDP against PostgreSQL).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePacket, Code, type Packet } from '../codec/packet.js';
import { settableClock } from '../../lib/clock.js';
import { voucherClass } from '../policy/reply-attributes.js';
import { CODE, NAS, NOW, PASSWORD, accessRequest, fixtureIndex, papRequest } from '../../test/helpers/access-request-fixtures.js';
import { createAccessRequestHandler, type AccessOutcome } from './access-request.js';
import type { PostAuthRow } from './post-auth-log.js';

function handler() {
  const index = fixtureIndex();
  const rows: PostAuthRow[] = [];
  const lookedUp: string[] = [];
  const handle = createAccessRequestHandler({
    index,
    sync: {
      lookupUsername: (name) => { lookedUp.push(name); return Promise.resolve(undefined); },
      lookupVoucher: () => Promise.resolve(undefined),
      loadUsage: () => Promise.resolve(0n),
      loadOpenSessions: () => Promise.resolve([]),
    },
    startVoucher: () => Promise.reject(new Error('not in these tests')),
    clock: settableClock(NOW),
    postAuth: { add: (r) => rows.push(r), flush: () => Promise.resolve(), close: () => Promise.resolve() },
    interimInterval: 300,
    staleAfterMs: 15 * 60_000,
  });
  return { index, rows, lookedUp, handle: (p: Packet) => handle(p, NAS) };
}

function answered(o: AccessOutcome | Promise<AccessOutcome>): { code: number; result: string; reason: string; reply: Packet } {
  assert.ok(!(o instanceof Promise), 'answered from the index, synchronously');
  assert.ok('reply' in o);
  const r = decodePacket(o.reply);
  assert.ok(r.ok);
  return { code: r.packet.code, result: o.result, reason: o.reason, reply: r.packet };
}

test('a subscriber with the right password: accepted synchronously and logged with the subscription', () => {
  const h = handler();
  const a = answered(h.handle(papRequest('budi', PASSWORD, [['Calling-Station-Id', 'AA:BB:CC:00:00:01']])));
  assert.deepEqual([a.code, a.result, a.reason], [Code.AccessAccept, 'accept', 'active']);
  assert.deepEqual(h.rows.map((r) => [r.username, r.subscriptionId, r.authType, r.result, r.reason, r.callingStationId]), [['budi', 42, 'pap', 'accept', 'active', 'AA:BB:CC:00:00:01']]);
});

test('refusals before the policy: no User-Name, EAP, no credentials, a wrong password', () => {
  const h = handler();
  const cases: Array<[Packet, string]> = [
    [accessRequest([['NAS-Identifier', 'x']]), 'no_username'],
    [accessRequest([['User-Name', 'budi'], ['EAP-Message', Buffer.from([2, 1, 0, 5, 1])]], { messageAuthenticator: true }), 'eap_unsupported'],
    [accessRequest([['User-Name', 'budi']]), 'no_credentials'],
    [papRequest('budi', 'wrong'), 'bad_password'],
  ];
  for (const [p, reason] of cases) {
    const a = answered(h.handle(p));
    assert.deepEqual([a.code, a.reason], [Code.AccessReject, reason]);
  }
  assert.deepEqual(h.rows.map((r) => [r.username, r.subscriptionId, r.authType, r.reason]), [
    ['', null, 'none', 'no_username'], ['budi', null, 'none', 'eap_unsupported'], ['budi', 42, 'none', 'no_credentials'], ['budi', 42, 'pap', 'bad_password'],
  ]);
});

test('a packet that fails a security check is dropped, not answered nor logged', () => {
  const h = handler();
  assert.deepEqual(h.handle(accessRequest([['User-Name', 'budi']], { messageAuthenticator: true, secret: Buffer.from('forged') })), { drop: 'bad_message_authenticator' });
  assert.deepEqual(h.rows, []);
});

test('a voucher: the same pipeline, its Class, no subscription in the log; its accept holds it against a second device', () => {
  const h = handler();
  const a = answered(h.handle(papRequest('abcd-2345', CODE.toLowerCase(), [['Calling-Station-Id', 'AA:BB:CC:00:00:01']])));
  assert.deepEqual([a.code, a.reason], [Code.AccessAccept, 'voucher']);
  assert.deepEqual(a.reply.attributes.find((x) => x.type === 25)?.value, voucherClass(9));
  const b = answered(h.handle(papRequest(CODE, CODE, [['Calling-Station-Id', 'AA:BB:CC:00:00:02']])));
  assert.deepEqual([b.code, b.reason], [Code.AccessReject, 'simultaneous_use']);
  assert.deepEqual(h.rows.map((r) => [r.username, r.subscriptionId, r.result, r.reason]), [['abcd-2345', null, 'accept', 'voucher'], [CODE, null, 'reject', 'simultaneous_use']]);
});

test('a name the index does not know goes to the database; nothing there: unknown user', async () => {
  const h = handler();
  const pending = h.handle(papRequest('siti', 'pw'));
  assert.ok(pending instanceof Promise);
  const o = await pending;
  assert.ok('reply' in o && o.reason === 'unknown_user');
  assert.deepEqual(h.lookedUp, ['siti']);
  assert.deepEqual(h.rows.map((r) => [r.username, r.subscriptionId, r.reason]), [['siti', null, 'unknown_user']]);
});
