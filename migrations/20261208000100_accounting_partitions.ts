/**
 * Session history partitioned by month (issue 13, item 3; ARCHITECTURE.md, "Accounting partitions").
 *
 * accounting_sessions becomes a table partitioned by RANGE (stop_time) (PostgreSQL manual,
 * "Table Partitioning" §5.12.2):
 * - `accounting_sessions_open`, the DEFAULT partition: every open session (stop_time NULL: a range
 *   partition never holds NULL, so they all land here) and a closed row whose month has no
 *   partition. It stays as small as the number of subscribers online, whatever the history
 *   holds, and carries the HOT-friendly fillfactor of the original table (Interim-Updates are
 *   HOT updates here, migrations/…_accounting.ts).
 * - `accounting_sessions_pYYYYMM`: the sessions stopped in that UTC month. A Stop moves its row out
 *   of the open partition into its month (an UPDATE of the partition key moves the row, §5.12.2.2).
 *   Created ahead and archived then dropped past ACCOUNTING_RETENTION_MONTHS by
 *   aaa/accounting/accounting-partitions.ts (the worker's `accounting-partitions` job).
 *
 * What a partitioned table cannot keep (§5.12.2.3, "Limitations"): a unique constraint must
 * include the partition key, so `session_key UNIQUE` and `id PRIMARY KEY` become indexes, with a
 * UNIQUE index on session_key in the open partition only. The writer (accounting-statements.ts)
 * therefore upserts with UPDATE … then INSERT, not ON CONFLICT, and a concurrent duplicate of a
 * new session fails on that unique index and is retried.
 *
 * Same columns, same index names, same triggers (usage_daily, aaa_sessions, vouchers: statement
 * triggers with transition tables on the parent, which see rows a Stop moves as UPDATEs). Columns
 * added later go on the parent (ALTER TABLE accounting_sessions ADD COLUMN …) and reach every
 * partition. `accounting_archives` lists the months archived and dropped; the writer stores no
 * new row for a time before the newest of them (see accounting-statements.ts).
 *
 * Existing rows are copied (one transaction; on a large history run it in a quiet hour).
 */
import type { Knex } from 'knex';
import { addIntervals, intervalStart, partitionName } from '../lib/partitions.js';

/** Months created ahead of the current one (kept in step with aaa/accounting/accounting-partitions.ts). */
const AHEAD = 2;

const INDEXES: Array<[name: string, definition: string]> = [
  ['accounting_sessions_id', '(id)'],
  ['accounting_sessions_key', '(session_key)'],
  ['accounting_sessions_open_nas', '(nas_ip_address) WHERE stop_time IS NULL'],
  ['accounting_sessions_open_subscription', '(subscription_id) WHERE stop_time IS NULL'],
  ['accounting_sessions_open_framed_ip', '(framed_ip_address) WHERE stop_time IS NULL'],
  ['accounting_sessions_subscription_start', '(subscription_id, start_time DESC)'],
  ['accounting_sessions_username_start', '(username, start_time DESC)'],
  ['accounting_sessions_open_start', '(start_time DESC, id DESC) WHERE stop_time IS NULL'],
  ['accounting_sessions_open_username', '(username, id) WHERE stop_time IS NULL'],
  ['accounting_sessions_open_acct_session_id', '(acct_session_id) WHERE stop_time IS NULL'],
  ['accounting_sessions_open_mac', `(upper(translate(calling_station_id, ':-.', ''))) WHERE stop_time IS NULL`],
  ['accounting_sessions_open_search', 'USING gin (session_search_text(username, calling_station_id, framed_ip_address) gin_trgm_ops) WHERE stop_time IS NULL'],
  ['accounting_sessions_stopped', '(stop_time) INCLUDE (start_time) WHERE stop_time IS NOT NULL'],
  ['accounting_sessions_nas_stopped', '(nas_ip_address, stop_time) WHERE stop_time IS NOT NULL'],
  ['accounting_sessions_voucher', '(voucher_id, start_time DESC) WHERE voucher_id IS NOT NULL'],
];

const TRIGGERS = `
  CREATE TRIGGER accounting_sessions_aaa_insert AFTER INSERT ON accounting_sessions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION aaa_sessions_changed();
  CREATE TRIGGER accounting_sessions_aaa_update AFTER UPDATE ON accounting_sessions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION aaa_sessions_changed();
  CREATE TRIGGER accounting_sessions_aaa_delete AFTER DELETE ON accounting_sessions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION aaa_sessions_changed();
  CREATE TRIGGER accounting_sessions_usage_insert AFTER INSERT ON accounting_sessions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION accounting_usage();
  CREATE TRIGGER accounting_sessions_usage_update AFTER UPDATE ON accounting_sessions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION accounting_usage();
  CREATE TRIGGER accounting_sessions_voucher_insert AFTER INSERT ON accounting_sessions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION accounting_voucher_usage();
  CREATE TRIGGER accounting_sessions_voucher_update AFTER UPDATE ON accounting_sessions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION accounting_voucher_usage();
  CREATE TRIGGER accounting_sessions_voucher_delete AFTER DELETE ON accounting_sessions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION accounting_voucher_usage();`;

