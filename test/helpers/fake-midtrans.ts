/**
 * A Midtrans for tests: HTTP on 127.0.0.1 and an ephemeral port, speaking the real wire format so
 * the official `midtrans-client` SDK talks to it unmodified (only its base URLs point here).
 * State lives in memory.
 *
 * - Auth: every API call must carry `Authorization: Basic base64(serverKey + ":")`
 *   (docs.midtrans.com/docs/get-status-api-requests); otherwise 401 with Snap's `error_messages`
 *   or the Core API's `status_code: "401"` body.
 * - Snap (docs.midtrans.com/reference/request-body-json-parameter): `POST /snap/v1/transactions`
 *   with `transaction_details.{order_id, gross_amount}` (integer rupiah); `item_details` must sum
 *   to gross_amount; an order_id is accepted once. Answers 201 `{ token, redirect_url }`.
 * - Core API status (docs.midtrans.com/docs/get-status-api-requests): `GET /v2/:orderId/status`
 *   answers the transaction JSON (`gross_amount` "150000.00", `status_code` "201" pending,
 *   "200" settlement/capture/cancel/refund, "202" deny, "407" expire, and `signature_key`), or
 *   404 `{ status_code: "404", status_message: "Transaction doesn't exist." }`.
 *   The real Snap answers 404 until the customer picks a payment method; `statusBeforePayment:
 *   'not_found'` reproduces that, the default reports `pending` at once.
 * - HTTP notification (docs.midtrans.com/docs/https-notification-webhooks): `notify` POSTs the
 *   status JSON with `status_message: "midtrans payment notification"`, signed
 *   `SHA512(order_id + status_code + gross_amount + serverKey)` (hex). `notification` builds that
 *   body without sending it and `deliver` POSTs a body as is, so a test can keep a notification
 *   of an earlier state (a late `pending`) or send two at once.
 * - `addTransaction`: an order created on the same merchant account by someone else (another
 *   shop or app), which Midtrans knows and notifies about but this server never issued.
 * - `setDown(true)`: every API answers 503 (the SDK rejects with a MidtransError);
 *   `setDown('hang')`: requests are accepted and never answered (exercises client timeouts).
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import { sendJson, startHttpPeer } from './http-peer.js';

export type MidtransTransactionStatus =
  | 'pending'
  | 'capture'
  | 'settlement'
  | 'deny'
  | 'cancel'
  | 'expire'
  | 'failure'
  | 'refund'
  | 'partial_refund'
  | 'authorize';

export interface FakeMidtransTransaction {
  orderId: string;
  transactionId: string;
  /** Snap token. */
  token: string;
  /** Integer rupiah; `pay({ amount })` changes it to simulate a wrong amount. */
  grossAmount: number;
  status: MidtransTransactionStatus;
  fraudStatus: 'accept' | 'challenge' | 'deny';
  paymentType: string;
  /** False until `pay` / `setStatus` when `statusBeforePayment` is `not_found`. */
  chosen: boolean;
  /** `YYYY-MM-DD HH:mm:ss`, GMT+7, as Midtrans writes it. */
  transactionTime: string;
  settlementTime: string | null;
  /** The Snap request body as received. */
  request: Record<string, unknown>;
}

export interface FakeMidtransRequest {
  method: string;
  path: string;
  /** Whether the Basic auth carried the right server key (the key itself is not kept). */
  authorized: boolean;
  body: unknown;
}

export interface FakeMidtransOptions {
  serverKey: string;
  /** What the status API says before the customer pays: `pending` (default) or 404. */
  statusBeforePayment?: 'pending' | 'not_found';
  now?: () => Date;
}

export interface FakeMidtrans {
  /** Base URL for both Snap and Core API, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** By order id. */
  transactions: Map<string, FakeMidtransTransaction>;
  requests: FakeMidtransRequest[];
  /** Settles the order (status settlement, status_code 200). */
  pay(orderId: string, opts?: { paymentType?: string; amount?: number }): FakeMidtransTransaction;
  expire(orderId: string): FakeMidtransTransaction;
  /** Any other status (deny, cancel, refund, capture with a fraud status, ...). */
  setStatus(
    orderId: string,
    status: MidtransTransactionStatus,
    opts?: { fraudStatus?: 'accept' | 'challenge' | 'deny'; paymentType?: string },
  ): FakeMidtransTransaction;
  setDown(down: boolean | 'hang'): void;
  /** Adds a pending transaction created outside this server (same merchant account, same server key). */
  addTransaction(orderId: string, grossAmount: number): FakeMidtransTransaction;
  /** The status JSON the Core API returns for the order (signed). */
  statusBody(orderId: string): Record<string, string>;
  /**
   * The HTTP notification body for the order's current state, signed; `overrides` are applied
   * after signing (an `undefined` value drops the field).
   */
  notification(orderId: string, overrides?: Record<string, unknown>): Record<string, unknown>;
  /** POSTs `body` (JSON-encoded unless a string) to `webhookUrl` as Midtrans does. */
  deliver(webhookUrl: string, body: Record<string, unknown> | string): Promise<{ status: number; body: string; sent: string }>;
  /**
   * POSTs the HTTP notification for the order's current state to `webhookUrl`. `overrides` are
   * applied after signing, so they forge a field or a signature; an `undefined` value drops it.
   */
  notify(
    orderId: string,
    webhookUrl: string,
    overrides?: Record<string, unknown>,
  ): Promise<{ status: number; body: string; sent: string }>;
  close(): Promise<void>;
}

