/**
 * Duitku as a PaymentGateway (docs.duitku.com/api/id, "Request Transaction", "Callback",
 * "Check Transaction"), over plain HTTPS + JSON (Duitku's official libraries are PHP, Java and
 * .NET; there is no official Node one).
 *
 * - createPayment: `POST {base}/webapi/api/merchant/v2/inquiry` JSON `{ merchantCode,
 *   paymentAmount, paymentMethod, merchantOrderId, productDetails, email?, phoneNumber?,
 *   customerVaName, callbackUrl, returnUrl, expiryPeriod (minutes), itemDetails, signature }`,
 *   signature = MD5(merchantCode + merchantOrderId + paymentAmount + API key) (hex) →
 *   `{ merchantCode, reference, paymentUrl, vaNumber, qrString, amount, statusCode: "00", statusMessage }`.
 * - fetchStatus: `POST {base}/webapi/api/merchant/transactionStatus` `{ merchantCode,
 *   merchantOrderId, signature: MD5(merchantCode + merchantOrderId + API key) }` →
 *   `{ merchantOrderId, reference, amount: "150000", fee, statusCode, statusMessage }` with
 *   statusCode "00" success, "01" process (pending), "02" failed or expired.
 * - verifyNotification: the callback is `application/x-www-form-urlencoded` with merchantCode,
 *   amount, merchantOrderId, resultCode ("00" success, "01" failed), reference, signature =
 *   MD5(merchantCode + amount + merchantOrderId + API key), … (constant-time comparison).
 *
 * Base URL: production `https://passport.duitku.com`, sandbox `https://sandbox.duitku.com`.
 * Not verified against Duitku itself (no account here): how an unknown order answers the status
 * API; we take HTTP 404, or a 4xx whose message says "not found", as "Duitku does not know it".
 * Duitku sends amounts as strings; a fraction other than `.00` is refused (rupiah are whole).
 */
import crypto from 'node:crypto';
import { AppError } from '../../../lib/errors.js';
import { gatewayFailure, parseJsonObject, secretRedactor, type Json } from './gateway-failure.js';
import { hexDigestEquals } from './notification-headers.js';
import type { ConfirmedStatus, CreatePaymentInput, GatewayStatus, PaymentGateway, PaymentLink, VerifiedNotification } from './payment-gateway.js';

export const DUITKU_PRODUCTION_URL = 'https://passport.duitku.com';
export const DUITKU_SANDBOX_URL = 'https://sandbox.duitku.com';

export interface DuitkuOptions {
  merchantCode: string;
  /** The project's API key (merchant key): signs every request and callback. */
  apiKey: string;
  /** Payment method code (`SP` ShopeePay QRIS, `BC` BCA VA, `M2` Mandiri VA, …); default `SP`. */
  paymentMethod?: string;
  /** Where Duitku sends callbacks (our /webhooks/duitku): required by the inquiry API. */
  callbackUrl: string;
  /** Default the production URL. */
  apiUrl?: string;
  /** Per HTTP request, milliseconds (default 10000). */
  timeoutMs?: number;
}

const md5 = (s: string): string => crypto.createHash('md5').update(s, 'utf8').digest('hex');

/** MD5(merchantCode + amount + merchantOrderId + apiKey): what a genuine callback carries. */
export function duitkuCallbackSignature(merchantCode: string, amount: string, merchantOrderId: string, apiKey: string): string {
  return md5(`${merchantCode}${amount}${merchantOrderId}${apiKey}`);
}

/** Duitku transactionStatus statusCode → ours ("02" is failed or expired: expired, the link is dead). */
export function mapDuitkuStatus(statusCode: string): GatewayStatus {
  if (statusCode === '00') return 'settled';
  if (statusCode === '02') return 'expired';
  return 'pending';
}

/** "150000" or "150000.00" (or a JSON integer) → integer rupiah. @throws Error otherwise. */
export function duitkuRupiah(value: unknown, field: string): number {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text === 'string' && /^\d{1,15}(\.0{1,2})?$/.test(text)) return Number(text.split('.')[0]);
  throw new Error(`duitku: ${field} ${JSON.stringify(value)} is not a whole rupiah amount`);
}

/**
 * Creates the Duitku gateway. No network at construction.
 * @throws Error when merchantCode, apiKey or callbackUrl is empty.
 */
