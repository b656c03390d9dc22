import { test } from 'node:test';
import assert from 'node:assert/strict';
import { positional } from './prepared-query.js';

test('knex placeholders become numbered ones in order', () => {
  assert.equal(positional('SELECT ?::int + ?::int'), 'SELECT $1::int + $2::int');
});
