/**
 * Midtrans Snap as a PaymentGateway, through the official `midtrans-client` SDK.
 *
 * - createPayment: Snap `POST /snap/v1/transactions` (docs.midtrans.com/reference/backend-integration,
 *   body: docs.midtrans.com/reference/request-body-json-parameter) → `{ token, redirect_url }`.
 * - fetchStatus: Core API `GET /v2/{order_id}/status` (docs.midtrans.com/docs/get-status-api-requests).
 * - verifyNotification: HTTP notification (docs.midtrans.com/docs/https-notification-webhooks),
 *   `signature_key = SHA512(order_id + status_code + gross_amount + ServerKey)` over the strings
 *   exactly as sent (docs.midtrans.com/reference/receiving-notifications).
 *
 * Secrets: the server key never reaches a log or an error. The SDK's own errors carry the axios
 * request (with the Basic auth of the server key) in `rawHttpClientData`, so they are never
 * rethrown or attached as `cause`: every failure becomes a fresh AppError with a redacted message.
 */
import { gatewayFailure, isJson, secretRedactor, type Json } from './gateway-failure.js';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import type { Clock } from '../../../lib/clock.js';
import { systemClock } from '../../../lib/clock.js';
import { AppError } from '../../../lib/errors.js';
import type {
  ConfirmedStatus,
  CreatePaymentInput,
  GatewayStatus,
  PaymentGateway,
  PaymentLink,
  VerifiedNotification,
} from './payment-gateway.js';

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

// --- The slice of midtrans-client (CommonJS, no type declarations) this module uses. ---
interface SdkRequestConfig {
  url?: string;
}
interface SdkHttpClient {
  /** The SDK's axios instance; its README ("Custom Http Client Config") documents `defaults` and interceptors. */
  http_client: {
    defaults: { timeout?: number };
    interceptors: { request: { use(onFulfilled: (config: SdkRequestConfig) => SdkRequestConfig): number } };
  };
}
interface SdkOptions {
  isProduction: boolean;
  serverKey: string;
  clientKey: string;
}
interface SnapClient {
  httpClient: SdkHttpClient;
  createTransaction(parameter: object): Promise<unknown>;
}
interface CoreApiClient {
  httpClient: SdkHttpClient;
  transaction: { status(orderId: string): Promise<unknown> };
}
interface SdkError extends Error {
  /** HTTP status, or the body's `status_code` (a string) when Midtrans answered 200 with an error body. */
  httpStatusCode: number | string | null;
  ApiResponse: unknown;
  /** The axios response or error: holds the request's auth. Never log or rethrow. */
  rawHttpClientData: unknown;
}
interface MidtransSdk {
  Snap: new (o: SdkOptions) => SnapClient;
  CoreApi: new (o: SdkOptions) => CoreApiClient;
  MidtransError: abstract new (...args: never[]) => SdkError;
}
// createRequire rather than `import`: the package ships no declarations, and this keeps the
// typed view above without an ambient module declaration.
const sdk = createRequire(import.meta.url)('midtrans-client') as MidtransSdk;


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

/** `YYYY-MM-DD HH:mm:ss +0700`, the `expiry.start_time` format, in WIB. */
function snapTime(d: Date): string {
  return `${new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')} +0700`;
}

const clip = (s: string, max: number): string => (s.length > max ? s.slice(0, max) : s);

/** Points an SDK client at `base` by rewriting each request URL's origin (keeps the SDK's path). */
function pointAt(http: SdkHttpClient, base: string | undefined, timeoutMs: number): void {
  http.http_client.defaults.timeout = timeoutMs;
  if (!base) return;
  // The SDK builds absolute URLs from hard-coded hosts (ApiConfig statics); an axios request
  // interceptor is the hook its README documents for per-instance changes, and unlike patching
  // ApiConfig it touches no other client in the process.
  http.http_client.interceptors.request.use((config) => {
    if (config.url) {
      const u = new URL(config.url);
      config.url = base + u.pathname + u.search;
    }
    return config;
  });
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


  /** A fresh error from an SDK failure: status and Midtrans' message, never the SDK object. */
  function failure(op: string, err: unknown): AppError {
    let detail: string;
    let refused = false;
    if (err instanceof sdk.MidtransError && err.httpStatusCode !== null) {
      const status = Number(err.httpStatusCode);
      const body = err.ApiResponse;
      const said = isJson(body)
        ? Array.isArray(body.error_messages)
          ? body.error_messages.join('; ')
          : String(body.status_message ?? '')
        : '';
      detail = `HTTP ${status}${said ? `: ${clip(said, 300)}` : ''}`;
      refused = status >= 400 && status < 500;
    } else if (err instanceof sdk.MidtransError) {
      // No HTTP response: the SDK keeps the axios error (with the request config) in rawHttpClientData.
      const raw = err.rawHttpClientData as { code?: unknown; message?: unknown } | null;
      const code = typeof raw?.code === 'string' ? raw.code : '';
      const msg = typeof raw?.message === 'string' ? raw.message : 'connection failure';
      detail = `no response (${code ? `${code}: ` : ''}${msg})`;
    } else {
      detail = err instanceof Error ? err.message : String(err);
    }
    return gatewayFailure('midtrans', op, detail, refused, redact);
  }

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
      if (!/^[A-Za-z0-9\-_.~]{1,50}$/.test(input.orderId)) {
        throw new RangeError(`midtrans: order id ${JSON.stringify(input.orderId)} is not accepted by Midtrans`);
      }
      if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
        throw new RangeError(`midtrans: amount ${input.amount} is not a positive integer of rupiah`);
      }
      const customer: Json = { first_name: clip(input.customer.name, 255) };
      if (input.customer.email) customer.email = input.customer.email;
      if (input.customer.phone) customer.phone = input.customer.phone;
      const body: Json = {
        transaction_details: { order_id: input.orderId, gross_amount: input.amount },
        item_details: [
          {
            id: clip(input.invoiceNumber, 50),
            price: input.amount,
            quantity: 1,
            name: clip(input.description || input.invoiceNumber, 50),
          },
        ],
        customer_details: customer,
      };
      if (input.returnUrl) body.callbacks = { finish: input.returnUrl };
      if (input.expiresInMinutes) {
        // Without start_time Snap counts from when the customer picks a method, not from now.
        body.expiry = { start_time: snapTime(clock.now()), unit: 'minutes', duration: input.expiresInMinutes };
      }
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
      let body: unknown;
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return null;
      }
      if (!isJson(body)) return null;
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
