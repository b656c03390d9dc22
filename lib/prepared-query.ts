/**
 * Runs a hot statement as a named prepared statement on one of the knex pool's connections, so
 * PostgreSQL parses and plans it once per connection instead of once per call. The accounting
 * upsert (accounting-statements.ts) is one large statement over a partitioned table: its planning
 * cost grows with the number of partitions (1.6 ms with 4, measured on an empty batch) and was
 * paid on every group commit. With a name, node-postgres sends Parse once per connection and
 * then only Bind/Execute; PostgreSQL keeps a generic plan after five executions when it costs no
 * more than the custom ones (PostgreSQL documentation, PREPARE, "Notes"; plan_cache_mode auto).
 * A plan is invalidated and rebuilt by the server when a table it uses changes (a partition
 * attached or detached), so partition upkeep needs nothing from us.
 *
 * Errors are node-postgres errors as with `db.raw` (SQLSTATE in `code`), so callers' retry and
 * bisection rules are unchanged. Use it outside a transaction only (it takes its own connection).
 */
import type { Knex } from './db.js';

interface PgConnection {
  query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}
interface PoolClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(c: PgConnection): Promise<void>;
}

/**
 * Turns knex's `?` placeholders into PostgreSQL's `$1, $2, …` (the statement texts have no `?`
 * elsewhere: no jsonb `?` operator, none in string literals).
 */
export function positional(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * Runs `sql` (knex-style `?` placeholders) with `values` as the prepared statement `name`.
 * `name` must always come with the same text (node-postgres throws otherwise).
 * @returns the result rows.
 * @throws Error when the number of `?` differs from values.length (a `?` crept into a comment);
 *   the node-postgres error of the statement; the pool's acquire timeout.
 */
export async function preparedQuery<R>(db: Knex, name: string, sql: string, values: unknown[]): Promise<{ rows: R[] }> {
  const text = positional(sql);
  if (!text.includes(`$${values.length}`) || text.includes(`$${values.length + 1}`)) {
    throw new Error(`prepared statement ${name}: ${values.length} values for a text with another number of ? placeholders`);
  }
  const client = db.client as unknown as PoolClient;
  const connection = await client.acquireConnection();
  try {
    return (await connection.query({ name, text, values })) as { rows: R[] };
  } finally {
    await client.releaseConnection(connection);
  }
}
