/**
 * The field errors a form shows beside its inputs, from a failed zod parse (ARCHITECTURE.md,
 * "Conventions"): `{ field: locale key }`, one per field, the first issue of each. The field is
 * the issue's first path segment (a nested path counts for its top-level field); an issue without
 * a path (an object-level refine) goes under `fallbackField`. A message that is one of our locale
 * keys (it matches `ours`) is kept; any other message (zod's own English, e.g. "Required") is
 * replaced by `invalid`, so a form never shows untranslated text.
 *
 * Used by every console, portal and billing form that validates with zod (customers, NAS,
 * subscriptions, devices, tickets, the portal's account settings, …).
 */
import type { z } from 'zod';

export interface FieldErrorKeys {
  /** Messages that are our locale keys. Default: `error.…` (views/locales/…: the shared form errors). */
  ours?: RegExp;
  /** The key shown for any other message. Default: `error.invalid`. */
  invalid?: string;
  /** The field of an issue without a path. Default: `_`. */
  fallbackField?: string;
}

const OURS = /^error\./;

/** `{ field: locale key }` of `error`'s issues, the first of each field (see the file comment). */
export function fieldErrors(error: z.ZodError, keys: FieldErrorKeys = {}): Record<string, string> {
  const ours = keys.ours ?? OURS;
  const invalid = keys.invalid ?? 'error.invalid';
  const fallbackField = keys.fallbackField ?? '_';
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    out[String(issue.path[0] ?? fallbackField)] ??= ours.test(issue.message) ? issue.message : invalid;
  }
  return out;
}
