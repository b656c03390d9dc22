/**
 * Xendit Invoice as a PaymentGateway, through the official `xendit-node` v7 SDK.
 *
 * - createPayment: `POST /v2/invoices` (developers.xendit.co/api-reference/#create-invoice)
 *   → `{ id, invoice_url, status: "PENDING", ... }`.
 * - fetchStatus: `GET /v2/invoices/{id}`, or `GET /v2/invoices?external_id=` without a reference
 *   (developers.xendit.co/api-reference/#get-invoice); PENDING / PAID / SETTLED / EXPIRED.
 * - verifyNotification: the invoice callback (developers.xendit.co/api-reference/#invoice-callback),
 *   authenticated by the `x-callback-token` header (the dashboard's verification token).
 *
 * SDK notes (xendit-node 7.0.0):
 * - The SDK's Invoice client is used directly (`new Invoice({ secretKey, xenditURL })`, which its
 *   docs/Invoice.md documents as equivalent to `new Xendit(...).Invoice`), subclassed to give it a
 *   `fetchApi`: the generated client builds its Configuration from `basePath` alone, so without it
 *   there is no timeout. `fetchApi` is the generator's own ConfigurationParameters hook.
 * - The SDK's Invoice model drops `paid_amount` and `payment_channel`; fetchStatus reads them from a
 *   clone of the raw response the SDK parsed.
 * - Errors: XenditSdkError (HTTP status, error_code, message) or a fetch/timeout error; neither
 *   holds the key, but every failure is still rethrown as a fresh AppError with a redacted message.
 */
import { gatewayFailure, isJson, parseJsonObject, secretRedactor, type Json } from './gateway-failure.js';
import { headerValue } from './notification-headers.js';
import crypto from 'node:crypto';
import { Configuration, Invoice as InvoiceApi, XenditSdkError } from 'xendit-node';
import { AppError } from '../../../lib/errors.js';
import type {
  ConfirmedStatus,
  CreatePaymentInput,
  GatewayStatus,
  PaymentGateway,
  PaymentLink,
  VerifiedNotification,
} from './payment-gateway.js';

export interface XenditOptions {
  /** API key (`xnd_development_...` / `xnd_production_...`), sent as Basic auth username. */
  secretKey: string;
  /** The callback verification token from the dashboard (Settings → Callbacks). */
  callbackToken: string;
  /** Default `https://api.xendit.co`. */
  apiUrl?: string;
  /** Per HTTP request, milliseconds (default 10000). */
  timeoutMs?: number;
}

type CreateInvoiceRequest = Parameters<InvoiceApi['createInvoice']>[0]['data'];
type CustomerObject = NonNullable<CreateInvoiceRequest['customer']>;

/** The SDK's Invoice client with a fetch of our own (timeouts, a view of the raw response). */
class InvoiceClient extends InvoiceApi {
  constructor(secretKey: string, baseUrl: string, fetchApi: typeof fetch) {
    super({ secretKey, xenditURL: baseUrl });
    this.configuration = new Configuration({ basePath: baseUrl, fetchApi });
  }
}

/** Xendit invoice status → ours; an unknown status is `pending` (neither pays nor fails). */
export function mapXenditStatus(status: string): GatewayStatus {
  switch (status) {
    case 'PAID':
    case 'SETTLED':
      return 'settled';
    case 'EXPIRED':
      return 'expired';
    default:
      return 'pending';
  }
}

/** Xendit amount (a JSON number) → integer rupiah. @throws Error for a fraction or a non-number. */
function rupiah(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new Error(`xendit: ${field} ${JSON.stringify(value)} is not a whole rupiah amount`);
}

/** Indonesian phone → E.164 (`0812...` → `+62812...`), which Xendit requires; else undefined. */
function e164(phone: string): string | undefined {
  const p = phone.replace(/[\s\-().]/g, '');
  if (/^\+[1-9]\d{7,14}$/.test(p)) return p;
  if (/^0\d{8,13}$/.test(p)) return `+62${p.slice(1)}`;
  if (/^62\d{8,13}$/.test(p)) return `+${p}`;
  return undefined;
}

/**
 * Creates the Xendit gateway. No network at construction.
 * @throws Error when secretKey is empty.
 */
