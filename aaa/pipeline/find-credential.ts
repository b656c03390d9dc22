/**
 * Stage 1 of the Access-Request, "find" (FreeRADIUS's authorize; ARCHITECTURE.md "Access-Request
 * flow"): the account a User-Name names and the credential it is checked against. Two sources,
 * one stage: a subscription (its username; the password sealed in the index), else a hotspot
 * voucher (its code, which is also its password: aaa/auth/voucher.ts).
 *
 * The index answers first, synchronously and without I/O; only a name it does not know goes to
 * the database (findInDatabase: a subscription by username, then a voucher by code), which also
 * adds what it finds to the index.
 */
import type { VoucherAccess } from '../../billing/access/voucher-access.js';
import { looksLikeVoucherCode, normalizeVoucherCode } from '../../billing/access/voucher-code.js';
import type { AccessReplica, SubscriptionEntry } from '../replica/access-replica.js';
import type { ReplicaSync } from '../replica/replica-sync.js';

/** What a User-Name found: a subscription or a voucher (the index's own entries, not copies). */
export type Credential = SubscriptionEntry | VoucherAccess;

/** True when the credential is a voucher's (a voucher has a batch; a subscription has none). */
export function isVoucher(found: Credential): found is VoucherAccess {
  return 'batchId' in found;
}

/**
 * From the index: the subscription with that username, else the live voucher whose code is the
 * name as typed or as printed (normalizeVoucherCode); undefined when the index knows neither.
 */
export function findInIndex(index: Pick<AccessReplica, 'subscription' | 'voucher'>, username: string): Credential | undefined {
  return index.subscription(username) ?? index.voucher(username) ?? index.voucher(normalizeVoucherCode(username));
}

/**
 * From the database, for a name the index does not know: as a subscription, then as a voucher
 * code (a used or expired voucher is found too, to be refused with its own Reply-Message).
 * Rejects on a database failure (no reply: the NAS retries).
 */
export async function findInDatabase(sync: Pick<ReplicaSync, 'lookupUsername' | 'lookupVoucher'>, username: string): Promise<Credential | undefined> {
  const sub = await sync.lookupUsername(username);
  if (sub) return sub;
  const codes = voucherCodesOf(username);
  return codes.length ? await sync.lookupVoucher(codes) : undefined;
}

/**
 * The voucher codes a User-Name may stand for: itself when it could be stored as a code (letters
 * and digits, 4-32: imported codes included), and as printed (spaces and dashes dropped, capital
 * letters) when that is one of our codes.
 */
export function voucherCodesOf(username: string): string[] {
  const codes = /^[A-Za-z0-9]{4,32}$/.test(username) ? [username] : [];
  const printed = normalizeVoucherCode(username);
  if (printed !== username && looksLikeVoucherCode(printed)) codes.push(printed);
  return codes;
}
