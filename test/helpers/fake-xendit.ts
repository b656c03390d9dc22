/**
 * A Xendit Invoice API for tests: HTTP on 127.0.0.1 and an ephemeral port, speaking the real wire
 * format (developers.xendit.co/api-reference/#create-invoice) so the official `xendit-node` v7
 * SDK talks to it unmodified (only `xenditURL` points here). State lives in memory.
 *
 * - Auth: `Authorization: Basic base64(secretKey + ":")`; otherwise 401
 *   `{ error_code: "INVALID_API_KEY", message }`.
 * - `POST /v2/invoices` (the SDK posts to `/v2/invoices/`): `external_id`, `amount` (> 0),
 *   optional `payer_email`, `description`, `invoice_duration` (seconds, default 86400),
 *   `success_redirect_url`, `customer`, `currency`. Answers 200 with the invoice: `id` (24 hex),
 *   `status: "PENDING"`, `invoice_url`, `expiry_date`, the `available_*` arrays, ...
 * - `GET /v2/invoices/:id` (404 `INVOICE_NOT_FOUND_ERROR` for an unknown id),
 *   `GET /v2/invoices?external_id=` (an array), `POST /invoices/:id/expire!`.
 * - Paid invoices carry `paid_amount`, `paid_at`, `payment_method` (e.g. BANK_TRANSFER, QR_CODE),
 *   `payment_channel` (e.g. BCA, QRIS), `payment_destination`, `bank_code`.
 * - Invoice callback (developers.xendit.co/api-reference/#invoice-callback): `notify` POSTs the
 *   callback body (id, external_id, user_id, status, amount, paid_amount, payment_method,
 *   payment_channel, ...) with the `x-callback-token` header; `deliver` POSTs a body kept from an
 *   earlier state (a late callback) or sends two at once.
 * - `setDown(true)`: every API answers 503 `SERVER_ERROR`; `setDown('hang')`: never answers.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import { sendJson, startHttpPeer } from './http-peer.js';

/** An invoice as the API returns it (snake_case JSON). */
export interface FakeXenditInvoice {
  id: string;
  external_id: string;
  user_id: string;
  status: 'PENDING' | 'PAID' | 'SETTLED' | 'EXPIRED';
  merchant_name: string;
  merchant_profile_picture_url: string;
  amount: number;
  payer_email?: string;
  description?: string;
  expiry_date: string;
  invoice_url: string;
  available_banks: unknown[];
  available_retail_outlets: unknown[];
  available_ewallets: unknown[];
  available_qr_codes: unknown[];
  available_direct_debits: unknown[];
  available_paylaters: unknown[];
  should_exclude_credit_card: boolean;
  should_send_email: boolean;
  created: string;
  updated: string;
  currency: string;
  success_redirect_url?: string;
  customer?: Record<string, unknown>;
  paid_amount?: number;
  paid_at?: string;
  payment_method?: string;
  payment_channel?: string;
  payment_destination?: string;
  bank_code?: string;
  payment_id?: string;
  [key: string]: unknown;
}

export interface FakeXenditRequest {
  method: string;
  path: string;
  /** Whether the Basic auth carried the right secret key (the key itself is not kept). */
  authorized: boolean;
  body: unknown;
}

export interface FakeXenditOptions {
  secretKey: string;
  /** The token `notify` sends in `x-callback-token` by default. */
  callbackToken: string;
  now?: () => Date;
}

export interface FakeXendit {
  url: string;
  /** By invoice id. */
  invoices: Map<string, FakeXenditInvoice>;
  requests: FakeXenditRequest[];
  /**
   * Marks the invoice PAID (by invoice id or external_id). `amount` sets `paid_amount` (a wrong
   * amount); `paymentMethod` / `paymentChannel` default to BANK_TRANSFER / BCA.
   */
  pay(idOrExternalId: string, opts?: { amount?: number; paymentMethod?: string; paymentChannel?: string }): FakeXenditInvoice;
  /** PAID → SETTLED (funds reached the balance). */
  settle(idOrExternalId: string): FakeXenditInvoice;
  expire(idOrExternalId: string): FakeXenditInvoice;
  setDown(down: boolean | 'hang'): void;
  /** The callback body for the invoice's current state. */
  callbackBody(idOrExternalId: string): Record<string, unknown>;
  /**
   * POSTs the invoice callback to `webhookUrl` with `x-callback-token` (default: the configured
   * token; `null` omits the header). `overrides` replace body fields; `undefined` drops one.
   */
  notify(
    idOrExternalId: string,
    webhookUrl: string,
    opts?: { token?: string | null; overrides?: Record<string, unknown> },
  ): Promise<{ status: number; body: string; sent: string }>;
  /** POSTs a callback `body` (JSON-encoded unless a string) with `x-callback-token` as `notify` does. */
  deliver(
    webhookUrl: string,
    body: Record<string, unknown> | string,
    opts?: { token?: string | null },
  ): Promise<{ status: number; body: string; sent: string }>;
  close(): Promise<void>;
}

