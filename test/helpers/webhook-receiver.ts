/**
 * A webhook receiver for tests on 127.0.0.1 (kernel-chosen port): records every request with its
 * raw body, answers with the statuses queued by the test (then 200), and verifies each signature
 * with its own code, written here from README.md "Webhooks" and not from billing/webhooks-out/:
 * `X-Webhook-Signature` holds space-separated `v1=<hex>` entries, each HMAC-SHA256 with the
 * secret's UTF-8 bytes as key over `<X-Webhook-Timestamp>.<raw body>`; the timestamp must be
 * within 300 s of now.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: { id: string; type: string; created_at: string; data: Record<string, unknown> };
}

export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** Answer the next requests with these statuses, in order (then 200). */
  answer(...statuses: number[]): void;
  /** True when `w` carries a valid signature for `secret` and a fresh timestamp. */
  verify(w: ReceivedWebhook, secret: string): boolean;
  close(): Promise<void>;
}

/** Independent check of one delivery's signature (see the module comment). */
export function verifySignature(raw: string, timestamp: string, header: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex'));
  return header.split(' ').some((entry) => {
    if (!entry.startsWith('v1=')) return false;
    const given = Buffer.from(entry.slice(3));
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export async function startWebhookReceiver(path = '/hooks'): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const queue: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) as ReceivedWebhook['body'] });
      const status = queue.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : `receiver says ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    received,
    answer: (...statuses) => void queue.push(...statuses),
    verify: (w, secret) => verifySignature(w.raw, String(w.headers['x-webhook-timestamp'] ?? ''), String(w.headers['x-webhook-signature'] ?? ''), secret),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
