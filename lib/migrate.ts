/**
 * Runs the knex migrations in migrations/ (TypeScript, loaded through tsx) to the latest version.
 * Safe to call from several processes at once: knex takes a lock table.
 */
import { fileURLToPath } from 'node:url';
import type { Knex } from './db.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

/** Applies pending migrations; returns the names applied (empty when up to date). */
export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ directory: MIGRATIONS_DIR, loadExtensions: ['.ts'] })) as [number, string[]];
  return applied;
}
