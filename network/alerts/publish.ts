/**
 * New network alerts for whoever watches live (the live dashboard, admin/network/live): one Redis
 * PUBLISH per round on channel `network:alerts`, a JSON array of `{ kind, key, message, details }`.
 * Publishing is best effort: the alert is already in staff_alerts, a lost message only delays
 * what the dashboard shows until its next refresh.
 */
import type { Logger } from '../../lib/logger.js';
import type { StaffAlert } from '../../lib/staff-alerts.js';

export const NETWORK_ALERTS_CHANNEL = 'network:alerts';

/** The one ioredis method used (a Container's `redis` fits). */
export interface AlertPublisher {
  publish(channel: string, message: string): Promise<number>;
}

export async function publishNetworkAlerts(deps: { redis?: AlertPublisher; log?: Logger }, alerts: readonly StaffAlert[]): Promise<void> {
  if (!deps.redis || alerts.length === 0) return;
  try {
    await deps.redis.publish(NETWORK_ALERTS_CHANNEL, JSON.stringify(alerts));
  } catch (err) {
    deps.log?.warn({ err: (err as Error).message }, 'could not publish network alerts');
  }
}
