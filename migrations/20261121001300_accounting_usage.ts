/**
 * Per-day usage from accounting, computed by the database from what each statement actually
 * changed: statement-level triggers with transition tables see the row versions the upsert
 * really replaced, so usage stays exact when two radius processes (or instances) store the same
 * session at once. A new session adds its counters; an update adds the growth of the cumulative
 * counters (never less than zero, RFC 2866 counters only grow). The day is the local date of
 * the update in the ISP time zone, read from settings (`time_zone`, kept from ISP_TIME_ZONE).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION isp_time_zone() RETURNS text LANGUAGE sql STABLE AS
      $$ SELECT coalesce((SELECT value #>> '{}' FROM settings WHERE key = 'time_zone'), 'Asia/Jakarta') $$;

    CREATE FUNCTION accounting_usage() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE tz text := isp_time_zone();
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO usage_daily AS u (subscription_id, day, input_octets, output_octets)
        SELECT subscription_id, (update_time AT TIME ZONE tz)::date, sum(input_octets), sum(output_octets)
          FROM new_rows
         WHERE subscription_id IS NOT NULL AND (input_octets > 0 OR output_octets > 0)
         GROUP BY 1, 2
         ORDER BY 1, 2
        ON CONFLICT (subscription_id, day) DO UPDATE
          SET input_octets = u.input_octets + excluded.input_octets, output_octets = u.output_octets + excluded.output_octets;
      ELSE
        INSERT INTO usage_daily AS u (subscription_id, day, input_octets, output_octets)
        SELECT n.subscription_id, (n.update_time AT TIME ZONE tz)::date,
               sum(greatest(n.input_octets - o.input_octets, 0)), sum(greatest(n.output_octets - o.output_octets, 0))
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE n.subscription_id IS NOT NULL
           AND (n.input_octets > o.input_octets OR n.output_octets > o.output_octets)
         GROUP BY 1, 2
         ORDER BY 1, 2
        ON CONFLICT (subscription_id, day) DO UPDATE
          SET input_octets = u.input_octets + excluded.input_octets, output_octets = u.output_octets + excluded.output_octets;
      END IF;
      RETURN NULL;
    END $$;

    CREATE TRIGGER accounting_sessions_usage_insert AFTER INSERT ON accounting_sessions
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION accounting_usage();
    CREATE TRIGGER accounting_sessions_usage_update AFTER UPDATE ON accounting_sessions
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION accounting_usage();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TRIGGER accounting_sessions_usage_insert ON accounting_sessions;
    DROP TRIGGER accounting_sessions_usage_update ON accounting_sessions;
    DROP FUNCTION accounting_usage();
    DROP FUNCTION isp_time_zone();
  `);
}