export function createXenditGateway(opts: XenditOptions): PaymentGateway {
  if (!opts.secretKey) throw new Error('xendit: secretKey is required');
  const secretKey = opts.secretKey;
  const baseUrl = (opts.apiUrl ?? 'https://api.xendit.co').replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const redact = secretRedactor(secretKey, opts.callbackToken);
  // Compared as SHA-256 digests so timingSafeEqual gets equal lengths and leaks no length.
  const tokenDigest = crypto.createHash('sha256').update(opts.callbackToken, 'utf8').digest();

  /** A client whose fetch times out and hands a clone of each response to `onResponse`. */
  function client(onResponse?: (res: Response) => void): InvoiceClient {
    return new InvoiceClient(secretKey, baseUrl, async (input, init) => {
      const res = await fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      onResponse?.(res.clone());
      return res;
    });
  }
  const shared = client();


  /** A fresh error from an SDK or fetch failure, without the SDK object or its cause. */
  function failure(op: string, err: unknown): AppError {
    let detail: string;
    let refused = false;
    if (err instanceof XenditSdkError) {
      const status = Number(err.status);
      detail = `HTTP ${status}${err.errorCode ? ` ${err.errorCode}` : ''}${err.errorMessage ? `: ${String(err.errorMessage).slice(0, 300)}` : ''}`;
      refused = status >= 400 && status < 500;
    } else if (err instanceof Error && err.name === 'TimeoutError') {
      detail = `no answer within ${timeoutMs} ms`;
    } else if (err instanceof Error) {
      const cause = (err as { cause?: { code?: unknown } }).cause;
      detail = `no response (${typeof cause?.code === 'string' ? `${cause.code}: ` : ''}${err.message})`;
    } else {
      detail = String(err);
    }
    return gatewayFailure('xendit', op, detail, refused, redact);
  }

  const notFound = (err: unknown): boolean =>
    err instanceof XenditSdkError && Number(err.status) === 404 && err.errorCode === 'INVOICE_NOT_FOUND_ERROR';

  return {
    provider: 'xendit',

    /**
     * Creates an invoice: `external_id` = orderId, `amount` (IDR), `description`, `payer_email`,
     * `customer` (given_names, email, mobile_number in E.164 when the phone is Indonesian),
     * `success_redirect_url` = returnUrl, `invoice_duration` = expiresInMinutes × 60 seconds.
     * Returns `invoice_url` and the invoice `id` as reference.
     * @throws RangeError for an amount that is not a positive integer.
     * @throws AppError `payment_gateway_refused` (4xx) or `payment_gateway_unavailable` (5xx,
     *   timeout, network), status 502.
     */
    async createPayment(input: CreatePaymentInput): Promise<PaymentLink> {
      if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
        throw new RangeError(`xendit: amount ${input.amount} is not a positive integer of rupiah`);
      }
      const customer: CustomerObject = { givenNames: input.customer.name };
      if (input.customer.email) customer.email = input.customer.email;
      const mobile = input.customer.phone ? e164(input.customer.phone) : undefined;
      if (mobile) customer.mobileNumber = mobile;
      const data: CreateInvoiceRequest = {
        externalId: input.orderId,
        amount: input.amount,
        currency: 'IDR',
        description: input.description || input.invoiceNumber,
        customer,
      };
      if (input.customer.email) data.payerEmail = input.customer.email;
      if (input.returnUrl) data.successRedirectUrl = input.returnUrl;
      if (input.expiresInMinutes) data.invoiceDuration = Math.round(input.expiresInMinutes * 60);
      let invoice;
      try {
        invoice = await shared.createInvoice({ data });
      } catch (err) {
        throw failure('create invoice', err);
      }
      if (!invoice.id || !invoice.invoiceUrl) {
        throw new AppError('payment_gateway_unavailable', 'xendit create invoice: answer without id or invoice_url', 502);
      }
      return { orderId: input.orderId, url: invoice.invoiceUrl, reference: invoice.id };
    },

    /**
     * Verifies an invoice callback, without network: the `x-callback-token` header must equal the
     * configured token (constant time), and the body must be a JSON object with string `id`,
     * `external_id` and `status`. Event key `${id}:${status}`; orderId `external_id`;
     * reference the invoice `id`.
     * @returns null for a missing or wrong token, malformed JSON or missing fields.
     */
    verifyNotification(rawBody, headers): VerifiedNotification | null {
      const token = headerValue(headers, 'x-callback-token');
      if (token === undefined || !opts.callbackToken) return null;
      const digest = crypto.createHash('sha256').update(token, 'utf8').digest();
      if (!crypto.timingSafeEqual(digest, tokenDigest)) return null;
      const body = parseJsonObject(rawBody);
      if (!body) return null;
      const { id, external_id, status } = body;
      if (typeof id !== 'string' || !id || typeof external_id !== 'string' || !external_id || typeof status !== 'string' || !status) {
        return null;
      }
      return { eventKey: `${id}:${status}`, orderId: external_id, reference: id, claimsPaid: mapXenditStatus(status) === 'settled', payload: body };
    },

    /**
     * The invoice's status: by `reference` (the invoice id) when known, else by external_id
     * (several invoices for one external_id: a paid one wins, then a pending one). Amount is
     * `paid_amount` once paid, else `amount`, in integer rupiah; paymentType is `payment_channel`
     * (BCA, QRIS, OVO, ...) or else `payment_method`; reference is the invoice id.
     * @returns null when Xendit does not know the invoice (`INVOICE_NOT_FOUND_ERROR`, an empty
     *   search) or the invoice belongs to another external_id.
     * @throws AppError (status 502) on timeout, network failure, 5xx, auth failure.
     * @throws Error when an amount is not whole rupiah.
     */
    async fetchStatus(orderId: string, reference: string | null): Promise<ConfirmedStatus | null> {
      let captured: Response | undefined;
      const c = client((res) => {
        captured = res;
      });
      let raw: unknown;
      try {
        if (reference) await c.getInvoiceById({ invoiceId: reference });
        else await c.getInvoices({ externalId: orderId });
        raw = await captured?.json();
      } catch (err) {
        if (notFound(err)) return null;
        throw failure('get invoice', err);
      }
      const candidates = (Array.isArray(raw) ? raw : [raw]).filter(
        (i): i is Json => isJson(i) && i.external_id === orderId && typeof i.status === 'string',
      );
      const order: Record<string, number> = { SETTLED: 0, PAID: 0, PENDING: 1 };
      const rank = (i: Json): number => order[i.status as string] ?? 2;
      const inv = candidates.sort((a, b) => rank(a) - rank(b))[0];
      if (!inv) return null;
      const status = mapXenditStatus(inv.status as string);
      const amount =
        status === 'settled' && inv.paid_amount !== undefined ? rupiah(inv.paid_amount, 'paid_amount') : rupiah(inv.amount, 'amount');
      const channel = typeof inv.payment_channel === 'string' ? inv.payment_channel : null;
      const method = typeof inv.payment_method === 'string' ? inv.payment_method : null;
      return {
        orderId,
        status,
        amount,
        paymentType: channel ?? method,
        reference: typeof inv.id === 'string' ? inv.id : null,
      };
    },
  };
}
