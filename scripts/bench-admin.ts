/**
 * `npm run bench:admin [-- --customers 100000 --requests 200 --keep --dev-views]`
 *
 * How fast the staff console's busiest screens answer with an ISP-sized database. Seeds N
 * customers (name, phone, email) with one subscription each, three months of invoices (lines,
 * ledger entries, the payments that settled most of them; every 20th subscriber overdue and in
 * the walled garden) and open sessions for half the
 * subscribers, in a scratch database `isp_bench_admin` beside the configured one (DATABASE_URL,
 * or the embedded PostgreSQL under DATA_DIR); starts the web role on 127.0.0.1 (templates cached
 * as in production; `--dev-views` re-reads them on every request as in development); signs in
 * as an admin over HTTP; then times R sequential requests per case, from the client (request
 * sent to body read), after a short warm-up:
 * - the customer list, page 1 and a deep page (page 2000 of 4000 at 100,000 customers);
 * - a search by a substring of a name, and by a phone-number fragment (the full page, and the
 *   htmx fragment the search box fetches while typing);
 * - a customer page (a different customer each request);
 * - the dashboard (figures, router health, online sessions over 24 h, revenue over 12 months);
 * - each report and its CSV: revenue this year, receivables aging (page 1, page 400, the whole
 *   CSV), churn this year, top usage over 30 days by subscription and by customer (fewer
 *   requests each: 20–50).
 * The seed adds for these: ~1M accounting sessions (9 closed per subscriber over the last month),
 * 34 days of per-day usage for every subscription, start dates over two years and every 40th
 * subscription terminated in 2026.
 * Prints p50 / p95 / max in ms per case. The scratch database is dropped at the end unless
 * `--keep`; the Redis keys live under their own prefix and are removed too.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { hashPassword } from '../lib/password.js';
import { createBillingEngine } from '../billing/engine/engine.js';
import { loadConfig } from '../lib/config.js';
import { freePort } from '../lib/embedded/local-state.js';
import { createHttpServer } from '../web/app.js';
import { createLogger } from '../lib/logger.js';
import { migrateLatest } from '../lib/migrate.js';
import { QUEUES } from '../lib/queue.js';
import type { RunningRole } from '../lib/role.js';
import { startWebRole } from '../web/web-role.js';
import { openScratch, timed } from './bench-scratch.js';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '200' },
    keep: { type: 'boolean', default: false },
    'dev-views': { type: 'boolean', default: false },
  },
});
const N = Number(values.customers);
const R = Number(values.requests);
if (!Number.isInteger(N) || N < 100) throw new Error('--customers must be an integer of at least 100');
if (!Number.isInteger(R) || R < 1) throw new Error('--requests must be a positive integer');
const BENCH_DB = 'isp_bench_admin';
const WARM_UP = 10;
const PASSWORD = `bench-${randomBytes(8).toString('hex')}`;

const prefix = `bench-admin-${process.pid}`;
const config = loadConfig({
  ...process.env,
  QUEUE_PREFIX: prefix,
  LOG_LEVEL: 'warn',
  // Production caches compiled templates; it also wants a key (this run's own, for a scratch database).
  NODE_ENV: values['dev-views'] ? 'development' : 'production',
  APP_SECRET_KEY: process.env.APP_SECRET_KEY ?? randomBytes(32).toString('hex'),
  PUBLIC_URL: 'http://127.0.0.1',
});
const log = createLogger('warn', { script: 'bench:admin' }, config.LOG_FORMAT);
const say = (msg: string): void => void process.stdout.write(`${msg}\n`);

const scratch = await openScratch({ config, log, name: BENCH_DB, clockStart: '2026-11-03T02:00:00Z' });
const { c, clock } = scratch;
const { db } = c;

/**
 * N customers with one subscription each (5 % suspended, 2 % soft-limited); invoices for
 * September to November 2026 (September paid; October paid but for the suspended 5 %, overdue;
 * November, due the 11th: 85 % paid, 15 % open), each with its line and ledger entry, the
 * payments (cash or transfer) with theirs; an open session for every other active subscriber.
 */
