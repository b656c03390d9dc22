/**
 * What the payment-gateway tests share: a webhook catcher (the notifications a fake gateway
 * sends, as our server would receive them) and the check that a failure carries no secret.
 */
import assert from 'node:assert/strict';
import type http from 'node:http';
import util from 'node:util';
import { AppError } from '../../lib/errors.js';
import { startHttpPeer } from './http-peer.js';

export interface Catcher {
  /** The catcher's URL ending in `path`. */
  url: string;
  received: { headers: http.IncomingHttpHeaders; body: Buffer }[];
  close(): Promise<void>;
}

/** A webhook receiver answering every request `status` with a short text (`text/plain` 'OK', or an HTML 'Not Found'). */
export async function startCatcher(path: string, status = 200): Promise<Catcher> {
  const received: Catcher['received'] = [];
  const peer = await startHttpPeer((req, res) => {
    received.push({ headers: req.headers, body: req.raw });
    res.writeHead(status, { 'content-type': status === 200 ? 'text/plain' : 'text/html' });
    res.end(status === 200 ? 'OK' : '<h1>Not Found</h1>');
  });
  return { url: `${peer.url}${path}`, received, close: () => peer.close() };
}

/** Awaits a rejection and checks it is an AppError whose message, stack and fields hold none of `secrets`. */
export async function rejectionWithoutSecrets(p: Promise<unknown>, secrets: string[]): Promise<AppError> {
  const err: unknown = await p.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
  assert.equal(err.cause, undefined);
  const seen = `${err.message}\n${err.stack}\n${util.inspect(err, { depth: 20, showHidden: true })}`;
  for (const s of secrets) assert.equal(seen.includes(s), false, 'a secret appears in the error');
  return err;
}
