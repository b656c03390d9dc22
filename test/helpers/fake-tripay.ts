/**
 * A Tripay closed-payment API for tests: HTTP on 127.0.0.1 and an ephemeral port, speaking the
 * wire format of tripay.co.id/developer (the base URL stands for `https://tripay.co.id/api-sandbox`).
 *
 * - Auth: `Authorization: Bearer <apiKey>`; otherwise 401 `{ success: false, message }`.
 * - `POST /transaction/create`: checks `signature` = hex HMAC-SHA256(privateKey, merchantCode +
 *   merchant_ref + amount) (400 `Invalid signature` otherwise), `method`, `amount` (> 0,
 *   integer), `customer_name`, `order_items` (their price × quantity must sum to `amount`);
 *   answers `{ success: true, data: { reference: "DEV-T…", merchant_ref, payment_method, amount
 *   (+ feeCustomer), fee_merchant, fee_customer, checkout_url, status: "UNPAID", expired_time, … } }`.
 * - `GET /transaction/detail?reference=` (404 `{ success: false }` for an unknown one) and
 *   `GET /merchant/transactions?merchant_ref=` (`data` a list).
 * - `callbackBody` / `notify`: the callback JSON (reference, merchant_ref, payment_method,
 *   total_amount, fee_merchant, fee_customer, amount_received, is_closed_payment, status, paid_at,
 *   note) POSTed with `X-Callback-Event: payment_status` and `X-Callback-Signature` = hex
 *   HMAC-SHA256(privateKey, raw body).
 * - `setDown(true)`: every API answers 503; `setDown('hang')`: never answers.
 */
import crypto from 'node:crypto';
import { sendJson, startHttpPeer } from './http-peer.js';

export interface FakeTripayTransaction {
  reference: string;
  merchant_ref: string;
  payment_method: string;
  payment_name: string;
  customer_name: string;
  amount: number;
  fee_merchant: number;
  fee_customer: number;
  total_fee: number;
  amount_received: number;
  is_closed_payment: 1;
  status: 'UNPAID' | 'PAID' | 'EXPIRED' | 'FAILED' | 'REFUND';
  paid_at: number | null;
  checkout_url: string;
  expired_time: number;
  callback_url?: string;
  return_url?: string;
  [key: string]: unknown;
}