export function createDuitkuGateway(opts: DuitkuOptions): PaymentGateway {
  if (!opts.merchantCode || !opts.apiKey || !opts.callbackUrl) throw new Error('duitku: merchantCode, apiKey and callbackUrl are required');
  const baseUrl = (opts.apiUrl ?? DUITKU_PRODUCTION_URL).replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const redact = secretRedactor(opts.apiKey);
  const { merchantCode, apiKey } = opts;

  async function post(op: string, path: string, body: Json): Promise<{ status: number; body: Json | null }> {
    let res: Response;
    try {
      res = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: unknown } };
      const detail = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `no response (${typeof e.cause?.code === 'string' ? `${e.cause.code}: ` : ''}${e.message})`;
      throw gatewayFailure('duitku', op, detail, false, redact);
    }
    const text = await res.text().catch(() => '');
    return { status: res.status, body: parseJsonObject(Buffer.from(text)) };
  }

  const message = (b: Json | null): string => {
    const m = b?.Message ?? b?.message ?? b?.statusMessage;
    return typeof m === 'string' ? m.slice(0, 300) : '';
  };
  const failed = (op: string, status: number, body: Json | null): AppError =>
    gatewayFailure('duitku', op, `HTTP ${status}${message(body) ? `: ${message(body)}` : ''}`, status >= 400 && status < 500, redact);

  return {
    provider: 'duitku',

    /**
     * Requests a transaction of `input.amount` rupiah with the configured payment method;
     * merchantOrderId = orderId (Duitku allows 50 characters); expiryPeriod = expiresInMinutes
     * (default 1440). Returns `paymentUrl` and Duitku's `reference`.
     * @throws RangeError for an amount that is not a positive integer.
     * @throws AppError `payment_gateway_refused` (4xx, statusCode other than "00") or
     *   `payment_gateway_unavailable` (5xx, timeout, network), status 502.
     */
    async createPayment(input: CreatePaymentInput): Promise<PaymentLink> {
      if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new RangeError(`duitku: amount ${input.amount} is not a positive integer of rupiah`);
      const product = (input.description || input.invoiceNumber).slice(0, 255);
      const body: Json = {
        merchantCode,
        paymentAmount: input.amount,
        paymentMethod: opts.paymentMethod || 'SP',
        merchantOrderId: input.orderId,
        productDetails: product,
        customerVaName: input.customer.name.slice(0, 20),
        itemDetails: [{ name: product, price: input.amount, quantity: 1 }],
        callbackUrl: opts.callbackUrl,
        returnUrl: input.returnUrl ?? opts.callbackUrl,
        expiryPeriod: Math.round(input.expiresInMinutes ?? 24 * 60),
        signature: md5(`${merchantCode}${input.orderId}${input.amount}${apiKey}`),
      };
      if (input.customer.email) body.email = input.customer.email;
      if (input.customer.phone) body.phoneNumber = input.customer.phone;
      const { status, body: answer } = await post('inquiry', '/webapi/api/merchant/v2/inquiry', body);
      if (status >= 500 || status !== 200 || answer?.statusCode !== '00') throw failed('inquiry', status, answer);
      if (typeof answer.reference !== 'string' || typeof answer.paymentUrl !== 'string') {
        throw new AppError('payment_gateway_unavailable', 'duitku inquiry: answer without reference or paymentUrl', 502);
      }
      return { orderId: input.orderId, url: answer.paymentUrl, reference: answer.reference };
    },

    /**
     * Verifies a callback without network: the form body's `merchantCode` must be ours and its
     * `signature` equal MD5(merchantCode + amount + merchantOrderId + API key) (constant time);
     * `merchantOrderId`, `amount`, `resultCode` and `reference` present. Event key
     * `${reference}:${resultCode}`; claimsPaid when resultCode is "00".
     * @returns null for a wrong signature or merchant, or missing fields.
     */
    verifyNotification(rawBody): VerifiedNotification | null {
      const form = new URLSearchParams(rawBody.toString('utf8'));
      const field = (name: string): string | null => {
        const all = form.getAll(name);
        return all.length === 1 && all[0] ? all[0] : null;
      };
      const [code, amount, orderId, resultCode, reference, signature] = ['merchantCode', 'amount', 'merchantOrderId', 'resultCode', 'reference', 'signature'].map(field);
      if (!code || !amount || !orderId || !resultCode || !reference || !signature || code !== merchantCode) return null;
      if (!hexDigestEquals(signature, duitkuCallbackSignature(code, amount, orderId, apiKey))) return null;
      const payload = Object.fromEntries([...form.entries()].filter(([k]) => k !== 'signature'));
      return { eventKey: `${reference}:${resultCode}`, orderId, reference, claimsPaid: resultCode === '00', payload };
    },

    /**
     * The transaction's status by merchantOrderId (Duitku's status API does not take its reference).
     * @returns null when Duitku does not know the order (see the note above), or answers for another.
     * @throws AppError (502) on timeout, network failure, 5xx, a refused signature.
     * @throws Error when the amount is not whole rupiah.
     */
    async fetchStatus(orderId: string): Promise<ConfirmedStatus | null> {
      const { status, body } = await post('transaction status', '/webapi/api/merchant/transactionStatus', {
        merchantCode, merchantOrderId: orderId, signature: md5(`${merchantCode}${orderId}${apiKey}`),
      });
      if (status === 404 || (status >= 400 && status < 500 && /not found/i.test(message(body)))) return null;
      if (status !== 200 || !body || typeof body.statusCode !== 'string') throw failed('transaction status', status, body);
      if (body.merchantOrderId !== orderId) return null;
      return {
        orderId,
        status: mapDuitkuStatus(body.statusCode),
        amount: duitkuRupiah(body.amount, 'amount'),
        paymentType: null,
        reference: typeof body.reference === 'string' ? body.reference : null,
      };
    },
  };
}
