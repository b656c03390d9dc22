/**
 * Reading a console or portal request: the form body, a route's numeric id, one query value, and
 * the language cookie. Kept in one place so every screen of both treats input the same way.
 */
import { AppError } from '../errors.js';

/** The language chosen on the sign-in page, before anyone is signed in. */
export const LANGUAGE_COOKIE = 'isp_lang';

/** The parsed urlencoded form (empty when there is none). */
export function formBody(ctx: { request: object }): Record<string, string> {
  return ((ctx.request as { body?: unknown }).body ?? {}) as Record<string, string>;
}

/** A route's `:id` as a number. @throws AppError `not_found` (404) for anything but 1–15 digits. */
export function idParam(value: string | undefined): number {
  if (!value || !/^\d{1,15}$/.test(value)) throw new AppError('not_found', 'not_found', 404);
  return Number(value);
}

/** One query value as text ('' when absent; the first when repeated), at most `max` characters. */
export function queryValue(value: unknown, max = 100): string {
  return String(Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).slice(0, max);
}
