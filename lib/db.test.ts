import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDb, type Knex } from './db.js';
import { preparedQuery } from './prepared-query.js';
import { createTestDatabase, type TestDatabase } from '../test/helpers/database.js';

let t: TestDatabase;
let generic: Knex;
before(async () => {
  t = await createTestDatabase();
  generic = createDb({ url: t.url, poolMax: 1, applicationName: 'test generic', genericPlans: true });
});
after(async () => {
  await generic.destroy();
  await t.drop();
});

/** `EXPLAIN EXECUTE` of a prepared statement's first execution, on one connection of `db`. */
async function firstPlan(db: Knex): Promise<string> {
  const conn = await db.client.acquireConnection();
  try {
    await conn.query('PREPARE probe(int) AS SELECT relname FROM pg_class WHERE relpages > $1');
    const { rows } = await conn.query('EXPLAIN EXECUTE probe(3)');
    await conn.query('DEALLOCATE probe');
    return rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
  } finally {
    await db.client.releaseConnection(conn);
  }
}

test('a pool with genericPlans plans a prepared statement once, for any value; the default pool plans for the value', async () => {
  // A custom plan knows the value and puts it into the plan; a generic plan keeps $1.
  assert.match(await firstPlan(generic), /\$1/);
  assert.doesNotMatch(await firstPlan(t.db), /\$1/);
  assert.equal((await preparedQuery<{ mode: string }>(generic, 'mode', 'SELECT current_setting(?) AS mode', ['plan_cache_mode'])).rows[0]!.mode,
    'force_generic_plan');
  assert.equal((await t.db.raw(`SELECT current_setting('plan_cache_mode') AS mode`)).rows[0].mode, 'auto');
});
