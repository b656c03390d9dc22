import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyInto, copyLine, copyValue } from './pg-copy.js';
import { createTestDatabase, type TestDatabase } from '../test/helpers/database.js';

let t: TestDatabase;
before(async () => { t = await createTestDatabase(); await t.db.raw('CREATE TABLE copy_test (a text, b bigint, c text)'); });
after(async () => { await t.drop(); });

test('COPY text escaping: null, backslash, tab, newline, carriage return; NUL dropped', () => {
  assert.equal(copyValue(null), '\\N');
  assert.equal(copyValue(undefined), '\\N');
  assert.equal(copyValue(42), '42');
  assert.equal(copyValue('a\\b\tc\nd\re\0f'), 'a\\\\b\\tc\\nd\\re' + 'f');
  assert.equal(copyLine(['x', 1, null]), 'x\t1\t\\N\n');
});

test('rows with hostile text arrive in PostgreSQL exactly as given (minus NUL)', async () => {
  const values = ['plain', 'tab\there', 'line\nbreak', 'back\\slash', '\\N', 'nul\0byte', 'ünïcødé ✓', 'cr\rlf\r\n'];
  await copyInto(t.db, 'copy_test', ['a', 'b', 'c'], Buffer.from(values.map((v, i) => copyLine([v, i, i % 2 ? null : 'x'])).join('')));
  const rows = await t.db('copy_test').orderBy('b').select();
  assert.deepEqual(rows.map((r) => r.a), values.map((v) => v.replace('\0', '')));
  assert.deepEqual(rows.map((r) => r.c), values.map((_, i) => (i % 2 ? null : 'x')));
});
