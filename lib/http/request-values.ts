/**
 * What a console or portal request may carry before any route reads it (the "edge"): values that
 * PostgreSQL would refuse with an error are refused here with 400, so they never become a 500.
 *
 * - No NUL character anywhere: not in a query value, a form value, or the path (`%00`, which the
 *   router decodes into an invoice number or a ticket reference). PostgreSQL text cannot hold
 *   U+0000 ("invalid byte sequence for encoding UTF8: 0x00").
 * - Number fields (NUMBER_FIELDS, by name, in the query or the form): empty, or a whole number
 *   from 0 to the field's largest value. Ids are bigint columns read into JavaScript numbers
 *   (exact up to 2^53 − 1); row versions are integer columns (2^31 − 1); page numbers stop at
 *   MAX_PAGE. Anything else in those fields is a bad request.
 *
 * Sources: PostgreSQL manual §8.3 (character types: "the character with code zero cannot be
 * stored") and §8.1.1 (integer types and their ranges); ECMAScript Number.MAX_SAFE_INTEGER.
 */
import type Koa from 'koa';
import { AppError } from '../errors.js';

/** Largest value of a PostgreSQL `integer` column. */
export const INT4_MAX = 2_147_483_647;
/** Largest page number a list accepts. */
export const MAX_PAGE = 1_000_000;

/** Query and form fields that carry a whole number, with the largest value each may have. */
export const NUMBER_FIELDS: Readonly<Record<string, number>> = {
  page: MAX_PAGE,
  version: INT4_MAX,
  staff: Number.MAX_SAFE_INTEGER,
  object_id: Number.MAX_SAFE_INTEGER,
  invoice_id: Number.MAX_SAFE_INTEGER,
  plan_id: Number.MAX_SAFE_INTEGER,
  nas: Number.MAX_SAFE_INTEGER,
  payment: Number.MAX_SAFE_INTEGER,
};

const badRequest = (): AppError => new AppError('bad_request', 'bad request', 400);

/** Every string in a parsed query or form value (strings, arrays, nested objects). */
function* strings(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const v of value) yield* strings(v);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) {
    yield k;
    yield* strings(v);
  }
}

/** True when `value` is '' or a whole number from 0 to `max` (every value, when repeated). */
function inRange(value: unknown, max: number): boolean {
  for (const s of strings(value)) {
    if (s !== '' && !(/^\d{1,16}$/.test(s) && Number(s) <= max)) return false;
  }
  return true;
}

/**
 * Checks one request's path, query and parsed form (ctx.request.body) against the rules above.
 * @throws AppError `bad_request` (400).
 */
export function checkRequestValues(ctx: Koa.Context): void {
  if (/%00/i.test(ctx.path)) throw badRequest();
  const body = (ctx.request as { body?: unknown }).body;
  for (const source of [ctx.query, body]) {
    if (!source || typeof source !== 'object') continue;
    for (const s of strings(source)) if (s.includes('\0')) throw badRequest();
    for (const [name, value] of Object.entries(source)) {
      const max = NUMBER_FIELDS[name];
      if (max !== undefined && !inRange(value, max)) throw badRequest();
    }
  }
}
