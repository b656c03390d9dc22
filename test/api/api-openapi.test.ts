/**
 * The OpenAPI 3.1 document at /api/v1/openapi.json, checked by an independent, maintained
 * validator (@seriousme/openapi-schema-validator, the OpenAPI Initiative's JSON Schemas for 3.1),
 * and matched operation by operation against the route table that the route matrix
 * (api-route-matrix.test.ts) calls under every role: every documented operation is a route that
 * is exercised, and every route is documented with its permission. The reference page is served
 * from our own server under the app's Content-Security-Policy.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { API_ROUTES } from '../../api/resources/index.js';
import { CONTENT_SECURITY_POLICY } from '../../lib/http/security-headers.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
before(async () => {
  web = await startWebServer();
});
after(async () => {
  await web?.stop();
});

interface Operation { operationId: string; 'x-permission': string; security: unknown[]; responses: Record<string, { content?: Record<string, unknown> }>; parameters?: Array<{ name: string; in: string }> }

test('the document is valid OpenAPI 3.1 and served without a token', async () => {
  const res = await fetch(`${web.baseUrl}/api/v1/openapi.json`);
  assert.equal(res.status, 200);
  const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, Operation>> };
  assert.match(doc.openapi, /^3\.1\./);
  const validator = new Validator();
  const result = await validator.validate(doc as never);
  assert.equal(validator.version, '3.1');
  assert.deepEqual(result.errors ?? [], [], 'no schema errors');
  assert.equal(result.valid, true);
});

test('every documented operation is a route of the table (so the matrix exercises it), and every route is documented', async () => {
  const doc = (await (await fetch(`${web.baseUrl}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> };
  const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) => ({ key: `${m} ${p}`, op })));
  const table = new Map(API_ROUTES.map((r) => [`${r.method} ${r.path}`, r]));
  assert.deepEqual(documented.map((d) => d.key).sort(), [...table.keys()].sort());
  for (const { key, op } of documented) {
    const r = table.get(key)!;
    assert.equal(op.operationId, r.operationId);
    assert.equal(op['x-permission'], r.permission, `${key}: permission documented`);
    assert.ok(op.responses['403'] && op.responses['401'] && op.responses['429'], `${key}: 401/403/429 documented`);
    assert.ok(op.responses['403']!.content?.['application/problem+json'], `${key}: problems are problem+json`);
    if (r.method === 'post') assert.ok(op.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'), `${key}: Idempotency-Key documented`);
  }
});

test('the reference page and its renderer come from our server, under the Content-Security-Policy', async () => {
  const page = await fetch(`${web.baseUrl}/api/v1/docs`);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  const html = await page.text();
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.ok(scripts.length >= 2);
  for (const s of scripts) {
    assert.equal(s[2]!.trim(), '', 'no inline script');
    const src = /src="([^"]+)"/.exec(s[1]!)?.[1] ?? '';
    assert.match(src, /^\//, `served by us: ${src}`);
    const js = await fetch(`${web.baseUrl}${src}`);
    assert.equal(js.status, 200, src);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    await js.arrayBuffer();
  }
  const styles = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!);
  for (const href of styles) {
    assert.match(href, /^\//, `served by us: ${href}`);
    const css = await fetch(`${web.baseUrl}${href}`);
    assert.equal(css.status, 200, href);
    assert.match(css.headers.get('content-type') ?? '', /text\/css/);
    assert.doesNotMatch(await css.text(), /@import|url\(\s*['"]?(https?:)?\/\//, `${href} loads nothing from other hosts`);
  }
});
