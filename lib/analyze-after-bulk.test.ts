import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeAfterBulk, BULK_ROWS } from './analyze-after-bulk.js';
import { createTestDatabase, type TestDatabase } from '../test/helpers/database.js';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
  await t.db.raw('CREATE TABLE bulk_test (n int)');
});
after(async () => { await t.drop(); });

/** What the planner believes the table holds (pg_class.reltuples; -1 until first analyzed). */
const believed = async (): Promise<number> =>
  Number((await t.db.raw(`SELECT reltuples FROM pg_class WHERE relname = 'bulk_test'`)).rows[0].reltuples);

test('after a bulk insert the planner learns the new size; a small change leaves it to autovacuum', async () => {
  await t.db.raw('INSERT INTO bulk_test SELECT generate_series(1, ?::int)', [BULK_ROWS]);
  assert.equal(await analyzeAfterBulk(t.db, ['bulk_test'], BULK_ROWS - 1), false);
  assert.equal(await believed(), -1, 'not analyzed for a change below the threshold');
  assert.equal(await analyzeAfterBulk(t.db, ['bulk_test'], BULK_ROWS), true);
  assert.equal(await believed(), BULK_ROWS);
});

test('a table name that is not a plain identifier is refused, not interpolated', async () => {
  await assert.rejects(analyzeAfterBulk(t.db, ['bulk_test; DROP TABLE bulk_test'], BULK_ROWS), /bad table name/);
});
