/**
 * The statements of the accounting writer (accounting-writer.ts), one per batch: the session
 * upsert (Start inserts; Interim updates, or inserts when the Start was lost; Stop closes), the
 * dead letters, and the close of every open session of a NAS that sent Accounting-On/Off
 * (RFC 2866 §5.1 Acct-Status-Type 7/8). Counters only grow (GREATEST), so a late or reordered
 * Interim cannot roll them back; a stopped session stays stopped, except one the stale sweep
 * closed (cause `Stale-Session`), which a later Interim reopens.
 */
import { SUBSCRIPTION_REFERENCE_SQL, VOUCHER_REFERENCE_SQL } from '../../billing/access/session-references.js';

export const STALE_CAUSE = 'Stale-Session';

// A Stop closes an open session, or one the stale sweep closed; an Interim newer than the
// sweep's stop reopens a swept session (it was alive after all).
const CLOSES = `excluded.stop_time IS NOT NULL AND (s.stop_time IS NULL OR s.terminate_cause = '${STALE_CAUSE}')`;
const REOPENS = `excluded.stop_time IS NULL AND s.terminate_cause = '${STALE_CAUSE}' AND excluded.update_time > s.stop_time`;

export const UPSERT = `
INSERT INTO accounting_sessions AS s (
  session_key, acct_session_id, acct_multi_session_id, username, subscription_id, voucher_id, nas_id, nas_ip_address,
  nas_identifier, nas_port, nas_port_type, calling_station_id, called_station_id, framed_ip_address,
  service_type, class, start_time, start_is_estimate, update_time, stop_time, session_time, input_octets, output_octets,
  input_packets, output_packets, terminate_cause)
SELECT session_key, acct_session_id, acct_multi_session_id, username,
  -- References resolved here (accounting-writer.ts): a missing row never fails the batch.
  ${SUBSCRIPTION_REFERENCE_SQL},
  ${VOUCHER_REFERENCE_SQL},
  (SELECT x.id FROM nas x WHERE x.id = t.nas_id),
  nas_ip_address, nas_identifier, nas_port, nas_port_type, calling_station_id, called_station_id, framed_ip_address,
  service_type, class, start_time, start_is_estimate, update_time, stop_time, session_time, input_octets, output_octets,
  input_packets, output_packets, terminate_cause
FROM json_to_recordset(?::json) AS t(
  session_key uuid, acct_session_id text, acct_multi_session_id text, username text, subscription_id bigint,
  voucher_id bigint, nas_id bigint, nas_ip_address inet, nas_identifier text, nas_port text, nas_port_type text,
  calling_station_id text, called_station_id text, framed_ip_address inet, service_type text, class text,
  start_time timestamptz, start_is_estimate boolean, update_time timestamptz, stop_time timestamptz, session_time bigint,
  input_octets bigint, output_octets bigint, input_packets bigint, output_packets bigint, terminate_cause text)
ON CONFLICT (session_key) DO UPDATE SET
  subscription_id = coalesce(s.subscription_id, excluded.subscription_id),
  voucher_id = coalesce(s.voucher_id, excluded.voucher_id),
  acct_multi_session_id = coalesce(excluded.acct_multi_session_id, s.acct_multi_session_id),
  nas_identifier = coalesce(excluded.nas_identifier, s.nas_identifier),
  nas_port_type = coalesce(excluded.nas_port_type, s.nas_port_type),
  calling_station_id = coalesce(excluded.calling_station_id, s.calling_station_id),
  called_station_id = coalesce(excluded.called_station_id, s.called_station_id),
  framed_ip_address = coalesce(excluded.framed_ip_address, s.framed_ip_address),
  service_type = coalesce(excluded.service_type, s.service_type),
  class = coalesce(s.class, excluded.class),
  -- Only a Start states when the session began; an Interim's estimate (receive time minus
  -- Acct-Session-Time) jitters, and rewriting the indexed start_time would make every Interim a
  -- non-HOT update that touches all the table's indexes.
  start_time = CASE WHEN s.start_is_estimate AND NOT excluded.start_is_estimate THEN excluded.start_time ELSE s.start_time END,
  start_is_estimate = s.start_is_estimate AND excluded.start_is_estimate,
  update_time = greatest(s.update_time, excluded.update_time),
  session_time = greatest(s.session_time, excluded.session_time),
  input_octets = greatest(s.input_octets, excluded.input_octets),
  output_octets = greatest(s.output_octets, excluded.output_octets),
  input_packets = greatest(s.input_packets, excluded.input_packets),
  output_packets = greatest(s.output_packets, excluded.output_packets),
  stop_time = CASE WHEN ${CLOSES} THEN excluded.stop_time WHEN ${REOPENS} THEN NULL ELSE s.stop_time END,
  terminate_cause = CASE WHEN ${CLOSES} THEN excluded.terminate_cause WHEN ${REOPENS} THEN NULL ELSE s.terminate_cause END`;

export const DEAD_LETTER = `
INSERT INTO accounting_dead_letters (nas_id, nas_ip_address, reason, detail, record)
SELECT nas_id, nas_ip_address, reason, detail, record
FROM json_to_recordset(?::json) AS t(nas_id bigint, nas_ip_address inet, reason text, detail text, record jsonb)`;

export const CLOSE_NAS = `
UPDATE accounting_sessions
   SET stop_time = greatest(update_time, ?::timestamptz), terminate_cause = 'NAS-Reboot'
 WHERE nas_ip_address = ?::inet AND stop_time IS NULL AND start_time <= ?::timestamptz`;
