/**
 * The built-in templates, one file per language and template: `views/notifications/{id,en}/{name}.hbs`,
 * whose first line is `Subject: …` and the rest the plain-text body. Read and compiled once.
 */
import { readFileSync } from 'node:fs';
import type { Locale } from './channel.js';
import { TemplateError, type TemplateName } from './template-catalog.js';
import { compile, type Compiled } from './template-compile.js';

const VIEWS_DIR = new URL('../../views/notifications/', import.meta.url);

const fileCache = new Map<string, Compiled>();

/** Splits a template file into its `Subject:` line and body. @throws TemplateError without one. */
export function parseTemplateFile(source: string, what = 'template'): { subject: string; body: string } {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const nl = text.indexOf('\n');
  const first = nl === -1 ? text : text.slice(0, nl);
  const m = /^Subject:[ \t]*(.*)$/.exec(first);
  if (!m) throw new TemplateError(`${what}: the first line must be "Subject: …"`);
  const body = nl === -1 ? '' : text.slice(nl + 1).replace(/^\n/, '');
  return { subject: (m[1] ?? '').trim(), body };
}

/** The compiled built-in template `name` in `locale`. @throws TemplateError when the file is missing or broken. */
export function fileTemplate(name: TemplateName, locale: Locale): Compiled {
  const key = `${locale}/${name}`;
  let compiled = fileCache.get(key);
  if (!compiled) {
    let source: string;
    try {
      source = readFileSync(new URL(`${locale}/${name}.hbs`, VIEWS_DIR), 'utf8');
    } catch (err) {
      throw new TemplateError(`template ${key}: ${(err as Error).message}`);
    }
    const { subject, body } = parseTemplateFile(source, `template ${key}`);
    compiled = compile(subject, body, `template ${key}`);
    fileCache.set(key, compiled);
  }
  return compiled;
}

/** The built-in source of `name` in `locale` (views/notifications/{locale}/{name}.hbs). */
export function builtInTemplate(name: TemplateName, locale: Locale): { subject: string; body: string } {
  const source = readFileSync(new URL(`${locale}/${name}.hbs`, VIEWS_DIR), 'utf8');
  return parseTemplateFile(source, `template ${locale}/${name}`);
}
