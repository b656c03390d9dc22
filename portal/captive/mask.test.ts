import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskCustomerNumber, maskName } from './mask.js';

test('names keep the first two letters of each word (one of a short word), whatever the spacing or script', () => {
  assert.equal(maskName('Budi Santoso'), 'Bu** Sa*****');
  assert.equal(maskName('  Siti   Nur  Rahmawati '), 'Si** Nu* Ra*******');
  assert.equal(maskName('Jo A'), 'J* A');
  assert.equal(maskName('Ñoño Çelik'), 'Ño** Çe***');
  assert.equal(maskName('王小明'), '王小*');
});

test('customer numbers keep the prefix and the last two characters', () => {
  assert.equal(maskCustomerNumber('CUST0001'), 'CUST**01');
  assert.equal(maskCustomerNumber('CUST123456'), 'CUST****56');
  assert.equal(maskCustomerNumber('A1234'), '***34');
  assert.equal(maskCustomerNumber('12'), '**');
});