const STATUS_CODE: Record<MidtransTransactionStatus, string> = {
  pending: '201',
  capture: '200',
  settlement: '200',
  deny: '202',
  cancel: '200',
  expire: '407',
  failure: '202',
  refund: '200',
  partial_refund: '200',
  authorize: '200',
};

/** `SHA512(order_id + status_code + gross_amount + serverKey)`, hex (docs.midtrans.com/reference/receiving-notifications). */
export function midtransSignature(orderId: string, statusCode: string, grossAmount: string, serverKey: string): string {
  return crypto.createHash('sha512').update(orderId + statusCode + grossAmount + serverKey, 'utf8').digest('hex');
}

/** `YYYY-MM-DD HH:mm:ss` in GMT+7, the format of Midtrans' `transaction_time`. */
function wib(d: Date): string {
  return new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Starts the fake on 127.0.0.1 and a free port. */
export async function startFakeMidtrans(opts: FakeMidtransOptions): Promise<FakeMidtrans> {
  const now = opts.now ?? (() => new Date());
  const expectedAuth = `Basic ${Buffer.from(`${opts.serverKey}:`).toString('base64')}`;
  const transactions = new Map<string, FakeMidtransTransaction>();
  const requests: FakeMidtransRequest[] = [];
  let down: boolean | 'hang' = false;
  let url = '';

  function get(orderId: string): FakeMidtransTransaction {
    const tx = transactions.get(orderId);
    if (!tx) throw new Error(`fake midtrans: no transaction ${orderId}`);
    return tx;
  }

  function statusBody(orderId: string): Record<string, string> {
    const tx = get(orderId);
    const statusCode = STATUS_CODE[tx.status];
    const grossAmount = `${tx.grossAmount}.00`;
    const body: Record<string, string> = {
      status_code: statusCode,
      status_message: 'Success, transaction is found',
      transaction_id: tx.transactionId,
      order_id: tx.orderId,
      merchant_id: 'G000000000',
      gross_amount: grossAmount,
      currency: 'IDR',
      payment_type: tx.paymentType,
      transaction_time: tx.transactionTime,
      transaction_status: tx.status,
      fraud_status: tx.fraudStatus,
      signature_key: midtransSignature(tx.orderId, statusCode, grossAmount, opts.serverKey),
    };
    if (tx.settlementTime) body.settlement_time = tx.settlementTime;
    if (tx.paymentType === 'qris') body.acquirer = 'gopay';
    return body;
  }

  const send = sendJson;

  function createTransaction(body: Record<string, unknown>, res: http.ServerResponse): void {
    const details = body.transaction_details as { order_id?: unknown; gross_amount?: unknown } | undefined;
    const orderId = details?.order_id;
    const gross = details?.gross_amount;
    const errors: string[] = [];
    if (typeof orderId !== 'string' || orderId === '') errors.push('transaction_details.order_id is required');
    else if (orderId.length > 50 || !/^[A-Za-z0-9\-_.~]+$/.test(orderId)) errors.push('transaction_details.order_id is invalid');
    else if (transactions.has(orderId)) errors.push('transaction_details.order_id has already been taken');
    if (typeof gross !== 'number' || !Number.isInteger(gross) || gross < 1) {
      errors.push('transaction_details.gross_amount must be an integer greater than or equal to 1');
    }
    const items = body.item_details;
    if (Array.isArray(items) && typeof gross === 'number') {
      const sum = items.reduce<number>((s, i: { price?: number; quantity?: number }) => s + (i.price ?? 0) * (i.quantity ?? 0), 0);
      if (sum !== gross) errors.push('transaction_details.gross_amount is not equal to the sum of item_details');
      for (const i of items as { name?: unknown }[]) {
        if (typeof i.name !== 'string' || i.name.length > 50) errors.push('item_details.name is invalid');
      }
    }
    if (errors.length) return send(res, 400, { error_messages: errors });
    const { token } = addTransaction(orderId as string, gross as number, body);
    send(res, 201, { token, redirect_url: `${url}/snap/v4/redirection/${token}` });
  }

  function addTransaction(orderId: string, grossAmount: number, request: Record<string, unknown>): FakeMidtransTransaction {
    const tx: FakeMidtransTransaction = {
      orderId,
      transactionId: crypto.randomUUID(),
      token: crypto.randomUUID(),
      grossAmount,
      status: 'pending',
      fraudStatus: 'accept',
      paymentType: 'bank_transfer',
      chosen: false,
      transactionTime: wib(now()),
      settlementTime: null,
      request,
    };
    transactions.set(orderId, tx);
    return tx;
  }

  function notification(orderId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const body: Record<string, unknown> = { ...statusBody(orderId), status_message: 'midtrans payment notification' };
    for (const [k, v] of Object.entries(overrides)) {
      if (v === undefined) delete body[k];
      else body[k] = v;
    }
    return body;
  }

  async function deliver(webhookUrl: string, body: Record<string, unknown> | string): Promise<{ status: number; body: string; sent: string }> {
    const sent = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'Veritrans' },
      body: sent,
    });
    return { status: res.status, body: await res.text(), sent };
  }

  const peer = await startHttpPeer((req, res) => {
    const path = req.url.pathname;
    const body = req.json;
    const authorized = req.headers.authorization === expectedAuth;
    requests.push({ method: req.method, path, authorized, body });
    if (down === 'hang') return; // never answered; close() destroys the socket
    const isSnap = path.startsWith('/snap/');
    if (down) {
      return isSnap
        ? send(res, 503, { error_messages: ['Service unavailable'] })
        : send(res, 503, { status_code: '503', status_message: 'Service unavailable' });
    }
    if (!authorized) {
      return isSnap
        ? send(res, 401, {
            error_messages: ['Access denied due to unauthorized transaction, please check client or server key'],
          })
        : send(res, 401, {
            status_code: '401',
            status_message: 'Access denied due to unauthorized transaction, please check client or server key',
          });
    }
    if (req.method === 'POST' && path === '/snap/v1/transactions') {
      if (typeof body !== 'object' || body === null) return send(res, 400, { error_messages: ['invalid JSON body'] });
      return createTransaction(body as Record<string, unknown>, res);
    }
    const m = req.method === 'GET' ? /^\/v2\/([^/]+)\/status$/.exec(path) : null;
    if (m) {
      const id = decodeURIComponent(m[1]!);
      // The Core API accepts an order id or a transaction id.
      const tx = transactions.get(id) ?? [...transactions.values()].find((t) => t.transactionId === id);
      if (!tx || (opts.statusBeforePayment === 'not_found' && !tx.chosen)) {
        return send(res, 404, { status_code: '404', status_message: "Transaction doesn't exist.", id: crypto.randomUUID() });
      }
      return send(res, 200, statusBody(tx.orderId));
    }
    send(res, 404, { status_code: '404', status_message: 'The requested resource is not found' });
  });
  url = peer.url;

  function setStatus(
    orderId: string,
    status: MidtransTransactionStatus,
    o: { fraudStatus?: 'accept' | 'challenge' | 'deny'; paymentType?: string } = {},
  ): FakeMidtransTransaction {
    const tx = get(orderId);
    tx.status = status;
    tx.chosen = true;
    if (o.fraudStatus) tx.fraudStatus = o.fraudStatus;
    if (o.paymentType) tx.paymentType = o.paymentType;
    if (status === 'settlement') tx.settlementTime = wib(now());
    return tx;
  }

  return {
    url,
    transactions,
    requests,
    pay(orderId, o = {}) {
      const tx = setStatus(orderId, 'settlement', { paymentType: o.paymentType ?? 'qris', fraudStatus: 'accept' });
      if (o.amount !== undefined) tx.grossAmount = o.amount;
      return tx;
    },
    expire: (orderId) => setStatus(orderId, 'expire'),
    setStatus,
    setDown(d) {
      down = d;
    },
    addTransaction(orderId, grossAmount) {
      if (transactions.has(orderId)) throw new Error(`fake midtrans: order ${orderId} exists`);
      return addTransaction(orderId, grossAmount, { transaction_details: { order_id: orderId, gross_amount: grossAmount } });
    },
    statusBody,
    notification,
    deliver,
    async notify(orderId, webhookUrl, overrides = {}) {
      return deliver(webhookUrl, notification(orderId, overrides));
    },
    close: () => peer.close(),
  };
}
