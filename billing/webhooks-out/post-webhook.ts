/**
 * One HTTP POST of a webhook delivery, with node:http / node:https so the connection goes through
 * guardedLookup (endpoint-address.ts: the address actually connected to must be public unless
 * allowed). Redirects are not followed (a 3xx is a failure: the endpoint's URL should be updated),
 * the whole exchange is bounded by `timeoutMs`, and at most 64 KiB of the answer is read.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, INTERNAL_REFUSED, isInternalAddress } from './endpoint-address.js';

/** What the delivery log keeps of the answer's body, characters. */
export const RESPONSE_EXCERPT_CHARS = 1000;
const READ_LIMIT = 64 * 1024;

export interface PostOutcome {
  /** 2xx. */
  ok: boolean;
  /** The HTTP status, or null when no answer came (timeout, refused, internal address). */
  statusCode: number | null;
  /** The start of the answer's body (RESPONSE_EXCERPT_CHARS at most), or null. */
  response: string | null;
  /** Why no answer came (`timeout after 10 s`, `ECONNREFUSED`, `internal address refused`), or null. */
  error: string | null;
  durationMs: number;
}

/**
 * POSTs `body` (JSON text) to `url` with `headers`. Never throws: a failure is an outcome.
 * @param opts.timeoutMs whole-request bound, milliseconds
 * @param opts.allowInternal connect to internal addresses too (WEBHOOK_ALLOW_PRIVATE_URLS)
 */
export async function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; allowInternal: boolean },
): Promise<PostOutcome> {
  const started = performance.now();
  const took = (): number => Math.round(performance.now() - started);
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, statusCode: null, response: null, error: 'invalid URL', durationMs: 0 };
  }
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !opts.allowInternal && isInternalAddress(host)) {
    return { ok: false, statusCode: null, response: null, error: 'internal address refused', durationMs: 0 };
  }
  const client = target.protocol === 'https:' ? https : http;
  return new Promise<PostOutcome>((resolve) => {
    const req = client.request(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
      lookup: guardedLookup(opts.allowInternal),
      signal: AbortSignal.timeout(opts.timeoutMs),
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < READ_LIMIT) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('error', () => {});
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8').slice(0, RESPONSE_EXCERPT_CHARS);
        resolve({ ok: status >= 200 && status < 300, statusCode: status, response: text || null, error: null, durationMs: took() });
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const error = err.name === 'AbortError' || err.name === 'TimeoutError'
        ? `timeout after ${Math.round(opts.timeoutMs / 1000)} s`
        : err.code === INTERNAL_REFUSED ? 'internal address refused' : (err.code ?? err.message);
      resolve({ ok: false, statusCode: null, response: null, error, durationMs: took() });
    });
    req.end(body);
  });
}
