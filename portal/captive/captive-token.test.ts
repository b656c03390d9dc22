import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSigner } from '../../lib/signer.js';
import { CAPTIVE_TOKEN_TTL_MS, issueCaptiveToken, readCaptiveToken } from './captive-token.js';

const signer = createSigner(Buffer.alloc(32, 3));
const key = '0f4e7c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6';
const now = new Date('2026-12-18T05:00:00Z');

test('a token names its session until it expires', () => {
  const token = issueCaptiveToken(signer, key, now);
  assert.match(token, /^[0-9a-f]{32}\.[0-9a-z]+\.[A-Za-z0-9_-]{22}$/, 'URL-safe, no dashes or row ids');
  assert.equal(readCaptiveToken(signer, token, now), key);
  assert.equal(readCaptiveToken(signer, token, new Date(now.getTime() + CAPTIVE_TOKEN_TTL_MS - 1000)), key);
  assert.equal(readCaptiveToken(signer, token, new Date(now.getTime() + CAPTIVE_TOKEN_TTL_MS + 1000)), null);
});

test('a token of another key, another purpose or with any part changed is refused', () => {
  const token = issueCaptiveToken(signer, key, now);
  const [hex, expires, sig] = token.split('.') as [string, string, string];
  assert.equal(readCaptiveToken(createSigner(Buffer.alloc(32, 4)), token, now), null);
  assert.equal(readCaptiveToken(signer, signer.sign('pay', `${hex}.${expires}`), now), null);
  assert.equal(readCaptiveToken(signer, `${hex.replace(/^./, (c) => (c === '0' ? '1' : '0'))}.${expires}.${sig}`, now), null);
  assert.equal(readCaptiveToken(signer, `${hex}.${(Number.parseInt(expires, 36) + 1).toString(36)}.${sig}`, now), null);
  assert.equal(readCaptiveToken(signer, signer.sign('captive', `${hex}.zz.zz`), now), null, 'a value of the wrong shape');
  assert.equal(readCaptiveToken(signer, 'x'.repeat(200), now), null);
  assert.equal(readCaptiveToken(signer, '', now), null);
});
