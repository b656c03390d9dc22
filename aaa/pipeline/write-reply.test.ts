/**
 * Stage 4, reply: Message-Authenticator first and both authenticators valid, the request's
 * Proxy-State echoed in order, then the Reply-Message of a reject, or an accept's profile, Class,
 * walled-garden Reply-Message and MS-CHAP2-Success.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Code, decodePacket, type Packet } from '../codec/packet.js';
import { describeAttributes } from '../codec/values.js';
import { PacketWriter } from '../codec/writer.js';
import { classFor } from '../policy/reply-attributes.js';
import { checkResponse } from '../../test/helpers/radius-authenticators.js';
import { NAS, SECRET, accessRequest } from '../../test/helpers/access-request-fixtures.js';
import { writeAccept, writeReject } from './write-reply.js';

const w = new PacketWriter();
const request = (): Packet => accessRequest([['User-Name', 'budi'], ['Proxy-State', Buffer.from('first')], ['Proxy-State', Buffer.from('second')]], { messageAuthenticator: true });

function decoded(reply: Buffer, p: Packet): Packet {
  assert.deepEqual(checkResponse(reply, p.authenticator, SECRET), { authenticator: true, messageAuthenticator: 'valid', messageAuthenticatorFirst: true });
  const r = decodePacket(reply);
  assert.ok(r.ok);
  assert.equal(r.packet.identifier, p.identifier);
  return r.packet;
}

test('an Access-Reject: Message-Authenticator, the Proxy-States in order, the Reply-Message', () => {
  const p = request();
  const r = decoded(writeReject(w, p, SECRET, 'Login ditolak'), p);
  assert.equal(r.code, Code.AccessReject);
  assert.deepEqual(describeAttributes(r).slice(1), [['Proxy-State', '0x6669727374'], ['Proxy-State', '0x7365636f6e64'], ['Reply-Message', 'Login ditolak']]);
});

test('an Access-Accept for a MikroTik: the profile, interim interval and Class, then MS-CHAP2-Success', () => {
  const p = request();
  const success = Buffer.concat([Buffer.from([7]), Buffer.from(`S=${'A'.repeat(40)}`, 'latin1')]);
  const reply = writeAccept(w, p, NAS, { rateLimit: '5M/10M', framedPool: 'pool-home', sessionTimeout: 600 }, 300, classFor(42, 3, false), undefined, success);
  const r = decoded(reply, p);
  assert.equal(r.code, Code.AccessAccept);
  const attrs = describeAttributes(r);
  assert.deepEqual(attrs.slice(1, 3), [['Proxy-State', '0x6669727374'], ['Proxy-State', '0x7365636f6e64']]);
  assert.deepEqual(new Map(attrs.slice(3)), new Map<string, string | number>([
    ['Framed-Pool', 'pool-home'], ['Session-Timeout', 600], ['Acct-Interim-Interval', 300], ['Class', `0x${classFor(42, 3, false).toString('hex')}`],
    ['Mikrotik-Rate-Limit', '5M/10M'], ['MS-CHAP2-Success', `0x${success.toString('hex')}`],
  ]));
  assert.equal(attrs.at(-1)![0], 'MS-CHAP2-Success');
  assert.ok(!attrs.some(([name]) => name === 'Reply-Message'), 'an accept says nothing');
});

test('a walled garden carries its Reply-Message; another vendor gets no MikroTik attributes', () => {
  const p = request();
  const reply = writeAccept(w, p, { ...NAS, vendor: 'other' }, { rateLimit: '256k/256k', addressList: 'isolir', sessionTimeout: 900 }, 300, classFor(42, 3, true), 'Bayar dulu', undefined);
  const attrs = describeAttributes(decoded(reply, p));
  assert.deepEqual(attrs.filter(([n]) => n === 'Reply-Message'), [['Reply-Message', 'Bayar dulu']]);
  assert.ok(!attrs.some(([n]) => n.startsWith('Mikrotik-')));
});
