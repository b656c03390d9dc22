/**
 * `npm run migrate`: applies pending migrations to the database the server uses (DATABASE_URL,
 * or the embedded PostgreSQL under DATA_DIR) and prints what it applied. `npm start` does this
 * on every start too; this is for deployments that migrate before rolling out.
 */
import { loadConfig } from '../../lib/config.js';
import { createDb } from '../../lib/db.js';
import { createLogger } from '../../lib/logger.js';
import { migrateLatest } from '../../lib/migrate.js';
import { resolveDatabase } from '../services.js';
import { storeTimeZone } from '../../lib/time-zone.js';

const config = loadConfig();
const database = await resolveDatabase(config, createLogger('warn', {}, config.LOG_FORMAT));
const db = createDb({ url: database.url });
try {
  const applied = await migrateLatest(db);
  await storeTimeZone(db, config.ISP_TIME_ZONE);
  process.stdout.write(applied.length ? `applied ${applied.length} migrations:\n${applied.join('\n')}\n` : 'already up to date\n');
} finally {
  await db.destroy();
  await database.stop();
}
