/**
 * One bounded RouterOS API exchange (MikroTik manual "API") with the `node-routeros` client:
 * connect and log in, run the caller's commands, always close. The protocol client of the kernel,
 * with no knowledge of any role: nas-control's last resort (aaa/nas/routeros-api.ts), the routers
 * screen's probe (admin/nas/routeros-probe.ts) and the live import (billing/import/routeros-live.ts)
 * bring their own commands. What node-routeros 1.6.9 needs from us (read from its dist/ sources):
 * - an 'error' listener, or a socket error after login is thrown out of the socket handler;
 * - RouterOS 7.18+ answers a print that matches nothing with `!empty` before `!done`, a reply
 *   word the client throws on: skipped per channel of this client instance;
 * - `close()` waits for the router and does nothing before login: bounded, then the socket is
 *   destroyed, so a hung router cannot leak a connection;
 * - its `timeout` option is in seconds (socket idle timeout).
 */
import os from 'node:os';
import { RouterOSAPI } from 'node-routeros';

export interface RouterOsLogin {
  host: string;
  port: number;
  /** api-ssl (usually port 8729). The router's certificate is not verified: most are self-signed. */
  tls: boolean;
  username: string;
  password: string;
}

export type RouterOsOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** Time allowed for a polite close before the socket is destroyed, milliseconds. */
const CLOSE_GRACE_MS = 500;

/**
 * Connects, logs in, runs `fn` with the logged-in client and closes, all within `timeoutMs`.
 * Never throws: an unreachable router, a refused login, a trap or the deadline come back as
 * `{ ok: false, error }` (never containing the password).
 * @param fn commands to run after login (`api.write(...)`); its result becomes `value`.
 */
export async function withRouterOs<T>(login: RouterOsLogin, timeoutMs: number, fn: (api: RouterOSAPI) => Promise<T>): Promise<RouterOsOutcome<T>> {
  const api = new RouterOSAPI({
    host: login.host,
    port: login.port,
    user: login.username,
    password: login.password,
    timeout: Math.max(0.1, timeoutMs / 1000),
    ...(login.tls ? { tls: { rejectUnauthorized: false } } : {}),
  });
  api.on('error', () => {
    // Reported through the pending command or the deadline; see the module comment.
  });
  skipEmptyReplies(api);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<RouterOsOutcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `timed out after ${timeoutMs} ms` }), timeoutMs);
  });
  const run = async (): Promise<RouterOsOutcome<T>> => {
    try {
      await api.connect();
      return { ok: true, value: await fn(api) };
    } catch (err) {
      return { ok: false, error: describeRouterOsError(err) };
    }
  };
  try {
    return await Promise.race([run(), deadline]);
  } finally {
    clearTimeout(timer);
    await shutdown(api);
  }
}

/** Wraps each channel of this client so a `!empty` reply word (RouterOS 7.18+) is skipped. */
function skipEmptyReplies(api: RouterOSAPI): void {
  type Channel = { processPacket(packet: string[]): void };
  const internals = api as unknown as { openChannel?: () => Channel };
  const open = internals.openChannel;
  if (typeof open !== 'function') return;
  internals.openChannel = () => {
    const channel = open.call(api);
    const process = channel.processPacket;
    channel.processPacket = (packet) => {
      if (packet[0] !== '!empty') process.call(channel, packet);
    };
    return channel;
  };
}

/** Closes politely when logged in (this also stops the client's keepalive timers), then destroys the socket. */
async function shutdown(api: RouterOSAPI): Promise<void> {
  const internals = api as unknown as { connector?: { destroy(): void } | null };
  if (api.connected && !api.closing) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      api.close().catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS))),
    ]);
    clearTimeout(timer);
  }
  internals.connector?.destroy();
}

/** A readable reason: node-routeros leaves the message empty for socket errors and keeps only the numeric errno. */
export function describeRouterOsError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.message) return err.message;
  const errno = (err as { errno?: unknown }).errno;
  if (typeof errno === 'number') {
    const name = Object.entries(os.constants.errno).find(([, n]) => n === -errno || n === errno)?.[0];
    return name ?? `socket error ${errno}`;
  }
  return typeof errno === 'string' ? errno : err.name;
}
