/**
 * What the database announced changed since the replica last reloaded: the payloads of the NOTIFY
 * channels that the triggers of migrations/20261121001200_aaa_notify.ts (aaa_index: `settings`,
 * `subscription:1,2`, `plan:3`, `nas:4`; aaa_sessions and aaa_usage: subscription ids `1,2`) and
 * migrations/20261122000600_voucher_enforcement.ts (aaa_vouchers: `v:1,2` vouchers whose row or
 * sessions changed, `b:3` batches) notify, gathered as sets of ids to reload.
 */

/** The channels the replica LISTENs on. */
export const CHANNELS = ['aaa_index', 'aaa_sessions', 'aaa_usage', 'aaa_vouchers'] as const;

export interface PendingChanges {
  subscriptions: Set<number>;
  plans: Set<number>;
  nas: Set<number>;
  settings: boolean;
  /** Subscriptions whose open sessions changed. */
  sessions: Set<number>;
  /** Subscriptions whose quota usage changed. */
  usage: Set<number>;
  vouchers: Set<number>;
  voucherBatches: Set<number>;
  /** Reload everything (after a lost LISTEN connection or a failed reload). */
  full: boolean;
}

export const noChanges = (): PendingChanges => ({
  subscriptions: new Set(), plans: new Set(), nas: new Set(), settings: false,
  sessions: new Set(), usage: new Set(), vouchers: new Set(), voucherBatches: new Set(), full: false,
});

/** Positive safe integers of a comma-separated list; anything else is ignored. */
const ids = (payload: string): number[] =>
  payload.split(',').map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);

/** Adds one notification to `pending`. Unknown kinds are ignored. */
export function addNotification(pending: PendingChanges, channel: string, payload: string): void {
  if (channel === 'aaa_sessions') for (const id of ids(payload)) pending.sessions.add(id);
  else if (channel === 'aaa_usage') for (const id of ids(payload)) pending.usage.add(id);
  else if (channel === 'aaa_vouchers') {
    const [kind, list = ''] = payload.split(':', 2);
    if (kind === 'v') for (const id of ids(list)) pending.vouchers.add(id);
    else if (kind === 'b') for (const id of ids(list)) pending.voucherBatches.add(id);
  } else {
    const [kind, list = ''] = payload.split(':', 2);
    if (kind === 'settings') pending.settings = true;
    else if (kind === 'subscription') for (const id of ids(list)) pending.subscriptions.add(id);
    else if (kind === 'plan') for (const id of ids(list)) pending.plans.add(id);
    else if (kind === 'nas') for (const id of ids(list)) pending.nas.add(id);
  }
}