const USER_ID = '5f9a3b1c2d4e5f6a7b8c9d0e';

/** Starts the fake on 127.0.0.1 and a free port. */
export async function startFakeXendit(opts: FakeXenditOptions): Promise<FakeXendit> {
  const now = opts.now ?? (() => new Date());
  const expectedAuth = `Basic ${Buffer.from(`${opts.secretKey}:`).toString('base64')}`;
  const invoices = new Map<string, FakeXenditInvoice>();
  const requests: FakeXenditRequest[] = [];
  let down: boolean | 'hang' = false;
  let url = '';

  function find(idOrExternalId: string): FakeXenditInvoice | undefined {
    return invoices.get(idOrExternalId) ?? [...invoices.values()].find((i) => i.external_id === idOrExternalId);
  }
  function get(idOrExternalId: string): FakeXenditInvoice {
    const inv = find(idOrExternalId);
    if (!inv) throw new Error(`fake xendit: no invoice ${idOrExternalId}`);
    return inv;
  }

  const send = sendJson;

  function createInvoice(body: Record<string, unknown>, res: http.ServerResponse): void {
    const externalId = body.external_id;
    const amount = body.amount;
    if (typeof externalId !== 'string' || externalId === '') {
      return send(res, 400, { error_code: 'API_VALIDATION_ERROR', message: 'external_id is required' });
    }
    if (typeof amount !== 'number' || !(amount > 0)) {
      return send(res, 400, { error_code: 'API_VALIDATION_ERROR', message: 'amount must be a number greater than 0' });
    }
    const duration = typeof body.invoice_duration === 'number' ? body.invoice_duration : 86400;
    const created = now();
    const id = crypto.randomBytes(12).toString('hex');
    const inv: FakeXenditInvoice = {
      id,
      external_id: externalId,
      user_id: USER_ID,
      status: 'PENDING',
      merchant_name: 'ISP Test',
      merchant_profile_picture_url: 'https://du8nwjtfkinx.cloudfront.net/xendit.png',
      // Xendit truncates IDR decimals.
      amount: Math.trunc(amount),
      expiry_date: new Date(created.getTime() + duration * 1000).toISOString(),
      invoice_url: `${url}/web/${id}`,
      available_banks: [
        {
          bank_code: 'BCA',
          collection_type: 'POOL',
          transfer_amount: Math.trunc(amount),
          bank_branch: 'Virtual Account',
          account_holder_name: 'ISP TEST',
          identity_amount: 0,
        },
      ],
      available_retail_outlets: [],
      available_ewallets: [],
      available_qr_codes: [{ qr_code_type: 'QRIS' }],
      available_direct_debits: [],
      available_paylaters: [],
      should_exclude_credit_card: false,
      should_send_email: false,
      created: created.toISOString(),
      updated: created.toISOString(),
      currency: typeof body.currency === 'string' ? body.currency : 'IDR',
    };
    if (typeof body.payer_email === 'string') inv.payer_email = body.payer_email;
    if (typeof body.description === 'string') inv.description = body.description;
    if (typeof body.success_redirect_url === 'string') inv.success_redirect_url = body.success_redirect_url;
    if (typeof body.customer === 'object' && body.customer !== null) inv.customer = body.customer as Record<string, unknown>;
    invoices.set(id, inv);
    send(res, 200, inv);
  }

  const peer = await startHttpPeer((req, res) => {
    const u = req.url;
    const path = u.pathname;
    const body = req.json;
    const authorized = req.headers.authorization === expectedAuth;
    requests.push({ method: req.method, path: path + u.search, authorized, body });
    if (down === 'hang') return; // never answered; close() destroys the socket
    if (down) return send(res, 503, { error_code: 'SERVER_ERROR', message: 'Service unavailable' });
    if (!authorized) {
      return send(res, 401, { error_code: 'INVALID_API_KEY', message: 'API key is not authorized for this API service' });
    }
    if (req.method === 'POST' && (path === '/v2/invoices' || path === '/v2/invoices/')) {
      if (typeof body !== 'object' || body === null) {
        return send(res, 400, { error_code: 'API_VALIDATION_ERROR', message: 'Invalid JSON body' });
      }
      return createInvoice(body as Record<string, unknown>, res);
    }
    if (req.method === 'GET' && (path === '/v2/invoices' || path === '/v2/invoices/')) {
      const externalId = u.searchParams.get('external_id');
      const list = [...invoices.values()].filter((i) => externalId === null || i.external_id === externalId).reverse();
      return send(res, 200, list);
    }
    const byId = req.method === 'GET' ? /^\/v2\/invoices\/([^/]+)$/.exec(path) : null;
    const expireM = req.method === 'POST' ? /^\/invoices\/([^/]+)\/expire!$/.exec(path) : null;
    const id = byId?.[1] ?? expireM?.[1];
    if (id !== undefined) {
      const inv = invoices.get(decodeURIComponent(id));
      if (!inv) return send(res, 404, { error_code: 'INVOICE_NOT_FOUND_ERROR', message: 'Could not find invoice' });
      if (expireM) {
        if (inv.status !== 'PENDING') {
          return send(res, 400, { error_code: 'INVOICE_ALREADY_PAID_ERROR', message: 'Invoice is already paid or expired' });
        }
        setExpired(inv);
      }
      return send(res, 200, inv);
    }
    send(res, 404, { error_code: 'NOT_FOUND', message: 'The requested resource was not found' });
  });
  url = peer.url;

  function setExpired(inv: FakeXenditInvoice): FakeXenditInvoice {
    inv.status = 'EXPIRED';
    inv.updated = now().toISOString();
    return inv;
  }

  function callbackBody(idOrExternalId: string): Record<string, unknown> {
    const inv = get(idOrExternalId);
    const body: Record<string, unknown> = {
      id: inv.id,
      external_id: inv.external_id,
      user_id: inv.user_id,
      is_high: false,
      status: inv.status,
      merchant_name: inv.merchant_name,
      amount: inv.amount,
      created: inv.created,
      updated: inv.updated,
      currency: inv.currency,
    };
    for (const k of [
      'payer_email',
      'description',
      'paid_amount',
      'paid_at',
      'payment_method',
      'payment_channel',
      'payment_destination',
      'bank_code',
      'payment_id',
      'success_redirect_url',
    ] as const) {
      if (inv[k] !== undefined) body[k] = inv[k];
    }
    if (inv.paid_amount !== undefined) {
      body.adjusted_received_amount = inv.paid_amount;
      body.fees_paid_amount = 0;
    }
    return body;
  }

  async function deliver(
    webhookUrl: string,
    body: Record<string, unknown> | string,
    o: { token?: string | null } = {},
  ): Promise<{ status: number; body: string; sent: string }> {
    const token = o.token === undefined ? opts.callbackToken : o.token;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== null) headers['x-callback-token'] = token;
    const sent = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(webhookUrl, { method: 'POST', headers, body: sent });
    return { status: res.status, body: await res.text(), sent };
  }

  return {
    url,
    invoices,
    requests,
    pay(idOrExternalId, o = {}) {
      const inv = get(idOrExternalId);
      const method = o.paymentMethod ?? 'BANK_TRANSFER';
      const channel = o.paymentChannel ?? 'BCA';
      const t = now().toISOString();
      Object.assign(inv, {
        status: 'PAID',
        paid_amount: o.amount ?? inv.amount,
        paid_at: t,
        updated: t,
        payment_method: method,
        payment_channel: channel,
        payment_id: crypto.randomUUID(),
        payment_destination: method === 'BANK_TRANSFER' ? `38165${String(inv.amount).padStart(8, '0')}` : inv.id,
      });
      if (method === 'BANK_TRANSFER') inv.bank_code = channel;
      return inv;
    },
    settle(idOrExternalId) {
      const inv = get(idOrExternalId);
      inv.status = 'SETTLED';
      inv.updated = now().toISOString();
      return inv;
    },
    expire: (idOrExternalId) => setExpired(get(idOrExternalId)),
    setDown(d) {
      down = d;
    },
    callbackBody,
    async notify(idOrExternalId, webhookUrl, o = {}) {
      const body = callbackBody(idOrExternalId);
      for (const [k, v] of Object.entries(o.overrides ?? {})) {
        if (v === undefined) delete body[k];
        else body[k] = v;
      }
      return deliver(webhookUrl, body, { token: o.token });
    },
    deliver,
    close: () => peer.close(),
  };
}
