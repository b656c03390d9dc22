/**
 * Reply attributes for a decision, in the NAS vendor's terms:
 * - standard (RFC 2865 §5, RFC 2869 §5.16): Framed-IP-Address, Framed-Pool, Session-Timeout,
 *   Idle-Timeout, Acct-Interim-Interval, Class (RFC 2865 §5.25, echoed in accounting), Reply-Message;
 * - IPv6 (ipv6-addressing.ts): Framed-IPv6-Prefix (RFC 3162 §2.3) or Framed-IPv6-Pool (§2.6),
 *   Delegated-IPv6-Prefix (RFC 4818) or, for a non-MikroTik NAS, Delegated-IPv6-Prefix-Pool
 *   (RFC 6911 §3.4);
 * - MikroTik (vendor 14988, RouterOS manual "RADIUS Client"): Mikrotik-Rate-Limit,
 *   Mikrotik-Address-List, Mikrotik-Group, Mikrotik-Total-Limit with Mikrotik-Total-Limit-Gigawords
 *   for the bits above 2^32, Mikrotik-Delegated-IPv6-Pool (22) for the plan's DHCPv6-PD pool.
 *   Other vendors get the standard attributes only.
 */
import { attributeDefs } from '../codec/attribute-defs.js';
import type { PacketWriter } from '../codec/writer.js';
import type { AccessProfile } from './decide.js';

const A = attributeDefs({
  framedIp: 'Framed-IP-Address',
  framedPool: 'Framed-Pool',
  sessionTimeout: 'Session-Timeout',
  idleTimeout: 'Idle-Timeout',
  interim: 'Acct-Interim-Interval',
  class: 'Class',
  replyMessage: 'Reply-Message',
  rateLimit: 'Mikrotik-Rate-Limit',
  addressList: 'Mikrotik-Address-List',
  group: 'Mikrotik-Group',
  totalLimit: 'Mikrotik-Total-Limit',
  totalLimitGigawords: 'Mikrotik-Total-Limit-Gigawords',
  framedIpv6Prefix: 'Framed-IPv6-Prefix',
  framedIpv6Pool: 'Framed-IPv6-Pool',
  delegatedIpv6Prefix: 'Delegated-IPv6-Prefix',
  delegatedIpv6PrefixPool: 'Delegated-IPv6-Prefix-Pool',
  mikrotikDelegatedIpv6Pool: 'Mikrotik-Delegated-IPv6-Pool',
});

const TWO_32 = 2 ** 32;

export interface ReplyContext {
  vendor: string;
  /** Acct-Interim-Interval, seconds. */
  interimInterval: number;
  /** Class value tying accounting back to this decision. */
  classValue: Buffer;
}

/** Writes the attributes of an accepted (or walled-garden) profile. */
export function writeProfile(w: PacketWriter, profile: AccessProfile, ctx: ReplyContext): void {
  if (profile.framedIpAddress) w.add(A.framedIp, profile.framedIpAddress);
  else if (profile.framedPool) w.add(A.framedPool, profile.framedPool);
  if (profile.framedIpv6Prefix) w.add(A.framedIpv6Prefix, profile.framedIpv6Prefix);
  else if (profile.framedIpv6Pool) w.add(A.framedIpv6Pool, profile.framedIpv6Pool);
  if (profile.delegatedIpv6Prefix) w.add(A.delegatedIpv6Prefix, profile.delegatedIpv6Prefix);
  else if (profile.delegatedIpv6Pool && ctx.vendor !== 'mikrotik') w.add(A.delegatedIpv6PrefixPool, profile.delegatedIpv6Pool);
  if (profile.sessionTimeout !== undefined) w.add(A.sessionTimeout, Math.max(1, profile.sessionTimeout));
  if (profile.idleTimeout !== undefined) w.add(A.idleTimeout, profile.idleTimeout);
  w.add(A.interim, ctx.interimInterval);
  w.addRaw(A.class.code, ctx.classValue);
  if (ctx.vendor !== 'mikrotik') return;
  w.add(A.rateLimit, profile.rateLimit);
  if (profile.addressList) w.add(A.addressList, profile.addressList);
  if (profile.group) w.add(A.group, profile.group);
  if (profile.delegatedIpv6Pool && !profile.delegatedIpv6Prefix) w.add(A.mikrotikDelegatedIpv6Pool, profile.delegatedIpv6Pool);
  if (profile.totalLimit !== undefined) {
    w.add(A.totalLimit, profile.totalLimit % TWO_32);
    if (profile.totalLimit >= TWO_32) w.add(A.totalLimitGigawords, Math.floor(profile.totalLimit / TWO_32));
  }
}

/** Writes a Reply-Message, cut to the 253 octets an attribute holds, on a character boundary (RFC 2865 §5.18: UTF-8). */
export function writeReplyMessage(w: PacketWriter, message: string): void {
  let bytes = Buffer.from(message, 'utf8');
  if (bytes.length > 253) {
    let end = 253;
    while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // back to the first octet of the split character
    bytes = bytes.subarray(0, end);
  }
  w.addRaw(A.replyMessage.code, bytes);
}

/**
 * Class value: `isp1;s=<subscription id>;p=<plan id>;d=<a|w>` (a = accept, w = walled garden).
 * Accounting reads it back with parseClass to attribute sessions without a username lookup.
 */
export function classFor(subscriptionId: number, planId: number, walledGarden: boolean): Buffer {
  return Buffer.from(`isp1;s=${subscriptionId};p=${planId};d=${walledGarden ? 'w' : 'a'}`, 'latin1');
}

/** Parses a Class written by classFor; null for any other Class. */
export function parseClass(value: Buffer | undefined): { subscriptionId: number; planId: number; walledGarden: boolean } | null {
  if (!value || value.length > 64) return null;
  const m = /^isp1;s=(\d+);p=(\d+);d=([aw])$/.exec(value.toString('latin1'));
  if (!m) return null;
  return { subscriptionId: Number(m[1]), planId: Number(m[2]), walledGarden: m[3] === 'w' };
}

/**
 * Class value of a hotspot voucher's session: `isp1;v=<voucher id>`. Accounting reads it back
 * with parseVoucherClass to add the session's time and octets to the voucher.
 */
export function voucherClass(voucherId: number): Buffer {
  return Buffer.from(`isp1;v=${voucherId}`, 'latin1');
}

/** Parses a Class written by voucherClass; null for any other Class. */
export function parseVoucherClass(value: Buffer | undefined): { voucherId: number } | null {
  if (!value || value.length > 32) return null;
  const m = /^isp1;v=(\d{1,15})$/.exec(value.toString('latin1'));
  return m ? { voucherId: Number(m[1]) } : null;
}
