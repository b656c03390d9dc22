/** Stage 1: a subscription or a voucher, from the index first, else from the database. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CODE, fixtureIndex, subscriptionRow, voucherRow } from '../../test/helpers/access-request-fixtures.js';
import { findInDatabase, findInIndex, isVoucher, voucherCodesOf } from './find-credential.js';

test('the index: a subscription by username, a voucher by its code as typed or as printed', () => {
  const index = fixtureIndex();
  const sub = findInIndex(index, 'budi');
  assert.ok(sub && !isVoucher(sub));
  assert.equal(sub.id, 42);
  for (const typed of [CODE, 'abcd-2345', 'ABCD 2345']) {
    const v = findInIndex(index, typed);
    assert.ok(v && isVoucher(v), typed);
    assert.equal(v.id, 9);
  }
  assert.equal(findInIndex(index, 'nobody'), undefined);
  assert.equal(findInIndex(index, 'BUDI'), undefined, 'usernames are case-sensitive');
});

test('the database: a subscription first, then the voucher codes the name may stand for; nothing when neither', async () => {
  const asked: string[][] = [];
  const sync = {
    lookupUsername: (name: string) => Promise.resolve(name === 'siti' ? { ...subscriptionRow({ id: 43, username: 'siti' }), password: null } : undefined),
    lookupVoucher: (codes: string[]) => {
      asked.push(codes);
      return Promise.resolve(codes.includes('WXYZ2345') ? voucherRow({ id: 10, code: 'WXYZ2345' }) : undefined);
    },
  };
  const sub = await findInDatabase(sync, 'siti');
  assert.ok(sub && !isVoucher(sub) && sub.id === 43);
  assert.deepEqual(asked, [], 'a subscription is not looked up as a voucher');
  const v = await findInDatabase(sync, 'wxyz-2345');
  assert.ok(v && isVoucher(v) && v.id === 10);
  assert.equal(await findInDatabase(sync, 'no such user!'), undefined);
  assert.deepEqual(asked, [['WXYZ2345']], 'a name that cannot be a code is not looked up as one');
});

test('voucherCodesOf: the name when it could be a stored code, and the printed form when it is one of ours', () => {
  assert.deepEqual(voucherCodesOf('ABCD2345'), ['ABCD2345']);
  assert.deepEqual(voucherCodesOf('abcd2345'), ['abcd2345', 'ABCD2345']);
  assert.deepEqual(voucherCodesOf('abcd-2345'), ['ABCD2345']);
  assert.deepEqual(voucherCodesOf('Imported01'), ['Imported01'], 'an imported code keeps its case; 0 and 1 are not in our alphabet');
  assert.deepEqual(voucherCodesOf('a b'), []);
});
