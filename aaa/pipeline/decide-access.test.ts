/**
 * Stage 3: what the decision waits for (usage not in the index, the routers' word on sessions
 * that would refuse a login, a voucher's first use stored) and the refusals of its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OpenSessionAccess } from '../../billing/access/subscription-access.js';
import type { AccessReplica } from '../replica/access-replica.js';
import { NAS, NOW, CODE, batchRow, fixtureIndex, planRow, voucherRow } from '../../test/helpers/access-request-fixtures.js';
import { createDecideStage, type AccessDecision, type DecideDeps } from './decide-access.js';
import { findInIndex, type Credential } from './find-credential.js';

const GIB = 2 ** 30;
const MAC = 'AA:BB:CC:00:00:01';

/** `stored`: the open sessions in the database, read when the index has them marked changed. */
function stage(index: AccessReplica, over: Partial<DecideDeps> = {}, stored: OpenSessionAccess[] = []) {
  const calls = { loadUsage: [] as Array<[number, string]>, loadOpenSessions: [] as number[], startVoucher: [] as number[], recheck: 0 };
  const decideAccess = createDecideStage({
    index,
    sync: {
      loadUsage: (id, start) => { calls.loadUsage.push([id, start]); return Promise.resolve(BigInt(GIB / 4)); },
      loadOpenSessions: (id) => {
        calls.loadOpenSessions.push(id);
        const rows = stored.filter((r) => r.subscriptionId === id);
        index.sessions.put(id, rows, index.sessions.changeOf(id));
        return Promise.resolve(rows);
      },
    },
    startVoucher: (id, now) => {
      calls.startVoucher.push(id);
      return Promise.resolve({ firstUsedAt: now.getTime(), expiresAt: now.getTime() + 1800_000, status: 'active' as const });
    },
    staleAfterMs: 15 * 60_000,
    ...over,
  });
  return { calls, decide: (name: string) => decideAccess(findInIndex(index, name) as Credential, NAS, MAC, NOW) };
}

const settled = async (d: AccessDecision | Promise<AccessDecision>): Promise<AccessDecision> => d;

test('a subscription whose plan is not in the index: refused with the "rejected" text', () => {
  const index = fixtureIndex();
  index.putPlans([], [3]);
  assert.deepEqual(stage(index).decide('budi'), { kind: 'reject', reason: 'no_plan', message: index.settings.messages.rejected });
});

test('a quota plan: usage from the index is synchronous; a period the index lacks is loaded once, then decided', async () => {
  const index = fixtureIndex();
  index.putPlans([planRow({ quotaBytes: GIB })]);
  const { calls, decide } = stage(index);
  const pending = decide('budi');
  assert.ok(pending instanceof Promise, 'waits for the usage');
  const d = await pending;
  assert.ok(d.kind === 'accept');
  assert.equal(d.profile.totalLimit, GIB - GIB / 4, 'Total-Limit from the loaded usage');
  assert.equal(calls.loadUsage.length, 1);
  assert.equal(calls.loadUsage[0]![0], 42);
  index.putUsage(42, calls.loadUsage[0]![1], BigInt(GIB / 2));
  const now = decide('budi');
  assert.ok(!(now instanceof Promise), 'held by the index: no wait');
  assert.ok(now.kind === 'accept' && now.profile.totalLimit === GIB / 2);
});

test('simultaneous use: the routers are asked once; a session they no longer have does not refuse', async () => {
  const index = fixtureIndex();
  const other: OpenSessionAccess = { subscriptionId: 42, sessionKey: 'k', nasIpAddress: NAS.ipAddress, acctSessionId: 's1', callingStationId: 'AA:BB:CC:00:00:99', framedIpAddress: null, updateTime: NOW.getTime() };
  index.sessions.putAll([other]);
  let left: OpenSessionAccess[] = [];
  let asked = 0;
  const { decide } = stage(index, { staleSessions: { recheck: (_sub, sessions) => { asked++; assert.deepEqual(sessions, [other]); return Promise.resolve(left); } } });
  assert.equal((await settled(decide('budi'))).kind, 'accept');
  left = [other];
  assert.deepEqual(await settled(decide('budi')), { kind: 'reject', reason: 'simultaneous_use', message: index.settings.messages.simultaneousUse });
  assert.equal(asked, 2, 'once per login');
  const without = stage(index).decide('budi');
  assert.ok(!(without instanceof Promise) && without.reason === 'simultaneous_use', 'no stale-session check configured: refused at once');
});

