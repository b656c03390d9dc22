/**
 * Change notifications for the radius role's in-memory access replica (aaa/replica/). Statement-level
 * triggers with transition tables send one NOTIFY per statement (ids in chunks that fit the
 * 8000-byte payload limit), so a bulk import of 100,000 subscriptions costs a few hundred
 * notifications, not 100,000. Channels and payloads:
 * - aaa_index:    `subscription:1,2,3`, `plan:4`, `nas:5`, `settings:*`
 * - aaa_sessions: `7,8` subscriptions whose set of open sessions changed (start, stop, delete)
 * - aaa_usage:    `7,8` subscriptions on a quota plan whose traffic changed
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION aaa_notify(channel text, prefix text, ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      i integer := 1;
      n integer := coalesce(array_length(ids, 1), 0);
    BEGIN
      WHILE i <= n LOOP
        PERFORM pg_notify(channel, prefix || array_to_string(ids[i : i + 399], ','));
        i := i + 400;
      END LOOP;
    END $$;

    CREATE FUNCTION aaa_index_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE ids bigint[];
    BEGIN
      IF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT id) INTO ids FROM old_rows;
      ELSE
        SELECT array_agg(DISTINCT id) INTO ids FROM new_rows;
      END IF;
      PERFORM aaa_notify('aaa_index', TG_ARGV[0] || ':', ids);
      RETURN NULL;
    END $$;

    CREATE FUNCTION aaa_settings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('aaa_index', 'settings:*');
      RETURN NULL;
    END $$;

    CREATE FUNCTION aaa_sessions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE ids bigint[];
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT subscription_id) INTO ids FROM new_rows
         WHERE stop_time IS NULL AND subscription_id IS NOT NULL;
      ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT subscription_id) INTO ids FROM old_rows
         WHERE stop_time IS NULL AND subscription_id IS NOT NULL;
      ELSE
        SELECT array_agg(DISTINCT s) INTO ids FROM (
          SELECT unnest(ARRAY[o.subscription_id, n.subscription_id]) AS s
            FROM new_rows n JOIN old_rows o ON o.id = n.id
           WHERE (o.stop_time IS NULL) <> (n.stop_time IS NULL)
              OR o.subscription_id IS DISTINCT FROM n.subscription_id
              OR o.calling_station_id IS DISTINCT FROM n.calling_station_id
              OR o.framed_ip_address IS DISTINCT FROM n.framed_ip_address
        ) t WHERE s IS NOT NULL;
      END IF;
      PERFORM aaa_notify('aaa_sessions', '', ids);
      RETURN NULL;
    END $$;

    CREATE FUNCTION aaa_usage_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE ids bigint[];
    BEGIN
      SELECT array_agg(DISTINCT n.subscription_id) INTO ids
        FROM new_rows n
        JOIN subscriptions s ON s.id = n.subscription_id
        JOIN plans p ON p.id = s.plan_id
       WHERE p.quota_bytes IS NOT NULL;
      PERFORM aaa_notify('aaa_usage', '', ids);
      RETURN NULL;
    END $$;
  `);

  for (const [table, kind] of [['subscriptions', 'subscription'], ['plans', 'plan'], ['nas', 'nas']] as const) {
    await knex.raw(`
      CREATE TRIGGER ${table}_aaa_insert AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION aaa_index_changed('${kind}');
      CREATE TRIGGER ${table}_aaa_update AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION aaa_index_changed('${kind}');
      CREATE TRIGGER ${table}_aaa_delete AFTER DELETE ON ${table} REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION aaa_index_changed('${kind}');
    `);
  }
  await knex.raw(`
    CREATE TRIGGER settings_aaa_change AFTER INSERT OR UPDATE OR DELETE ON settings
      FOR EACH STATEMENT EXECUTE FUNCTION aaa_settings_changed();

    CREATE TRIGGER accounting_sessions_aaa_insert AFTER INSERT ON accounting_sessions REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION aaa_sessions_changed();
    CREATE TRIGGER accounting_sessions_aaa_update AFTER UPDATE ON accounting_sessions
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION aaa_sessions_changed();
    CREATE TRIGGER accounting_sessions_aaa_delete AFTER DELETE ON accounting_sessions REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION aaa_sessions_changed();

    CREATE TRIGGER usage_daily_aaa_insert AFTER INSERT ON usage_daily REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION aaa_usage_changed();
    CREATE TRIGGER usage_daily_aaa_update AFTER UPDATE ON usage_daily REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION aaa_usage_changed();
  `);
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['subscriptions', 'plans', 'nas', 'accounting_sessions']) {
    await knex.raw(`DROP TRIGGER ${t}_aaa_insert ON ${t}; DROP TRIGGER ${t}_aaa_update ON ${t}; DROP TRIGGER ${t}_aaa_delete ON ${t};`);
  }
  await knex.raw(`
    DROP TRIGGER settings_aaa_change ON settings;
    DROP TRIGGER usage_daily_aaa_insert ON usage_daily; DROP TRIGGER usage_daily_aaa_update ON usage_daily;
    DROP FUNCTION aaa_usage_changed(); DROP FUNCTION aaa_sessions_changed(); DROP FUNCTION aaa_settings_changed();
    DROP FUNCTION aaa_index_changed(); DROP FUNCTION aaa_notify(text, text, bigint[]);
  `);
}
