import { test } from 'node:test';
import assert from 'node:assert/strict';
import { positional } from '../../lib/prepared-query.js';
import { UPSERT } from './accounting-statements.js';

test('the session upsert has exactly the three placeholders the writer fills, in order (a ? in a comment would shift them)', () => {
  const text = positional(UPSERT);
  assert.ok(text.includes('$1::json'), 'the rows');
  assert.ok(text.includes('ANY($2::uuid[])') && text.includes('ANY($3::uuid[])'), 'the session keys, for the open and the closed rows');
  assert.ok(!text.includes('$4'));
});