async function seed(): Promise<void> {
  const [plan] = await db('plans').insert({ name: 'Bench 10M', price: 150_000, rate_limit: '5M/10M' }).returning('id');
  const [nas] = await db('nas').insert({ name: 'bench-nas', ip_address: '10.0.0.1', secret_enc: c.secrets.seal('bench-secret') }).returning('id');
  await db('staff_users').insert({ username: 'bench-kasir', name: 'Kasir Bench', password_hash: await hashPassword(randomBytes(12).toString('hex'), 4), role: 'cashier' });
  await db.raw(
    `INSERT INTO customers (name, phone, email, address, created_at)
     SELECT f.first || ' ' || l.last || ' ' || i,
            '0812' || lpad(i::text, 8, '0'),
            lower(f.first) || '.' || lower(l.last) || i || '@example.id',
            'Jl. Mawar No. ' || (i % 200 + 1) || ', RT ' || (i % 12 + 1),
            timestamptz '2024-01-01' + (i || ' minutes')::interval * 9
       FROM generate_series(1, ?::int) AS i
       CROSS JOIN LATERAL (SELECT (ARRAY['Budi','Siti','Agus','Dewi','Rina','Joko','Putri','Hendra','Wati','Yusuf','Ayu','Bambang','Indah','Rudi','Sri','Eko','Nur','Fajar','Lestari','Dian'])[1 + i % 20] AS first) f
       CROSS JOIN LATERAL (SELECT (ARRAY['Santoso','Wijaya','Saputra','Hidayat','Kurniawan','Lestari','Pratama','Nugroho','Setiawan','Rahmawati','Siregar','Nasution','Harahap','Gunawan','Susanto','Halim','Sutanto','Purnomo','Firmansyah','Wibowo','Permana','Hakim','Utami','Maharani','Sembiring'])[1 + (i / 20) % 25] AS last) l`,
    [N],
  );
  await db.raw(
    `INSERT INTO subscriptions (customer_id, plan_id, username, password_enc, anchor_day, started_at, status, status_reason)
     SELECT c.id, ?, 'pppoe-' || c.id, ?, 1, '2026-09-01T00:00:00+07:00',
            CASE WHEN c.id % 20 = 0 THEN 'suspended' WHEN c.id % 50 = 1 THEN 'soft_limited' ELSE 'active' END,
            CASE WHEN c.id % 20 = 0 THEN 'dunning' WHEN c.id % 50 = 1 THEN 'dunning' END
       FROM customers c`,
    [plan.id, c.secrets.seal('bench-password')],
  );
  await db.raw(
    `INSERT INTO invoices (invoice_number, customer_id, subscription_id, kind, period_start, period_end, issue_date, due_date,
                           status, subtotal, total, amount_paid, paid_at, created_at)
     SELECT 'INV/2026/' || to_char(m.start - 7, 'MM') || '/' || lpad(s.customer_id::text, 6, '0'),
            s.customer_id, s.id, 'recurring', m.start, (m.start + interval '1 month')::date, m.start - 7, m.start + 10,
            st.status, 150000, 150000, CASE WHEN st.status = 'paid' THEN 150000 ELSE 0 END,
            CASE WHEN st.status = 'paid' THEN m.start + time '10:00' END, m.start - 7 + time '09:00'
       FROM subscriptions s
       CROSS JOIN (VALUES (date '2026-09-01'), (date '2026-10-01'), (date '2026-11-01')) AS m(start)
       CROSS JOIN LATERAL (SELECT CASE WHEN m.start = date '2026-09-01' THEN 'paid'
                                       WHEN m.start = date '2026-10-01' THEN CASE WHEN s.customer_id % 20 = 0 THEN 'overdue' ELSE 'paid' END
                                       WHEN s.customer_id % 20 BETWEEN 3 AND 19 THEN 'paid' ELSE 'open' END AS status) st`,
  );
  await db.raw(
    `INSERT INTO invoice_number_counters (prefix, last_value)
     SELECT substr(invoice_number, 1, 11), max(substr(invoice_number, 13)::bigint) FROM invoices GROUP BY 1`,
  );
  await db.raw(
    `INSERT INTO invoice_lines (invoice_id, position, kind, description, unit_amount, amount, plan_id, period_start, period_end)
     SELECT i.id, 1, 'plan', 'Bench 10M ' || to_char(i.period_start, 'DD/MM/YYYY') || ' – ' || to_char(i.period_end - 1, 'DD/MM/YYYY'),
            i.total, i.total, ?, i.period_start, i.period_end
       FROM invoices i`,
    [plan.id],
  );
  await db.raw(
    `INSERT INTO ledger_entries (customer_id, entry_type, amount, invoice_id, description, created_at)
     SELECT customer_id, 'invoice', -total, id, 'Invoice ' || invoice_number, created_at FROM invoices`,
  );
  await db.raw(
    `INSERT INTO payments (customer_id, invoice_id, amount, method, status, settled_at, reference, created_at)
     SELECT customer_id, id, total, CASE WHEN id % 3 = 0 THEN 'bank_transfer' ELSE 'cash' END, 'settled', paid_at,
            CASE WHEN id % 3 = 0 THEN 'TRF-' || id END, paid_at
       FROM invoices WHERE status = 'paid'`,
  );
  await db.raw(
    `INSERT INTO ledger_entries (customer_id, entry_type, amount, invoice_id, payment_id, description, created_at)
     SELECT customer_id, 'payment', amount, invoice_id, id, 'Payment ' || method, created_at FROM payments`,
  );
  await db.raw(
    `INSERT INTO accounting_sessions (session_key, acct_session_id, username, subscription_id, nas_id, nas_ip_address,
                                      framed_ip_address, start_time, update_time)
     SELECT gen_random_uuid(), 'bench-' || s.id, s.username, s.id, ?, '10.0.0.1',
            ('100.64.0.0'::inet + s.id), timestamptz '2026-11-02T20:00:00Z', timestamptz '2026-11-03T01:55:00Z'
       FROM subscriptions s WHERE s.id % 2 = 0 AND s.status = 'active'`,
    [nas.id],
  );
  await seedReportData(nas.id);
  // As in a database in service, where autovacuum has long passed over last month's rows: the
  // visibility map set, so index-only scans need not visit the table.
  await db.raw('VACUUM (ANALYZE)');
}

