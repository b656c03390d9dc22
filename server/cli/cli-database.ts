/**
 * The database a command-line tool works on: the server's own (DATABASE_URL, or the embedded
 * PostgreSQL under DATA_DIR, started for the command and stopped after it), migrated first.
 */
import { loadConfig, type Config } from '../../lib/config.js';
import { createDb, type Knex } from '../../lib/db.js';
import { createLogger, type Logger } from '../../lib/logger.js';
import { migrateLatest } from '../../lib/migrate.js';
import { resolveDatabase } from '../services.js';

export interface CliDatabase {
  config: Config;
  /** Warnings and errors only, in LOG_FORMAT: a command's own output goes to stdout. */
  log: Logger;
  db: Knex;
}

/**
 * Runs `command` with the migrated database, then closes it (and stops an embedded server)
 * whatever happens.
 * @returns the command's exit code (0 when it returns nothing)
 * @throws what loading the configuration, starting the database or the command throws
 */
export async function withCliDatabase(command: (cli: CliDatabase) => Promise<number | void>): Promise<number> {
  const config = loadConfig();
  const log = createLogger('warn', {}, config.LOG_FORMAT);
  const database = await resolveDatabase(config, log);
  const db = createDb({ url: database.url });
  try {
    await migrateLatest(db);
    return (await command({ config, log, db })) ?? 0;
  } finally {
    await db.destroy();
    await database.stop();
  }
}