const FOREIGN_KEYS = `
  ALTER TABLE accounting_sessions
    ADD CONSTRAINT accounting_sessions_subscription_id_fkey FOREIGN KEY (subscription_id) REFERENCES subscriptions ON DELETE SET NULL,
    ADD CONSTRAINT accounting_sessions_nas_id_fkey FOREIGN KEY (nas_id) REFERENCES nas ON DELETE SET NULL,
    ADD CONSTRAINT accounting_sessions_voucher_id_fkey FOREIGN KEY (voucher_id) REFERENCES vouchers ON DELETE SET NULL;`;

/** Renames the current table out of the way, keeping its id sequence for the new one. */
async function setAside(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE accounting_sessions RENAME TO accounting_sessions_before;
    ALTER SEQUENCE accounting_sessions_id_seq OWNED BY NONE;
    ALTER TABLE accounting_sessions_before ALTER COLUMN id DROP DEFAULT;`);
  const { rows } = await knex.raw<{ rows: Array<{ name: string }> }>(
    `SELECT indexname AS name FROM pg_indexes WHERE tablename = 'accounting_sessions_before'`);
  for (const { name } of rows) await knex.raw('ALTER INDEX ?? RENAME TO ??', [name, `${name}_before`.slice(0, 63)]);
}

async function finish(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE accounting_sessions_before;
    ALTER TABLE accounting_sessions ALTER COLUMN id SET DEFAULT nextval('accounting_sessions_id_seq');
    ALTER SEQUENCE accounting_sessions_id_seq OWNED BY accounting_sessions.id;
    ${FOREIGN_KEYS}
    ${TRIGGERS}`);
}

export async function up(knex: Knex): Promise<void> {
  await setAside(knex);
  await knex.raw(`
    CREATE TABLE accounting_sessions (LIKE accounting_sessions_before INCLUDING DEFAULTS) PARTITION BY RANGE (stop_time);
    CREATE TABLE accounting_sessions_open PARTITION OF accounting_sessions DEFAULT WITH (fillfactor = 80);`);
  // The months the existing history needs, and the current one with AHEAD more (UTC, lib/partitions.ts).
  const { rows } = await knex.raw<{ rows: Array<{ month: Date }> }>(
    `SELECT DISTINCT date_trunc('month', stop_time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS month
       FROM accounting_sessions_before WHERE stop_time IS NOT NULL`);
  const current = intervalStart('month', new Date());
  const months = new Map<string, Date>();
  for (const { month } of rows) months.set(month.toISOString(), month);
  for (let i = 0; i <= AHEAD; i++) { const m = addIntervals('month', current, i); months.set(m.toISOString(), m); }
  for (const start of months.values()) {
    // DDL takes no bind parameters: the bounds come from Date#toISOString.
    await knex.raw(`CREATE TABLE ?? PARTITION OF accounting_sessions FOR VALUES FROM ('${start.toISOString()}') TO ('${addIntervals('month', start, 1).toISOString()}')`,
      [partitionName('accounting_sessions', 'month', start)]);
  }
  await knex.raw('INSERT INTO accounting_sessions SELECT * FROM accounting_sessions_before');
  for (const [name, definition] of INDEXES) await knex.raw(`CREATE INDEX ${name} ON accounting_sessions ${definition}`);
  // Open sessions are unique by key: a second INSERT of a live session fails here (and is retried as an UPDATE).
  // Partial, so that the writer's lookup of a batch's open rows (`session_key = ANY(…) AND stop_time IS NULL`)
  // is one index scan: without the predicate PostgreSQL ANDs it with a bitmap of another open-only index,
  // reading every open session's entry per batch.
  await knex.raw('CREATE UNIQUE INDEX accounting_sessions_open_key ON accounting_sessions_open (session_key) WHERE stop_time IS NULL');
  await finish(knex);
  await knex.raw(`
    CREATE TABLE accounting_archives (
      partition text PRIMARY KEY,
      range_start timestamptz NOT NULL,
      range_end timestamptz NOT NULL,
      -- The gzip file (COPY … CSV with a header), relative to ACCOUNTING_ARCHIVE_DIR.
      file text NOT NULL,
      rows bigint NOT NULL,
      bytes bigint NOT NULL,
      sha256 text NOT NULL,
      archived_at timestamptz NOT NULL DEFAULT now()
    );`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE accounting_archives');
  await setAside(knex);
  await knex.raw(`
    CREATE TABLE accounting_sessions (LIKE accounting_sessions_before INCLUDING DEFAULTS) WITH (fillfactor = 80);
    INSERT INTO accounting_sessions SELECT * FROM accounting_sessions_before;
    ALTER TABLE accounting_sessions ADD PRIMARY KEY (id), ADD CONSTRAINT accounting_sessions_session_key_key UNIQUE (session_key);`);
  for (const [name, definition] of INDEXES.slice(2)) await knex.raw(`CREATE INDEX ${name} ON accounting_sessions ${definition}`);
  await finish(knex);
}
