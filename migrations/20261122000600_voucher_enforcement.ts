/**
 * Hotspot vouchers enforced by the radius role (aaa/replica keeps the live ones in memory):
 * - vouchers.used_seconds / used_octets: what the voucher has used across all its sessions,
 *   maintained by the database from what each accounting statement really changed (the growth of
 *   the cumulative per-session counters, as migrations/…_accounting_usage.ts does per day), so it
 *   stays exact with several radius processes; the same statement moves the voucher to `used`
 *   when a limit is reached;
 * - accounting_sessions.voucher_id: the voucher a session belongs to (from the Class we sent);
 * - NOTIFY aaa_vouchers (`v:1,2` vouchers, `b:3` batches) whenever a voucher, its batch or one of
 *   its sessions changes, for the index;
 * - batches name a plan or carry their own rate limit; codes are letters and digits.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    -- NOT VALID: enforced for every new or changed row without scanning old ones.
    ALTER TABLE voucher_batches
      ADD CONSTRAINT voucher_batches_rate CHECK (plan_id IS NOT NULL OR rate_limit IS NOT NULL) NOT VALID,
      ADD CONSTRAINT voucher_batches_name CHECK (length(name) BETWEEN 1 AND 100) NOT VALID;

    ALTER TABLE vouchers
      ADD COLUMN used_seconds bigint NOT NULL DEFAULT 0,
      ADD COLUMN used_octets bigint NOT NULL DEFAULT 0,
      -- When the voucher became used or expired.
      ADD COLUMN ended_at timestamptz,
      ADD COLUMN sold_by bigint REFERENCES staff_users ON DELETE SET NULL,
      ADD CONSTRAINT vouchers_code CHECK (code ~ '^[A-Za-z0-9]{4,32}$') NOT VALID;
    -- Counts by status per batch (index-only), a batch's page filtered by status.
    CREATE INDEX vouchers_batch_status ON vouchers (batch_id, status, id);
    DROP INDEX vouchers_batch;
    -- The minute's expiry sweep.
    CREATE INDEX vouchers_active_expiry ON vouchers (expires_at) WHERE status = 'active';

    ALTER TABLE accounting_sessions ADD COLUMN voucher_id bigint;
    -- NOT VALID: the column is new (all NULL), so nothing old needs checking. An Interim-Update
    -- leaves voucher_id unchanged, so the foreign key costs it nothing and it stays a HOT update.
    ALTER TABLE accounting_sessions
      ADD CONSTRAINT accounting_sessions_voucher_id_fkey FOREIGN KEY (voucher_id) REFERENCES vouchers ON DELETE SET NULL NOT VALID;
    -- Partial: subscriber sessions (voucher_id NULL) never touch it.
    CREATE INDEX accounting_sessions_voucher ON accounting_sessions (voucher_id, start_time DESC) WHERE voucher_id IS NOT NULL;

    CREATE FUNCTION aaa_vouchers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE ids bigint[];
    BEGIN
      IF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT id) INTO ids FROM old_rows;
      ELSE
        SELECT array_agg(DISTINCT id) INTO ids FROM new_rows;
      END IF;
      PERFORM aaa_notify('aaa_vouchers', TG_ARGV[0] || ':', ids);
      RETURN NULL;
    END $$;

    CREATE TRIGGER vouchers_aaa_insert AFTER INSERT ON vouchers REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION aaa_vouchers_changed('v');
    CREATE TRIGGER vouchers_aaa_update AFTER UPDATE ON vouchers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION aaa_vouchers_changed('v');
    CREATE TRIGGER vouchers_aaa_delete AFTER DELETE ON vouchers REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION aaa_vouchers_changed('v');
    CREATE TRIGGER voucher_batches_aaa_update AFTER UPDATE ON voucher_batches REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION aaa_vouchers_changed('b');

    -- Voucher usage from accounting: a new session adds its counters, an update the growth of its
    -- cumulative counters (never below zero; all of them when the row only now got its voucher).
    -- A statement without voucher sessions (every subscriber batch) returns after one scan of its
    -- transition table. Vouchers are locked in id order, so two accounting lanes cannot deadlock.
    CREATE FUNCTION accounting_voucher_usage() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      ids bigint[];
      secs bigint[];
      octs bigint[];
      starts timestamptz[];
      changed bigint[];
    BEGIN
      IF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT voucher_id) INTO changed FROM old_rows WHERE voucher_id IS NOT NULL;
        PERFORM aaa_notify('aaa_vouchers', 'v:', changed);
        RETURN NULL;
      END IF;
      IF NOT EXISTS (SELECT 1 FROM new_rows WHERE voucher_id IS NOT NULL) THEN
        RETURN NULL;
      END IF;

      IF TG_OP = 'INSERT' THEN
        SELECT array_agg(id ORDER BY id), array_agg(s ORDER BY id), array_agg(o ORDER BY id), array_agg(f ORDER BY id)
          INTO ids, secs, octs, starts
          FROM (SELECT voucher_id AS id, sum(session_time)::bigint AS s, sum(input_octets + output_octets)::bigint AS o, min(start_time) AS f
                  FROM new_rows WHERE voucher_id IS NOT NULL GROUP BY voucher_id) t;
        changed := ids;
      ELSE
        SELECT array_agg(id ORDER BY id), array_agg(s ORDER BY id), array_agg(o ORDER BY id), array_agg(f ORDER BY id)
          INTO ids, secs, octs, starts
          FROM (SELECT n.voucher_id AS id,
                       sum(CASE WHEN o.voucher_id IS DISTINCT FROM n.voucher_id THEN n.session_time
                                ELSE greatest(n.session_time - o.session_time, 0) END)::bigint AS s,
                       sum(CASE WHEN o.voucher_id IS DISTINCT FROM n.voucher_id THEN n.input_octets + n.output_octets
                                ELSE greatest(n.input_octets - o.input_octets, 0) + greatest(n.output_octets - o.output_octets, 0) END)::bigint AS o,
                       min(n.start_time) AS f
                  FROM new_rows n JOIN old_rows o ON o.id = n.id
                 WHERE n.voucher_id IS NOT NULL
                 GROUP BY n.voucher_id) t;
        -- Reloaded by the index: vouchers whose sessions opened, closed, moved or reported.
        SELECT array_agg(DISTINCT x) INTO changed FROM (
          SELECT unnest(ARRAY[o.voucher_id, n.voucher_id]) AS x
            FROM new_rows n JOIN old_rows o ON o.id = n.id
           WHERE (o.stop_time IS NULL) <> (n.stop_time IS NULL)
              OR o.voucher_id IS DISTINCT FROM n.voucher_id
              OR o.calling_station_id IS DISTINCT FROM n.calling_station_id
              OR o.update_time IS DISTINCT FROM n.update_time
        ) t WHERE x IS NOT NULL;
      END IF;

      PERFORM 1 FROM vouchers WHERE id = ANY(ids) ORDER BY id FOR UPDATE;
      UPDATE vouchers v
         SET used_seconds = v.used_seconds + d.secs,
             used_octets = v.used_octets + d.octets,
             first_used_at = coalesce(v.first_used_at, d.first_start),
             expires_at = coalesce(v.expires_at, d.first_start + make_interval(secs => b.validity_seconds)),
             status = CASE
               WHEN v.status IN ('unused', 'sold', 'active')
                AND (v.used_seconds + d.secs >= b.time_limit_seconds OR v.used_octets + d.octets >= b.data_limit_bytes) THEN 'used'
               WHEN v.status IN ('unused', 'sold') THEN 'active'
               ELSE v.status END,
             ended_at = CASE
               WHEN v.status IN ('unused', 'sold', 'active')
                AND (v.used_seconds + d.secs >= b.time_limit_seconds OR v.used_octets + d.octets >= b.data_limit_bytes) THEN now()
               ELSE v.ended_at END
        FROM unnest(ids, secs, octs, starts) AS d(id, secs, octets, first_start), voucher_batches b
       WHERE v.id = d.id AND b.id = v.batch_id
         AND (d.secs > 0 OR d.octets > 0 OR v.status IN ('unused', 'sold'));
      PERFORM aaa_notify('aaa_vouchers', 'v:', changed);
      RETURN NULL;
    END $$;

    CREATE TRIGGER accounting_sessions_voucher_insert AFTER INSERT ON accounting_sessions
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION accounting_voucher_usage();
    CREATE TRIGGER accounting_sessions_voucher_update AFTER UPDATE ON accounting_sessions
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION accounting_voucher_usage();
    CREATE TRIGGER accounting_sessions_voucher_delete AFTER DELETE ON accounting_sessions
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION accounting_voucher_usage();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TRIGGER accounting_sessions_voucher_insert ON accounting_sessions;
    DROP TRIGGER accounting_sessions_voucher_update ON accounting_sessions;
    DROP TRIGGER accounting_sessions_voucher_delete ON accounting_sessions;
    DROP FUNCTION accounting_voucher_usage();
    DROP TRIGGER vouchers_aaa_insert ON vouchers; DROP TRIGGER vouchers_aaa_update ON vouchers; DROP TRIGGER vouchers_aaa_delete ON vouchers;
    DROP TRIGGER voucher_batches_aaa_update ON voucher_batches;
    DROP FUNCTION aaa_vouchers_changed();
    DROP INDEX accounting_sessions_voucher;
    ALTER TABLE accounting_sessions DROP COLUMN voucher_id;
    DROP INDEX vouchers_active_expiry;
    CREATE INDEX vouchers_batch ON vouchers (batch_id);
    DROP INDEX vouchers_batch_status;
    ALTER TABLE vouchers DROP CONSTRAINT vouchers_code, DROP COLUMN sold_by, DROP COLUMN ended_at, DROP COLUMN used_octets, DROP COLUMN used_seconds;
    ALTER TABLE voucher_batches DROP CONSTRAINT voucher_batches_name, DROP CONSTRAINT voucher_batches_rate;
  `);
}
