/**
 * A private PostgreSQL database per test file, cloned from the migrated template that
 * scripts/run-tests.ts prepares (CREATE DATABASE … TEMPLATE: milliseconds, not a migration run).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Knex } from '../../lib/db.js';

export interface TestDatabase {
  url: string;
  db: Knex;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run tests through "npm test" or "npm run test:only -- <file>"`);
  return v;
}

/** Creates a fresh database with every migration applied. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = env('TEST_DATABASE_ADMIN_URL');
  const template = env('TEST_TEMPLATE_DATABASE');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  const db = createDb({ url, poolMax: 10, applicationName: 'test' });
  return {
    url,
    db,
    async drop() {
      await db.destroy();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** The Redis URL of the test stack; give each test its own QUEUE prefix to keep keys apart. */
export function testRedisUrl(): string {
  return env('TEST_REDIS_URL');
}
