/**
 * A router's RadSec certificate in the console: only nas.edit may open the page, issue, revoke or
 * download; issuing creates the internal CA on first use (its key sealed), the bundle is key +
 * certificate + CA that verify against each other, a reissue revokes the previous certificate,
 * every step is audited, forms need the CSRF token, and the RouterOS script names the server.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { settableClock } from '../../lib/clock.js';
import { createNas } from '../helpers/factories.js';
import { signedIn } from '../helpers/plans-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-12-08T03:00:00Z'), env: { PUBLIC_URL: 'http://billing.example.net:8080' } });
});
after(async () => {
  await web.stop();
});

const count = async (q: { count(c: string): unknown }): Promise<number> => Number(((await q.count('* as n')) as Array<{ n: string }>)[0]!.n);
/** Handlebars' escaping undone (the script is shown in a <pre>). */
const unescape = (s: string): string => s.replace(/&#x3D;/g, '=').replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&#x27;/g, "'").replace(/&amp;/g, '&');
const pemBlocks = (text: string): string[] => text.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];

test('cashiers and viewers may not open the RadSec page, issue, revoke or download', async () => {
  const nas = await createNas(web.c.db, { name: 'Router Baca RadSec', ipAddress: '10.50.0.1' });
  for (const role of ['cashier', 'viewer'] as const) {
    const { client } = await signedIn(web.baseUrl, web.c.db, role);
    assert.equal((await client.get(`/admin/nas/${nas.id}/radsec`)).status, 403, role);
    await client.get('/admin'); // a page with a CSRF token, so the refusal is the permission's
    for (const action of ['issue', 'revoke', 'bundle']) {
      assert.equal((await client.post(`/admin/nas/${nas.id}/radsec/${action}`, {})).status, 403, `${role} ${action}`);
    }
    assert.doesNotMatch((await client.get(`/admin/nas/${nas.id}`)).text, /\/radsec"/, 'no link');
  }
  assert.equal(await count(web.c.db('radsec_client_certificates').where({ nas_id: nas.id })), 0);
});

test('a technician issues, downloads, reissues and revokes; each step is audited and the CA is created once', async () => {
  const nas = await createNas(web.c.db, { name: 'Router RadSec', ipAddress: '10.50.0.2' });
  const { client } = await signedIn(web.baseUrl, web.c.db, 'technician');
  const empty = await client.get(`/admin/nas/${nas.id}/radsec`);
  assert.equal(empty.status, 200);
  assert.match(empty.text, /data-no-certificate/);
  assert.match(empty.text, /data-radsec-enabled="false"/);

  assert.equal((await client.post(`/admin/nas/${nas.id}/radsec/issue`, { _csrf: null })).status, 403, 'no CSRF token');
  const issued = await client.post(`/admin/nas/${nas.id}/radsec/issue`, {});
  assert.equal(issued.status, 302);
  assert.equal(issued.location, `/admin/nas/${nas.id}/radsec?saved=issued`);
  const ca = await web.c.db('radsec_ca').first();
  assert.match(ca.key_enc, /^v1:/, 'the CA key is sealed');
  assert.doesNotMatch(ca.key_enc, /PRIVATE KEY/);

  const page = await client.get(`/admin/nas/${nas.id}/radsec?server=203.0.113.10`);
  const first = await web.c.db('radsec_client_certificates').where({ nas_id: nas.id }).first();
  assert.match(page.text, new RegExp(first.fingerprint));
  const script = unescape(page.text);
  assert.match(script, /\/radius add service=ppp,hotspot address=203\.0\.113\.10 protocol=radsec secret=radsec certificate=\[\/certificate get \(\[find where common-name="Router RadSec" private-key\]->0\) name\] authentication-port=2083 accounting-port=2083/);
  assert.match(script, new RegExp(`/certificate import file-name="radsec-nas-${nas.id}\\.pem" passphrase=""`));
  assert.match(script, /\/radius disable \[find where comment="billing: RADIUS"\]/);

  const download = await client.post(`/admin/nas/${nas.id}/radsec/bundle`, {});
  assert.equal(download.status, 200);
  assert.match(download.headers.get('content-disposition') ?? '', new RegExp(`filename="radsec-nas-${nas.id}\\.pem"`));
  assert.equal(download.headers.get('cache-control'), 'no-store');
  const [key, cert, caCert] = pemBlocks(download.text);
  assert.match(key!, /BEGIN RSA PRIVATE KEY/);
  const leaf = new X509Certificate(cert!);
  assert.equal(leaf.checkPrivateKey(createPrivateKey(key!)), true);
  assert.equal(leaf.verify(new X509Certificate(caCert!).publicKey), true);
  assert.equal(leaf.fingerprint256, first.fingerprint);
  assert.match(leaf.subject, /CN=Router RadSec/);

  await client.get(`/admin/nas/${nas.id}/radsec`);
  assert.equal((await client.post(`/admin/nas/${nas.id}/radsec/issue`, {})).status, 302);
  const rows = await web.c.db('radsec_client_certificates').where({ nas_id: nas.id }).orderBy('id');
  assert.equal(rows.length, 2);
  assert.notEqual(rows[0].revoked_at, null, 'the reissue revoked the first');
  assert.equal(rows[1].revoked_at, null);
  assert.equal(await count(web.c.db('radsec_ca')), 1, 'one CA');

  await client.get(`/admin/nas/${nas.id}/radsec`);
  const revoked = await client.post(`/admin/nas/${nas.id}/radsec/revoke`, {});
  assert.equal(revoked.location, `/admin/nas/${nas.id}/radsec?saved=revoked`);
  assert.equal(await count(web.c.db('radsec_client_certificates').where({ nas_id: nas.id }).whereNull('revoked_at')), 0);
  assert.equal((await client.post(`/admin/nas/${nas.id}/radsec/bundle`, {})).status, 404, 'nothing to download');

  const actions = await web.c.db('audit_log').where({ object_type: 'nas', object_id: String(nas.id) }).orderBy('id').pluck('action');
  assert.deepEqual(actions, ['radsec_certificate_issued', 'radsec_bundle_downloaded', 'radsec_certificate_revoked', 'radsec_certificate_issued', 'radsec_certificate_revoked']);
  const audited = JSON.stringify(await web.c.db('audit_log').where({ object_type: 'nas', object_id: String(nas.id) }).select('before', 'after'));
  assert.doesNotMatch(audited, /PRIVATE KEY|v1:/, 'no key in the audit log');
});
