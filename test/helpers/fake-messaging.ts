/**
 * Messaging providers for tests, on 127.0.0.1 and an ephemeral port, answering as the real APIs
 * do, so the channels in billing/notifications/channels are tested against real HTTP and SMTP.
 *
 * - WhatsApp Cloud API: `POST /v21.0/{phoneNumberId}/messages`, `Authorization: Bearer {token}`
 *   → `{ messaging_product, contacts: [{ input, wa_id }], messages: [{ id: "wamid.…" }] }`;
 *   Graph errors `{ error: { message, type, code, error_data, fbtrace_id } }` (190 bad token,
 *   130429 rate limit, 132001 unknown template, 100 invalid parameter).
 * - Fonnte: `POST /send`, `Authorization: {token}`, form fields target and message
 *   → `{ status: true, detail: "success! message in queue", id: ["…"], process, target }`;
 *   refusals as HTTP 200 `{ status: false, reason }` (`token invalid`, `input invalid`).
 * - SMS gateway (our generic contract): `POST /send`, `Authorization: Bearer {token}`,
 *   JSON `{ to, text }` → `{ id, status: "queued" }`; errors `{ error }`.
 * - Telegram Bot API: `POST /bot{token}/sendMessage`, JSON `{ chat_id, text }`
 *   → `{ ok: true, result: { message_id, chat, date, text } }`; errors
 *   `{ ok: false, error_code, description }` (401 for another token, 429 with retry_after).
 * - SMTP: a real smtp-server peer (no TLS, optional AUTH PLAIN/LOGIN) keeping each message.
 *
 * Controls on every HTTP fake: `failNext(status, n)` answers the next n requests with that
 * status and the provider's own error body for it (429, 500, 400, …); `answerNext(status, body, n)`
 * with any body; `stallNext(n)` never answers (a hung provider); `latencyMs` delays each answer.
 * `requests` records every request (method, path, headers, parsed body); `delivered` only those
 * answered with success; `reset()` forgets both and any pending control.
 */
import { randomBytes } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface RecordedRequest {
  method: string;
  /** Path with query, as received. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, form fields (urlencoded or multipart) as strings, else the raw text. */
  body: unknown;
}

export interface FakeProvider {
  /** Base URL to configure the channel with (WhatsApp's includes the API version, `/v21.0`). */
  url: string;
  requests: RecordedRequest[];
  /** Requests answered with success, in order. */
  delivered: RecordedRequest[];
  /** Delay before every answer, ms (default 0). */
  latencyMs: number;
  /** The next `count` requests get `status` with the provider's error body for it. */
  failNext(status: number, count?: number): void;
  /** The next `count` requests get exactly this status and JSON body. */
  answerNext(status: number, body: unknown, count?: number): void;
  /** The next `count` requests are never answered (until close). */
  stallNext(count?: number): void;
  /** Forgets recorded requests and pending controls. */
  reset(): void;
  close(): Promise<void>;
}

type Answer = { status: number; body: unknown };
type Script = { kind: 'fail'; status: number } | { kind: 'answer'; answer: Answer } | { kind: 'stall' };

interface ProviderSpec {
  /** Validates path, auth and body; returns the error answer, or null to go on. */
  check(req: RecordedRequest): Answer | null;
  success(req: RecordedRequest, seq: number): Answer;
  error(status: number, req: RecordedRequest): Answer;
}

async function parseBody(raw: Buffer, contentType: string | undefined): Promise<unknown> {
  const ct = contentType ?? '';
  if (ct.includes('application/json')) {
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      return raw.toString('utf8');
    }
  }
  if (ct.includes('multipart/form-data') || ct.includes('application/x-www-form-urlencoded')) {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': ct } }).formData();
    const out: Record<string, string> = {};
    for (const [k, v] of form.entries()) out[k] = typeof v === 'string' ? v : `[file ${v.name}]`;
    return out;
  }
  return raw.toString('utf8');
}

