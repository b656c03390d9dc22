/**
 * The API's public description: /api/v1/openapi.json (api/framework/openapi.ts) and the reference page
 * /api/v1/docs, rendered in the browser by Swagger UI 5 (swagger-ui-dist: one package holding the
 * prebuilt browser bundle and its stylesheet; Swagger UI renders OpenAPI 3.1 since 5.0) served from
 * our own node_modules: the walled garden and offline ISPs cannot reach a CDN, and the
 * Content-Security-Policy allows scripts, styles and requests from this server only
 * (lib/http/security-headers.ts). The bundle needs neither 'unsafe-eval' nor an inline script; its
 * start-up script is public/api-docs.js. Neither page nor document needs a token: they describe the
 * API, no data.
 *
 * Routes (GET): `/api/v1/openapi.json` (application/json, no-cache), `/api/v1/docs` (text/html),
 * `/api/v1/docs/swagger-ui-bundle.js` and `/api/v1/docs/swagger-ui.css` (the two files of
 * swagger-ui-dist the page uses, cached one day: they change only with the package's version).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Router from '@koa/router';
import { toLocale } from '../../lib/i18n.js';
import { LANGUAGE_COOKIE } from '../../lib/http/request.js';
import type { Views } from '../../lib/http/views.js';

/** swagger-ui-dist's folder (the package has no `exports` map: its files are resolved by path). */
const SWAGGER_UI_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The files of swagger-ui-dist the page loads, by the name it asks for, with their media type. */
const ASSETS: Record<string, string> = {
  'swagger-ui-bundle.js': 'application/javascript',
  'swagger-ui.css': 'text/css',
};

export function addDocsRoutes(router: Router, opts: { document: () => Record<string, unknown>; views: Views }): void {
  router.get('/api/v1/openapi.json', (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = opts.document();
  });
  router.get('/api/v1/docs', (ctx) => {
    ctx.type = 'html';
    ctx.body = opts.views.fragment('api/docs', { locale: toLocale(ctx.cookies.get(LANGUAGE_COOKIE)) });
  });
  for (const [file, type] of Object.entries(ASSETS)) {
    const full = path.join(SWAGGER_UI_DIR, file);
    router.get(`/api/v1/docs/${file}`, (ctx) => {
      ctx.type = type;
      ctx.set('Cache-Control', 'public, max-age=86400');
      ctx.body = fs.createReadStream(full);
    });
  }
}
