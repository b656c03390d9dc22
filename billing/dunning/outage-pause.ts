/**
 * Dunning pauses for a subscription in an open network outage (issue 12, item 8): no reminder,
 * late fee, soft limit or suspension while the network, not the customer, is at fault. The outage
 * tables are network/'s (migrations/20261207001400_network_alerts.ts: outages,
 * outage_subscriptions); billing reads them with SQL and never imports network/ (ARCHITECTURE.md,
 * "Dependency rules"). A paused step is not recorded in dunning_actions, so it acts on the first
 * pass after the outage ends (a reminder only within its grace days).
 */

/**
 * SQL condition on an invoice aliased `i`: true unless its subscription is in an open outage.
 * No bindings.
 */
export const NOT_IN_OPEN_OUTAGE = `(i.subscription_id IS NULL OR NOT EXISTS (
            SELECT 1 FROM outage_subscriptions os JOIN outages o ON o.id = os.outage_id
             WHERE os.subscription_id = i.subscription_id AND o.ended_at IS NULL))`;
