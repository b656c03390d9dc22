/**
 * The multipart reader over a real HTTP connection: fields and one file are read; a file over the
 * limit keeps none of its bytes (marked truncated) while the fields still arrive; a body far past
 * the limit is cut off with 413; a Content-Type without boundary is 400.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppError } from '../errors.js';
import { readMultipart, uploadedFile } from './multipart-body.js';

async function withServer(fileBytes: number, send: (url: string) => Promise<Response>): Promise<{ res: Response; seen: unknown }> {
  let seen: unknown = null;
  const server = http.createServer((req, res) => {
    const ctx = { req, request: {} as object };
    readMultipart(ctx, { fileBytes }).then(() => {
      const f = uploadedFile(ctx);
      seen = { fields: (ctx.request as { body: unknown }).body, file: f && { ...f, content: f.content.length } };
      res.end('ok');
    }, (err: AppError) => {
      seen = { error: err.code };
      res.statusCode = err.status;
      res.end(err.code);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const res = await send(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await res.text();
    return { res, seen };
  } finally {
    server.close();
  }
}

const form = (size: number): FormData => {
  const fd = new FormData();
  fd.append('_csrf', 'token');
  fd.append('amount', '150123');
  fd.append('receipt', new Blob([Buffer.alloc(size, 1)], { type: 'image/png' }), 'bukti.png');
  return fd;
};

test('fields and a file within the limit are read', async () => {
  const { res, seen } = await withServer(1024, (url) => fetch(url, { method: 'POST', body: form(1000) }));
  assert.equal(res.status, 200);
  assert.deepEqual(seen, { fields: { _csrf: 'token', amount: '150123' }, file: { field: 'receipt', filename: 'bukti.png', content: 1000, truncated: false } });
});

test('a file over the limit keeps none of its bytes and is marked truncated', async () => {
  const { res, seen } = await withServer(1024, (url) => fetch(url, { method: 'POST', body: form(3000) }));
  assert.equal(res.status, 200);
  assert.deepEqual(seen, { fields: { _csrf: 'token', amount: '150123' }, file: { field: 'receipt', filename: 'bukti.png', content: 0, truncated: true } });
});

test('a body far past the limit is refused with 413; a Content-Type without boundary with 400', async () => {
  const big = await withServer(1024, (url) => fetch(url, { method: 'POST', body: form(200_000) }).catch(() => new Response(null, { status: 599 })));
  assert.deepEqual(big.seen, { error: 'payload_too_large' });
  const bad = await withServer(1024, (url) => fetch(url, { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'x' }));
  assert.equal(bad.res.status, 400);
});
