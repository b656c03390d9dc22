/**
 * The ISP time zone (ISP_TIME_ZONE) is also kept in the database (settings `time_zone`), where
 * the triggers that date usage and the billing queries read it (`isp_time_zone()`).
 */
import type { Knex } from './db.js';

/** Writes `timeZone` to settings when it differs from what is stored. */
export async function storeTimeZone(db: Knex, timeZone: string): Promise<void> {
  await db.raw(
    `INSERT INTO settings (key, value) VALUES ('time_zone', to_jsonb(?::text))
     ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE settings.value IS DISTINCT FROM excluded.value`,
    [timeZone],
  );
}
