/**
 * Midtrans' statuses and HTTP notifications, without network:
 * - the status mapping (docs.midtrans.com/docs/https-notification-webhooks, "Status Definition");
 * - `gross_amount` as integer rupiah;
 * - verifying a notification (docs.midtrans.com/docs/https-notification-webhooks):
 *   `signature_key = SHA512(order_id + status_code + gross_amount + ServerKey)` over the strings
 *   exactly as sent (docs.midtrans.com/reference/receiving-notifications).
 */
import crypto from 'node:crypto';
import { parseJsonObject } from './gateway-failure.js';
import type { GatewayStatus, VerifiedNotification } from './payment-gateway.js';

/**
 * Maps Midtrans `transaction_status` (+ `fraud_status` for card `capture`) to our status.
 * settlement, capture+accept (or no fraud_status) → settled; capture+challenge, pending,
 * authorize → pending; deny, cancel, failure, capture+deny → failed; expire → expired;
 * refund, partial_refund, chargeback, partial_chargeback → refunded. An unknown status is
 * `pending`: it neither pays nor fails an invoice until Midtrans says more.
 */
export function mapMidtransStatus(transactionStatus: string, fraudStatus?: string | null): GatewayStatus {
  switch (transactionStatus) {
    case 'settlement':
      return 'settled';
    case 'capture':
      if (fraudStatus === 'challenge') return 'pending';
      if (fraudStatus === 'deny') return 'failed';
      return 'settled';
    case 'deny':
    case 'cancel':
    case 'failure':
      return 'failed';
    case 'expire':
      return 'expired';
    case 'refund':
    case 'partial_refund':
    case 'chargeback':
    case 'partial_chargeback':
      return 'refunded';
    default:
      return 'pending';
  }
}

/**
 * Midtrans `gross_amount` ("150000.00", or a number) → integer rupiah.
 * @throws Error for a fraction of a rupiah or anything not a non-negative amount.
 */
export function parseMidtransAmount(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const m = /^(\d+)(?:\.0+)?$/.exec(value);
    const n = m ? Number(m[1]) : NaN;
    if (Number.isSafeInteger(n)) return n;
  }
  throw new Error(`midtrans: gross_amount ${JSON.stringify(value)} is not a whole rupiah amount`);
}

/**
 * Verifies an HTTP notification signed with `serverKey`: the raw body must be a JSON object with
 * string `order_id`, `status_code`, `gross_amount`, `signature_key`, `transaction_id`,
 * `transaction_status`, and `signature_key` must equal SHA512 of the first three + the server
 * key (hex, compared in constant time). Event key `${transaction_id}:${transaction_status}`:
 * a redelivery of one status is the same event, a later status a new one.
 * @returns null for malformed, incomplete or wrongly signed bodies.
 */
export function verifyMidtransNotification(rawBody: Buffer, serverKey: string): VerifiedNotification | null {
  const body = parseJsonObject(rawBody);
  if (!body) return null;
  const fields = ['order_id', 'status_code', 'gross_amount', 'signature_key', 'transaction_id', 'transaction_status'];
  if (!fields.every((f) => typeof body[f] === 'string' && body[f] !== '')) return null;
  const { order_id, status_code, gross_amount, signature_key, transaction_id, transaction_status } = body as Record<
    string,
    string
  >;
  if (!/^[0-9a-fA-F]{128}$/.test(signature_key!)) return null;
  const expected = crypto
    .createHash('sha512')
    .update(order_id! + status_code! + gross_amount! + serverKey, 'utf8')
    .digest();
  // Both 64 bytes: the length check above makes timingSafeEqual's equal-length rule hold.
  if (!crypto.timingSafeEqual(Buffer.from(signature_key!, 'hex'), expected)) return null;
  return {
    eventKey: `${transaction_id}:${transaction_status}`,
    orderId: order_id!,
    reference: transaction_id!,
    claimsPaid: mapMidtransStatus(transaction_status!, typeof body.fraud_status === 'string' ? body.fraud_status : null) === 'settled',
    payload: body,
  };
}
