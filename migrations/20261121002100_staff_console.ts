import type { Knex } from 'knex';

/**
 * Staff console: substring search over customers (number, name, phone, email) and subscription
 * usernames that stays fast at 100,000 rows (pg_trgm GIN indexes serve ILIKE '%…%'; pg_trgm is a
 * trusted extension since PostgreSQL 13, so the database owner may create it).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE FUNCTION customer_search_text(customer_number text, name text, phone text, email text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT lower(customer_number || ' ' || name || ' ' || coalesce(phone, '') || ' ' || coalesce(email, '')) $$;
    CREATE INDEX customers_search ON customers USING gin (customer_search_text(customer_number, name, phone, email) gin_trgm_ops);
    CREATE INDEX subscriptions_username_search ON subscriptions USING gin (lower(username) gin_trgm_ops);
    CREATE INDEX customers_created ON customers (created_at, id);
    CREATE INDEX customers_name_sort ON customers (name, id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP INDEX customers_name_sort; DROP INDEX customers_created; DROP INDEX subscriptions_username_search; DROP INDEX customers_search;
    DROP FUNCTION customer_search_text(text, text, text, text);
  `);
}
