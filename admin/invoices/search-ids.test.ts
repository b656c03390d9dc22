/**
 * The list search resolved to ids, and its fallback for a broad search, find the same rows: by
 * customer name or number and by the table's own text (invoice number).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContainer } from '../../test/helpers/container.js';
import { createCustomer } from '../../test/helpers/factories.js';
import { applySearch, resolveSearch } from './search-ids.js';

const OWN = 'SELECT id FROM invoices WHERE invoice_number ILIKE ?';

test('narrow and broad searches match the same invoices', async (t) => {
  const c = await createTestContainer();
  t.after(() => c.dispose());
  const budiA = await createCustomer(c.db, { name: 'Budi Santoso' });
  const budiB = await createCustomer(c.db, { name: 'budi hartono' });
  const sari = await createCustomer(c.db, { name: 'Sari Dewi' });
  const invoice = async (customerId: number, number: string) =>
    Number((await c.db('invoices').insert({ customer_id: customerId, kind: 'one_off', status: 'open', invoice_number: number, total: 1000 }).returning('id'))[0].id);
  const a = await invoice(budiA.id, 'INV/2026/11/000001');
  const b = await invoice(budiB.id, 'INV/2026/11/000002');
  const s = await invoice(sari.id, 'INV/2026/11/000003');
  const run = async (q: string, limit?: number) => {
    const match = await resolveSearch(c.db, q, OWN, limit);
    const query = c.db('invoices as i').select('i.id').orderBy('i.id');
    applySearch(query, 'i', match, OWN);
    return { kind: match.kind, ids: (await query).map((r) => Number(r.id)) };
  };
  assert.deepEqual(await run('BUDI'), { kind: 'ids', ids: [a, b] });
  assert.deepEqual(await run('BUDI', 1), { kind: 'broad', ids: [a, b] }, 'two customers over a limit of one');
  assert.deepEqual(await run('inv/2026/11/000003'), { kind: 'ids', ids: [s] }, 'an invoice number, any case');
  assert.deepEqual(await run('/11/', 1), { kind: 'broad', ids: [a, b, s] });
  assert.deepEqual(await run(sari.customerNumber), { kind: 'ids', ids: [s] });
  assert.deepEqual(await run('50%_x'), { kind: 'ids', ids: [] }, '% and _ are literal');
});
