/**
 * `npm run bench:radius -- --compare-freeradius [--subscribers 100000 --seconds 10 --threads 1]`
 *
 * Runs this server and FreeRADIUS 3.2 (Debian's packages) one after the other on the same
 * machine, the same PostgreSQL and the same precomputed requests (scripts/bench/packets.ts), and
 * prints one table (scripts/bench/comparison-table.ts):
 * 1. this server, `ROLE=radius` against the database `npm start` uses (DATABASE_URL, or the
 *    embedded PostgreSQL under DATA_DIR), user1..userN seeded by seed:load;
 * 2. FreeRADIUS with the same N users in a files module (mods-config/files/authorize);
 * 3. FreeRADIUS with rlm_sql_postgresql on a database of its own on the same server
 *    (scripts/bench/freeradius-database.ts), schema and queries as shipped.
 * Each server gets a warm-up, then Access-Request (PAP + Message-Authenticator) at 16 and 128 in
 * flight, and (this server and FreeRADIUS-sql) accounting Start + Interim-Update at 16 and 128 in
 * flight, for --seconds each; only one server runs at a time. The generator is closed loop; it
 * prints the cores it used per phase: when that approaches 1 per thread, raise --threads.
 * Figures measured on a busy machine are indicative only.
 */
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import { loadConfig } from '../../lib/config.js';
import { createDb, type Knex } from '../../lib/db.js';
import { createLogger } from '../../lib/logger.js';
import { migrateLatest } from '../../lib/migrate.js';
import { createSecretBox, resolveKey, type SecretBox } from '../../lib/secret-box.js';
import { resolveDatabase } from '../../server/services.js';
import { comparisonTable, measure, type Measurement, type Phase, type ServerName } from './comparison-table.js';
import { writeFreeradiusConfig } from './freeradius-config.js';
import { prepareFreeradiusDatabase } from './freeradius-database.js';
import type { PacketSet } from './load-generator.js';
import { accessRequest, accountingRequest, buildSets } from './packets.js';
import { runLoadParallel } from './parallel-load.js';
import { freeUdpPorts, startFreeradius, startOurs, waitReady, type RunningServer } from './servers.js';

/** The reply FreeRADIUS sends every subscriber: what this server sends for the seed:load plan. */
const REPLY = { 'Mikrotik-Rate-Limit': '5M/10M 8M/15M 4M/8M 16/16 8 2M/5M', 'Framed-Pool': 'pool-load' };

interface Plan {
  warmup: PacketSet[];
  auth: Record<'16' | '128', PacketSet[]>;
  /** Built per server: each server stores its own sessions, the same streams can be replayed to each. */
  acct: Record<'16' | '128', PacketSet[]>;
}

/** scripts/seed-load.ts's seedLoad, passed in by scripts/bench-radius.ts (scripts/bench/ does not import scripts/). */
export type SeedLoad = (db: Knex, secrets: SecretBox, opts: { subscribers: number; nasIp: string; secret: string }) => Promise<unknown>;