/**
 * What the dashboard and the reports read beyond that: subscriptions started over the customers'
 * join dates with every 40th terminated during 2026 (churn); nine closed sessions per subscription
 * over the last month (with the open ones about 1M accounting rows at 100,000 customers; the
 * online chart and router health); 34 days of per-day usage for every subscription (top usage).
 */
async function seedReportData(nasId: number): Promise<void> {
  await db.raw(`UPDATE subscriptions s SET started_at = c.created_at FROM customers c WHERE c.id = s.customer_id`);
  await db.raw(`UPDATE subscriptions SET status = 'terminated', terminated_at = timestamptz '2026-01-01T03:00:00Z' + (id % 300) * interval '1 day' WHERE id % 40 = 7`);
  // Starts spread over 4 Oct – 2 Nov 17:50 UTC, 10 minutes to 8 hours long: every stop before the clock.
  await db.raw(
    `INSERT INTO accounting_sessions (session_key, acct_session_id, username, subscription_id, nas_id, nas_ip_address,
                                      start_time, update_time, stop_time, session_time, terminate_cause)
     SELECT gen_random_uuid(), 'bench-' || s.id || '-' || k, s.username, s.id, ?, '10.0.0.1',
            x.start, x.start + x.length, x.start + x.length, extract(epoch FROM x.length)::bigint, 'User-Request'
       FROM subscriptions s
       CROSS JOIN generate_series(1, 9) AS k
       CROSS JOIN LATERAL (SELECT timestamptz '2026-10-04T00:00:00Z' + ((s.id * 7919 + k * 104729) % 2569800) * interval '1 second' AS start,
                                  ((s.id + k * 53) % 480 + 10) * interval '1 minute' AS length) x`,
    [nasId],
  );
  await db.raw(
    `INSERT INTO usage_daily (subscription_id, day, input_octets, output_octets)
     SELECT s.id, d::date, (s.id * 37 + k * 101) % 400000000, (s.id * 7919 + k * 104729) % 4000000000
       FROM generate_series(date '2026-09-30', date '2026-11-02', interval '1 day') WITH ORDINALITY AS g(d, k)
       CROSS JOIN subscriptions s`,
  );
}

