/**
 * Schemas and helpers the resources share: the `{id}` path parameter, the list envelope
 * (`{ data, next_cursor }`, api/framework/pagination.ts), timestamps as RFC 3339 text, the customer-scope
 * checks of an area-scoped role (billing/customers/customer-scope.ts), and the mapping of a use
 * case's `{ ok: false, code }` to a problem.
 */
import { z } from 'zod';
import { isInScope } from '../../billing/customers/customer-scope.js';
import { apiProblem, httpProblem, useCaseFieldErrors, validationProblem } from '../framework/problem.js';
import type { ApiCaller } from '../framework/route.js';
import type { ApiDeps } from '../framework/deps.js';

export { pageQuery } from '../framework/pagination.js';

export const idParams = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe('Row id') });

/** `{ data: T[], next_cursor }` named `<Name>Page` in the document. */
export function pageOf<T extends z.ZodType>(item: T, name: string): z.ZodType {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last') }).meta({ id: `${name}Page` });
}

/** A timestamptz as the driver returns it (Date), documented as RFC 3339 text. */
export const instant = z.iso.datetime().nullable();
/** A `date` column (YYYY-MM-DD, the ISP's time zone). */
export const day = z.iso.date().nullable();
/** Whole rupiah. */
export const rupiah = z.number().int().describe('Whole rupiah');

/** A Date or null as ISO text. */
export const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));

/**
 * @throws ProblemError 404 when row `id` of `table` is outside the caller's customer scope (as for
 *   a row that does not exist: a collector learns nothing about other areas).
 */
export async function requireScope(deps: ApiDeps, caller: ApiCaller, table: 'customers' | 'invoices' | 'payments' | 'subscriptions', id: number): Promise<void> {
  if (!(await isInScope(deps.db, caller.scope, table, id))) throw httpProblem(404);
}

/** 404 unless `row`; returns it (typed as `T`, a row by default: knex types `first()` loosely). */
export function found<T = Record<string, unknown>>(row: T | null | undefined): NonNullable<T> {
  if (!row) throw httpProblem(404);
  return row as NonNullable<T>;
}

const TITLES: Record<string, string> = {
  not_found: 'Not found', stale: 'The resource changed since you read it (send its current version)',
  invalid: 'The request is not valid', not_allowed: 'Not allowed in the current state',
};

/**
 * The problem for a use case's refusal `{ ok: false, code, … }`: `not_found`-like codes 404,
 * `invalid` 422 with errors[] (the use case's locale keys as details), anything else 409
 * `/api/v1/problems/<code>` with the outcome's other fields as extension members.
 */
export function refusal(outcome: { code: string; errors?: Record<string, string> } & Record<string, unknown>): never {
  const { code, errors, ...rest } = outcome;
  delete rest.ok;
  if (code === 'not_found' || code.endsWith('_not_found')) throw httpProblem(404, code.replace(/_/g, ' '));
  if (code === 'invalid' && errors) throw validationProblem(useCaseFieldErrors(errors));
  if (code.endsWith('_required')) throw validationProblem([{ pointer: `#/body/${code.slice(0, -'_required'.length)}`, detail: 'required' }]);
  throw apiProblem(409, code, TITLES[code] ?? code.replace(/_/g, ' '), undefined, rest);
}
