/**
 * Accounting-Request → AccountingRecord (RFC 2866 §5, RFC 2869 §5.1-5.2).
 *
 * - Session key: MD5 of User-Name, Acct-Session-Id, the NAS's source address and NAS-Port-Id /
 *   NAS-Port, as a UUID (FreeRADIUS derives acctuniqueid the same way), so one session is one row.
 * - Octet totals include the Gigawords: total = gigawords × 2^32 + octets, a 64-bit counter
 *   (RFC 2869 §5.1-5.2) carried as a bigint: a JS number is exact only up to 2^53. A total above
 *   the int8 column's 2^63 − 1 can never be stored as sent: `unstorableReason` names it, and the
 *   request goes to the dead letters (aaa/accounting/accounting-writer.ts).
 * - Times come from our clock minus Acct-Delay-Time, not from Event-Timestamp: many small-ISP
 *   routers run without NTP and report dates years off.
 * - Session start = event time − Acct-Session-Time. An Acct-Session-Time above
 *   MAX_SESSION_TIME_S (e.g. 4294967295, a start in 1890) is ignored, with the reason in
 *   `ignored`: the session keeps its stored times.
 */
import { createHash } from 'node:crypto';
import { attributeDefs } from '../codec/attribute-defs.js';
import type { AttributeDef } from '../codec/dictionary.js';
import type { Packet } from '../codec/packet.js';
import { attributeOf, readInteger, readIpv4, readString } from '../codec/values.js';
import { pgText } from '../../lib/pg-text.js';
import { parseClass, parseVoucherClass } from '../policy/reply-attributes.js';
import { sessionIpv6, type SessionIpv6 } from './session-ipv6.js';

const A = attributeDefs({
  statusType: 'Acct-Status-Type',
  sessionId: 'Acct-Session-Id',
  multiSessionId: 'Acct-Multi-Session-Id',
  userName: 'User-Name',
  nasIdentifier: 'NAS-Identifier',
  nasPort: 'NAS-Port',
  nasPortId: 'NAS-Port-Id',
  nasPortType: 'NAS-Port-Type',
  callingStationId: 'Calling-Station-Id',
  calledStationId: 'Called-Station-Id',
  framedIp: 'Framed-IP-Address',
  serviceType: 'Service-Type',
  class: 'Class',
  delay: 'Acct-Delay-Time',
  sessionTime: 'Acct-Session-Time',
  inOctets: 'Acct-Input-Octets',
  outOctets: 'Acct-Output-Octets',
  inGigawords: 'Acct-Input-Gigawords',
  outGigawords: 'Acct-Output-Gigawords',
  inPackets: 'Acct-Input-Packets',
  outPackets: 'Acct-Output-Packets',
  terminateCause: 'Acct-Terminate-Cause',
});

/** Acct-Status-Type values (RFC 2866 §5.1). */
export const STATUS = { Start: 1, Stop: 2, InterimUpdate: 3, AccountingOn: 7, AccountingOff: 8 } as const;

export type AccountingKind = 'start' | 'interim' | 'stop' | 'nas_on' | 'nas_off';

export interface SessionRecord {
  kind: 'start' | 'interim' | 'stop';
  sessionKey: string;
  acctSessionId: string;
  acctMultiSessionId: string | null;
  username: string;
  /** From the Class we sent in the Access-Accept, else from the replica by username, else null. */
  subscriptionId: number | null;
  /** The hotspot voucher of the session: from our Class, else from the replica by username (the code); null or absent: none. */
  voucherId?: number | null;
  nasId: number;
  nasIpAddress: string;
  nasIdentifier: string | null;
  nasPort: string | null;
  nasPortType: string | null;
  callingStationId: string | null;
  calledStationId: string | null;
  framedIpAddress: string | null;
  /** Framed-IPv6-Prefix, Delegated-IPv6-Prefix, Framed-Interface-Id, Framed-IPv6-Address (session-ipv6.ts); absent when the request has none. */
  ipv6?: SessionIpv6;
  serviceType: string | null;
  class: string | null;
  /** Epoch ms of the event (receive time − Acct-Delay-Time). */
  eventTime: number;
  /** Epoch ms the session started. */
  startTime: number;
  /** The start is estimated (this is not a Start): receive time − Acct-Session-Time. */
  startIsEstimate: boolean;
  /** Seconds (Acct-Session-Time); 0 when absent or ignored. */
  sessionTime: number;
  /** Octets including the Gigawords (RFC 2869 §5.1): up to (2^32 − 1) × 2^32 + 2^32 − 1. */
  inputOctets: bigint;
  outputOctets: bigint;
  inputPackets: number;
  outputPackets: number;
  terminateCause: string | null;
}

export interface NasRecord {
  kind: 'nas_on' | 'nas_off';
  nasId: number;
  nasIpAddress: string;
  eventTime: number;
}

export type AccountingRecord = SessionRecord | NasRecord;

export function isNasRecord(r: AccountingRecord): r is NasRecord {
  return r.kind === 'nas_on' || r.kind === 'nas_off';
}

/** A value of the request left out of the record, and why (a metric label). */
export type IgnoredValue = 'session_time_out_of_range';

export type ParseResult = { ok: true; record: AccountingRecord; ignored: IgnoredValue[] } | { ok: false; reason: string };

/**
 * The longest Acct-Session-Time taken as true: 10 years, in seconds. RFC 2866 §5.7 sets no
 * limit, but no router keeps a session that long; a larger value (a fuzzer's or a broken NAS's
 * 4294967295 = 136 years) would put the session's start in the 19th century.
 */
export const MAX_SESSION_TIME_S = 10 * 365 * 86_400;

