/**
 * What staff selected on a list for a bulk action: the ticked rows (`ids`, repeated or comma
 * separated) or, with `all=1`, every row the list's filter matches (the route resolves those).
 * And the confirmed plan between the preview and the run: the preview's rows are kept in Redis
 * under a random token bound to the staff member (30 minutes, single use), so the confirmation
 * form carries only that token (and the session's CSRF token, as every form): the ids cannot be
 * changed between what was previewed and what runs, and a second press runs nothing twice.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from '../../lib/redis.js';

/** The most rows one bulk action takes (a larger filter is cut here, and the preview says so). */
export const BULK_MAX = 5000;

/** Ticked ids, in the order given, without repeats; at most BULK_MAX. */
export function selectedIds(body: Record<string, unknown>): number[] {
  const raw = body.ids;
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => String(v ?? '').split(','));
  const ids = new Set<number>();
  for (const p of parts) {
    const s = p.trim();
    if (/^\d{1,15}$/.test(s)) ids.add(Number(s));
    if (ids.size >= BULK_MAX) break;
  }
  return [...ids];
}

/** Whether the form asked for every row of the filter. */
export const wantsAll = (body: Record<string, unknown>): boolean => String(body.all ?? '') === '1';

/** A previewed bulk action, as confirmed. */
export interface BulkPlan {
  staffId: number;
  /** e.g. `subscriptions.suspend` (bulk-actions.ts). */
  kind: string;
  /** The rows that will take the action, in order (rows the preview refused are not here). */
  ids: number[];
  /** Action parameters: the target plan of a plan change, each subscription's previewed version. */
  params: Record<string, unknown>;
}

const PLAN_SECONDS = 30 * 60;
const planKey = (prefix: string, token: string): string => `${prefix}:bulk-plan:${token}`;

/** Keeps `plan`; resolves with its token (32 hex characters). */
export async function keepPlan(redis: Redis, prefix: string, plan: BulkPlan): Promise<string> {
  const token = randomBytes(16).toString('hex');
  await redis.set(planKey(prefix, token), JSON.stringify(plan), 'EX', PLAN_SECONDS);
  return token;
}

/** The plan of `token` for this staff member and kind, once (it is removed); null when unknown, expired, used or someone else's. */
export async function takePlan(redis: Redis, prefix: string, token: unknown, staffId: number, kind: string): Promise<BulkPlan | null> {
  if (typeof token !== 'string' || !/^[0-9a-f]{32}$/.test(token)) return null;
  const raw = await redis.getdel(planKey(prefix, token));
  if (!raw) return null;
  const plan = JSON.parse(raw) as BulkPlan;
  return plan.staffId === staffId && plan.kind === kind ? plan : null;
}
