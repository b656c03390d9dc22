/**
 * `--scenario million` (scenarios.ts): N subscribers online (default 1,000,000), each sending an
 * Interim-Update every `--interval` seconds (default 300: N / 300 = 3,333 a second), open loop for
 * `--minutes` (default 10). The sessions are already open when it starts (inserted in bulk with
 * the keys the server derives, accounting-record.ts `sessionKey`), as in the steady state after
 * everyone logged in; every Interim is then an update of an open row in the open partition.
 * Prints acknowledgement latency (the Accounting-Response is sent after the commit), a timeline of
 * the slow windows beside what PostgreSQL was doing (postgres-timeline.ts), the CPU of each server
 * and PostgreSQL process, and the database's growth, extrapolated to a day.
 */
import { sessionKey } from '../../aaa/accounting/accounting-record.js';
import { packetSet, percentile, runLoad } from './load-generator.js';
import {
  accepts, accountingRequest, accountingSizes, acctSessionId, cpuLines, mb, postgresPid, processTreeCpu, radiusMetricLines, radiusUnderTest, waitFor,
} from './scenario-common.js';
import type { ScenarioContext } from './scenarios.js';
import { samplePostgres, timelineLines } from './postgres-timeline.js';

const CHUNK = 200_000;

/** Opens user1..user<n>'s sessions in bulk (what N Accounting-Starts would leave), each last updated within the past interval. */
async function openSessions(ctx: ScenarioContext, n: number, intervalS: number): Promise<void> {
  const { db, say } = ctx;
  await db.raw(`DELETE FROM accounting_sessions WHERE username LIKE 'user%'`);
  await db.raw(`DELETE FROM usage_daily u USING subscriptions s WHERE s.id = u.subscription_id AND s.username LIKE 'user%'`);
  const t0 = Date.now();
  for (let from = 1; from <= n; from += CHUNK) {
    // The key as accounting-record.ts derives it: MD5 of User-Name, Acct-Session-Id, NAS address, NAS-Port-Id, NUL-separated.
    await db.raw(
      `INSERT INTO accounting_sessions (session_key, acct_session_id, username, subscription_id, nas_id, nas_ip_address, nas_identifier,
         nas_port, nas_port_type, calling_station_id, called_station_id, framed_ip_address, service_type, start_time, update_time)
       SELECT md5(convert_to(s.username, 'UTF8') || '\\x00'::bytea || convert_to(x.sid, 'UTF8') || '\\x00'::bytea
                  || convert_to('127.0.0.1', 'UTF8') || '\\x00'::bytea || convert_to('ether2', 'UTF8'))::uuid,
              x.sid, s.username, s.id, (SELECT id FROM nas WHERE ip_address = '127.0.0.1'), '127.0.0.1', 'bench-router',
              'ether2', 'Ethernet', NULL, 'pppoe-service', NULL, 'Framed-User',
              now() - interval '1 day', now() - make_interval(secs => g.i % ?)
         FROM generate_series(?::int, ?::int) AS g(i)
         JOIN subscriptions s ON s.username = 'user' || g.i
         -- acctSessionId(i): at least 4 hex digits (lpad alone would cut a longer one to 4).
         CROSS JOIN LATERAL (SELECT '8100' || CASE WHEN g.i < 4096 THEN lpad(to_hex(g.i), 4, '0') ELSE to_hex(g.i) END AS sid) x`,
      [intervalS, from, Math.min(n, from + CHUNK - 1)],
    );
  }
  // The first and the last subscriber: a key that differs only past 0xffff went unnoticed once,
  // and 930,000 of the million Interim-Updates inserted new sessions instead of updating.
  for (const i of [1, n]) {
    const probe = await db('accounting_sessions').where({ username: `user${i}` }).first('session_key');
    if (String(probe?.session_key) !== sessionKey(`user${i}`, acctSessionId(i), '127.0.0.1', 'ether2')) {
      throw new Error(`the bulk session key of user${i} differs from the server's: Interim-Updates would insert new rows`);
    }
  }
  say(`opened ${n} sessions in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  await db.raw('VACUUM ANALYZE accounting_sessions, usage_daily, subscriptions');
  await db.raw('CHECKPOINT');
}

export async function runMillion(ctx: ScenarioContext): Promise<void> {
  const { config, db, secret, say } = ctx;
  const n = Number(ctx.options.subscribers);
  const minutes = Number(ctx.options.minutes ?? 10);
  const intervalS = Number(ctx.options.interval ?? 300);
  const sockets = Number(ctx.options.sockets ?? 8);
  if (!(minutes > 0) || !(intervalS >= 60)) throw new Error('--minutes must be above 0 and --interval at least 60 (RFC 2869 §5.16)');
  // user<n> stays offline: it answers the readiness probe (the others would be refused as already online).
  const online = n - 1;
  await openSessions(ctx, online, intervalS);

  const server = await radiusUnderTest(config, secret, say);
  try {
    await waitFor(() => accepts(config.RADIUS_AUTH_PORT, n, secret), `user${n} to be known to the radius role`);
    const rate = online / intervalS;
    const total = Math.ceil(rate * minutes * 60 * 1.02);
    say(`precomputing ${total} Interim-Updates (${rate.toFixed(0)}/s for ${minutes} min)...`);
    const packets = Array.from({ length: sockets }, (_, s) => packetSet(Math.ceil(total / sockets), (k) => {
      const g = s + k * sockets;
      return accountingRequest(k, 1 + (g % online), 'Interim-Update', 1 + Math.floor(g / online), intervalS, secret);
    }));

    const sizes0 = await accountingSizes(db);
    const cpu0 = processTreeCpu(server.pid);
    const pg0 = processTreeCpu(postgresPid(config));
    const sampler = samplePostgres(db);
    const r = await runLoad({ host: '127.0.0.1', port: config.RADIUS_ACCT_PORT, packets, durationMs: minutes * 60_000, rate });
    const samples = await sampler.stop();
    const cpu1 = processTreeCpu(server.pid);
    const pg1 = processTreeCpu(postgresPid(config));
    await db.raw('CHECKPOINT');
    const sizes1 = await accountingSizes(db);

    say(`\nmillion: ${online} subscribers online, Interim-Update every ${intervalS} s = ${rate.toFixed(0)}/s offered, ${(r.answered / r.seconds).toFixed(0)}/s acknowledged over ${r.seconds.toFixed(0)} s`);
    say(`  acknowledgement p50 ${percentile(r.latencies, 50).toFixed(2)} ms  p99 ${percentile(r.latencies, 99).toFixed(2)} ms (target < 50)  p99.9 ${percentile(r.latencies, 99.9).toFixed(2)} ms  max ${percentile(r.latencies, 100).toFixed(0)} ms`);
    say(`  sent ${r.sent}  answered ${r.answered}  timeouts (1 s) ${r.timeouts}  late (> 300 ms) ${r.late}`);
    say('Where the tail comes from: each 10 s of sending whose slowest acknowledgement passed 50 ms, and what PostgreSQL did meanwhile:');
    for (const line of timelineLines(r.worstPerSecond, r.slowPerSecond, samples)) say(line);
    say('CPU per process (share of one core):');
    for (const line of [...cpuLines(cpu0, cpu1, r.seconds), ...cpuLines(pg0, pg1, r.seconds)]) say(line);
    say('What the server counted:');
    for (const line of radiusMetricLines(await server.metrics())) say(line);
    say(`database growth (measured over ${r.seconds.toFixed(0)} s, × ${(86_400 / r.seconds).toFixed(0)} for a day):`);
    for (const key of Object.keys(sizes1)) {
      const grew = sizes1[key]! - sizes0[key]!;
      say(`  ${key.padEnd(24)} ${mb(sizes0[key]!).padStart(10)} → ${mb(sizes1[key]!).padStart(10)}   ${mb((grew * 86_400) / r.seconds).padStart(10)} / day`);
    }
    const open = (await db.raw(`SELECT pg_total_relation_size('accounting_sessions_open')::bigint AS bytes, (SELECT count(*) FROM accounting_sessions_open) AS rows,
      pg_total_relation_size('usage_daily')::bigint AS usage_bytes, (SELECT count(*) FROM usage_daily) AS usage_rows`)).rows[0];
    const perSession = Number(open.bytes) / Math.max(1, Number(open.rows));
    const perUsageRow = Number(open.usage_bytes) / Math.max(1, Number(open.usage_rows));
    say(`  open partition: ${open.rows} sessions, ${mb(Number(open.bytes))} (${perSession.toFixed(0)} B a session with its indexes); Interims update it in place`);
    say('expected growth per day in steady state (the lines above extrapolate one run, including first-of-the-day rows):');
    say(`  usage_daily: one row per subscriber and day ≈ ${mb(perUsageRow * online)}`);
    say(`  session history: one row per session stopped ≈ ${mb(perSession * online)} per reconnect of every subscriber (a month partition holds 30 of those)`);
    say('Figures are indicative: generator, server and PostgreSQL share this machine.');
  } finally {
    await server.stop();
  }
}