export interface FakeTripay {
  url: string;
  transactions: Map<string, FakeTripayTransaction>;
  requests: Array<{ method: string; path: string; authorized: boolean; body: unknown }>;
  pay(merchantRef: string, opts?: { amount?: number }): FakeTripayTransaction;
  expire(merchantRef: string): FakeTripayTransaction;
  setDown(down: boolean | 'hang'): void;
  callbackBody(merchantRef: string): Record<string, unknown>;
  /** POSTs `body` (JSON-encoded unless a string) signed with `privateKey` (default the real one; null: unsigned). */
  deliver(webhookUrl: string, body: Record<string, unknown> | string, opts?: { privateKey?: string | null; event?: string }): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

export async function startFakeTripay(opts: { apiKey: string; privateKey: string; merchantCode: string; feeCustomer?: number }): Promise<FakeTripay> {
  const transactions = new Map<string, FakeTripayTransaction>();
  const requests: FakeTripay['requests'] = [];
  let down: boolean | 'hang' = false;
  let url = '';
  const feeCustomer = opts.feeCustomer ?? 0;
  const byRef = (merchantRef: string): FakeTripayTransaction => {
    const t = [...transactions.values()].find((x) => x.merchant_ref === merchantRef);
    if (!t) throw new Error(`fake tripay: no transaction ${merchantRef}`);
    return t;
  };

  const peer = await startHttpPeer((req, res) => {
    const path = req.url.pathname;
    const authorized = req.headers.authorization === `Bearer ${opts.apiKey}`;
    requests.push({ method: req.method, path: path + req.url.search, authorized, body: req.json });
    if (down === 'hang') return;
    if (down) return sendJson(res, 503, { success: false, message: 'Service Unavailable' });
    if (!authorized) return sendJson(res, 401, { success: false, message: 'Invalid API Key' });
    if (req.method === 'POST' && path === '/transaction/create') {
      const b = (req.json ?? {}) as Record<string, unknown>;
      const amount = b.amount;
      const ref = b.merchant_ref;
      if (typeof ref !== 'string' || !ref || typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0) {
        return sendJson(res, 400, { success: false, message: 'The merchant_ref and amount fields are required' });
      }
      const expected = crypto.createHmac('sha256', opts.privateKey).update(`${opts.merchantCode}${ref}${amount}`).digest('hex');
      if (b.signature !== expected) return sendJson(res, 400, { success: false, message: 'Invalid signature' });
      const items = Array.isArray(b.order_items) ? (b.order_items as Array<{ price: number; quantity: number }>) : [];
      if (items.reduce((s, i) => s + i.price * i.quantity, 0) !== amount) return sendJson(res, 400, { success: false, message: 'Total amount of order_items does not match' });
      if (typeof b.method !== 'string' || typeof b.customer_name !== 'string') return sendJson(res, 400, { success: false, message: 'The method and customer_name fields are required' });
      const reference = `DEV-T${opts.merchantCode}${crypto.randomBytes(6).toString('hex').toUpperCase()}`;
      const t: FakeTripayTransaction = {
        reference, merchant_ref: ref, payment_method: b.method, payment_name: b.method, customer_name: b.customer_name,
        amount: amount + feeCustomer, fee_merchant: 750, fee_customer: feeCustomer, total_fee: 750 + feeCustomer, amount_received: amount - 750,
        is_closed_payment: 1, status: 'UNPAID', paid_at: null, checkout_url: `${url}/checkout/${reference}`,
        expired_time: typeof b.expired_time === 'number' ? b.expired_time : Math.floor(Date.now() / 1000) + 86400,
      };
      if (typeof b.callback_url === 'string') t.callback_url = b.callback_url;
      if (typeof b.return_url === 'string') t.return_url = b.return_url;
      transactions.set(reference, t);
      return sendJson(res, 200, { success: true, message: '', data: t });
    }
    if (req.method === 'GET' && path === '/transaction/detail') {
      const t = transactions.get(req.url.searchParams.get('reference') ?? '');
      return t ? sendJson(res, 200, { success: true, message: 'Transaction found', data: t }) : sendJson(res, 404, { success: false, message: 'Transaction not found' });
    }
    if (req.method === 'GET' && path === '/merchant/transactions') {
      const ref = req.url.searchParams.get('merchant_ref');
      return sendJson(res, 200, { success: true, message: 'Success', data: [...transactions.values()].filter((t) => !ref || t.merchant_ref === ref) });
    }
    sendJson(res, 404, { success: false, message: 'Not Found' });
  });
  url = peer.url;

  function callbackBody(merchantRef: string): Record<string, unknown> {
    const t = byRef(merchantRef);
    return {
      reference: t.reference, merchant_ref: t.merchant_ref, payment_method: t.payment_name, payment_method_code: t.payment_method,
      total_amount: t.amount, fee_merchant: t.fee_merchant, fee_customer: t.fee_customer, total_fee: t.total_fee,
      amount_received: t.amount_received, is_closed_payment: 1, status: t.status, paid_at: t.paid_at, note: null,
    };
  }

  return {
    url, transactions, requests,
    pay(merchantRef, o = {}) {
      const t = byRef(merchantRef);
      t.status = 'PAID';
      t.paid_at = Math.floor(Date.now() / 1000);
      if (o.amount !== undefined) t.amount = o.amount + t.fee_customer;
      return t;
    },
    expire(merchantRef) {
      const t = byRef(merchantRef);
      t.status = 'EXPIRED';
      return t;
    },
    setDown(d) {
      down = d;
    },
    callbackBody,
    async deliver(webhookUrl, body, o = {}) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      const key = o.privateKey === undefined ? opts.privateKey : o.privateKey;
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-callback-event': o.event ?? 'payment_status' };
      if (key !== null) headers['x-callback-signature'] = crypto.createHmac('sha256', key).update(raw).digest('hex');
      const res = await fetch(webhookUrl, { method: 'POST', headers, body: raw });
      return { status: res.status, body: await res.text() };
    },
    close: () => peer.close(),
  };
}
