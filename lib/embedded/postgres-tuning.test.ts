/**
 * The embedded PostgreSQL's settings for this machine (postgres-tuning.ts): the sizes chosen
 * from the memory, and that the cluster the tests run on (scripts/run-tests.ts starts it with
 * startEmbeddedPostgres, as `npm start` does) has them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestDatabase } from '../../test/helpers/database.js';
import { postgresTuningFlags } from './postgres-tuning.js';

const MB = 1024 * 1024;

test('shared_buffers is a quarter of the memory, never under 128 MB nor over 4 GB', () => {
  const sharedBuffers = (memory: number): string | undefined => postgresTuningFlags(memory).find((f) => f.startsWith('shared_buffers='));
  assert.equal(sharedBuffers(256 * MB), 'shared_buffers=128MB');
  assert.equal(sharedBuffers(2048 * MB), 'shared_buffers=512MB');
  assert.equal(sharedBuffers(24 * 1024 * MB), 'shared_buffers=4096MB');
  assert.equal(sharedBuffers(2 ** 53), 'shared_buffers=4096MB');
});

test('the embedded cluster runs with them', async (t) => {
  const testDb = await createTestDatabase();
  t.after(() => testDb.drop());
  const { rows } = await testDb.db.raw<{ rows: Array<{ name: string; setting: string; unit: string | null }> }>(
    `SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers', 'max_wal_size', 'checkpoint_timeout') ORDER BY name`);
  // What this machine's flags ask for (the sizes themselves are the test above).
  const expectedBuffersMb = Number(/^shared_buffers=(\d+)MB$/.exec(postgresTuningFlags().find((f) => f.startsWith('shared_buffers='))!)![1]);
  assert.deepEqual(rows.map((r) => [r.name, r.setting, r.unit]), [
    ['checkpoint_timeout', '900', 's'],
    ['max_wal_size', '4096', 'MB'],
    ['shared_buffers', String((expectedBuffersMb * MB) / 8192), '8kB'],
  ]);
});
