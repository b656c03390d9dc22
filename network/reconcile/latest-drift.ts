/**
 * The "enforcement drift" figure per router for the console (the routers screen and the
 * dashboard): the latest reconciliation run of each NAS (enforcement_drift, written by
 * reconcile-sessions.ts). One index probe per NAS (enforcement_drift_nas_ran).
 */
import type { Knex } from '../../lib/db.js';

export interface LatestDrift {
  nasId: number;
  ranAt: Date;
  ok: boolean;
  /** Why the run failed (router unreachable, login refused), when `ok` is false. */
  error: string | null;
  /** Findings of that run: lost Starts + lost Stops + sessions not enforced. */
  drift: number;
  lostStart: number;
  lostStop: number;
  notEnforced: number;
  repaired: number;
  /** Since when the router has drifted in every run, or null. */
  driftSince: Date | null;
}

/** By NAS id; routers never reconciled are absent. */
export async function latestDrift(db: Knex): Promise<Map<number, LatestDrift>> {
  const { rows } = await db.raw(
    `SELECT d.* FROM nas n
       CROSS JOIN LATERAL (SELECT * FROM enforcement_drift e WHERE e.nas_id = n.id ORDER BY e.ran_at DESC LIMIT 1) d`,
  );
  return new Map(rows.map((r: Record<string, unknown>) => [Number(r.nas_id), {
    nasId: Number(r.nas_id), ranAt: r.ran_at as Date, ok: Boolean(r.ok), error: (r.error as string | null) ?? null,
    drift: Number(r.drift), lostStart: Number(r.lost_start), lostStop: Number(r.lost_stop), notEnforced: Number(r.not_enforced),
    repaired: Number(r.repaired), driftSince: (r.drift_since as Date | null) ?? null,
  }]));
}
