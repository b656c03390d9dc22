/**
 * A Duitku API for tests: HTTP on 127.0.0.1 and an ephemeral port, speaking the wire format of
 * docs.duitku.com (the base URL stands for `https://sandbox.duitku.com`).
 *
 * - `POST /webapi/api/merchant/v2/inquiry` (JSON): checks merchantCode and `signature` =
 *   MD5(merchantCode + merchantOrderId + paymentAmount + apiKey) (401 `{ Message: "Wrong signature" }`),
 *   `paymentMethod`, `callbackUrl`; answers `{ merchantCode, reference: "DS…", paymentUrl,
 *   vaNumber, qrString, amount: "150000", statusCode: "00", statusMessage: "SUCCESS" }`.
 * - `POST /webapi/api/merchant/transactionStatus` (JSON, signature MD5(merchantCode +
 *   merchantOrderId + apiKey)): `{ merchantOrderId, reference, amount, fee, statusCode
 *   ("00" paid, "01" pending, "02" failed/expired), statusMessage }`; an unknown order gets
 *   400 `{ Message: "Transaction not found" }` (our reading; see billing/payments/gateways/duitku.ts).
 * - `callbackForm` / `deliver`: the callback as `application/x-www-form-urlencoded` (merchantCode,
 *   amount, merchantOrderId, productDetail, additionalParam, paymentCode, resultCode,
 *   merchantUserId, reference, signature = MD5(merchantCode + amount + merchantOrderId + apiKey),
 *   publisherOrderId, spUserHash, settlementDate, issuerCode).
 * - `setDown(true)`: every API answers 503; `setDown('hang')`: never answers.
 */
import crypto from 'node:crypto';
import { sendJson, startHttpPeer } from './http-peer.js';

const md5 = (s: string): string => crypto.createHash('md5').update(s).digest('hex');

export interface FakeDuitkuTransaction {
  merchantOrderId: string;
  reference: string;
  paymentMethod: string;
  amount: number;
  statusCode: '00' | '01' | '02';
  callbackUrl: string;
}

export interface FakeDuitku {
  url: string;
  transactions: Map<string, FakeDuitkuTransaction>;
  requests: Array<{ path: string; body: unknown }>;
  pay(orderId: string, opts?: { amount?: number }): FakeDuitkuTransaction;
  expire(orderId: string): FakeDuitkuTransaction;
  setDown(down: boolean | 'hang'): void;
  /** The callback fields for the order's state (resultCode "00" when paid, "01" otherwise), signed. */
  callbackForm(orderId: string, opts?: { apiKey?: string }): Record<string, string>;
  deliver(webhookUrl: string, form: Record<string, string> | string): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

export async function startFakeDuitku(opts: { merchantCode: string; apiKey: string }): Promise<FakeDuitku> {
  const transactions = new Map<string, FakeDuitkuTransaction>();
  const requests: FakeDuitku['requests'] = [];
  let down: boolean | 'hang' = false;
  let url = '';
  const get = (orderId: string): FakeDuitkuTransaction => {
    const t = transactions.get(orderId);
    if (!t) throw new Error(`fake duitku: no transaction ${orderId}`);
    return t;
  };

  const peer = await startHttpPeer((req, res) => {
    const path = req.url.pathname;
    requests.push({ path, body: req.json });
    if (down === 'hang') return;
    if (down) return sendJson(res, 503, { Message: 'Service Unavailable' });
    const b = (typeof req.json === 'object' && req.json ? req.json : {}) as Record<string, unknown>;
    if (req.method === 'POST' && path === '/webapi/api/merchant/v2/inquiry') {
      const { merchantOrderId: id, paymentAmount: amount } = b;
      if (b.merchantCode !== opts.merchantCode) return sendJson(res, 401, { Message: 'Merchant not found' });
      if (typeof id !== 'string' || typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0) return sendJson(res, 400, { Message: 'Invalid request' });
      if (b.signature !== md5(`${opts.merchantCode}${id}${amount}${opts.apiKey}`)) return sendJson(res, 401, { Message: 'Wrong signature' });
      if (typeof b.paymentMethod !== 'string' || typeof b.callbackUrl !== 'string') return sendJson(res, 400, { Message: 'paymentMethod and callbackUrl are required' });
      if (transactions.has(id)) return sendJson(res, 400, { Message: 'Duplicate merchantOrderId' });
      const reference = `DS${opts.merchantCode}${crypto.randomBytes(6).toString('hex').toUpperCase()}`;
      transactions.set(id, { merchantOrderId: id, reference, paymentMethod: b.paymentMethod, amount, statusCode: '01', callbackUrl: b.callbackUrl });
      return sendJson(res, 200, {
        merchantCode: opts.merchantCode, reference, paymentUrl: `${url}/redirect_checkout?reference=${reference}`,
        vaNumber: '', qrString: '00020101021226', amount: String(amount), statusCode: '00', statusMessage: 'SUCCESS',
      });
    }
    if (req.method === 'POST' && path === '/webapi/api/merchant/transactionStatus') {
      const id = String(b.merchantOrderId ?? '');
      if (b.merchantCode !== opts.merchantCode || b.signature !== md5(`${opts.merchantCode}${id}${opts.apiKey}`)) return sendJson(res, 401, { Message: 'Wrong signature' });
      const t = transactions.get(id);
      if (!t) return sendJson(res, 400, { Message: 'Transaction not found' });
      const msg = { '00': 'SUCCESS', '01': 'PROCESS', '02': 'FAILED' }[t.statusCode];
      return sendJson(res, 200, { merchantOrderId: id, reference: t.reference, amount: String(t.amount), fee: '0.00', statusCode: t.statusCode, statusMessage: msg });
    }
    sendJson(res, 404, { Message: 'Not Found' });
  });
  url = peer.url;

  return {
    url, transactions, requests,
    pay(orderId, o = {}) {
      const t = get(orderId);
      t.statusCode = '00';
      if (o.amount !== undefined) t.amount = o.amount;
      return t;
    },
    expire(orderId) {
      const t = get(orderId);
      t.statusCode = '02';
      return t;
    },
    setDown(d) {
      down = d;
    },
    callbackForm(orderId, o = {}) {
      const t = get(orderId);
      const amount = String(t.amount);
      return {
        merchantCode: opts.merchantCode, amount, merchantOrderId: orderId, productDetail: 'Tagihan internet', additionalParam: '',
        paymentCode: t.paymentMethod, resultCode: t.statusCode === '00' ? '00' : '01', merchantUserId: '', reference: t.reference,
        signature: md5(`${opts.merchantCode}${amount}${orderId}${o.apiKey ?? opts.apiKey}`),
        publisherOrderId: `MGUX${t.reference.slice(-8)}`, spUserHash: '', settlementDate: '2026-12-19', issuerCode: '93600523',
      };
    },
    async deliver(webhookUrl, form) {
      const body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
      const res = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      return { status: res.status, body: await res.text() };
    },
    close: () => peer.close(),
  };
}
