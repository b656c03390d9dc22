/** RouterOS's escaped chap-id / chap-challenge to bytes (as its login.html's JavaScript reads them). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chapParams, decodeRouterOsBytes, originalPage } from './router-params.js';

test('octal escapes as RouterOS writes them, from the manual\'s example', () => {
  assert.deepEqual(decodeRouterOsBytes('\\371'), Buffer.from([0o371]));
  const challenge = '\\357\\015\\330\\013\\021\\234\\145\\245\\303\\253\\142\\246\\133\\175\\375\\316';
  assert.equal(decodeRouterOsBytes(challenge)!.toString('hex'), 'ef0dd80b119c65a5c3ab62a65b7dfdce');
});

test('JavaScript string rules: short octal, \\xHH, an escaped character, a plain character', () => {
  assert.deepEqual(decodeRouterOsBytes('\\0\\7\\77'), Buffer.from([0, 7, 0o77]));
  assert.deepEqual(decodeRouterOsBytes('\\x41\\\\\\\'A'), Buffer.from([0x41, 0x5c, 0x27, 0x41]));
  assert.equal(decodeRouterOsBytes('\\400'), null, 'above 255');
  assert.equal(decodeRouterOsBytes('\\'), null, 'a lone backslash');
  assert.equal(decodeRouterOsBytes('ā'), null, 'not a byte');
});

test('chapParams: one id byte and 1-64 challenge bytes, as hex; anything else none', () => {
  assert.deepEqual(chapParams('\\371', '\\357\\015'), { id: 'f9', challenge: 'ef0d' });
  assert.equal(chapParams('', '\\357'), null);
  assert.equal(chapParams('\\371\\372', '\\357'), null, 'two id bytes');
  assert.equal(chapParams('\\371', ''), null);
  assert.equal(chapParams('\\371', '\\001'.repeat(65)), null);
});

test('link-orig: an absolute http(s) URL goes on to the router as dst; script, data, relative and credential URLs do not', () => {
  assert.equal(originalPage('http://example.com/news?a=1'), 'http://example.com/news?a=1');
  assert.equal(originalPage('HTTPS://Example.com'), 'https://example.com/');
  for (const raw of [
    'javascript:alert(1)', 'JavaScript:alert(document.cookie)', ' javascript:alert(1)', 'java\tscript:alert(1)', 'java\nscript:alert(1)',
    'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'file:///etc/passwd', '//evil.example/', '/portal/account', 'evil.example',
    'http://user:pass@example.com/', `http://example.com/${'x'.repeat(500)}`, '',
  ]) {
    assert.equal(originalPage(raw), '', raw);
  }
});
