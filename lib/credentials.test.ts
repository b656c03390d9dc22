import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomCredential } from './credentials.js';

test('random credentials are letters and digits without look-alikes, so they survive a command line and a printed sheet', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const c = randomCredential(16);
    assert.equal(c.length, 16);
    assert.match(c, /^[a-zA-Z2-9]+$/, 'never starts with "-" (radclient would read it as an option)');
    assert.doesNotMatch(c, /[0O1lI]/);
    seen.add(c);
  }
  assert.equal(seen.size, 2000, 'no repeats');
});