/** Largest value of a PostgreSQL bigint (the octet columns). */
export const INT8_MAX = 2n ** 63n - 1n;

/** gigawords × 2^32 + octets (RFC 2869 §5.1-5.2), exact. */
function octets(gigawords: number | undefined, low: number | undefined): bigint {
  return (BigInt(gigawords ?? 0) << 32n) + BigInt(low ?? 0);
}

/**
 * Why the record can never be stored as sent, or null: an octet total above 2^63 − 1 (the
 * int8 columns; Gigawords 2^31 and more). Such a request is kept in the dead letters and
 * acknowledged: the NAS would otherwise resend it forever.
 */
export function unstorableReason(r: AccountingRecord): string | null {
  if (isNasRecord(r)) return null;
  if (r.inputOctets > INT8_MAX) return 'input_octets_out_of_range';
  if (r.outputOctets > INT8_MAX) return 'output_octets_out_of_range';
  return null;
}

/** Class as text: ours is ASCII; a foreign binary Class is kept as 0x-hex. */
function classText(v: Buffer | undefined): string | null {
  if (!v) return null;
  return /^[\x20-\x7e]*$/.test(v.toString('latin1')) ? v.toString('latin1') : `0x${v.toString('hex')}`;
}

function enumName(def: AttributeDef, value: number | undefined): string | null {
  if (value === undefined) return null;
  return def.valueNames.get(value) ?? String(value);
}

/** The session key (a UUID) of FreeRADIUS's acctuniqueid recipe. */
export function sessionKey(username: string, acctSessionId: string, nasIpAddress: string, nasPort: string): string {
  const h = createHash('md5').update(`${username}\0${acctSessionId}\0${nasIpAddress}\0${nasPort}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Parses a verified Accounting-Request from `nas`, received at `receivedAt` (epoch ms).
 * `subscriptionIdFor` resolves a username when the packet carries no Class of ours, and
 * `voucherIdFor` a voucher code when it is not a subscription's username either.
 * Returns `{ ok: false }` for a request we must not store: no Acct-Status-Type, an unknown
 * status, or a session record without Acct-Session-Id; otherwise the record and the values left
 * out of it (`ignored`). Check `unstorableReason` before storing the record.
 */
export function parseAccountingRequest(
  p: Packet,
  nas: { id: number; ipAddress: string },
  receivedAt: number,
  subscriptionIdFor: (username: string) => number | null,
  voucherIdFor: (username: string) => number | null = () => null,
): ParseResult {
  const status = readInteger(p, A.statusType);
  const delay = readInteger(p, A.delay) ?? 0;
  const eventTime = receivedAt - Math.min(delay, 86_400) * 1000;
  if (status === STATUS.AccountingOn || status === STATUS.AccountingOff) {
    return { ok: true, record: { kind: status === STATUS.AccountingOn ? 'nas_on' : 'nas_off', nasId: nas.id, nasIpAddress: nas.ipAddress, eventTime }, ignored: [] };
  }
  const kind = status === STATUS.Start ? 'start' : status === STATUS.Stop ? 'stop' : status === STATUS.InterimUpdate ? 'interim' : null;
  if (!kind) return { ok: false, reason: status === undefined ? 'no_status_type' : `unsupported_status_${status}` };
  const acctSessionId = pgText(readString(p, A.sessionId));
  if (!acctSessionId) return { ok: false, reason: 'no_acct_session_id' };
  const username = pgText(readString(p, A.userName)) ?? '';
  const nasPort = pgText(readString(p, A.nasPortId)) ?? readInteger(p, A.nasPort)?.toString() ?? null;
  const classValue = attributeOf(p, A.class)?.value;
  const ignored: IgnoredValue[] = [];
  let sessionTime = readInteger(p, A.sessionTime) ?? 0;
  if (sessionTime > MAX_SESSION_TIME_S) {
    ignored.push('session_time_out_of_range');
    sessionTime = 0;
  }
  const ours = parseClass(classValue);
  const voucher = ours ? null : parseVoucherClass(classValue);
  const subscriptionId = ours?.subscriptionId ?? (voucher ? null : subscriptionIdFor(username));
  return {
    ok: true,
    record: {
      kind,
      sessionKey: sessionKey(username, acctSessionId, nas.ipAddress, nasPort ?? ''),
      acctSessionId,
      acctMultiSessionId: pgText(readString(p, A.multiSessionId)),
      username,
      subscriptionId,
      voucherId: voucher?.voucherId ?? (subscriptionId === null ? voucherIdFor(username) : null),
      nasId: nas.id,
      nasIpAddress: nas.ipAddress,
      nasIdentifier: pgText(readString(p, A.nasIdentifier)),
      nasPort,
      nasPortType: enumName(A.nasPortType, readInteger(p, A.nasPortType)),
      callingStationId: pgText(readString(p, A.callingStationId)),
      calledStationId: pgText(readString(p, A.calledStationId)),
      framedIpAddress: readIpv4(p, A.framedIp) ?? null,
      ...sessionIpv6(p),
      serviceType: enumName(A.serviceType, readInteger(p, A.serviceType)),
      class: classText(classValue),
      eventTime,
      startTime: eventTime - sessionTime * 1000,
      startIsEstimate: kind !== 'start',
      sessionTime,
      inputOctets: octets(readInteger(p, A.inGigawords), readInteger(p, A.inOctets)),
      outputOctets: octets(readInteger(p, A.outGigawords), readInteger(p, A.outOctets)),
      inputPackets: readInteger(p, A.inPackets) ?? 0,
      outputPackets: readInteger(p, A.outPackets) ?? 0,
      terminateCause: kind === 'stop' ? enumName(A.terminateCause, readInteger(p, A.terminateCause)) : null,
    },
    ignored,
  };
}
