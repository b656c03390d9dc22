/**
 * Cursor pagination (ARCHITECTURE.md "REST API"): lists are ordered by `id` descending (newest
 * first; ids come from a sequence, so the order is total and never changes) and a page continues
 * strictly below the last id it showed (keyset pagination). A row inserted while a client pages
 * gets a higher id, so it never shifts, repeats or hides a row of a later page; offset paging
 * would. The cursor is opaque to clients: base64url of `{"v":1,"id":N}`.
 */
import { z } from 'zod';
import type { Knex } from '../../lib/db.js';
import { validationProblem } from './problem.js';

export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 25;

/** The query parameters every list takes. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT).describe(`Rows per page, 1–${MAX_LIMIT}`),
  cursor: z.string().max(200).optional().describe('`next_cursor` of the previous page'),
});

export interface Page<T> {
  data: T[];
  /** null on the last page. */
  next_cursor: string | null;
}

export function encodeCursor(id: number): string {
  return Buffer.from(JSON.stringify({ v: 1, id })).toString('base64url');
}

/** @throws ProblemError 422 `validation` when `cursor` is not one of ours. */
export function decodeCursor(cursor: string): number {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: number; id?: unknown };
    if (v.v === 1 && Number.isSafeInteger(v.id) && (v.id as number) > 0) return v.id as number;
  } catch { /* refused below */ }
  throw validationProblem([{ pointer: '#/query/cursor', detail: 'not a cursor this API gave out' }]);
}

/**
 * One page of `query` (which must select `<idColumn>` as `id`): orders by it descending, applies
 * the cursor, reads `limit + 1` rows to know whether another page follows.
 */
export async function paginate<T extends { id: number | string }>(query: Knex.QueryBuilder, idColumn: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<T>> {
  if (page.cursor) query.where(idColumn, '<', decodeCursor(page.cursor));
  const rows = (await query.orderBy(idColumn, 'desc').limit(page.limit + 1)) as T[];
  const more = rows.length > page.limit;
  const data = more ? rows.slice(0, page.limit) : rows;
  return { data, next_cursor: more ? encodeCursor(Number(data[data.length - 1]!.id)) : null };
}
