import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { startFakeRouterOs, type FakeRouterOs } from '../../test/helpers/fake-routeros.js';
import { removeActiveSession, type RemoveActiveSessionInput } from './routeros-api.js';

function input(fake: FakeRouterOs, over: Partial<RemoveActiveSessionInput> = {}): RemoveActiveSessionInput {
  return {
    host: '127.0.0.1',
    port: fake.port,
    tls: false,
    username: 'billing',
    password: 'pa55',
    sessionUsername: 'budi',
    serviceType: 'pppoe',
    timeoutMs: 2000,
    ...over,
  };
}

async function closedSoon(fake: FakeRouterOs): Promise<void> {
  for (let i = 0; i < 100 && fake.connections() > 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(fake.connections(), 0, 'connection closed');
}

test('removes the PPPoE session of the user and leaves the others', async () => {
  const fake = await startFakeRouterOs({
    users: { billing: 'pa55' },
    ppp: [
      { name: 'budi', address: '10.10.0.7', 'caller-id': 'AA:BB:CC:00:00:01', service: 'pppoe' },
      { name: 'siti', address: '10.10.0.8', 'caller-id': 'AA:BB:CC:00:00:02', service: 'pppoe' },
    ],
    hotspot: [{ user: 'budi', address: '10.20.0.5' }],
  });
  try {
    assert.deepEqual(await removeActiveSession(input(fake)), { ok: true, removed: 1 });
    assert.deepEqual(fake.menus['/ppp/active'].map((i) => i.name), ['siti']);
    assert.equal(fake.menus['/ip/hotspot/active'].length, 1, 'hotspot untouched');
    const commands = fake.sentences.map((s) => s[0]);
    assert.deepEqual(commands, ['/login', '/ppp/active/print', '/ppp/active/remove']);
    assert.ok(fake.sentences[1]!.includes('?name=budi'));
    assert.ok(!JSON.stringify(fake.sentences).includes('pa55'), 'the fake records no password');
    await closedSoon(fake);
  } finally {
    await fake.close();
  }
});

test('removes every hotspot session of the user, found by ?user=', async () => {
  const fake = await startFakeRouterOs({
    users: { billing: 'pa55' },
    hotspot: [
      { user: 'voucher7', address: '10.20.0.5', 'mac-address': '11:22:33:44:55:66' },
      { user: 'voucher7', address: '10.20.0.6', 'mac-address': '11:22:33:44:55:67' },
      { user: 'other', address: '10.20.0.9' },
    ],
  });
  try {
    const r = await removeActiveSession(input(fake, { serviceType: 'hotspot', sessionUsername: 'voucher7' }));
    assert.deepEqual(r, { ok: true, removed: 2 });
    assert.deepEqual(fake.menus['/ip/hotspot/active'].map((i) => i.user), ['other']);
    assert.ok(fake.sentences.some((s) => s[0] === '/ip/hotspot/active/print' && s.includes('?user=voucher7')));
  } finally {
    await fake.close();
  }
});

test('no matching session is success with removed 0, also with RouterOS 7.18 `!empty` replies', async () => {
  for (const emptyReply of [false, true]) {
    const fake = await startFakeRouterOs({ users: { billing: 'pa55' }, ppp: [{ name: 'siti' }], emptyReply });
    try {
      assert.deepEqual(await removeActiveSession(input(fake)), { ok: true, removed: 0 });
      assert.equal(fake.menus['/ppp/active'].length, 1);
      await closedSoon(fake);
    } finally {
      await fake.close();
    }
  }
});

test('a wrong password is { ok: false } and the connection is closed', async () => {
  const fake = await startFakeRouterOs({ users: { billing: 'pa55' }, ppp: [{ name: 'budi' }] });
  try {
    const r = await removeActiveSession(input(fake, { password: 'wrong-password' }));
    assert.deepEqual(r, { ok: false, error: 'Username or password is invalid' });
    assert.equal(fake.logins.failed, 1);
    assert.equal(fake.menus['/ppp/active'].length, 1);
    await closedSoon(fake);
  } finally {
    await fake.close();
  }
});

test('an unreachable port is { ok: false } within the timeout', async () => {
  // A port that was free a moment ago: connecting to it is refused.
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const t0 = Date.now();
  const r = await removeActiveSession({ ...input({ port } as FakeRouterOs), timeoutMs: 1000 });
  assert.deepEqual(r, { ok: false, error: 'ECONNREFUSED' });
  assert.ok(Date.now() - t0 < 1000);
});

test('a router that accepts but never answers is { ok: false } at the timeout, and the socket is closed', async () => {
  const fake = await startFakeRouterOs({ silent: true });
  try {
    const t0 = Date.now();
    const r = await removeActiveSession(input(fake, { timeoutMs: 300 }));
    const elapsed = Date.now() - t0;
    assert.deepEqual(r, { ok: false, error: 'timed out after 300 ms' });
    assert.ok(elapsed >= 250 && elapsed < 1500, `took ${elapsed} ms`);
    await closedSoon(fake);
  } finally {
    await fake.close();
  }
});
