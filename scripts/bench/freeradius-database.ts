/**
 * FreeRADIUS's own database for the rlm_sql setup of the comparison: a separate database
 * (default `freeradius_bench`) on the same PostgreSQL server as this server's, with the schema
 * FreeRADIUS ships (mods-config/sql/main/postgresql/schema.sql, applied unchanged) and the same
 * N subscribers in radcheck (`Cleartext-Password :=`) and radreply (`=`), the rows rlm_sql's
 * shipped authorize queries read (FreeRADIUS 3.2 mods-config/sql/main/postgresql/queries.conf).
 * radacct and radpostauth are emptied on every run.
 */
import fs from 'node:fs';
import pg from 'pg';
import { SHIPPED_RADDB, type SqlTarget } from './freeradius-config.js';

export const SCHEMA_FILE = `${SHIPPED_RADDB}/mods-config/sql/main/postgresql/schema.sql`;

/** Host, port, user, password of a postgres:// URL, with `database` instead of the URL's. */
export function sqlTarget(url: string, database: string): SqlTarget {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database };
}

/**
 * Creates the database when missing, applies the shipped schema when radcheck is missing, loads
 * user1..userN with `reply`, empties radacct/radpostauth and analyzes the tables.
 * @param url a postgres:// URL of a role allowed to CREATE DATABASE (the embedded superuser).
 * @throws the pg error when the server refuses (no such role, no CREATE DATABASE right).
 */
export async function prepareFreeradiusDatabase(url: string, database: string, subscribers: number, reply: Record<string, string>): Promise<SqlTarget> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`database name ${database}: use [a-z0-9_]`);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!exists.rowCount) await admin.query(`CREATE DATABASE ${database}`); // identifier checked above; DDL takes no parameters
  } finally {
    await admin.end();
  }
  const target = sqlTarget(url, database);
  const db = new pg.Client({ ...target });
  await db.connect();
  try {
    const has = await db.query(`SELECT to_regclass('radcheck') AS t`);
    if (!has.rows[0].t) await db.query(fs.readFileSync(SCHEMA_FILE, 'utf8'));
    await db.query('TRUNCATE radcheck, radreply, radacct, radpostauth RESTART IDENTITY');
    await db.query(
      `INSERT INTO radcheck (username, attribute, op, value)
       SELECT 'user' || i, 'Cleartext-Password', ':=', 'pass' || i FROM generate_series(1, $1::int) AS i`,
      [subscribers],
    );
    for (const [attribute, value] of Object.entries(reply)) {
      await db.query(
        `INSERT INTO radreply (username, attribute, op, value)
         SELECT 'user' || i, $2, '=', $3 FROM generate_series(1, $1::int) AS i`,
        [subscribers, attribute, value],
      );
    }
    await db.query('VACUUM ANALYZE radcheck, radreply, radacct, radpostauth');
  } finally {
    await db.end();
  }
  return target;
}
