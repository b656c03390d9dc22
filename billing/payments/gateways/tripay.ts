/**
 * Tripay closed payments as a PaymentGateway (tripay.co.id/developer, "Transaksi Closed Payment"
 * and "Callback"), over plain HTTPS + JSON: Tripay publishes no official Node SDK (the npm
 * packages named after it are community ones), and the API is four calls.
 *
 * - createPayment: `POST {base}/transaction/create`, `Authorization: Bearer <API key>`, JSON
 *   `{ method, merchant_ref, amount, customer_name, customer_email?, customer_phone?,
 *   order_items: [{ sku, name, price, quantity }], callback_url?, return_url?, expired_time
 *   (unix seconds), signature }` where signature = hex HMAC-SHA256(private key, merchant_code +
 *   merchant_ref + amount) → `{ success: true, data: { reference, checkout_url, status: "UNPAID", … } }`.
 * - fetchStatus: `GET {base}/transaction/detail?reference=` (by our stored reference), else
 *   `GET {base}/merchant/transactions?merchant_ref=` (a list; the newest paid/unpaid one wins).
 *   Status UNPAID / PAID / EXPIRED / FAILED / REFUND. `amount` there is what the customer pays,
 *   which includes `fee_customer` when the merchant passes the fee on: the order's amount is
 *   `amount − fee_customer`.
 * - verifyNotification: the callback POSTs the transaction as JSON with headers
 *   `X-Callback-Event: payment_status` and `X-Callback-Signature` = hex HMAC-SHA256(private key,
 *   raw body). Compared in constant time over the raw bytes (never a re-serialised body).
 *
 * Base URL: production `https://tripay.co.id/api`, sandbox `https://tripay.co.id/api-sandbox`.
 * Errors never carry the API key or the private key (gateway-failure.ts).
 */
import crypto from 'node:crypto';
import { AppError } from '../../../lib/errors.js';
import { gatewayFailure, isJson, parseJsonObject, secretRedactor, type Json } from './gateway-failure.js';
import { headerValue, hexDigestEquals } from './notification-headers.js';
import type { ConfirmedStatus, CreatePaymentInput, GatewayStatus, PaymentGateway, PaymentLink, VerifiedNotification } from './payment-gateway.js';

export const TRIPAY_PRODUCTION_URL = 'https://tripay.co.id/api';
export const TRIPAY_SANDBOX_URL = 'https://tripay.co.id/api-sandbox';

export interface TripayOptions {
  /** API key (`DEV-…` in the sandbox), sent as `Authorization: Bearer`. */
  apiKey: string;
  /** Private key: signs requests and verifies callbacks (HMAC-SHA256). */
  privateKey: string;
  /** Merchant code (`T1234`). */
  merchantCode: string;
  /** Payment channel code for closed payments (`QRIS`, `BRIVA`, `BCAVA`, …); default `QRIS`. */
  method?: string;
  /** Where Tripay sends callbacks (our /webhooks/tripay); absent: the dashboard's callback URL. */
  callbackUrl?: string;
  /** Default the production URL. */
  apiUrl?: string;
  /** Per HTTP request, milliseconds (default 10000). */
  timeoutMs?: number;
  /** For expired_time; default Date.now. */
  now?: () => number;
}

/** Tripay status → ours; an unknown one is `pending` (neither pays nor fails). */
export function mapTripayStatus(status: string): GatewayStatus {
  switch (status) {
    case 'PAID':
      return 'settled';
    case 'EXPIRED':
      return 'expired';
    case 'FAILED':
      return 'failed';
    case 'REFUND':
      return 'refunded';
    default:
      return 'pending';
  }
}

/** hex HMAC-SHA256(privateKey, merchantCode + merchantRef + amount): the closed-transaction request signature. */
export function tripaySignature(privateKey: string, merchantCode: string, merchantRef: string, amount: number): string {
  return crypto.createHmac('sha256', privateKey).update(`${merchantCode}${merchantRef}${amount}`, 'utf8').digest('hex');
}

/** A Tripay amount (JSON number) → integer rupiah. @throws Error for a fraction or a non-number. */
function rupiah(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new Error(`tripay: ${field} ${JSON.stringify(value)} is not a whole rupiah amount`);
}

/**
 * Creates the Tripay gateway. No network at construction.
 * @throws Error when apiKey, privateKey or merchantCode is empty.
 */
