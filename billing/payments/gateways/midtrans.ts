/**
 * Midtrans Snap as a PaymentGateway, through the official `midtrans-client` SDK.
 *
 * - createPayment: Snap `POST /snap/v1/transactions` (docs.midtrans.com/reference/backend-integration,
 *   body: docs.midtrans.com/reference/request-body-json-parameter; midtrans-snap.ts) → `{ token, redirect_url }`.
 * - fetchStatus: Core API `GET /v2/{order_id}/status` (docs.midtrans.com/docs/get-status-api-requests).
 * - verifyNotification: HTTP notification (docs.midtrans.com/docs/https-notification-webhooks),
 *   `signature_key = SHA512(order_id + status_code + gross_amount + ServerKey)` over the strings
 *   exactly as sent (docs.midtrans.com/reference/receiving-notifications; midtrans-notification.ts).
 *
 * Secrets: the server key never reaches a log or an error. The SDK's own errors carry the axios
 * request (with the Basic auth of the server key) in `rawHttpClientData`, so they are never
 * rethrown or attached as `cause`: every failure becomes a fresh AppError with a redacted message
 * (midtrans-sdk.ts).
 */
import type { Clock } from '../../../lib/clock.js';
import { systemClock } from '../../../lib/clock.js';
import { AppError } from '../../../lib/errors.js';
import { isJson, secretRedactor } from './gateway-failure.js';
import { mapMidtransStatus, parseMidtransAmount, verifyMidtransNotification } from './midtrans-notification.js';
import { pointAt, sdk, sdkFailure, type SdkOptions } from './midtrans-sdk.js';
import { snapTransactionBody } from './midtrans-snap.js';
import type { ConfirmedStatus, CreatePaymentInput, PaymentGateway, PaymentLink, VerifiedNotification } from './payment-gateway.js';

export { mapMidtransStatus, parseMidtransAmount } from './midtrans-notification.js';

export interface MidtransOptions {
  serverKey: string;
  clientKey: string;
  /** Selects the SDK's production or sandbox hosts when no URL is given. */
  isProduction: boolean;
  /** Core API base (status), e.g. `https://api.sandbox.midtrans.com`; the SDK appends `/v2/...`. */
  apiUrl?: string;
  /** Snap base, e.g. `https://app.sandbox.midtrans.com` (a trailing `/snap/v1` is accepted too). */
  snapUrl?: string;
  /** Per HTTP request, milliseconds (default 10000). */
  timeoutMs?: number;
  /** For `expiry.start_time` (default: the system clock). */
  clock?: Clock;
}

/**
 * Creates the Midtrans gateway. No network at construction.
 * @throws Error when serverKey is empty.
 */
export function createMidtransGateway(opts: MidtransOptions): PaymentGateway {
  if (!opts.serverKey) throw new Error('midtrans: serverKey is required');
  const serverKey = opts.serverKey;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const clock = opts.clock ?? systemClock;
  const sdkOpts: SdkOptions = { isProduction: opts.isProduction, serverKey, clientKey: opts.clientKey };
  const snap = new sdk.Snap(sdkOpts);
  const core = new sdk.CoreApi(sdkOpts);
  const trim = (u: string | undefined): string | undefined => u?.replace(/\/+$/, '');
  pointAt(snap.httpClient, trim(opts.snapUrl)?.replace(/\/snap\/v1$/, ''), timeoutMs);
  pointAt(core.httpClient, trim(opts.apiUrl), timeoutMs);
  const redact = secretRedactor(serverKey);
  const failure = (op: string, err: unknown): AppError => sdkFailure(op, err, redact);

  return {
    provider: 'midtrans',

    /**
     * Creates a Snap transaction: `transaction_details { order_id, gross_amount }`, one
     * `item_details` line for the invoice (id and name clipped to Midtrans' 50 characters),
     * `customer_details`, `callbacks.finish` = returnUrl, `expiry` in minutes from now.
     * Returns the Snap `redirect_url` and the Snap token as reference (the token is not a
     * status key: fetchStatus asks by order id).
     * @throws RangeError for an order id Midtrans refuses (over 50 characters, or characters other
     *   than letters, digits, `-_.~`) or an amount that is not a positive integer.
     * @throws AppError `payment_gateway_refused` (4xx, e.g. a reused order id) or
     *   `payment_gateway_unavailable` (5xx, timeout, network), status 502.
     */
    async createPayment(input: CreatePaymentInput): Promise<PaymentLink> {
      const body = snapTransactionBody(input, clock.now());
      let res: unknown;
      try {
        res = await snap.createTransaction(body);
      } catch (err) {
        throw failure('create transaction', err);
      }
      if (!isJson(res) || typeof res.token !== 'string' || typeof res.redirect_url !== 'string') {
        throw new AppError('payment_gateway_unavailable', 'midtrans create transaction: answer without token or redirect_url', 502);
      }
      return { orderId: input.orderId, url: res.redirect_url, reference: res.token };
    },

    /**
     * Verifies an HTTP notification, without network: the raw body must be a JSON object with
     * string `order_id`, `status_code`, `gross_amount`, `signature_key`, `transaction_id`,
     * `transaction_status`, and `signature_key` must equal SHA512 of the first three + the server
     * key (hex, compared in constant time). Event key `${transaction_id}:${transaction_status}`:
     * a redelivery of one status is the same event, a later status a new one.
     * @returns null for malformed, incomplete or wrongly signed bodies. Headers are not used.
     */
    verifyNotification(rawBody: Buffer, _headers): VerifiedNotification | null {
      return verifyMidtransNotification(rawBody, serverKey);
    },

    /**
     * Asks the Core API for the order's status by order id (`reference`, the Snap token, is not
     * a status key). Amount is `gross_amount` in integer rupiah; paymentType is `payment_type`
     * (`qris`, `bank_transfer`, `gopay`, ...); reference is `transaction_id`.
     * @returns null when Midtrans answers its own 404 JSON (`status_code` "404"): unknown order,
     *   or a Snap transaction whose customer has not picked a payment method yet.
     * @throws AppError (status 502) on timeout, network failure, 5xx, auth failure or a 404 that
     *   is not Midtrans' JSON (a wrong base URL must not read as "no such order").
     * @throws Error when gross_amount is not whole rupiah.
     */
    async fetchStatus(orderId: string, _reference: string | null): Promise<ConfirmedStatus | null> {
      let res: unknown;
      try {
        res = await core.transaction.status(encodeURIComponent(orderId));
      } catch (err) {
        if (err instanceof sdk.MidtransError && isJson(err.ApiResponse) && String(err.ApiResponse.status_code) === '404') {
          return null;
        }
        throw failure('get status', err);
      }
      if (!isJson(res) || typeof res.transaction_status !== 'string') {
        throw new AppError('payment_gateway_unavailable', 'midtrans get status: answer without transaction_status', 502);
      }
      if (res.order_id !== orderId) {
        throw new AppError('payment_gateway_unavailable', `midtrans get status: answer is for another order`, 502);
      }
      const fraud = typeof res.fraud_status === 'string' ? res.fraud_status : null;
      return {
        orderId,
        status: mapMidtransStatus(res.transaction_status, fraud),
        amount: parseMidtransAmount(res.gross_amount),
        paymentType: typeof res.payment_type === 'string' ? res.payment_type : null,
        reference: typeof res.transaction_id === 'string' ? res.transaction_id : null,
      };
    },
  };
}
