/**
 * Pages show a notice after a redirect from a form (`?saved=…`, `?payment_error=…`). The key comes
 * from the query string, so anyone can type one: an unknown key shows no notice, never a 500; a
 * known key still shows its text.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startWebServer, type WebServer } from '../helpers/web-server.js';
import { createCustomer, createSubscription } from '../helpers/factories.js';
import { signedInAs } from '../helpers/subscriptions-fixtures.js';

let web: WebServer;
let customer: { id: number };
let sub: { id: number };

before(async () => {
  web = await startWebServer();
  customer = await createCustomer(web.c.db, { name: 'Notice Reader' });
  sub = await createSubscription(web.c.db, { customerId: customer.id, username: 'notice.reader' });
});
after(async () => {
  await web?.stop();
});

test('an unknown notice key in the query shows no notice; a known one shows its text', async () => {
  const { client } = await signedInAs(web.baseUrl, web.c.db, 'admin');
  const pages = [
    `/admin/customers/${customer.id}?saved=made_up&payment_error=made_up`,
    `/admin/subscriptions/${sub.id}?saved=made_up`,
    '/admin/sessions?saved=made_up',
    '/admin/dunning?saved=made_up',
    '/admin/nas?saved=made_up',
    '/admin/plans?saved=made_up',
    '/admin/alerts?saved=made_up',
  ];
  for (const path of pages) {
    const res = await client.get(path);
    assert.equal(res.status, 200, path);
    assert.doesNotMatch(res.text, /class="notice" role="status"/, `${path}: no notice for an unknown key`);
  }
  const known = await client.get(`/admin/customers/${customer.id}?payment_error=invalid_amount`);
  assert.match(known.text, /role="alert">[^<]*(rupiah)/, 'a known key still shows its text');
});
