/**
 * How an accounting record's references to billing's rows are resolved inside aaa's session
 * upsert (aaa/accounting/accounting-statements.ts): SQL expressions, so the upsert stays one
 * statement per batch (no extra round trip on the accounting hot path) while the knowledge of
 * billing's tables stays behind the one door (ARCHITECTURE.md, "Dependency rules").
 *
 * Both read the row source `t` of the upsert, with the columns `subscription_id bigint`,
 * `username text` and `voucher_id bigint` (what the record claims), and give an id that exists
 * or NULL: a missing row never fails the batch.
 */

/**
 * The subscription of the record: the one its Class names when it exists; else, when the Class
 * named one that is gone (a restored older backup), the subscription with the record's username;
 * else NULL (as ON DELETE SET NULL does for the sessions of a deleted subscription).
 */
export const SUBSCRIPTION_REFERENCE_SQL = `coalesce((SELECT x.id FROM subscriptions x WHERE x.id = t.subscription_id),
           CASE WHEN t.subscription_id IS NOT NULL THEN (SELECT x.id FROM subscriptions x WHERE x.username = t.username) END)`;

/** The voucher of the record when it still exists, else NULL. */
export const VOUCHER_REFERENCE_SQL = '(SELECT x.id FROM vouchers x WHERE x.id = t.voucher_id)';
