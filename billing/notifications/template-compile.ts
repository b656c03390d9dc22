/**
 * Compiling template sources with Handlebars for plain text (billing/notifications/templates.ts):
 * HTML escaping off (`noEscape`), built-in helpers only (`knownHelpersOnly`), no prototype access.
 * Staff sources are cached by their text (an edit is a new key), at most OVERRIDE_CACHE_MAX.
 */
import Handlebars from 'handlebars';
import { TemplateError, type RenderedMessage } from './template-catalog.js';

/** The Handlebars environment every template is parsed and compiled in (no helpers or partials registered). */
export const hbs = Handlebars.create();
const COMPILE_OPTIONS = { noEscape: true, strict: false, knownHelpersOnly: true, preventIndent: true } as const;

export type Compiled = { subject: Handlebars.TemplateDelegate; body: Handlebars.TemplateDelegate };

// Staff sources by their text: an edit is a new key. Bounded so a long-running worker that sees
// many edits does not grow without limit.
const overrideCache = new Map<string, Compiled>();
const OVERRIDE_CACHE_MAX = 200;

/** Compiles a subject and body; `what` names them in the error. @throws TemplateError on a syntax error. */
export function compile(subject: string, body: string, what: string): Compiled {
  try {
    // parse() reports syntax errors now rather than at the first send.
    hbs.parse(subject);
    hbs.parse(body);
    return { subject: hbs.compile(subject, COMPILE_OPTIONS), body: hbs.compile(body, COMPILE_OPTIONS) };
  } catch (err) {
    throw new TemplateError(`${what}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** A staff-edited source, compiled once per distinct text. @throws TemplateError on a syntax error. */
export function overrideTemplate(subject: string, body: string, what: string): Compiled {
  const key = `${subject}\u0000${body}`;
  let compiled = overrideCache.get(key);
  if (!compiled) {
    compiled = compile(subject, body, what);
    if (overrideCache.size >= OVERRIDE_CACHE_MAX) overrideCache.clear();
    overrideCache.set(key, compiled);
  }
  return compiled;
}

/** Trailing blanks off every line, at most one empty line in a row, no leading or trailing blank lines. */
function tidy(text: string): string {
  return text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Renders a compiled template with `params` (own string values only, in an object without a
 * prototype) → `{ subject, text }`: subject on one line, text tidied. `what` names it in errors.
 * @throws TemplateError when rendering fails.
 */
export function renderCompiled(compiled: Compiled, params: Readonly<Record<string, string>>, what: string): RenderedMessage {
  // Only own string values reach the template, in an object without a prototype.
  const data: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(params)) if (typeof v === 'string') data[k] = v;
  try {
    return {
      subject: compiled.subject(data).replace(/\s+/g, ' ').trim(),
      text: tidy(compiled.body(data)),
    };
  } catch (err) {
    throw new TemplateError(`${what}: ${(err as Error).message.split('\n')[0]}`);
  }
}
