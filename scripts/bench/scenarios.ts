/**
 * `npm run bench:radius -- --scenario million|reconnect-storm [options]` (issue 13, item 3):
 * - `million` (scenario-million.ts): 1,000,000 subscribers online, an Interim-Update from each
 *   every 5 minutes (3,333/s) for 10 minutes; prints acknowledgement p50/p99 (target p99 < 50 ms),
 *   the CPU of each server process and the database's growth per day.
 *   Options: --subscribers 1000000 --minutes 10 --interval 300 --sockets 8.
 * - `reconnect-storm` (scenario-reconnect-storm.ts): 100,000 subscribers send Access-Request,
 *   then Accounting-Start, within a few seconds, as after a router reboot; prints the completion
 *   time (target < 10 s) and the requests answered past 300 ms (target 0).
 *   Options: --subscribers 100000 --spread 5 --sockets 64 --starts yes (no: Access-Requests only,
 *   what the radius processes alone can take when the generator's core is not also sending Starts).
 * Both take --secret (the load NAS's shared secret). They seed with seed-load (passed in by
 * bench-radius.ts, which owns that import), use the database the server uses (DATABASE_URL or
 * the embedded PostgreSQL under DATA_DIR), and drive the radius role running on this machine or
 * one they start (scenario-common.ts).
 */
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../../lib/config.js';
import { createDb, type Knex } from '../../lib/db.js';
import { createLogger } from '../../lib/logger.js';
import { migrateLatest } from '../../lib/migrate.js';
import { createSecretBox, resolveKey, type SecretBox } from '../../lib/secret-box.js';
import { resolveDatabase } from '../../server/services.js';
import { runMillion } from './scenario-million.js';
import { runReconnectStorm } from './scenario-reconnect-storm.js';

/** scripts/seed-load.ts `seedLoad`, passed in (scripts/bench/ does not import scripts/: no folder loop). */
export type SeedLoad = (db: Knex, secrets: SecretBox, opts: { subscribers: number; nasIp: string; secret: string; log?: (msg: string) => void }) => Promise<{ nasId: number; planId: number }>;

export interface ScenarioContext {
  config: Config;
  db: Knex;
  secret: Buffer;
  options: Record<string, string>;
  say(line: string): void;
}

const say = (line: string): void => { process.stdout.write(`${line}\n`); };

export async function runScenario(argv: string[], seedLoad: SeedLoad): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    options: {
      scenario: { type: 'string' }, subscribers: { type: 'string' }, minutes: { type: 'string' }, interval: { type: 'string' },
      spread: { type: 'string' }, sockets: { type: 'string' }, starts: { type: 'string' }, secret: { type: 'string', default: 'bench-secret-0123' },
    },
  });
  const scenario = String(values.scenario ?? '');
  if (scenario !== 'million' && scenario !== 'reconnect-storm') throw new Error(`--scenario must be million or reconnect-storm, not "${scenario}"`);
  const subscribers = Number(values.subscribers ?? (scenario === 'million' ? 1_000_000 : 100_000));
  if (!Number.isInteger(subscribers) || subscribers < 10 || subscribers > 10_000_000) throw new Error('--subscribers must be a whole number from 10 to 10,000,000');

  const config = loadConfig();
  const log = createLogger('warn', {}, config.LOG_FORMAT);
  const database = await resolveDatabase(config, log);
  const db = createDb({ url: database.url, poolMax: 4 });
  try {
    await migrateLatest(db);
    const secrets = createSecretBox(resolveKey(config.APP_SECRET_KEY, config.DATA_DIR).key);
    const t0 = Date.now();
    await seedLoad(db, secrets, { subscribers, nasIp: '127.0.0.1', secret: String(values.secret), log: (m) => { if (/0000$/.test(m)) say(m); } });
    say(`seeded ${subscribers} subscribers in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const options = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
    const ctx: ScenarioContext = { config, db, secret: Buffer.from(String(values.secret)), options: { ...options, subscribers: String(subscribers) }, say };
    if (scenario === 'million') await runMillion(ctx);
    else await runReconnectStorm(ctx);
  } finally {
    await db.destroy();
    await database.stop();
  }
}
