import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { startFakeRouterOs } from '../../test/helpers/fake-routeros.js';
import { probeRouterOs } from './routeros-probe.js';

const login = (port: number, password = 'pa55') => ({ host: '127.0.0.1', port, tls: false, username: 'billing', password });

test('a router that accepts the login answers with its identity and the round trip is timed', async () => {
  const router = await startFakeRouterOs({ users: { billing: 'pa55' }, identity: 'Router-Pusat' });
  try {
    const r = await probeRouterOs(login(router.port), 2000);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.identity, 'Router-Pusat');
    assert.ok(r.loginMs >= 0 && r.roundTripMs >= 0 && r.roundTripMs < 2000);
    assert.deepEqual(router.sentences.map((w) => w[0]), ['/login', '/system/identity/print']);
    for (let i = 0; i < 100 && router.connections() > 0; i++) await new Promise((res) => setTimeout(res, 10));
    assert.equal(router.connections(), 0, 'the connection is closed');
  } finally {
    await router.close();
  }
});

test('a wrong password is reported (node-routeros words it), without the password', async () => {
  const fake = await startFakeRouterOs({ users: { billing: 'pa55' } });
  try {
    const r = await probeRouterOs(login(fake.port, 'not-the-password'), 2000);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error : '', /password is invalid/i);
    assert.doesNotMatch(JSON.stringify(r), /not-the-password/);
  } finally {
    await fake.close();
  }
});

test('a router that never answers ends at the deadline; a closed port is refused', async () => {
  const hung = await startFakeRouterOs({ silent: true });
  try {
    const r = await probeRouterOs(login(hung.port), 300);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error : '', /timed out after 300 ms/);
  } finally {
    await hung.close();
  }
  const spare = net.createServer();
  await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', () => resolve()));
  const port = (spare.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => spare.close(() => resolve()));
  const refused = await probeRouterOs(login(port), 2000);
  assert.equal(refused.ok, false);
  assert.match(!refused.ok ? refused.error : '', /ECONNREFUSED/);
});
