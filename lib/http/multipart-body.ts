/**
 * A `multipart/form-data` body (RFC 7578) read with busboy, as a stream: the text fields become
 * the form body every route reads (`formBody`, so the CSRF field `_csrf` is checked exactly as on
 * an urlencoded form: portal/context.ts), and at most ONE file is kept in memory, never more than
 * `fileBytes` of it. Past that limit the rest of the file is read and thrown away as it arrives
 * (busboy's `fileSize` limit: the file stream emits `limit` and the part is drained), and the file
 * is marked `truncated`, so the route can say "too large" on its own page and store nothing.
 * The whole request is capped at `totalBytes` (a client that keeps sending after the file limit):
 * past it the body is no longer read and the request fails with 413 `payload_too_large`.
 *
 * Only the routes that take an upload use this (web/portal-routes.ts picks them by path); every
 * other request keeps the urlencoded parser, so a multipart body anywhere else is an empty form.
 *
 * Shapes: sizes in bytes; fields are strings (the first value of a repeated name; each cut at
 * `fieldBytes`); a second file part is ignored (busboy `files: 1`).
 * @throws AppError `bad_request` (400) for a malformed body or a Content-Type without boundary,
 *   `payload_too_large` (413) past `totalBytes`.
 */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { AppError } from '../errors.js';

export interface UploadedFile {
  /** The form field the file came in. */
  field: string;
  /** The name the browser gave it (display only: never a path, never trusted for the type). */
  filename: string;
  /** The bytes received, at most `fileBytes`. */
  content: Buffer;
  /** The file was larger than `fileBytes`: `content` is only its beginning. */
  truncated: boolean;
}

export interface MultipartLimits {
  fileBytes: number;
  /** Default 4 × fileBytes + 64 KiB. */
  totalBytes?: number;
  /** Each text field at most this many bytes (default 1 KiB). */
  fieldBytes?: number;
  /** At most this many text fields (default 20). */
  fields?: number;
}

/** Whether the request says it carries multipart/form-data. */
export function isMultipart(ctx: { get(name: string): string }): boolean {
  return /^multipart\/form-data\b/i.test(ctx.get('content-type'));
}

/** The file the multipart parser kept for this request, or null. */
export function uploadedFile(ctx: { request: object }): UploadedFile | null {
  return (ctx.request as { file?: UploadedFile | null }).file ?? null;
}

/**
 * Reads the request body; sets `ctx.request.body` (the text fields) and `ctx.request.file`.
 * The file's bytes are kept only while they fit `fileBytes`.
 */
export async function readMultipart(ctx: { req: IncomingMessage; request: object }, limits: MultipartLimits): Promise<void> {
  const totalBytes = limits.totalBytes ?? limits.fileBytes * 4 + 64 * 1024;
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: ctx.req.headers,
      limits: { fileSize: limits.fileBytes, files: 1, fields: limits.fields ?? 20, fieldSize: limits.fieldBytes ?? 1024, parts: (limits.fields ?? 20) + 1 },
    });
  } catch {
    throw new AppError('bad_request', 'bad multipart body', 400);
  }
  const fields: Record<string, string> = {};
  let file: UploadedFile | null = null;
  await new Promise<void>((resolve, reject) => {
    let seen = 0;
    let done = false;
    const fail = (err: AppError): void => {
      if (done) return;
      done = true;
      ctx.req.unpipe(parser);
      ctx.req.resume(); // the rest is read and discarded, so the answer reaches the client
      reject(err);
    };
    ctx.req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > totalBytes) fail(new AppError('payload_too_large', 'request too large', 413));
    });
    parser.on('field', (name, value) => {
      if (!Object.hasOwn(fields, name)) fields[name] = value;
    });
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      const current: UploadedFile = { field, filename: String(info.filename ?? '').slice(0, 200), content: Buffer.alloc(0), truncated: false };
      stream.on('data', (chunk: Buffer) => {
        if (!current.truncated) chunks.push(chunk);
      });
      stream.on('limit', () => {
        current.truncated = true;
        chunks.length = 0; // nothing of an oversized file is kept
      });
      stream.on('end', () => {
        current.content = Buffer.concat(chunks);
        file = current;
      });
    });
    parser.on('error', () => fail(new AppError('bad_request', 'bad multipart body', 400)));
    parser.on('close', () => {
      if (done) return;
      done = true;
      resolve();
    });
    ctx.req.pipe(parser);
  });
  (ctx.request as { body?: unknown }).body = fields;
  (ctx.request as { file?: UploadedFile | null }).file = file;
}
