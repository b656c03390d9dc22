/**
 * Customers: who pays. The customer number (CUST0001, CUST0002, ... CUST10000) is what staff and
 * customers quote; it comes from a sequence so it is unique under concurrent inserts.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE SEQUENCE customer_number_seq;
    CREATE FUNCTION format_customer_number(n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS
      $$ SELECT 'CUST' || lpad(n::text, greatest(4, length(n::text)), '0') $$;

    CREATE TABLE customers (
      id bigserial PRIMARY KEY,
      customer_number text NOT NULL UNIQUE DEFAULT format_customer_number(nextval('customer_number_seq')),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      phone text,
      email text,
      address text,
      identity_number text,
      locale text NOT NULL DEFAULT 'id' CHECK (locale IN ('id', 'en')),
      portal_password_hash text,
      -- "Promise to pay": dunning holds its suspension steps until this date (ISP time zone).
      promise_to_pay_until date,
      notes text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1
    );
    ALTER SEQUENCE customer_number_seq OWNED BY customers.customer_number;
    CREATE INDEX customers_phone ON customers (phone);
    CREATE INDEX customers_name_lower ON customers (lower(name));
    CREATE TRIGGER customers_updated_at BEFORE UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION set_updated_at();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE customers; DROP FUNCTION format_customer_number(bigint);');
}