export async function compareFreeradius(argv: string[], seedLoad: SeedLoad): Promise<void> {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--compare-freeradius'),
    options: {
      subscribers: { type: 'string', default: '100000' },
      seconds: { type: 'string', default: '10' },
      threads: { type: 'string', default: '1' },
      sockets: { type: 'string', default: '4' },
      'max-rate': { type: 'string', default: '40000' },
      secret: { type: 'string', default: 'bench-secret-0123' },
      'sql-database': { type: 'string', default: 'freeradius_bench' },
      keep: { type: 'boolean', default: false },
      /** Which servers to run, comma-separated (ours, files, sql). */
      servers: { type: 'string', default: 'ours,files,sql' },
      /** A directory for V8 CPU profiles of this server's processes (node --cpu-prof). */
      'cpu-prof': { type: 'string' },
    },
  });
  const N = Number(values.subscribers);
  const seconds = Number(values.seconds);
  const threads = Number(values.threads);
  const sockets = Math.max(Number(values.sockets), threads);
  const secret = Buffer.from(values.secret);
  const config = loadConfig();
  const log = createLogger('warn', {}, config.LOG_FORMAT);
  const say = (s: string): boolean => process.stdout.write(`${s}\n`);

  const database = await resolveDatabase(config, log);
  const results = new Map<string, Measurement>();
  const dirs: string[] = [];
  try {
    let t0 = Date.now();
    const db = createDb({ url: database.url });
    try {
      await migrateLatest(db);
      const secrets = createSecretBox(resolveKey(config.APP_SECRET_KEY, config.DATA_DIR).key);
      await seedLoad(db, secrets, { subscribers: N, nasIp: '127.0.0.1', secret: values.secret });
      await db.raw(`DELETE FROM accounting_sessions WHERE username LIKE 'user%'`);
      await db.raw('VACUUM ANALYZE subscriptions, customers, accounting_sessions');
    } finally {
      await db.destroy();
    }
    const sqlTarget = await prepareFreeradiusDatabase(database.url, values['sql-database'], N, REPLY);
    say(`seeded ${N} subscribers for this server and for FreeRADIUS (files and ${sqlTarget.database}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    t0 = Date.now();
    const count = Number(values['max-rate']) * seconds;
    const plan: Plan = {
      warmup: buildSets(Math.min(count, 20_000), sockets, (_, id) => accessRequest(id, N, secret)),
      auth: { 16: buildSets(count, sockets, (_, id) => accessRequest(id, N, secret)), 128: buildSets(count, sockets, (_, id) => accessRequest(id, N, secret)) },
      acct: {
        16: buildSets(count, sockets, (n, id) => accountingRequest(n, id, 0, N, secret)),
        128: buildSets(count, sockets, (n, id) => accountingRequest(n, id, 1 << 30, N, secret)),
      },
    };
    say(`precomputed ${4 * count} requests in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${seconds} s per phase, ${threads} generator thread(s), ${sockets} sockets`);

    const run = async (name: ServerName, server: RunningServer, accounting: boolean): Promise<void> => {
      try {
        await waitReady(server, N, secret);
        await runLoadParallel({ host: '127.0.0.1', port: server.authPort, packets: plan.warmup, durationMs: 2000, concurrency: 64 }, threads);
        const phases: Array<[Phase, number, PacketSet[]]> = [['auth-16', server.authPort, plan.auth[16]], ['auth-128', server.authPort, plan.auth[128]]];
        if (accounting) phases.push(['acct-16', server.acctPort, plan.acct[16]], ['acct-128', server.acctPort, plan.acct[128]]);
        for (const [phase, port, packets] of phases) {
          const g0 = process.cpuUsage();
          const r = await runLoadParallel({ host: '127.0.0.1', port, packets, durationMs: seconds * 1000, concurrency: Number(phase.split('-')[1]) }, threads);
          const g = process.cpuUsage(g0);
          const m = measure(r, (g.user + g.system) / 1e6);
          results.set(`${phase}/${name}`, m);
          say(`  ${server.name.padEnd(20)} ${phase.padEnd(9)} ${Math.round(m.rate)} req/s  p50 ${m.p50.toFixed(2)} ms  p99 ${m.p99.toFixed(2)} ms  timeouts ${m.timeouts}`);
        }
      } finally {
        await server.stop();
      }
    };

    const servers = new Set(values.servers.split(','));
    if (servers.has('ours')) {
      say('this server (ROLE=radius):');
      const profile = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : [];
      await run('ours', await startOurs(database.url, process.env, profile), true);
    }

    const [fa, fb, sa, sb] = await freeUdpPorts(4);
    if (servers.has('files')) {
      const filesDir = writeFreeradiusConfig({ mode: 'files', authPort: fa!, acctPort: fb!, secret: values.secret, subscribers: N, reply: REPLY });
      dirs.push(filesDir);
      say(`FreeRADIUS, users in files (${filesDir}):`);
      await run('freeradius-files', startFreeradius('FreeRADIUS files', filesDir, fa!, fb!), false);
    }
    if (servers.has('sql')) {
      const sqlDir = writeFreeradiusConfig({ mode: 'sql', authPort: sa!, acctPort: sb!, secret: values.secret, subscribers: N, reply: REPLY, sql: sqlTarget });
      dirs.push(sqlDir);
      say(`FreeRADIUS, rlm_sql on PostgreSQL (${sqlDir}):`);
      await run('freeradius-sql', startFreeradius('FreeRADIUS rlm_sql', sqlDir, sa!, sb!), true);
    }
  } finally {
    if (!values.keep) for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    await database.stop();
  }
  say('');
  process.stdout.write(comparisonTable(results));
}
