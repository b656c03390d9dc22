/** The customers CSV: template round trip, quoting, semicolons, grouping by customer_key, prices, refusals. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CSV_COLUMNS, customersCsvTemplate, importBatchFromCsv, parseRupiah } from './customers-csv.js';

test('the template parses back into one customer, plan and subscription', () => {
  const batch = importBatchFromCsv(customersCsvTemplate());
  assert.ok(customersCsvTemplate().startsWith('\uFEFF' + CSV_COLUMNS.join(',')));
  assert.deepEqual(batch.refused, []);
  assert.deepEqual(batch.plans.map((p) => [p.name, p.rateLimit, p.price, p.serviceType]), [['Rumahan 10 Mbps', '5M/10M', 150000, 'pppoe']]);
  assert.deepEqual(batch.customers.map((c) => [c.key, c.name, c.phone]), [['PLG-001', 'Budi Santoso', '081234567890']]);
  assert.deepEqual(batch.subscriptions.map((s) => [s.username, s.password, s.staticIp, s.disabled, s.notes]), [['budi', 'rahasia123', '10.10.0.5', false, 'ODP-07 port 3']]);
});

test('semicolons (Excel, Indonesian locale), quoted fields with commas and quotes, rows grouped by customer_key', () => {
  const csv = [
    'Username;Password;Plan;Customer_Key;Customer_Name;Address;Disabled;Price;Rate_Limit',
    'siti;"a;b""c";Paket A;K1;"Siti, Rahayu";"Jl. A ""No"" 5";no;Rp 150.000;5M/10M',
    'siti-2;x2;Paket A;K1;Ignored Name;;ya;;',
    'joko;y;Paket B;;;;;;',
  ].join('\r\n');
  const batch = importBatchFromCsv(csv);
  assert.deepEqual(batch.refused, []);
  assert.deepEqual(batch.plans.map((p) => [p.name, p.price]), [['Paket A', 150000]]);
  assert.deepEqual(batch.customers.map((c) => [c.key, c.name, c.address]), [['K1', 'Siti, Rahayu', 'Jl. A "No" 5'], ['joko', null, null]]);
  assert.deepEqual(batch.subscriptions.map((s) => [s.username, s.password, s.customerKey, s.disabled, s.planName]), [
    ['siti', 'a;b"c', 'K1', false, 'Paket A'], ['siti-2', 'x2', 'K1', true, 'Paket A'], ['joko', 'y', 'joko', false, 'Paket B'],
  ]);
});

test('rows without username or plan, a bad price or MAC are refused with their line; a broken file is one syntax refusal', () => {
  const batch = importBatchFromCsv('username,password,plan,price,mac_address\n,x,P,,\nu1,x,,,\nu2,x,P,12abc,\nu3,x,P,,nope\nu4,x,P,,\n');
  assert.deepEqual(batch.refused.map((r) => [r.origin, r.reason]), [['line 2', 'no_name'], ['line 3', 'unknown_plan'], ['line 4', 'price'], ['line 5', 'mac_address']]);
  assert.deepEqual(batch.subscriptions.map((s) => s.username), ['u4']);
  const broken = importBatchFromCsv('username,password,plan\n"unterminated,x,P\n');
  assert.equal(broken.refused.length, 1);
  assert.equal(broken.refused[0]!.reason, 'syntax');
});

test('prices: whole rupiah with dots, commas or Rp; anything else is not a number', () => {
  assert.equal(parseRupiah('150.000'), 150000);
  assert.equal(parseRupiah('Rp150,000'), 150000);
  assert.equal(parseRupiah(''), null);
  assert.ok(Number.isNaN(parseRupiah('-5')));
});
