/**
 * Accounting records as the radius role makes them from an Accounting-Request
 * (aaa/accounting/accounting-record.ts), for tests that drive the accounting writer directly: a
 * PPPoE session of `sub` on the NAS at `nasIp`. A Start states its start time (eventTime); an
 * Interim-Update or Stop estimates it (`sessionStart`); Acct-Session-Time counts from
 * `sessionStart`; a Stop ends with User-Request.
 */
import { sessionKey, type SessionRecord } from '../../aaa/accounting/accounting-record.js';

export function sessionRecord(o: {
  sub: { id: number; username: string };
  nasId: number;
  nasIp: string;
  /** Acct-Session-Id. */
  id: string;
  kind: SessionRecord['kind'];
  /** ms since the epoch. */
  eventTime: number;
  /** When the session began, ms since the epoch: Acct-Session-Time counts from it; a Start's own start time is eventTime. */
  sessionStart: number;
  input: number;
  output: number;
  /** Acct-Input-Packets and Acct-Output-Packets (default 1). */
  packets?: number;
  nasPort?: string;
  callingStationId: string;
  framedIpAddress: string | null;
}): SessionRecord {
  const nasPort = o.nasPort ?? 'ether2';
  const packets = o.packets ?? 1;
  return {
    kind: o.kind, sessionKey: sessionKey(o.sub.username, o.id, o.nasIp, nasPort), acctSessionId: o.id, acctMultiSessionId: null,
    username: o.sub.username, subscriptionId: o.sub.id, nasId: o.nasId, nasIpAddress: o.nasIp, nasIdentifier: 'edge-1', nasPort,
    nasPortType: 'Ethernet', callingStationId: o.callingStationId, calledStationId: null, framedIpAddress: o.framedIpAddress,
    serviceType: 'Framed-User', class: null, eventTime: o.eventTime, startTime: o.kind === 'start' ? o.eventTime : o.sessionStart,
    startIsEstimate: o.kind !== 'start', sessionTime: Math.round((o.eventTime - o.sessionStart) / 1000),
    inputOctets: BigInt(o.input), outputOctets: BigInt(o.output), inputPackets: packets, outputPackets: packets,
    terminateCause: o.kind === 'stop' ? 'User-Request' : null,
  };
}
