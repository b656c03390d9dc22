/**
 * `Idempotency-Key` on POST (draft-ietf-httpapi-idempotency-key-header; ARCHITECTURE.md "REST
 * API"): the first request with a key reserves it for its token (api_idempotency row with the
 * SHA-256 of method, path and body) before the work starts; when it finishes, its status and body
 * are stored. Then:
 * - a retry with the same key and the same request gets the stored answer again (header
 *   `Idempotent-Replayed: true`), and nothing is done twice;
 * - the same key with a different request: 422 `idempotency_key_reused`;
 * - the same key while the first request is still running: 409 `idempotency_in_progress`;
 * - a request that failed with 5xx frees its key, so the client may retry it.
 * Keys live 24 hours; expired rows are deleted when a key is reserved.
 */
import { createHash } from 'node:crypto';
import type { Knex } from '../../lib/db.js';
import { apiProblem } from './problem.js';

export const KEY_MAX_LENGTH = 255;
const TTL = "interval '24 hours'";

/** The stored answer of a finished request, or `reserved` when this request now owns the key. */
export type Reservation = { kind: 'reserved' } | { kind: 'replay'; status: number; body: unknown };

/** SHA-256 over the method, path and the body as received (JSON re-serialised, so key order counts). */
export function requestHash(method: string, path: string, body: unknown): Buffer {
  return createHash('sha256').update(`${method}\n${path}\n${JSON.stringify(body ?? null)}`).digest();
}

/**
 * Reserves `key` for `tokenId`, or returns the stored answer.
 * @throws ProblemError 422 (key used with another request), 409 (first request still running).
 */
export async function reserveKey(db: Knex, tokenId: number, key: string, hash: Buffer): Promise<Reservation> {
  await db('api_idempotency').where({ token_id: tokenId }).whereRaw(`created_at < now() - ${TTL}`).delete();
  const inserted = await db('api_idempotency').insert({ token_id: tokenId, key, request_hash: hash }).onConflict(['token_id', 'key']).ignore().returning('key');
  if (inserted.length) return { kind: 'reserved' };
  const row = await db('api_idempotency').where({ token_id: tokenId, key }).first('request_hash', 'status', 'body');
  if (!row) return reserveKey(db, tokenId, key, hash); // expired and deleted between the two statements
  if (!hash.equals(row.request_hash as Buffer)) {
    throw apiProblem(422, 'idempotency_key_reused', 'Idempotency-Key already used with another request', 'Use a new key for a different request.');
  }
  if (row.status === null) throw apiProblem(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is still running', 'Retry after it has finished.');
  return { kind: 'replay', status: Number(row.status), body: row.body };
}

/** Stores the answer of the request that reserved `key` (a 5xx frees the key instead). */
export async function finishKey(db: Knex, tokenId: number, key: string, status: number, body: unknown): Promise<void> {
  if (status >= 500) {
    await db('api_idempotency').where({ token_id: tokenId, key }).delete();
    return;
  }
  await db('api_idempotency').where({ token_id: tokenId, key }).update({ status, body: JSON.stringify(body ?? null) });
}
