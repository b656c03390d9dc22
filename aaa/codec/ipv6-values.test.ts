/**
 * IPv6 attribute values at their edges: Framed-IPv6-Prefix / Delegated-IPv6-Prefix (RFC 3162
 * §2.3, RFC 4818 §3) at /0, /64, /128, lengths and host bits refused; Framed-IPv6-Address
 * (RFC 6911 §3.1) and Framed-Interface-Id (RFC 3162 §2.2) of exactly 16 and 8 octets. Written
 * through the PacketWriter and read back from a decoded packet, as the NAS would see them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dictionary } from './dictionary.js';
import { Code, decodePacket } from './packet.js';
import { decodeValue, describeAttributes, encodeValue, readIpv6 } from './values.js';
import { PacketWriter } from './writer.js';
import { decodeIpv6Prefix, ipv6Octets, ipv6Text } from './ipv6-values.js';

const d = dictionary();
const framedPrefix = d.attr('Framed-IPv6-Prefix');
const delegated = d.attr('Delegated-IPv6-Prefix');
const framedAddress = d.attr('Framed-IPv6-Address');
const ifid = d.attr('Framed-Interface-Id');

test('the IPv6 attributes have the numbers and types of RFC 3162, RFC 4818 and RFC 6911', () => {
  assert.deepEqual([framedPrefix.code, framedPrefix.dataType], [97, 'ipv6prefix']);
  assert.deepEqual([delegated.code, delegated.dataType], [123, 'ipv6prefix']);
  assert.deepEqual([framedAddress.code, framedAddress.dataType], [168, 'ipv6addr']);
  assert.deepEqual([ifid.code, ifid.dataType], [96, 'ifid']);
  assert.deepEqual([d.attr('Framed-IPv6-Pool').code, d.attr('Framed-IPv6-Pool').dataType], [100, 'string']);
  const pool = d.attr('Mikrotik-Delegated-IPv6-Pool');
  assert.deepEqual([pool.vendorId, pool.code, pool.dataType], [14988, 22, 'string']);
});

test('an ipv6prefix is Reserved 0, the length, then the 16 prefix octets', () => {
  assert.equal(encodeValue(delegated, '2001:db8:100::/56').toString('hex'), '003820010db8010000000000000000000000');
  assert.equal(encodeValue(framedPrefix, '::/0').toString('hex'), `0000${'00'.repeat(16)}`);
  assert.equal(encodeValue(framedPrefix, '2001:db8::1/128').toString('hex'), '008020010db8000000000000000000000001');
  assert.equal(encodeValue(framedPrefix, '2001:db8:0:7::/64').toString('hex'), '004020010db8000000070000000000000000');
});

test('prefixes at the edges round-trip through a packet: /0, /64, /128', () => {
  const w = new PacketWriter(Code.AccessAccept, 1);
  for (const p of ['::/0', '2001:db8:0:7::/64', '2001:db8::1/128']) w.add(framedPrefix, p);
  w.add(delegated, '2001:db8:100::/56');
  const r = decodePacket(w.toResponse(Buffer.alloc(16), Buffer.from('s')));
  assert.ok(r.ok);
  assert.deepEqual(describeAttributes(r.packet), [
    ['Framed-IPv6-Prefix', '::/0'],
    ['Framed-IPv6-Prefix', '2001:db8:0:7::/64'],
    ['Framed-IPv6-Prefix', '2001:db8::1/128'],
    ['Delegated-IPv6-Prefix', '2001:db8:100::/56'],
  ]);
  assert.equal(readIpv6(r.packet, delegated), '2001:db8:100::/56');
});

test('a prefix that is not one is refused when encoding: length, host bits, address, form', () => {
  for (const bad of ['2001:db8::/129', '2001:db8::1/64', '2001:db8::/', '2001:db8::', '2001:zz8::/32', '192.0.2.0/24', '2001:db8::/0064', ' /64']) {
    assert.throws(() => encodeValue(delegated, bad), RangeError, bad);
  }
});

test('a malformed ipv6prefix from a NAS decodes to nothing (shown as hex)', () => {
  const cases: Array<[string, string]> = [
    ['00', 'value of 1 octet (Length 3 < 4)'],
    [`0040${'00'.repeat(17)}`, 'value of 19 octets (Length 21 > 20)'],
    ['01402001', 'Reserved not 0'],
    ['0081' + '00'.repeat(16), 'length 129'],
    ['00402001', 'length 64 with 2 octets of prefix'],
    ['00102001ff', 'bits set past /16'],
  ];
  for (const [hex, why] of cases) {
    assert.equal(decodeIpv6Prefix(Buffer.from(hex, 'hex')), undefined, why);
    assert.equal(decodeValue(delegated, Buffer.from(hex, 'hex')), `0x${hex}`, why);
  }
  // The shortest legal forms: /0 with no prefix octets, /56 with 7.
  assert.equal(decodeIpv6Prefix(Buffer.from('0000', 'hex')), '::/0');
  assert.equal(decodeIpv6Prefix(Buffer.from('003820010db8010000', 'hex')), '2001:db8:100::/56');
});

test('Framed-IPv6-Address is exactly 16 octets; Framed-Interface-Id exactly 8', () => {
  assert.equal(encodeValue(framedAddress, '2001:db8::2').toString('hex'), '20010db8000000000000000000000002');
  assert.equal(decodeValue(framedAddress, Buffer.from('20010db8000000000000000000000002', 'hex')), '2001:db8::2');
  assert.equal(decodeValue(framedAddress, Buffer.from('20010db8', 'hex')), '0x20010db8');
  assert.throws(() => encodeValue(framedAddress, '2001:db8::/64'), RangeError);
  assert.throws(() => encodeValue(framedAddress, '192.0.2.1'), RangeError);
  assert.equal(encodeValue(ifid, '0211:22ff:fe33:4455').toString('hex'), '021122fffe334455');
  assert.equal(decodeValue(ifid, Buffer.from('021122fffe334455', 'hex')), '0211:22ff:fe33:4455');
  assert.equal(decodeValue(ifid, Buffer.from('021122fffe33', 'hex')), '0x021122fffe33');
  assert.throws(() => encodeValue(ifid, '0211:22ff:fe33'), RangeError);
});

test('IPv6 text: every form net.isIPv6 accepts, written back compressed (RFC 5952)', () => {
  const cases: Array<[string, string]> = [
    ['::', '::'],
    ['::1', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['fe80::', 'fe80::'],
  ];
  for (const [input, text] of cases) assert.equal(ipv6Text(ipv6Octets(input)), text, input);
});