async function startFake(spec: ProviderSpec, basePath = ''): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  const delivered: RecordedRequest[] = [];
  const scripts: Script[] = [];
  let seq = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const rec: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: await parseBody(Buffer.concat(chunks), req.headers['content-type']) };
        requests.push(rec);
        const script = scripts.shift();
        if (script?.kind === 'stall') return;
        if (fake.latencyMs > 0) await new Promise((r) => setTimeout(r, fake.latencyMs));
        let answer: Answer;
        if (script?.kind === 'fail') answer = spec.error(script.status, rec);
        else if (script?.kind === 'answer') answer = script.answer;
        else {
          answer = spec.check(rec) ?? spec.success(rec, ++seq);
          if (answer.status >= 200 && answer.status < 300 && !(answer.body && typeof answer.body === 'object' && (answer.body as { status?: unknown }).status === false)) delivered.push(rec);
        }
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeProvider = {
    url: `http://127.0.0.1:${port}${basePath}`,
    requests,
    delivered,
    latencyMs: 0,
    failNext(status, count = 1) {
      for (let i = 0; i < count; i++) scripts.push({ kind: 'fail', status });
    },
    answerNext(status, body, count = 1) {
      for (let i = 0; i < count; i++) scripts.push({ kind: 'answer', answer: { status, body } });
    },
    stallNext(count = 1) {
      for (let i = 0; i < count; i++) scripts.push({ kind: 'stall' });
    },
    reset() {
      requests.length = 0;
      delivered.length = 0;
      scripts.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

function field(body: unknown, key: string): unknown {
  return body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
}

// --- WhatsApp Cloud API -------------------------------------------------------------------------

const fbtrace = () => randomBytes(8).toString('base64url');

function graphError(status: number, code: number, message: string, details?: string): Answer {
  return { status, body: { error: { message, type: 'OAuthException', code, ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}), fbtrace_id: fbtrace() } } };
}

/** WhatsApp Cloud API: url is `http://127.0.0.1:port/v21.0`. */
export function startFakeWhatsAppCloud(opts: { token: string; phoneNumberId: string }): Promise<FakeProvider> {
  return startFake(
    {
      check(req) {
        if (req.method !== 'POST' || req.path !== `/v21.0/${opts.phoneNumberId}/messages`) {
          return graphError(400, 100, `Unsupported post request. Object with ID '${req.path.split('/')[2] ?? ''}' does not exist`);
        }
        if (req.headers.authorization !== `Bearer ${opts.token}`) return graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
        const b = req.body;
        const template = field(b, 'template');
        if (field(b, 'messaging_product') !== 'whatsapp' || typeof field(b, 'to') !== 'string') return graphError(400, 100, '(#100) Invalid parameter');
        if (field(b, 'type') === 'template' && (typeof field(template, 'name') !== 'string' || typeof field(field(template, 'language'), 'code') !== 'string')) {
          return graphError(400, 100, '(#100) Invalid parameter', 'template name and language code are required');
        }
        return null;
      },
      success(req) {
        const to = String(field(req.body, 'to'));
        return { status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: `wamid.${randomBytes(12).toString('base64url')}` }] } };
      },
      error(status) {
        if (status === 429) return graphError(429, 130429, '(#130429) Rate limit hit', 'Cloud API message throughput has been reached.');
        if (status >= 500) return graphError(status, 131000, '(#131000) Something went wrong', 'Something went wrong');
        if (status === 401) return graphError(401, 190, 'Error validating access token: Session has expired');
        return graphError(status, 132001, '(#132001) Template name does not exist in the translation', 'template name does not exist in id');
      },
    },
    '/v21.0',
  );
}

// --- Fonnte -------------------------------------------------------------------------------------

/** Fonnte: url is `http://127.0.0.1:port` (the channel posts to `{url}/send`). */
export function startFakeFonnte(opts: { token: string }): Promise<FakeProvider> {
  return startFake({
    check(req) {
      if (req.method !== 'POST' || req.path !== '/send') return { status: 404, body: { reason: 'not found', status: false } };
      if (req.headers.authorization !== opts.token) return { status: 200, body: { reason: 'token invalid', status: false } };
      const target = field(req.body, 'target');
      if (typeof target !== 'string' || target === '') return { status: 200, body: { reason: 'input invalid', status: false } };
      return null;
    },
    success(req, seq) {
      return { status: 200, body: { detail: 'success! message in queue', id: [String(80_000_000 + seq)], process: 'pending', requestid: 2_900_000 + seq, status: true, target: [String(field(req.body, 'target'))] } };
    },
    error(status) {
      if (status === 429) return { status, body: { reason: 'rate limit exceeded, try again later', status: false } };
      if (status >= 500) return { status, body: { reason: 'internal server error', status: false } };
      return { status, body: { reason: 'input invalid', status: false } };
    },
  });
}

// --- SMS gateway (generic contract) -------------------------------------------------------------