export function createTripayGateway(opts: TripayOptions): PaymentGateway {
  if (!opts.apiKey || !opts.privateKey || !opts.merchantCode) throw new Error('tripay: apiKey, privateKey and merchantCode are required');
  const baseUrl = (opts.apiUrl ?? TRIPAY_PRODUCTION_URL).replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const now = opts.now ?? Date.now;
  const redact = secretRedactor(opts.apiKey, opts.privateKey);

  /** One call; the parsed JSON answer and status, or an AppError without secrets. */
  async function call(op: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: Json | null }> {
    let res: Response;
    try {
      res = await fetch(`${baseUrl}${path}`, {
        ...init,
        headers: { accept: 'application/json', authorization: `Bearer ${opts.apiKey}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: unknown } };
      const detail = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `no response (${typeof e.cause?.code === 'string' ? `${e.cause.code}: ` : ''}${e.message})`;
      throw gatewayFailure('tripay', op, detail, false, redact);
    }
    const text = await res.text().catch(() => '');
    return { status: res.status, body: parseJsonObject(Buffer.from(text)) };
  }

  const failed = (op: string, status: number, body: Json | null): AppError =>
    gatewayFailure('tripay', op, `HTTP ${status}${typeof body?.message === 'string' ? `: ${body.message.slice(0, 300)}` : ''}`, status >= 400 && status < 500, redact);

  /** A transaction object → ConfirmedStatus for `orderId`, or null when it is another order's. */
  function confirmed(orderId: string, t: Json): ConfirmedStatus | null {
    if (t.merchant_ref !== orderId || typeof t.status !== 'string') return null;
    const feeCustomer = t.fee_customer === undefined || t.fee_customer === null ? 0 : rupiah(t.fee_customer, 'fee_customer');
    return {
      orderId,
      status: mapTripayStatus(t.status),
      amount: rupiah(t.amount, 'amount') - feeCustomer,
      paymentType: typeof t.payment_method === 'string' ? t.payment_method : null,
      reference: typeof t.reference === 'string' ? t.reference : null,
    };
  }

  return {
    provider: 'tripay',

    /**
     * Requests a closed transaction for `input.amount` rupiah through the configured channel;
     * merchant_ref = orderId; one order item (the invoice). Returns `checkout_url` and Tripay's
     * `reference`. expired_time = now + expiresInMinutes (default 24 h).
     * @throws RangeError for an amount that is not a positive integer.
     * @throws AppError `payment_gateway_refused` (4xx, `success: false`) or
     *   `payment_gateway_unavailable` (5xx, timeout, network), status 502.
     */
    async createPayment(input: CreatePaymentInput): Promise<PaymentLink> {
      if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new RangeError(`tripay: amount ${input.amount} is not a positive integer of rupiah`);
      const body: Json = {
        method: opts.method || 'QRIS',
        merchant_ref: input.orderId,
        amount: input.amount,
        customer_name: input.customer.name,
        order_items: [{ sku: input.invoiceNumber, name: (input.description || input.invoiceNumber).slice(0, 255), price: input.amount, quantity: 1 }],
        expired_time: Math.floor(now() / 1000) + Math.round((input.expiresInMinutes ?? 24 * 60) * 60),
        signature: tripaySignature(opts.privateKey, opts.merchantCode, input.orderId, input.amount),
      };
      if (input.customer.email) body.customer_email = input.customer.email;
      if (input.customer.phone) body.customer_phone = input.customer.phone;
      if (opts.callbackUrl) body.callback_url = opts.callbackUrl;
      if (input.returnUrl) body.return_url = input.returnUrl;
      const { status, body: answer } = await call('create transaction', '/transaction/create', { method: 'POST', body: JSON.stringify(body) });
      const data = isJson(answer?.data) ? answer.data : null;
      if (status !== 200 || answer?.success !== true || !data) throw failed('create transaction', status, answer);
      if (typeof data.reference !== 'string' || typeof data.checkout_url !== 'string') {
        throw new AppError('payment_gateway_unavailable', 'tripay create transaction: answer without reference or checkout_url', 502);
      }
      return { orderId: input.orderId, url: data.checkout_url, reference: data.reference };
    },

    /**
     * Verifies a callback without network: `X-Callback-Event` must be `payment_status`, the
     * `X-Callback-Signature` must equal hex HMAC-SHA256(private key, raw body) (constant time), and
     * the body a JSON object with string `reference`, `merchant_ref` and `status`. Event key
     * `${reference}:${status}`; orderId `merchant_ref`.
     * @returns null for a missing or wrong signature or event, malformed JSON or missing fields.
     */
    verifyNotification(rawBody, headers): VerifiedNotification | null {
      if (headerValue(headers, 'x-callback-event') !== 'payment_status') return null;
      const signature = headerValue(headers, 'x-callback-signature');
      const expected = crypto.createHmac('sha256', opts.privateKey).update(rawBody).digest('hex');
      if (signature === undefined || !hexDigestEquals(signature, expected)) return null;
      const body = parseJsonObject(rawBody);
      if (!body) return null;
      const { reference, merchant_ref, status } = body;
      if (typeof reference !== 'string' || !reference || typeof merchant_ref !== 'string' || !merchant_ref || typeof status !== 'string' || !status) return null;
      return { eventKey: `${reference}:${status}`, orderId: merchant_ref, reference, claimsPaid: status === 'PAID', payload: body };
    },

    /**
     * The transaction's status by `reference`, else by merchant_ref (a paid one wins, then an
     * unpaid one). Amount: `amount − fee_customer`, integer rupiah; paymentType `payment_method`.
     * @returns null when Tripay does not know the transaction (HTTP 404, `success: false`, empty list).
     * @throws AppError (502) on timeout, network failure, 5xx, a refused API key.
     */
    async fetchStatus(orderId: string, reference: string | null): Promise<ConfirmedStatus | null> {
      const path = reference
        ? `/transaction/detail?reference=${encodeURIComponent(reference)}`
        : `/merchant/transactions?merchant_ref=${encodeURIComponent(orderId)}`;
      const { status, body } = await call('transaction status', path);
      if (status === 404) return null;
      if (status === 401 || status === 403 || status >= 500) throw failed('transaction status', status, body);
      if (status !== 200 || !body) throw failed('transaction status', status, body);
      if (body.success !== true) return null;
      const list = (Array.isArray(body.data) ? body.data : [body.data]).filter(isJson);
      const rank = (t: Json): number => (t.status === 'PAID' ? 0 : t.status === 'UNPAID' ? 1 : 2);
      const found = list.map((t) => ({ t, c: confirmed(orderId, t) })).filter((x) => x.c).sort((a, b) => rank(a.t) - rank(b.t))[0];
      return found?.c ?? null;
    },
  };
}
