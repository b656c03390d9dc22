/**
 * Rendering a message: template `name` in `locale` with params the caller has already formatted
 * (`formatRupiah`, a date in the ISP's time zone), from a staff-edited source when one exists,
 * else the built-in file. Params are data, never compiled.
 */
import { fileTemplate } from './built-in-templates.js';
import { isTemplateName, REQUIRED_PARAMS, TemplateError, type RenderedMessage, type TemplateName, type TemplateOverrides } from './template-catalog.js';
import { compile, overrideTemplate, renderCompiled } from './template-compile.js';

/**
 * Renders template `name` in `locale` with `params` → `{ subject, text }` (plain text; subject on
 * one line). Uses `overrides[name][locale]` when present, else the file. Compiled once and cached.
 *
 * @throws TemplateError for an unknown template or locale, a missing required param (see
 *   REQUIRED_PARAMS), or a source that does not compile.
 */
export function renderTemplate(name: string, locale: string, params: Readonly<Record<string, string>>, overrides?: TemplateOverrides): RenderedMessage {
  if (!isTemplateName(name)) throw new TemplateError(`unknown template "${name}"`);
  if (locale !== 'id' && locale !== 'en') throw new TemplateError(`unknown locale "${locale}"`);
  const missing = REQUIRED_PARAMS[name].filter((p) => typeof params[p] !== 'string' || params[p] === '');
  if (missing.length) throw new TemplateError(`template ${name}: missing ${missing.join(', ')}`);

  const override = overrides?.[name]?.[locale];
  const compiled = override ? overrideTemplate(override.subject, override.body, `message_templates ${name}/${locale}`) : fileTemplate(name, locale);
  return renderCompiled(compiled, params, `template ${name}/${locale}`);
}

/**
 * Renders candidate sources (not yet saved) of `name` with `params`, as renderTemplate would:
 * plain text, one-line subject. @throws TemplateError when they do not compile or render.
 */
export function renderSource(name: TemplateName, subject: string, body: string, params: Readonly<Record<string, string>>): RenderedMessage {
  return renderCompiled(overrideTemplate(subject, body, `template ${name}`), params, `template ${name}`);
}

/**
 * Checks a staff-edited subject and body before they are saved: null when they compile,
 * else the error to show (e.g. `Parse error on line 2: …`).
 */
export function validateTemplateSource(subject: string, body: string): string | null {
  try {
    const compiled = compile(subject, body, 'template');
    compiled.subject({});
    compiled.body({});
    return null;
  } catch (err) {
    return (err as Error).message.replace(/^template: /, '');
  }
}
