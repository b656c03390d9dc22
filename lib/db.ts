/**
 * PostgreSQL access: one knex instance per process (objection models bind to it per query),
 * and the type parsing every module relies on, set once here.
 *
 * - int8 (bigint) columns: money in rupiah and octet counters. Parsed to a JS number, which is
 *   exact for integers up to 2^53 (9 quadrillion rupiah, 9 PB); a larger value throws rather than
 *   silently losing digits. Money arithmetic goes through lib/money.ts, which stays in integers.
 * - date columns (billing dates in the ISP's time zone) stay 'YYYY-MM-DD' strings, never shifted
 *   through a JS Date in the server's zone.
 */
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

export type { Knex };

const INT8_OID = 20;
const DATE_OID = 1082;

/** Parses an int8 text value; throws RangeError when it cannot be held exactly. */
export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${text} exceeds the exact range of a JS number`);
  return n;
}

/**
 * A select list for a table's 64-bit octet counters (`input_octets`, `output_octets`) as exact
 * decimal text, for screens and CSV: the counters can pass 2^53 (RFC 2869 §5.1, §5.2:
 * Acct-Input-Gigawords × 2^32 + Acct-Input-Octets), where parseInt8 throws.
 * @param alias a table name or alias written in code (never user input)
 */
export const OCTETS_AS_TEXT = (alias: string): string =>
  `${alias}.input_octets::text AS input_octets, ${alias}.output_octets::text AS output_octets`;

pg.types.setTypeParser(INT8_OID, parseInt8);
pg.types.setTypeParser(DATE_OID, (v: string) => v);

export interface DbOptions {
  url: string;
  poolMax?: number;
  /** Shown in pg_stat_activity, e.g. `isp radius`. */
  applicationName?: string;
  /**
   * Plan every parameterized statement once per connection: each connection runs
   * `SET plan_cache_mode = force_generic_plan` when it opens (PostgreSQL documentation,
   * "Query Planning", plan_cache_mode). For a pool that runs a few hot statements whose best
   * plan does not depend on the values (the accounting writer's, accounting-writer.ts), never
   * for ad-hoc queries: a generic plan cannot use a value's selectivity.
   */
  genericPlans?: boolean;
}

interface PgConnection { query(sql: string, done: (err: Error | null) => void): void }

/** Creates a knex instance on PostgreSQL. The pool connects lazily; call `db.destroy()` on shutdown. */
export function createDb({ url, poolMax = 10, applicationName = 'isp', genericPlans = false }: DbOptions): Knex {
  const afterCreate = (conn: PgConnection, done: (err: Error | null, conn: PgConnection) => void): void =>
    conn.query('SET plan_cache_mode = force_generic_plan', (err) => done(err, conn));
  return knexFactory({
    client: 'pg',
    connection: { connectionString: url, application_name: applicationName },
    pool: { min: 0, max: poolMax, ...(genericPlans ? { afterCreate } : {}) },
    migrations: { tableName: 'knex_migrations' },
    // An error's message names the SQL with placeholders, never the bound values (personal data, secrets) it ran with.
    compileSqlOnError: false,
  });
}
