/**
 * Bad input never hurts: 100,000+ mutated packets at both RADIUS ports, then a valid
 * Access-Request and Accounting-Request must still be answered. Two kinds of input:
 * - framing mutations of valid packets (bit flips, truncation, bad Length, attributes that
 *   overrun, trailing garbage): they must be dropped and counted;
 * - well-framed, correctly signed packets with hostile content (random and unknown attributes
 *   and vendors, oversized and invalid UTF-8 strings, wrong value sizes, random status types):
 *   they pass authentication and reach the handlers, which must answer or drop per RFC, never fail.
 * The seed is fixed, so a failure reproduces.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dictionary } from '../../aaa/codec/dictionary.js';
import { Code } from '../../aaa/codec/packet.js';
import { hideUserPassword } from '../../aaa/codec/user-password.js';
import { PacketWriter } from '../../aaa/codec/writer.js';
import { createNas, createSubscription } from '../helpers/factories.js';
import { radclient } from '../helpers/radclient.js';
import { startRadiusStack, type RadiusStack } from '../helpers/radius-stack.js';
import { createUdpPeer, type UdpPeer } from '../helpers/udp-peer.js';

const SECRET = 'fuzz-secret-2024';
const KEY = Buffer.from(SECRET);
const d = dictionary();
let stack: RadiusStack;
let user: { username: string; password: string };
// Never named by the fuzzer: its hostile Starts open sessions for `user`, and simultaneous use
// would then rightly refuse `user` a second login.
let witness: { username: string; password: string };

/** xorshift32: a small deterministic PRNG. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

before(async () => {
  stack = await startRadiusStack({
    before: async (c) => {
      await createNas(c.db, { secret: SECRET });
      user = await createSubscription(c.db, { password: 'fuzz-pw' });
      witness = await createSubscription(c.db, { password: 'witness-pw' });
    },
  });
});

after(async () => {
  await stack.stop();
});

function seeds(): Buffer[] {
  const w = new PacketWriter();
  const out: Buffer[] = [];
  const auth = Buffer.alloc(16, 9);
  out.push(w.reset(Code.AccessRequest, 1, auth).messageAuthenticator().add(d.attr('User-Name'), user.username)
    .add(d.attr('User-Password'), hideUserPassword('fuzz-pw', auth, KEY)).add(d.attr('NAS-Port-Type'), 'Ethernet')
    .add(d.attr('Calling-Station-Id'), 'AA:BB:CC:DD:EE:FF').toAccessRequest(KEY));
  out.push(w.reset(Code.AccountingRequest, 2).add(d.attr('Acct-Status-Type'), 'Interim-Update').add(d.attr('User-Name'), user.username)
    .add(d.attr('Acct-Session-Id'), 'fz-1').add(d.attr('Acct-Input-Octets'), 5).add(d.attr('Mikrotik-Rate-Limit'), '1M/1M').toSignedRequest(KEY));
  out.push(w.reset(Code.StatusServer, 3, auth).messageAuthenticator().toAccessRequest(KEY));
  return out;
}

/** Framing mutations of a valid packet (mostly fail authentication or decoding). */
function mutate(seed: Buffer, r: () => number): Buffer {
  const b = Buffer.from(seed);
  switch (Math.floor(r() * 7)) {
    case 0: // bit flips
      for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++) b[Math.floor(r() * b.length)]! ^= 1 << Math.floor(r() * 8);
      return b;
    case 1: // truncation, including below 20 octets
      return b.subarray(0, Math.floor(r() * b.length));
    case 2: // a Length field that lies
      b.writeUInt16BE(Math.floor(r() * 70000) & 0xffff, 2);
      return b;
    case 3: { // an attribute length that overruns or is 0/1
      const at = 20 + Math.floor(r() * Math.max(1, b.length - 21));
      if (at + 1 < b.length) b[at + 1] = [0, 1, 255, Math.floor(r() * 256)][Math.floor(r() * 4)]!;
      return b;
    }
    case 4: // trailing garbage beyond Length
      return Buffer.concat([b, Buffer.from(Array.from({ length: 1 + Math.floor(r() * 64) }, () => Math.floor(r() * 256)))]);
    case 5: // random bytes
      return Buffer.from(Array.from({ length: Math.floor(r() * 120) }, () => Math.floor(r() * 256)));
    default: // an oversized datagram
      return Buffer.concat([b, Buffer.alloc(4200, 0x41)]);
  }
}

