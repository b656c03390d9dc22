import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import Koa from 'koa';
import { clientAddress } from './client-address.js';
import { parseTrustedProxies } from '../trusted-proxies.js';

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

/** A Koa app answering with what it takes the request to be: protocol, host, secure, and a cookie set without a `secure` option. */
interface Seen { protocol: string; host: string; secure: boolean; href: string }

async function echoRequest(trusted: string | undefined): Promise<{ url: string; close: () => Promise<void> }> {
  const app = new Koa();
  app.use(clientAddress(parseTrustedProxies(trusted)));
  app.use((ctx) => {
    ctx.cookies.set('probe', '1', { httpOnly: true });
    ctx.body = { protocol: ctx.protocol, host: ctx.host, secure: ctx.secure, href: ctx.href };
  });
  const server = http.createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/x`, close: () => new Promise((r) => server.close(() => r())) };
}

const forwarded = { 'x-forwarded-for': '203.0.113.5', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'billing.example.net' };

test('a trusted proxy says the request was https and for which host: the cookie is Secure, the URL is the public one', async () => {
  const s = await echoRequest('127.0.0.1');
  try {
    const res = await fetch(s.url, { headers: forwarded });
    assert.deepEqual(await res.json(), { protocol: 'https', host: 'billing.example.net', secure: true, href: 'https://billing.example.net/x' });
    assert.match(res.headers.get('set-cookie') ?? '', /; secure/i);
    // Values that are not a scheme or a host are ignored, not passed on.
    const odd = (await (await fetch(s.url, { headers: { 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'evil.example/path' } })).json()) as Seen;
    assert.equal(odd.protocol, 'http');
    assert.match(odd.host, /^127\.0\.0\.1:\d+$/);
  } finally {
    await s.close();
  }
});

test('X-Forwarded-Proto and X-Forwarded-Host from a peer that is not a trusted proxy change nothing', async () => {
  for (const trusted of [undefined, '10.0.0.0/8']) {
    const s = await echoRequest(trusted);
    try {
      const res = await fetch(s.url, { headers: forwarded });
      const body = (await res.json()) as Seen;
      assert.equal(body.protocol, 'http');
      assert.equal(body.secure, false);
      assert.match(body.host, /^127\.0\.0\.1:\d+$/);
      assert.doesNotMatch(res.headers.get('set-cookie') ?? '', /secure/i);
    } finally {
      await s.close();
    }
  }
});

test('TRUSTED_PROXIES entries must be addresses or CIDR ranges', () => {
  assert.throws(() => parseTrustedProxies('10.0.0.0/33'), /'10.0.0.0\/33' is not an IP address or CIDR range/);
  assert.throws(() => parseTrustedProxies('proxy.local'), /'proxy.local'/);
  assert.equal(parseTrustedProxies(' '), null);
  assert.ok(parseTrustedProxies('::1, fd00::/8, 192.168.1.10'));
});
