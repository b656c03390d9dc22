/**
 * Sessions online over the last 24 hours, every 15 minutes: at each quarter-hour mark t (the 96
 * marks up to the last one at or before now), the sessions with start_time ≤ t and no stop or a
 * stop after t.
 *
 * How: only sessions still open or stopped after the first mark can be online at any mark, so
 * those are the only rows read: the open ones through their partial index, the others as a range
 * of accounting_sessions_stopped (migration 20261122000500, index-only), however long the history.
 * Each contributes +1 from the first mark at or after its start and −1 from the first mark at or
 * after its stop; a running sum over the marks gives the count at each (a sweep line: no
 * mark × session join). Cost: open sessions + sessions stopped in the last 24 h.
 */
import type { Knex } from '../../lib/db.js';

export const STEP_MINUTES = 15;
export const MARKS = (24 * 60) / STEP_MINUTES;

export interface OnlinePoint {
  /** The mark, an instant. */
  at: Date;
  /** HH:MM in the ISP time zone. */
  label: string;
  online: number;
}

/** @param now the clock's time; `timeZone` the ISP's (labels only: every zone's offset is whole quarter hours). */
export async function onlineSessions(db: Knex, now: Date, timeZone: string): Promise<OnlinePoint[]> {
  const { rows } = await db.raw(
    `WITH b AS (
       SELECT ?::interval AS step, date_bin(?::interval, ?::timestamptz, timestamptz '2000-01-01 00:00+00') AS last
     ),
     marks AS (
       SELECT at FROM b, generate_series(b.last - (?::int - 1) * b.step, b.last, b.step) AS at
     ),
     events AS (
       SELECT start_time AS t, 1 AS d FROM accounting_sessions WHERE stop_time IS NULL
       UNION ALL
       SELECT start_time, 1 FROM accounting_sessions WHERE stop_time > (SELECT min(at) FROM marks)
       UNION ALL
       SELECT stop_time, -1 FROM accounting_sessions WHERE stop_time > (SELECT min(at) FROM marks)
     ),
     -- Each event at the first mark at or after it (or the first mark, for anything before it).
     per AS (
       SELECT greatest(date_bin(b.step, e.t - interval '1 microsecond', timestamptz '2000-01-01 00:00+00') + b.step, (SELECT min(at) FROM marks)) AS at,
              sum(e.d) AS d
         FROM events e, b
        WHERE e.t <= b.last
        GROUP BY 1
     )
     SELECT marks.at, to_char(marks.at AT TIME ZONE ?, 'HH24:MI') AS label,
            (sum(coalesce(per.d, 0)) OVER (ORDER BY marks.at))::int AS online
       FROM marks LEFT JOIN per USING (at)
      ORDER BY marks.at`,
    [`${STEP_MINUTES} minutes`, `${STEP_MINUTES} minutes`, now, MARKS, timeZone],
  );
  return rows as OnlinePoint[];
}
