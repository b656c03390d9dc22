/**
 * Flap damping remembers answered rounds too (network/ping/flap-damping.ts): a device that was
 * down comes back up only after two consecutive answered rounds, so device_state counts them
 * beside consecutive_misses.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE device_state ADD COLUMN consecutive_hits integer NOT NULL DEFAULT 0 CHECK (consecutive_hits >= 0)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE device_state DROP COLUMN consecutive_hits');
}
