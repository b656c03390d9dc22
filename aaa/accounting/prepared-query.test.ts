import { test } from 'node:test';
import assert from 'node:assert/strict';
import { positional } from './prepared-query.js';
import { UPSERT } from './accounting-statements.js';

test('knex placeholders become numbered ones in order', () => {
  assert.equal(positional('SELECT ?::int + ?::int'), 'SELECT $1::int + $2::int');
});

test('the session upsert has exactly the one placeholder the writer fills (a ? in a comment would shift it)', () => {
  const text = positional(UPSERT);
  assert.ok(text.includes('$1::json'));
  assert.ok(!text.includes('$2'));
});