test('open sessions changed by accounting since the index read them: read once, then the decision is made on them', async () => {
  const index = fixtureIndex();
  const elsewhere: OpenSessionAccess = { subscriptionId: 42, sessionKey: 'k', nasIpAddress: NAS.ipAddress, acctSessionId: 's1', callingStationId: 'AA:BB:CC:00:00:99', framedIpAddress: null, updateTime: NOW.getTime() };
  assert.equal((stage(index).decide('budi') as AccessDecision).kind, 'accept', 'none held: accepted at once');
  index.sessions.markChanged([42]); // a Start on another device was committed
  const { calls, decide } = stage(index, {}, [elsewhere]);
  const pending = decide('budi');
  assert.ok(pending instanceof Promise, 'waits for the sessions');
  assert.deepEqual(await pending, { kind: 'reject', reason: 'simultaneous_use', message: index.settings.messages.simultaneousUse });
  assert.deepEqual(calls.loadOpenSessions, [42]);
  const again = decide('budi');
  assert.ok(!(again instanceof Promise) && again.kind === 'reject', 'held by the index now: no wait');
  assert.equal(calls.loadOpenSessions.length, 1);
});

test('a change marked while the sessions were being read keeps them marked: the next login reads again', () => {
  const index = fixtureIndex();
  index.sessions.markChanged([42]);
  const before = index.sessions.changeOf(42);
  index.sessions.markChanged([42]); // a Stop committed after the read's snapshot
  index.sessions.put(42, [], before);
  assert.equal(index.openSessions(42), undefined);
  index.sessions.put(42, [], index.sessions.changeOf(42));
  assert.deepEqual(index.openSessions(42), []);
  index.sessions.markChanged([42]);
  const full = index.sessions.changeCount;
  index.sessions.markChanged([7]);
  index.sessions.putAll([], full);
  assert.deepEqual(index.openSessions(42), [], 'the full load read after the change');
  assert.equal(index.openSessions(7), undefined, 'marked after the full load began');
});

test('a voucher whose batch is not in the index: refused', () => {
  const index = fixtureIndex();
  index.putVoucherBatches([], [5]);
  assert.deepEqual(stage(index).decide(CODE), { kind: 'reject', reason: 'no_batch', message: index.settings.messages.rejected });
});

test('a voucher\'s first use: its validity is stored before the accept, the index updated, the decision made on what is stored', async () => {
  const index = fixtureIndex();
  index.putVoucherBatches([batchRow({ validitySeconds: 86_400 })]);
  index.putVouchers([voucherRow({ status: 'sold', firstUsedAt: null })]);
  const { calls, decide } = stage(index);
  const pending = decide(CODE);
  assert.ok(pending instanceof Promise);
  const d = await pending;
  assert.deepEqual(calls.startVoucher, [9]);
  assert.ok(d.kind === 'accept');
  assert.equal(d.profile.sessionTimeout, 1800, 'the stored expiry (30 min) is shorter than the hour of time');
  assert.equal(index.voucherById(9)?.firstUsedAt, NOW.getTime());
  const again = decide(CODE);
  assert.ok(!(again instanceof Promise), 'started: answered from memory');
  assert.deepEqual(calls.startVoucher, [9]);
});

test('a voucher gone when its first use is stored: unknown; a refused voucher is never started', async () => {
  const index = fixtureIndex();
  index.putVouchers([voucherRow({ status: 'sold', firstUsedAt: null })]);
  const gone = stage(index, { startVoucher: () => Promise.resolve(null) });
  assert.deepEqual(await settled(gone.decide(CODE)), { kind: 'reject', reason: 'unknown_user', message: index.settings.messages.rejected });
  index.putVouchers([voucherRow({ status: 'sold', firstUsedAt: null, usedSeconds: 3600 })]);
  const used = stage(index);
  assert.equal((await settled(used.decide(CODE))).reason, 'voucher_used');
  assert.deepEqual(used.calls.startVoucher, []);
});