/** SMS gateway: configure the channel with `${url}/send`. */
export function startFakeSmsGateway(opts: { token: string }): Promise<FakeProvider> {
  return startFake({
    check(req) {
      if (req.method !== 'POST' || req.path !== '/send') return { status: 404, body: { error: 'not found' } };
      if (req.headers.authorization !== `Bearer ${opts.token}`) return { status: 401, body: { error: 'invalid token' } };
      if (!String(req.headers['content-type']).includes('application/json')) return { status: 415, body: { error: 'JSON expected' } };
      if (typeof field(req.body, 'to') !== 'string' || typeof field(req.body, 'text') !== 'string') return { status: 400, body: { error: 'to and text are required' } };
      return null;
    },
    success(_req, seq) {
      return { status: 200, body: { id: `sms-${seq}`, status: 'queued' } };
    },
    error(status) {
      if (status === 429) return { status, body: { error: 'too many requests' } };
      if (status >= 500) return { status, body: { error: 'upstream SMSC unavailable' } };
      return { status, body: { error: 'invalid destination number' } };
    },
  });
}

// --- Telegram Bot API ---------------------------------------------------------------------------

/** Telegram Bot API: url is `http://127.0.0.1:port` (the channel posts to `{url}/bot{token}/sendMessage`). */
export function startFakeTelegram(opts: { token: string }): Promise<FakeProvider> {
  const tgError = (status: number, description: string, extra: Record<string, unknown> = {}): Answer => ({ status, body: { ok: false, error_code: status, description, ...extra } });
  return startFake({
    check(req) {
      const m = /^\/bot([^/]+)\/sendMessage$/.exec(req.path);
      if (req.method !== 'POST' || !m) return tgError(404, 'Not Found');
      if (m[1] !== opts.token) return tgError(401, 'Unauthorized');
      const chatId = field(req.body, 'chat_id');
      const text = field(req.body, 'text');
      if (chatId === undefined || chatId === '') return tgError(400, 'Bad Request: chat_id is empty');
      if (typeof text !== 'string' || text === '') return tgError(400, 'Bad Request: message text is empty');
      if (text.length > 4096) return tgError(400, 'Bad Request: message is too long');
      return null;
    },
    success(req, seq) {
      const chatId = field(req.body, 'chat_id');
      const id = typeof chatId === 'string' && /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
      return {
        status: 200,
        body: {
          ok: true,
          result: { message_id: seq, from: { id: 7_000_000_001, is_bot: true, first_name: 'ISP Billing', username: 'isp_billing_bot' }, chat: { id, title: 'NOC', type: 'group' }, date: Math.floor(Date.now() / 1000), text: field(req.body, 'text') },
        },
      };
    },
    error(status) {
      if (status === 429) return tgError(429, 'Too Many Requests: retry after 5', { parameters: { retry_after: 5 } });
      if (status >= 500) return tgError(status, 'Internal Server Error');
      if (status === 403) return tgError(403, 'Forbidden: bot was kicked from the group chat');
      return tgError(status, 'Bad Request: chat not found');
    },
  });
}

// --- SMTP ---------------------------------------------------------------------------------------

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The whole message as received (headers and body). */
  raw: string;
  /** Decoded Subject header. */
  subject: string;
  /** Decoded text body (quoted-printable or base64 undone). */
  text: string;
}

export interface SmtpPeer {
  /** `smtp://[user:pass@]127.0.0.1:port`, ready for the e-mail channel. */
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** The next `count` RCPT TO commands are refused with this reply (e.g. 450 or 550). */
  rejectNext(code: number, message: string, count?: number): void;
  close(): Promise<void>;
}

function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g, (_m, _charset: string, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}

function parseMail(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = (split === -1 ? raw : raw.slice(0, split)).replace(/\r\n[ \t]+/g, ' ');
  const body = split === -1 ? '' : raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1] ?? '';
  const cte = header('Content-Transfer-Encoding').toLowerCase();
  let text = body;
  if (cte === 'quoted-printable') {
    text = Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  } else if (cte === 'base64') {
    text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return { subject: decodeWords(header('Subject')), text: text.replace(/\r\n/g, '\n').replace(/\n$/, '') };
}

/** A real SMTP server (smtp-server) without TLS; with `auth`, AUTH is required and checked. */
export async function startSmtpPeer(opts: { auth?: { user: string; pass: string } } = {}): Promise<SmtpPeer> {
  const messages: ReceivedMail[] = [];
  const rejections: Array<{ code: number; message: string }> = [];
  const server = new SMTPServer({
    disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) return callback(null, { user: auth.username });
      return callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      const r = rejections.shift();
      if (r) return callback(Object.assign(new Error(r.message), { responseCode: r.code }));
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mailFrom = session.envelope.mailFrom;
        messages.push({ from: mailFrom ? mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw, ...parseMail(raw) });
        callback();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  const cred = opts.auth ? `${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.pass)}@` : '';
  return {
    url: `smtp://${cred}127.0.0.1:${port}`,
    port,
    messages,
    rejectNext(code, message, count = 1) {
      for (let i = 0; i < count; i++) rejections.push({ code, message });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
