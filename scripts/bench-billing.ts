/**
 * `npm run bench:billing [-- --subscriptions 100000 --keep --explain-slower-than 5]`
 *
 * Seeds N postpaid subscriptions (one customer each, with a phone number so every step queues a
 * message) in a scratch database `isp_bench_billing` beside the configured one (DATABASE_URL, or
 * the embedded PostgreSQL under DATA_DIR), then times, with a clock walked day by day at 09:00
 * Jakarta, the worst month an ISP can have: everyone billed on the 1st, nobody pays.
 * - the invoice run on the day the lead time begins (N invoices, numbers, lines, ledger entries,
 *   N "invoice issued" messages), then again the same day (nothing to do: exactly once);
 * - the daily dunning pass from that day to the suspension day (reminders, overdue marking, the
 *   soft limit and the suspension of all N with their nas-control jobs), then the heaviest day
 *   again (nothing more: idempotent).
 * `--explain-slower-than S` has PostgreSQL log the plan of every statement slower than S seconds
 * (auto_explain), to see why a pass was slow.
 * Prints seconds per run. The scratch database is dropped at the end unless `--keep`; the Redis
 * keys live under their own queue prefix and are removed too.
 */
import { parseArgs } from 'node:util';
import { createBillingEngine } from '../billing/engine/engine.js';
import { addDays } from '../billing/plans/billing-period.js';
import { loadConfig } from '../lib/config.js';
import { createLogger } from '../lib/logger.js';
import { migrateLatest } from '../lib/migrate.js';
import { QUEUES } from '../lib/queue.js';
import { openScratch, timed } from './bench-scratch.js';

const { values } = parseArgs({
  options: {
    subscriptions: { type: 'string', default: '100000' },
    keep: { type: 'boolean', default: false },
    'explain-slower-than': { type: 'string' },
  },
});
const N = Number(values.subscriptions);
if (!Number.isInteger(N) || N < 1) throw new Error('--subscriptions must be a positive integer');
const BENCH_DB = 'isp_bench_billing';

const config = loadConfig({
  ...process.env,
  QUEUE_PREFIX: `bench-billing-${process.pid}`,
  // A channel, so every step queues its messages as it would in production (nothing is sent:
  // no dispatcher runs here).
  SMS_GATEWAY_URL: 'http://127.0.0.1:9/send',
  LOG_LEVEL: 'warn',
});
const log = createLogger('warn', { script: 'bench:billing' }, config.LOG_FORMAT);
const say = (msg: string): void => void process.stdout.write(`${msg}\n`);

const explainAfter = values['explain-slower-than'];
const scratch = await openScratch({
  config, log, name: BENCH_DB, clockStart: '2026-11-24T02:00:00Z',
  // With --explain-slower-than, the embedded PostgreSQL's own log (where auto_explain writes) is shown.
  databaseLog: explainAfter === undefined ? log : createLogger('debug', { script: 'bench:billing' }, config.LOG_FORMAT),
  async prepare(admin) {
    if (explainAfter === undefined) return;
    const ms = Math.round(Number(explainAfter) * 1000);
    if (!Number.isFinite(ms) || ms < 0) throw new Error('--explain-slower-than takes seconds');
    await admin.query(`ALTER DATABASE ${BENCH_DB} SET session_preload_libraries = 'auto_explain'`);
    await admin.query(`ALTER DATABASE ${BENCH_DB} SET auto_explain.log_min_duration = ${ms}`);
  },
});
const { c, clock } = scratch;
const { db } = c;

try {
  await migrateLatest(db);
  say(`seeding ${N.toLocaleString('en')} customers and postpaid subscriptions (billing day 1, Rp 150.000/month) in ${BENCH_DB} ...`);
  const [, seedSeconds] = await timed(async () => {
    const [plan] = await db('plans').insert({ name: 'Bench 10M', price: 150_000, rate_limit: '5M/10M', soft_limit_rate_limit: '1M/2M' }).returning('id');
    await db.raw(`INSERT INTO customers (name, phone) SELECT 'Pelanggan ' || i, '0812' || lpad(i::text, 8, '0') FROM generate_series(1, ?::int) AS i`, [N]);
    await db.raw(
      `INSERT INTO subscriptions (customer_id, plan_id, username, password_enc, anchor_day, started_at)
       SELECT c.id, ?, 'bench' || c.id, ?, 1, '2026-10-01T00:00:00+07:00' FROM customers c`,
      [plan.id, c.secrets.seal('bench-password')],
    );
    await db.raw('ANALYZE');
  });
  say(`seeded in ${seedSeconds.toFixed(1)} s\n`);

  const engine = createBillingEngine(c, { clock });
  const rows: Array<[string, string, string]> = [];
  const [first, invoiceSeconds] = await timed(() => engine.generateInvoices());
  rows.push(['invoice run, 2026-11-24', `${first.created} invoices`, invoiceSeconds.toFixed(2)]);
  const [again, againSeconds] = await timed(() => engine.generateInvoices());
  rows.push(['invoice run again, same day', `${again.created} invoices`, againSeconds.toFixed(2)]);

  let heaviest = { day: '', seconds: 0 };
  let dunningTotal = 0;
  for (let day = '2026-11-24'; day <= '2026-12-18'; day = addDays(day, 1)) {
    clock.set(`${day}T02:00:00Z`);
    const [result, seconds] = await timed(() => engine.runDunningPass());
    dunningTotal += seconds;
    const acted = Object.values(result.actions).reduce((a, b) => a + b, 0);
    if (acted || result.overdue) rows.push([`dunning pass, ${day}`, `${acted} actions, ${result.overdue} newly overdue`, seconds.toFixed(2)]);
    if (seconds > heaviest.seconds) heaviest = { day, seconds };
  }
  clock.set(`${heaviest.day}T02:00:00Z`);
  const [repeat, repeatSeconds] = await timed(() => engine.runDunningPass());
  rows.push([`dunning pass again, ${heaviest.day}`, `${Object.values(repeat.actions).reduce((a, b) => a + b, 0)} actions`, repeatSeconds.toFixed(2)]);

  const counts = (await db.raw(
    `SELECT (SELECT count(*) FROM invoices)::int AS invoices,
            (SELECT count(*) FROM notification_outbox)::int AS messages,
            (SELECT count(*) FROM subscriptions WHERE status = 'suspended')::int AS suspended`,
  )).rows[0] as { invoices: number; messages: number; suspended: number };
  const nasControl = await c.queues.queue(QUEUES.nasControl).getJobCounts('waiting', 'delayed');

  const width = Math.max(...rows.map((r) => r[0].length));
  say(`${'run'.padEnd(width)}  ${'did'.padEnd(34)}  seconds`);
  for (const [what, did, seconds] of rows) say(`${what.padEnd(width)}  ${did.padEnd(34)}  ${seconds.padStart(7)}`);
  say(`\ndunning, 25 daily passes: ${dunningTotal.toFixed(1)} s in all; the heaviest (${heaviest.day}) ${heaviest.seconds.toFixed(2)} s`);
  say(`afterwards: ${counts.invoices} invoices, ${counts.messages} messages queued, ${counts.suspended} suspended, ${(nasControl.waiting ?? 0) + (nasControl.delayed ?? 0)} nas-control jobs queued`);
} finally {
  await c.queues.queue(QUEUES.nasControl).obliterate({ force: true }).catch(() => {});
  await c.queues.queue(QUEUES.billing).obliterate({ force: true }).catch(() => {});
  await scratch.close({ keep: values.keep });
}
