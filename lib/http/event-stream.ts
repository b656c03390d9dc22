/**
 * A Server-Sent Events response on a Koa context (WHATWG HTML Living Standard §9.2 "Server-sent
 * events": `text/event-stream`, UTF-8, messages of `event:` / `id:` / `data:` lines ended by a
 * blank line, `:` comment lines ignored by the client).
 *
 * - Headers: `Content-Type: text/event-stream; charset=utf-8`, `Cache-Control: no-cache` (and
 *   `no-transform`, so no proxy compresses and holds it back), `X-Accel-Buffering: no` (nginx:
 *   pass each chunk on at once instead of buffering the upstream response; nginx docs,
 *   ngx_http_proxy_module "proxy_buffering"), `Connection: keep-alive`.
 * - A heartbeat comment every `heartbeatMs` (15 s by default): proxies and load balancers close
 *   idle connections (nginx proxy_read_timeout defaults to 60 s), and a write is how a dead peer is
 *   noticed.
 * - Closed when the client goes away (the response's 'close'): the heartbeat stops and `onClose`
 *   callbacks run once; `send` after that does nothing.
 */
import type Koa from 'koa';

export interface EventStream {
  /**
   * Sends one message. `data` may span lines (each becomes a `data:` line); `event` names it (the
   * client dispatches a named event instead of the default message); `id` sets the last event id.
   */
  send(data: string, opts?: { event?: string; id?: string }): void;
  /** Runs `fn` once when the stream ends (client gone, or `close()`). */
  onClose(fn: () => void): void;
  /** Ends the response from the server side. */
  close(): void;
  readonly closed: boolean;
}

export const HEARTBEAT_MS = 15_000;

/** One message in the wire format; `\r` is dropped so a value cannot start a new field. */
export function formatEvent(data: string, opts: { event?: string; id?: string } = {}): string {
  const clean = (s: string): string => s.replace(/[\r\n]/g, ' ');
  let out = '';
  if (opts.event) out += `event: ${clean(opts.event)}\n`;
  if (opts.id) out += `id: ${clean(opts.id)}\n`;
  for (const line of data.replace(/\r\n?/g, '\n').split('\n')) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** Turns `ctx` into an event stream (status 200) and returns its writer. */
export function openEventStream(ctx: Koa.Context, opts: { heartbeatMs?: number } = {}): EventStream {
  // Written to the socket directly (`respond = false`): Koa's piping of a body stream reports the
  // client going away as an error, and that is how every stream ends.
  const res = ctx.res;
  ctx.status = 200;
  ctx.set('Content-Type', 'text/event-stream; charset=utf-8');
  ctx.set('Cache-Control', 'no-cache, no-transform');
  ctx.set('X-Accel-Buffering', 'no');
  ctx.set('Connection', 'keep-alive');
  ctx.respond = false;
  res.flushHeaders();
  ctx.req.socket.setNoDelay(true);
  ctx.req.socket.setTimeout(0);

  const closers: Array<() => void> = [];
  let closed = false;
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), opts.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref();

  function write(chunk: string): void {
    if (!closed && !res.writableEnded) res.write(chunk);
  }
  function finish(): void {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    if (!res.writableEnded) res.end();
    for (const fn of closers.splice(0)) {
      try {
        fn();
      } catch {
        // A cleanup callback's failure must not keep the others from running.
      }
    }
  }
  // The response's 'close': the connection ended (client gone, server closing). Not the request's:
  // since Node 16 `req` emits 'close' once a bodyless GET has been read, while the client still listens.
  res.on('close', finish);
  // The retry hint (ms) for the client's reconnection, and a first byte so proxies start passing data.
  write('retry: 5000\n\n');

  return {
    send: (data, o) => write(formatEvent(data, o)),
    onClose: (fn) => (closed ? fn() : void closers.push(fn)),
    close: finish,
    get closed() {
      return closed;
    },
  };
}
