/**
 * Accounting records as rows of the session upsert (accounting-statements.ts): records of one
 * session in one batch merged the way the statement would apply them in turn, then turned into
 * the JSON row the statement reads with json_to_recordset.
 */
import type { SessionRecord } from './accounting-record.js';
import { ipv6Columns } from './session-ipv6.js';

/** Merges two records of one session in one batch, the way the upsert would apply them in turn. */
export function mergeRecords(a: SessionRecord, b: SessionRecord): SessionRecord {
  const stopped = a.kind === 'stop' ? a : b.kind === 'stop' ? b : null;
  return {
    ...a,
    ...b,
    kind: stopped ? 'stop' : b.kind,
    subscriptionId: a.subscriptionId ?? b.subscriptionId,
    voucherId: a.voucherId ?? b.voucherId,
    class: a.class ?? b.class,
    // A Start in the batch states the start; otherwise the earliest estimate.
    startTime: !a.startIsEstimate ? a.startTime : !b.startIsEstimate ? b.startTime : Math.min(a.startTime, b.startTime),
    startIsEstimate: a.startIsEstimate && b.startIsEstimate,
    eventTime: Math.max(a.eventTime, b.eventTime),
    sessionTime: Math.max(a.sessionTime, b.sessionTime),
    inputOctets: a.inputOctets > b.inputOctets ? a.inputOctets : b.inputOctets,
    outputOctets: a.outputOctets > b.outputOctets ? a.outputOctets : b.outputOctets,
    inputPackets: Math.max(a.inputPackets, b.inputPackets),
    outputPackets: Math.max(a.outputPackets, b.outputPackets),
    terminateCause: stopped?.terminateCause ?? null,
    framedIpAddress: b.framedIpAddress ?? a.framedIpAddress,
    callingStationId: b.callingStationId ?? a.callingStationId,
  };
}

export function toRow(r: SessionRecord): Record<string, unknown> {
  return {
    session_key: r.sessionKey, acct_session_id: r.acctSessionId, acct_multi_session_id: r.acctMultiSessionId,
    username: r.username, subscription_id: r.subscriptionId, voucher_id: r.voucherId ?? null, nas_id: r.nasId, nas_ip_address: r.nasIpAddress,
    nas_identifier: r.nasIdentifier, nas_port: r.nasPort, nas_port_type: r.nasPortType,
    calling_station_id: r.callingStationId, called_station_id: r.calledStationId, framed_ip_address: r.framedIpAddress,
    service_type: r.serviceType, class: r.class, start_time: new Date(r.startTime).toISOString(), start_is_estimate: r.startIsEstimate,
    update_time: new Date(r.eventTime).toISOString(), stop_time: r.kind === 'stop' ? new Date(r.eventTime).toISOString() : null,
    // Decimal strings: JSON numbers beyond 2^53 would lose digits; PostgreSQL reads them as bigint.
    session_time: r.sessionTime, input_octets: r.inputOctets.toString(), output_octets: r.outputOctets.toString(),
    input_packets: r.inputPackets, output_packets: r.outputPackets, terminate_cause: r.terminateCause,
    ...ipv6Columns(r.ipv6),
  };
}
