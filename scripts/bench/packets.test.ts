/**
 * The requests the FreeRADIUS comparison sends: valid for any server holding the secret
 * (Message-Authenticator, hidden password, signed accounting), and an accounting stream in which
 * every Interim-Update follows its session's Start by a thousand sessions, as a NAS would send them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePacket, type Packet } from '../../aaa/codec/packet.js';
import { verifyRequestMessageAuthenticator, verifySignedRequest } from '../../aaa/codec/authenticators.js';
import { revealUserPassword } from '../../aaa/codec/user-password.js';
import { accessRequest, accountingRequest, buildSets } from './packets.js';
import { comparisonTable, type Measurement } from './comparison-table.js';

const secret = Buffer.from('s3cret');
const str = (p: ReturnType<typeof decode>, type: number): string | undefined => p.attributes.find((a) => a.type === type && a.vendorId === 0)?.value.toString();
function decode(buf: Buffer): Packet {
  const r = decodePacket(buf);
  assert.ok(r.ok);
  return r.packet;
}

test('an Access-Request carries a valid Message-Authenticator and the subscriber\'s hidden password', () => {
  const p = decode(accessRequest(9, 100, secret, 42));
  assert.equal(p.identifier, 9);
  assert.ok(verifyRequestMessageAuthenticator(p, secret));
  assert.equal(str(p, 1), 'user42');
  const hidden = p.attributes.find((a) => a.type === 2)!.value;
  assert.equal(revealUserPassword(hidden, p.authenticator, secret)?.toString(), 'pass42');
});

test('the accounting stream: signed requests, every Interim after its own Start, each session once of each', () => {
  const starts = new Map<string, number>();
  const interims = new Set<string>();
  for (let k = 0; k < 6000; k++) {
    const p = decode(accountingRequest(k, k % 256, 0, 500, secret));
    assert.ok(verifySignedRequest(p, secret));
    const status = p.attributes.find((a) => a.type === 40)!.value.readUInt32BE(0);
    const id = str(p, 44)!;
    if (status === 1) {
      assert.ok(!starts.has(id), `one Start for ${id}`);
      starts.set(id, k);
    } else {
      assert.equal(status, 3);
      assert.ok((starts.get(id) ?? Infinity) <= k - 1000, `Interim ${id} long after its Start`);
      assert.ok(!interims.has(id));
      interims.add(id);
    }
  }
  assert.equal(starts.size, 4000);
  assert.equal(interims.size, 2000);
});

test('packet k of each socket carries Identifier k mod 256, as the load generator expects', () => {
  const sets = buildSets(1200, 3, (_, id) => accessRequest(id, 10, secret));
  for (const set of sets) for (const k of [0, 255, 256, 199]) assert.equal(set.data[set.offsets[k]! + 1], k % 256);
});

test('the table reports each ratio against its target and says whether it is met', () => {
  const m = (rate: number): Measurement => ({ rate, p50: 1, p99: 2, timeouts: 0, generatorCores: 0.3 });
  const out = comparisonTable(new Map([
    ['auth-16/ours', m(13_000)], ['auth-16/freeradius-files', m(10_000)],
    ['acct-16/ours', m(3_100)], ['acct-16/freeradius-sql', m(1_000)],
  ]));
  assert.match(out, /Access-Request, 16 in flight: ≥ 1\.3x FreeRADIUS files\s+1\.30x {2}met/);
  assert.match(out, /Accounting Start\+Interim, 16 in flight: ≥ 3x FreeRADIUS rlm_sql\s+3\.10x {2}met/);
  assert.match(out, /Access-Request, 128 in flight: ≥ 1\.3x FreeRADIUS files\s+- {2}not measured/);
});
