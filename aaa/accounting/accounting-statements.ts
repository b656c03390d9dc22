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
const CLOSES = `r.stop_time IS NOT NULL AND (s.stop_time IS NULL OR s.terminate_cause = '${STALE_CAUSE}')`;
const REOPENS = `r.stop_time IS NULL AND s.terminate_cause = '${STALE_CAUSE}' AND r.update_time > s.stop_time`;

const COLUMNS = `session_key, acct_session_id, acct_multi_session_id, username, subscription_id, voucher_id, nas_id, nas_ip_address,
  nas_identifier, nas_port, nas_port_type, calling_station_id, called_station_id, framed_ip_address,
  service_type, class, start_time, start_is_estimate, update_time, stop_time, session_time, input_octets, output_octets,
  input_packets, output_packets, terminate_cause,
  framed_ipv6_prefix, delegated_ipv6_prefix, framed_interface_id, framed_ipv6_address`;

/** How a stored session takes a record `r` (the row's old values are `s`). */
const MERGE = `
  subscription_id = coalesce(s.subscription_id, r.subscription_id),
  voucher_id = coalesce(s.voucher_id, r.voucher_id),
  acct_multi_session_id = coalesce(r.acct_multi_session_id, s.acct_multi_session_id),
  nas_identifier = coalesce(r.nas_identifier, s.nas_identifier),
  nas_port_type = coalesce(r.nas_port_type, s.nas_port_type),
  calling_station_id = coalesce(r.calling_station_id, s.calling_station_id),
  called_station_id = coalesce(r.called_station_id, s.called_station_id),
  framed_ip_address = coalesce(r.framed_ip_address, s.framed_ip_address),
  -- IPv6 (session-ipv6.ts): the latest the NAS reported, kept when a later request omits it.
  framed_ipv6_prefix = coalesce(r.framed_ipv6_prefix, s.framed_ipv6_prefix),
  delegated_ipv6_prefix = coalesce(r.delegated_ipv6_prefix, s.delegated_ipv6_prefix),
  framed_interface_id = coalesce(r.framed_interface_id, s.framed_interface_id),
  framed_ipv6_address = coalesce(r.framed_ipv6_address, s.framed_ipv6_address),
  service_type = coalesce(r.service_type, s.service_type),
  class = coalesce(s.class, r.class),
  -- Only a Start states when the session began; an Interim's estimate (receive time minus
  -- Acct-Session-Time) jitters, and rewriting the indexed start_time would make every Interim a
  -- non-HOT update that touches all the table's indexes.
  start_time = CASE WHEN s.start_is_estimate AND NOT r.start_is_estimate THEN r.start_time ELSE s.start_time END,
  start_is_estimate = s.start_is_estimate AND r.start_is_estimate,
  update_time = greatest(s.update_time, r.update_time),
  session_time = greatest(s.session_time, r.session_time),
  input_octets = greatest(s.input_octets, r.input_octets),
  output_octets = greatest(s.output_octets, r.output_octets),
  input_packets = greatest(s.input_packets, r.input_packets),
  output_packets = greatest(s.output_packets, r.output_packets),
  stop_time = CASE WHEN ${CLOSES} THEN r.stop_time WHEN ${REOPENS} THEN NULL ELSE s.stop_time END,
  terminate_cause = CASE WHEN ${CLOSES} THEN r.terminate_cause WHEN ${REOPENS} THEN NULL ELSE s.terminate_cause END`;

/**
 * The session upsert of one batch: `?` is the JSON array of rows (session-rows.ts), one per
 * session key. accounting_sessions is partitioned by stop_time (migrations/…_accounting_partitions.ts),
 * so there is no unique constraint for ON CONFLICT; instead, in one statement (one snapshot):
 * 1. `opened`: the open row of each key (the open partition only: stop_time IS NULL prunes to it)
 *    takes the record; a Stop moves it into its month's partition.
 * 2. `closed`: for keys with no open row, a closed row takes it (a retransmitted Stop, a late
 *    Interim, a Start after Stop, an Interim reopening a stale-swept session: it moves back to the
 *    open partition). Only partitions from a day before the record's start are searched.
 * 3. `inserted`: keys with no row are inserted, unless the record's time is before the newest
 *    archived month (accounting_archives): a month that was archived and dropped is not
 *    resurrected with a partial row.
 * It returns one row: `opened`, the number of new rows that are open sessions (they went into
 * the open partition: the writer keeps its statistics current with the count,
 * open-partition-stats.ts), and `archived`, the keys
 * refused as before the newest archived month, whose records the writer keeps as dead letters
 * (reason `archived_month`).
 * Two processes inserting one new session at once: the second fails on the open partition's
 * unique key (23505) and its retry finds the row (accounting-writer.ts).
 *
 * Parameters: the rows' JSON, then the batch's session keys (uuid[]) twice, for steps 1 and 2.
 * The key array is what makes PostgreSQL look each session up by its index: joined with the
 * JSON alone (estimated at 100 rows whatever it holds), the planner hashes the whole open
 * partition for every batch (17,000 open sessions: 15 ms a batch; a million: seconds) and scans
 * every month partition for step 2.
 */
