import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifySessions, type OpenSession, type SubscriptionState } from './classify-sessions.js';
import { parseRouterOsDuration, type RouterSession } from './router-sessions.js';

const listedAt = new Date('2026-12-07T10:00:00Z');
const minutesAgo = (m: number) => new Date(listedAt.getTime() - m * 60_000);
const router = (over: Partial<RouterSession> & { username: string }): RouterSession =>
  ({ menu: '/ppp/active', id: `*${over.username}`, address: null, sessionId: null, uptimeSeconds: 600, ...over });
const ours = (over: Partial<OpenSession> & { username: string; acctSessionId: string }): OpenSession =>
  ({ sessionKey: `k-${over.acctSessionId}`, subscriptionId: null, framedIp: null, startTime: minutesAgo(10), ...over });
const subs = (entries: Array<[string, SubscriptionState]>) => new Map(entries);

test('pairs by session id first, then by username and address, then by username', () => {
  const out = classifySessions({
    router: [router({ username: 'a', sessionId: 'x2', address: '10.0.0.2' }), router({ username: 'a', sessionId: null, address: '10.0.0.1' }), router({ username: 'b' })],
    ours: [ours({ username: 'a', acctSessionId: 'x1', framedIp: '10.0.0.1' }), ours({ username: 'a', acctSessionId: 'x2', framedIp: '10.0.0.2' }), ours({ username: 'b', acctSessionId: 'y' })],
    subscriptions: new Map(), isolated: null, listedAt,
  });
  assert.deepEqual(out.inSync.map((p) => [p.router.username, p.ours.acctSessionId]), [['a', 'x2'], ['a', 'x1'], ['b', 'y']]);
  assert.deepEqual([out.lostStart, out.lostStop, out.enforcement], [[], [], []]);
});

test('a session in flight is neither a lost Start nor a lost Stop', () => {
  const out = classifySessions({
    router: [router({ username: 'new', uptimeSeconds: 5 }), router({ username: 'old', uptimeSeconds: 3600 })],
    ours: [ours({ username: 'fresh', acctSessionId: 'f', startTime: new Date(listedAt.getTime() - 2000) }), ours({ username: 'gone', acctSessionId: 'g' })],
    subscriptions: new Map(), isolated: null, listedAt,
  });
  assert.deepEqual(out.lostStart.map((r) => r.username), ['old']);
  assert.deepEqual(out.lostStop.map((o) => o.username), ['gone']);
});

test('enforcement: walled garden without the list, restored but still listed, must be offline; unread list checks only offline', () => {
  const router_ = [
    router({ username: 'susp', address: '10.0.0.4' }), router({ username: 'paid', address: '10.0.0.5' }),
    router({ username: 'term', address: '10.0.0.6' }), router({ username: 'fine', address: '10.0.0.7' }), router({ username: 'voucher1', address: '10.0.0.8' }),
  ];
  const states = subs([['susp', { id: 1, access: 'walled_garden' }], ['paid', { id: 2, access: 'full' }], ['term', { id: 3, access: 'offline' }], ['fine', { id: 4, access: 'walled_garden' }]]);
  const out = classifySessions({ router: router_, ours: [], subscriptions: states, isolated: new Set(['10.0.0.5', '10.0.0.7']), listedAt });
  assert.deepEqual(out.enforcement.map((e) => [e.kind, e.subscriptionId, e.ours]), [['not_isolated', 1, null], ['still_isolated', 2, null], ['should_be_offline', 3, null]]);
  const unread = classifySessions({ router: router_, ours: [], subscriptions: states, isolated: null, listedAt });
  assert.deepEqual(unread.enforcement.map((e) => e.kind), ['should_be_offline']);
});

test('RouterOS durations', () => {
  assert.equal(parseRouterOsDuration('1w2d3h4m5s'), 9 * 86400 + 3 * 3600 + 4 * 60 + 5);
  assert.equal(parseRouterOsDuration('45s'), 45);
  assert.equal(parseRouterOsDuration('01:02:03'), 3723);
  assert.equal(parseRouterOsDuration(undefined), null);
  assert.equal(parseRouterOsDuration('soon'), null);
});
