/**
 * The SSRF classification (RFC 6890 ranges), the URL shown in logs, the signature format and
 * the retry schedule, without a database.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { checkEndpointUrl, isInternalAddress, urlForLog } from './endpoint-address.js';
import { MAX_ATTEMPTS, retryDelaySeconds } from './attempt-delivery.js';
import { newSigningSecret, signatureHeader } from './signature.js';

test('internal addresses are recognised, IPv4-mapped IPv6 included; public ones are not', () => {
  for (const a of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.88.1', '100.64.0.1', '100.127.255.254', '169.254.169.254',
    '0.0.0.0', '224.0.0.1', '255.255.255.255', '::', '::1', '::ffff:127.0.0.1', '::ffff:10.1.1.1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '2001:db8::1', 'not-an-ip']) {
    assert.equal(isInternalAddress(a), true, a);
  }
  for (const a of ['8.8.8.8', '103.28.12.1', '172.32.0.1', '100.128.0.1', '2404:6800:4003::200e', '::ffff:8.8.8.8']) {
    assert.equal(isInternalAddress(a), false, a);
  }
});

test('URL checks: scheme, credentials, literal internal addresses (no DNS needed)', async () => {
  assert.equal(await checkEndpointUrl('not a url', false), 'url_invalid');
  assert.equal(await checkEndpointUrl('ftp://8.8.8.8/x', false), 'url_scheme');
  assert.equal(await checkEndpointUrl('https://user:pw@8.8.8.8/x', false), 'url_credentials');
  assert.equal(await checkEndpointUrl('http://[::1]:8080/x', false), 'url_internal');
  assert.equal(await checkEndpointUrl('http://192.168.1.10/x', false), 'url_internal');
  assert.equal(await checkEndpointUrl('http://192.168.1.10/x', true), null);
  assert.equal(await checkEndpointUrl('https://8.8.8.8/hooks', false), null);
  assert.equal(urlForLog('https://erp.example.id/hooks/isp?token=s3cret'), 'https://erp.example.id/hooks/isp?…');
});

test('the signature header: v1=<hex HMAC-SHA256(secret, "timestamp.body")>, the current secret first', () => {
  const secret = newSigningSecret();
  assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
  const body = '{"id":"e1","type":"payment.received"}';
  const hex = createHmac('sha256', secret).update(`1796650000.${body}`).digest('hex');
  assert.equal(signatureHeader([secret], 1796650000, body), `v1=${hex}`);
  const old = newSigningSecret();
  assert.equal(signatureHeader([secret, old], 1796650000, body), `v1=${hex} v1=${createHmac('sha256', old).update(`1796650000.${body}`).digest('hex')}`);
});

test('retries: 1, 3, 9 … minutes, at most 24 h, 10 attempts in about 2.7 days', () => {
  assert.deepEqual([1, 2, 3, 4].map(retryDelaySeconds), [60, 180, 540, 1620]);
  assert.equal(retryDelaySeconds(8), 24 * 3600);
  assert.equal(MAX_ATTEMPTS, 10);
  const total = Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => retryDelaySeconds(i + 1)).reduce((a, b) => a + b, 0);
  assert.ok(total > 2.5 * 86_400 && total < 3 * 86_400, String(total / 86_400));
});
