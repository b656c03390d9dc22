import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import Koa from 'koa';
import { clientAddress, parseTrustedProxies } from './client-address.js';

/** A Koa app answering with ctx.ip, on 127.0.0.1. */
async function echoIp(trusted: string | undefined): Promise<{ url: string; close: () => Promise<void> }> {
  const app = new Koa();
  app.use(clientAddress(parseTrustedProxies(trusted)));
  app.use((ctx) => {
    ctx.body = ctx.ip;
  });
  const server = http.createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

const ipOf = async (url: string, xff?: string): Promise<string> => (await fetch(url, { headers: xff ? { 'x-forwarded-for': xff } : {} })).text();

test('without trusted proxies the TCP peer is the client, whatever X-Forwarded-For says', async () => {
  const s = await echoIp(undefined);
  try {
    assert.equal(await ipOf(s.url, '10.9.9.9'), '127.0.0.1');
  } finally {
    await s.close();
  }
});

test('a trusted proxy names the client: the rightmost address that is not itself a trusted proxy', async () => {
  const s = await echoIp('127.0.0.1, 10.0.0.0/8');
  try {
    assert.equal(await ipOf(s.url, '100.64.3.7'), '100.64.3.7');
    // A client-supplied first entry is ignored: the proxies appended the real hops after it.
    assert.equal(await ipOf(s.url, '1.2.3.4, 100.64.3.7, 10.1.1.1'), '100.64.3.7');
    assert.equal(await ipOf(s.url), '127.0.0.1');
    assert.equal(await ipOf(s.url, 'garbage'), '127.0.0.1');
  } finally {
    await s.close();
  }
});

test('TRUSTED_PROXIES entries must be addresses or CIDR ranges', () => {
  assert.throws(() => parseTrustedProxies('10.0.0.0/33'), /'10.0.0.0\/33' is not an IP address or CIDR range/);
  assert.throws(() => parseTrustedProxies('proxy.local'), /'proxy.local'/);
  assert.equal(parseTrustedProxies(' '), null);
  assert.ok(parseTrustedProxies('::1, fd00::/8, 192.168.1.10'));
});
