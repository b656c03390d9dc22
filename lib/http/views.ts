/**
 * Server-rendered pages: Handlebars templates under views/, a page rendered into a layout from
 * views/layouts/. Templates are compiled once and cached (in production; re-read in development).
 * Handlebars escapes every {{value}}, so data can never become markup. No HTML is built in
 * TypeScript strings (DESIGN.md §6).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

export const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url));

export interface Views {
  /** Renders `views/<name>.hbs` into `views/layouts/<layout>.hbs` (its {{{body}}}). */
  render(name: string, data: Record<string, unknown>, layout?: string): string;
}

export function createViews(opts: { cache: boolean }): Views {
  const hb = Handlebars.create();
  const cache = new Map<string, Handlebars.TemplateDelegate>();
  const template = (name: string): Handlebars.TemplateDelegate => {
    let t = opts.cache ? cache.get(name) : undefined;
    if (!t) {
      const file = path.join(VIEWS_DIR, `${name}.hbs`);
      if (!file.startsWith(VIEWS_DIR + path.sep)) throw new Error(`bad view name ${name}`);
      t = hb.compile(fs.readFileSync(file, 'utf8'), { strict: false });
      if (opts.cache) cache.set(name, t);
    }
    return t;
  };
  return {
    render(name, data, layout = 'public') {
      const body = template(name)(data);
      return template(`layouts/${layout}`)({ ...data, body });
    },
  };
}
