import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSigner } from './signer.js';

test('a signed value verifies for its purpose only, and a tampered one does not', () => {
  const s = createSigner(Buffer.alloc(32, 1));
  const token = s.sign('pay', '123');
  assert.equal(s.verify('pay', token), '123');
  assert.equal(s.verify('session', token), null);
  assert.equal(s.verify('pay', token.replace('123', '124')), null);
  assert.equal(s.verify('pay', `${token}x`), null);
  assert.equal(s.verify('pay', 'no-dot'), null);
  assert.equal(createSigner(Buffer.alloc(32, 2)).verify('pay', token), null, 'another key');
});