interface Case {
  name: string;
  /** The path of request i. */
  path: (i: number) => string;
  headers?: Record<string, string>;
  /** What the answer must show, so an error page is never timed. */
  check: RegExp;
  /** Fewer requests than --requests (the slower reports). */
  requests?: number;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const roles: RunningRole[] = [];
const http = createHttpServer(c, () => roles);
try {
  await migrateLatest(db);
  say(`seeding ${N.toLocaleString('en')} customers with a subscription each, 3 months of invoices, payments and ledger, open sessions, in ${BENCH_DB} ...`);
  const [, seedSeconds] = await timed(seed);
  const counts = (await db.raw(
    `SELECT (SELECT count(*) FROM customers)::int AS customers, (SELECT count(*) FROM invoices)::int AS invoices,
            (SELECT count(*) FROM payments)::int AS payments, (SELECT count(*) FROM ledger_entries)::int AS ledger,
            (SELECT count(*) FROM accounting_sessions)::int AS sessions`,
  )).rows[0] as Record<string, number>;
  say(`seeded in ${seedSeconds.toFixed(1)} s: ${Object.entries(counts).map(([k, v]) => `${v.toLocaleString('en')} ${k}`).join(', ')}\n`);

  const username = 'bench-admin';
  await db('staff_users').insert({ username, name: 'Bench Admin', password_hash: await hashPassword(PASSWORD, 4), role: 'admin', locale: 'en' });
  roles.push(startWebRole(c, http, createBillingEngine(c, { clock })));
  const port = await http.listen('127.0.0.1', await freePort(0));
  const base = `http://127.0.0.1:${port}`;

  const login = await fetch(`${base}/admin/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password: PASSWORD }),
  });
  const cookie = login.headers.getSetCookie().map((s) => s.split(';')[0]!).find((s) => s.startsWith('isp_staff='));
  if (login.status !== 302 || !cookie) throw new Error(`sign-in failed: ${login.status}`);

  const { rows: ids } = await db.raw('SELECT id FROM customers ORDER BY id');
  const customerIds = (ids as Array<{ id: number }>).map((r) => Number(r.id));
  // A different customer per request, spread over the whole table.
  const customerAt = (i: number): number => customerIds[Math.floor(((i * 7919) % customerIds.length))]!;
  const deepPage = Math.max(2, Math.min(2000, Math.floor(Math.ceil(N / 25) / 2)));
  const htmx = { 'HX-Request': 'true', 'HX-Request-Type': 'partial', 'HX-Target': 'div#customer-results' };
  const cases: Case[] = [
    { name: 'customer list, page 1', path: () => '/admin/customers', check: /data-total/ },
    { name: `customer list, page ${deepPage}`, path: () => `/admin/customers?page=${deepPage}`, check: new RegExp(`Page ${deepPage} /`) },
    { name: 'search "wijaya" (name)', path: () => '/admin/customers?q=wijaya', check: /data-total/ },
    { name: 'search "wijaya", htmx fragment', path: () => '/admin/customers?q=wijaya&filter=&sort=number&dir=asc', headers: htmx, check: /^<div id="customer-results">/ },
    { name: 'search "54321" (phone)', path: () => '/admin/customers?q=54321', check: /data-total/ },
    { name: 'search "54321", htmx fragment', path: () => '/admin/customers?q=54321&filter=&sort=number&dir=asc', headers: htmx, check: /^<div id="customer-results">/ },
    { name: 'customer page', path: (i) => `/admin/customers/${customerAt(i)}`, check: /data-balance/ },
    { name: 'dashboard (figures, routers, 2 charts)', path: () => '/admin', check: /data-figure="online"/ },
    { name: 'report: revenue, this year', path: () => '/admin/reports/revenue', check: /id="revenue-plans"/, requests: 50 },
    { name: 'report: revenue CSV', path: () => '/admin/reports/revenue.csv', check: /^\uFEFF?month,/, requests: 50 },
    { name: 'report: aging, page 1', path: () => '/admin/reports/aging', check: /data-total="customers"/, requests: 50 },
    { name: 'report: aging, page 400', path: () => '/admin/reports/aging?page=400', check: /data-total="customers"/, requests: 50 },
    { name: 'report: aging CSV (everyone who owes)', path: () => '/admin/reports/aging.csv', check: /^\uFEFF?customer_number,/, requests: 20 },
    { name: 'report: churn, this year', path: () => '/admin/reports/churn', check: /id="churn-months"/, requests: 50 },
    { name: 'report: top usage, 30 days, subscriptions', path: () => '/admin/reports/usage', check: /data-rank="50"/, requests: 20 },
    { name: 'report: top usage, 30 days, customers', path: () => '/admin/reports/usage?by=customer', check: /data-rank="50"/, requests: 20 },
  ];

  const request = async (k: Case, i: number): Promise<{ ms: number; body: string }> => {
    const t0 = process.hrtime.bigint();
    const res = await fetch(`${base}${k.path(i)}`, { headers: { cookie, ...k.headers } });
    const body = await res.text();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (res.status !== 200 || !k.check.test(body)) throw new Error(`${k.name}: ${res.status} ${k.path(i)}\n${body.slice(0, 300)}`);
    return { ms, body };
  };

  say(`web role on ${base} (${values['dev-views'] ? 'templates re-read per request, as in development' : 'templates cached, as in production'}); ${R} sequential requests per case after ${WARM_UP} warm-up ones\n`);
  const results: Array<{ name: string; matches: string; p50: number; p95: number; max: number }> = [];
  for (const k of cases) {
    let first = '';
    const n = Math.min(R, k.requests ?? R);
    for (let i = 0; i < Math.min(WARM_UP, n); i++) first = (await request(k, n + i)).body;
    const times: number[] = [];
    for (let i = 0; i < n; i++) times.push((await request(k, i)).ms);
    times.sort((a, b) => a - b);
    const total = /data-total[^>]*>([\d.,]+)</.exec(first)?.[1];
    results.push({ name: k.name, matches: total ?? '1', p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1)! });
  }

  const width = Math.max(...results.map((r) => r.name.length));
  say(`${'case'.padEnd(width)}  ${'matches'.padStart(8)}  ${'p50 ms'.padStart(7)}  ${'p95 ms'.padStart(7)}  ${'max ms'.padStart(7)}`);
  for (const r of results) {
    say(`${r.name.padEnd(width)}  ${r.matches.padStart(8)}  ${r.p50.toFixed(1).padStart(7)}  ${r.p95.toFixed(1).padStart(7)}  ${r.max.toFixed(1).padStart(7)}`);
  }
} finally {
  for (const r of roles.reverse()) await r.stop();
  await http.close();
  await c.queues.queue(QUEUES.billing).obliterate({ force: true }).catch(() => {});
  // Staff sessions and sign-in counters.
  for (let cursor = '0'; ;) {
    const [next, keys] = await c.redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length) await c.redis.del(...keys);
    if ((cursor = next) === '0') break;
  }
  await scratch.close({ keep: values.keep });
}