export const UPSERT = `
-- Named up front: pg_stat_activity keeps only the first 1 kB of a statement (track_activity_query_size).
/* session upsert: UPDATE, INSERT INTO accounting_sessions */
WITH r AS MATERIALIZED (
  SELECT session_key, acct_session_id, acct_multi_session_id, username,
    -- References resolved here (accounting-writer.ts): a missing row never fails the batch.
    ${SUBSCRIPTION_REFERENCE_SQL} AS subscription_id,
    ${VOUCHER_REFERENCE_SQL} AS voucher_id,
    (SELECT x.id FROM nas x WHERE x.id = t.nas_id) AS nas_id,
    nas_ip_address, nas_identifier, nas_port, nas_port_type, calling_station_id, called_station_id, framed_ip_address,
    service_type, class, start_time, start_is_estimate, update_time, stop_time, session_time, input_octets, output_octets,
    input_packets, output_packets, terminate_cause,
    framed_ipv6_prefix, delegated_ipv6_prefix, framed_interface_id, framed_ipv6_address
  FROM json_to_recordset(?::json) AS t(
    session_key uuid, acct_session_id text, acct_multi_session_id text, username text, subscription_id bigint,
    voucher_id bigint, nas_id bigint, nas_ip_address inet, nas_identifier text, nas_port text, nas_port_type text,
    calling_station_id text, called_station_id text, framed_ip_address inet, service_type text, class text,
    start_time timestamptz, start_is_estimate boolean, update_time timestamptz, stop_time timestamptz, session_time bigint,
    input_octets bigint, output_octets bigint, input_packets bigint, output_packets bigint, terminate_cause text,
    framed_ipv6_prefix inet, delegated_ipv6_prefix inet, framed_interface_id text, framed_ipv6_address inet)
),
opened AS (
  UPDATE accounting_sessions AS s SET ${MERGE}
    FROM r WHERE s.session_key = ANY(?::uuid[]) AND s.session_key = r.session_key AND s.stop_time IS NULL
  RETURNING s.session_key
),
closed AS (
  UPDATE accounting_sessions AS s SET ${MERGE}
    FROM r WHERE s.session_key = ANY(?::uuid[]) AND s.session_key = r.session_key AND s.stop_time IS NOT NULL
     AND s.stop_time >= r.start_time - interval '1 day'
     AND r.session_key NOT IN (SELECT session_key FROM opened)
  RETURNING s.session_key
),
fresh AS (
  SELECT r.*, r.update_time >= coalesce((SELECT max(range_end) FROM accounting_archives), '-infinity') AS storable
    FROM r
   WHERE r.session_key NOT IN (SELECT session_key FROM opened) AND r.session_key NOT IN (SELECT session_key FROM closed)
),
inserted AS (
  INSERT INTO accounting_sessions (${COLUMNS})
  SELECT ${COLUMNS} FROM fresh WHERE storable
  RETURNING 1
)
SELECT (SELECT count(*) FROM fresh WHERE storable AND stop_time IS NULL)::int AS opened,
       ARRAY(SELECT session_key::text FROM fresh WHERE NOT storable) AS archived`;

export const DEAD_LETTER = `
INSERT INTO accounting_dead_letters (nas_id, nas_ip_address, reason, detail, record)
SELECT nas_id, nas_ip_address, reason, detail, record
FROM json_to_recordset(?::json) AS t(nas_id bigint, nas_ip_address inet, reason text, detail text, record jsonb)`;

export const CLOSE_NAS = `
UPDATE accounting_sessions
   SET stop_time = greatest(update_time, ?::timestamptz), terminate_cause = 'NAS-Reboot'
 WHERE nas_ip_address = ?::inet AND stop_time IS NULL AND start_time <= ?::timestamptz`;
