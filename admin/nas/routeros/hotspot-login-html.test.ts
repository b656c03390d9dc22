import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hotspotLoginHtml } from './hotspot-login-html.js';

test('login.html submits the MikroTik variables with GET to PUBLIC_URL/portal/hotspot/login, as the portal reads them', () => {
  const html = hotspotLoginHtml('https://billing.example.net/', 'Lanjut');
  assert.match(html, /<form name="billing" action="https:\/\/billing\.example\.net\/portal\/hotspot\/login" method="get">/);
  for (const v of ['link-login-only', 'link-orig', 'mac', 'ip', 'username', 'error', 'chap-id', 'chap-challenge']) {
    assert.ok(html.includes(`<input type="hidden" name="${v}" value="$(${v})">`), v);
  }
  assert.match(html, /<script>document\.billing\.submit\(\);<\/script>/);
  assert.match(html, /<noscript><button type="submit">Lanjut<\/button><\/noscript>/);
});

test('the portal address cannot break out of the attribute or become a RouterOS variable', () => {
  const html = hotspotLoginHtml('https://x.example/a"b$(mac)', 'Go');
  assert.match(html, /action="https:\/\/x\.example\/a&#34;b&#36;\(mac\)\/portal\/hotspot\/login"/);
});
