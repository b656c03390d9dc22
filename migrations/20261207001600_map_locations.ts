/**
 * The network map asks for what lies inside a bounding box (network/map/map-features.ts): a
 * partial B-tree on (latitude, longitude) of the located rows keeps that a range scan, not a
 * scan of every subscription (10,000 subscribers).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE INDEX subscriptions_location ON subscriptions (latitude, longitude) WHERE latitude IS NOT NULL;
    CREATE INDEX devices_location ON devices (latitude, longitude) WHERE latitude IS NOT NULL;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX subscriptions_location, devices_location');
}