/** A well-framed, correctly signed packet with hostile content: it reaches the handlers. */
function hostile(w: PacketWriter, r: () => number, id: number): Buffer {
  const access = r() < 0.5;
  const auth = Buffer.from(Array.from({ length: 16 }, () => Math.floor(r() * 256)));
  if (access) w.reset(Code.AccessRequest, id, auth).messageAuthenticator();
  else w.reset(Code.AccountingRequest, id);
  let room = 3000;
  for (let i = 0, n = Math.floor(r() * 12); i < n && room > 300; i++) {
    const len = Math.floor(r() * (r() < 0.2 ? 254 : 24));
    const value = Buffer.from(Array.from({ length: len }, () => Math.floor(r() * 256)));
    const kind = r();
    if (kind < 0.45) {
      const type = [1, 2, 3, 4, 8, 25, 26, 31, 33, 40, 42, 44, 46, 52, 60, 79, 80, 87, Math.floor(r() * 256)][Math.floor(r() * 19)]!;
      if (type === 80 || (type === 26 && len < 6) || type === 0) continue;
      w.addRaw(type, value.subarray(0, 253));
    } else if (kind < 0.75) {
      const vendor = [14988, 311, 14122, 9, Math.floor(r() * 70000) + 1][Math.floor(r() * 5)]!;
      w.addVendor(vendor, Math.floor(r() * 256), value.subarray(0, 247));
    } else if (kind < 0.85) {
      w.add(d.attr('User-Name'), r() < 0.5 ? user.username : value.toString('latin1').slice(0, 120));
    } else if (kind < 0.95) {
      w.addRaw(40, Buffer.from([0, 0, 0, Math.floor(r() * 12)])); // Acct-Status-Type, sometimes valid
    } else {
      w.add(d.attr('Acct-Session-Id'), `fz-${Math.floor(r() * 50)}`);
    }
    room -= len + 8;
  }
  return access ? w.toAccessRequest(KEY) : w.toSignedRequest(KEY);
}

async function blast(peer: UdpPeer, packets: Array<[Buffer, number]>): Promise<void> {
  for (let i = 0; i < packets.length; i++) {
    peer.send(packets[i]![0], packets[i]![1]);
    if (i % 200 === 199) await new Promise((res) => setTimeout(res, 2));
  }
}

/** Requests answered plus packets dropped so far, from the server's own counters. */
async function handled(): Promise<number> {
  let n = 0;
  for (const name of ['radius_requests_total', 'radius_dropped_total']) {
    for (const v of (await stack.c.metrics.getSingleMetric(name)?.get())?.values ?? []) n += v.value;
  }
  return n;
}

/**
 * Resolves once the server has worked through the flood: its counters have not moved for 500 ms.
 * A fixed pause is not enough on a busy CI machine, where the backlog of hostile Access-Requests
 * (each a lookup) can outlast radclient's retries; the witness must test the server after the
 * flood, not queue behind it.
 */
async function drained(): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = -1;
  for (;;) {
    const now = await handled();
    if (now === last) return;
    assert.ok(Date.now() < deadline, `the server was still working through the flood after 60 s (${now} handled)`);
    last = now;
    await new Promise((res) => setTimeout(res, 500));
  }
}

test('100,000 mutated and hostile packets; afterwards valid requests are still answered', async () => {
  const { authPort, acctPort } = stack.radius.ports;
  const r = rng(0x5eed);
  const base = seeds();
  const w = new PacketWriter();
  const packets: Array<[Buffer, number]> = [];
  for (let i = 0; i < 110_000; i++) {
    const port = r() < 0.5 ? authPort : acctPort;
    packets.push([r() < 0.6 ? mutate(base[Math.floor(r() * base.length)]!, r) : hostile(w, r, i & 0xff), port]);
  }
  const peers = [await createUdpPeer(), await createUdpPeer()];
  await Promise.all([blast(peers[0]!, packets.slice(0, 55_000)), blast(peers[1]!, packets.slice(55_000))]);
  for (const p of peers) p.close();
  await drained();

  const ok = await radclient({ port: authPort, secret: SECRET, type: 'auth', attributes: [`User-Name = "${witness.username}"`, 'User-Password = "witness-pw"', 'Message-Authenticator = 0x00'] });
  assert.equal(ok.code, 'Access-Accept', ok.stdout + ok.stderr);
  const acct = await radclient({ port: acctPort, secret: SECRET, type: 'acct', attributes: [`User-Name = "${user.username}"`, 'Acct-Status-Type = Start', 'Acct-Session-Id = "after-fuzz"'] });
  assert.equal(acct.code, 'Accounting-Response');

  const dropped = (await stack.c.metrics.getSingleMetric('radius_dropped_total')?.get())?.values ?? [];
  const byReason = Object.fromEntries(dropped.map((v) => [String(v.labels.reason), v.value]));
  assert.equal(byReason.internal_error ?? 0, 0, `no request failed inside the server: ${JSON.stringify(byReason)}`);
  for (const reason of ['too_short', 'bad_length', 'malformed_attribute', 'bad_message_authenticator', 'bad_authenticator']) {
    assert.ok((byReason[reason] ?? 0) > 0, `${reason} drops counted: ${JSON.stringify(byReason)}`);
  }
  const answered = (await stack.c.metrics.getSingleMetric('radius_requests_total')?.get())?.values.reduce((n, v) => n + v.value, 0) ?? 0;
  assert.ok(answered > 1000, `hostile but well-signed packets were answered (${answered})`);
});
