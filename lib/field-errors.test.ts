import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { fieldErrors } from './field-errors.js';

const form = z.object({
  name: z.string().min(1, 'error.required').max(5, 'error.too_long'),
  age: z.coerce.number().int(),
  address: z.object({ city: z.string().min(1, 'tickets.error.city') }),
}).refine((v) => v.name !== 'x', 'error.form');

const errorsOf = (input: unknown): z.ZodError => {
  const parsed = form.safeParse(input);
  assert.equal(parsed.success, false);
  return parsed.error!;
};

test('one locale key per field, the first issue of each; zod\'s own messages read error.invalid', () => {
  assert.deepEqual(fieldErrors(errorsOf({ name: '', age: 'abc', address: { city: '' } })), {
    name: 'error.required',
    age: 'error.invalid',
    address: 'error.invalid',
  });
});

test('a form names its own keys, its fallback key and the field of an issue without a path', () => {
  assert.deepEqual(fieldErrors(errorsOf({ name: 'ok', age: 1, address: { city: '' } }), { ours: /^tickets\.error\./, invalid: 'tickets.error.invalid' }), {
    address: 'tickets.error.city',
  });
  assert.deepEqual(fieldErrors(errorsOf({ name: 'x', age: 1, address: { city: 'a' } })), { _: 'error.form' });
  assert.deepEqual(fieldErrors(errorsOf({ name: 'x', age: 1, address: { city: 'a' } }), { fallbackField: 'location' }), { location: 'error.form' });
});
