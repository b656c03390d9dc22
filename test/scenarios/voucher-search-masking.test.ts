/**
 * Staff who see voucher codes masked (vouchers.view without vouchers.manage: viewers,
 * technicians) search a batch by whole code only: a fragment search would answer "how many
 * codes contain this", enough to rebuild a code a few characters at a time. Cashiers and admins,
 * who see whole codes anyway, keep fragment search.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { signedIn } from '../helpers/plans-fixtures.js';
import { createVoucherBatch } from '../helpers/vouchers-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
before(async () => {
  web = await startWebServer({ clock: settableClock('2026-12-07T03:00:00Z') });
});
after(async () => {
  await web.stop();
});

const total = (html: string): number => Number(/data-total>(\d+)</.exec(html)?.[1]);

test('a viewer\'s fragment search finds nothing; the whole code finds its voucher, still masked', async () => {
  const { batchId, vouchers } = await createVoucherBatch(web.c.db, { name: 'Masked', codes: ['KQ7M3XPA', 'KQ7M9RTB', 'ZZ4H8WNC'] });
  const code = vouchers[0]!.code;
  for (const role of ['viewer', 'technician'] as const) {
    const { client } = await signedIn(web.baseUrl, web.c.db, role);
    for (const fragment of ['KQ7M', 'K', 'q7m3xp', code.slice(1)]) {
      const res = await client.get(`/admin/vouchers/batches/${batchId}?q=${encodeURIComponent(fragment)}`);
      assert.equal(res.status, 200);
      assert.equal(total(res.text), 0, `${role}: "${fragment}" matches nothing`);
    }
    const exact = await client.get(`/admin/vouchers/batches/${batchId}?q=${encodeURIComponent(code.toLowerCase())}`);
    assert.equal(total(exact.text), 1, `${role}: the whole code, any case`);
    assert.match(exact.text, /data-code>•{5}XPA</);
    assert.doesNotMatch(exact.text, /placeholder="Code or part of it"/, 'the box asks for the whole code');
  }
  const { client: cashier } = await signedIn(web.baseUrl, web.c.db, 'cashier');
  assert.equal(total((await cashier.get(`/admin/vouchers/batches/${batchId}?q=KQ7M`)).text), 2, 'a cashier still searches by fragment');
});
