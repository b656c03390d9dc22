/**
 * The last resort when a NAS ignores or refuses RFC 5176: end the subscriber's active session
 * over the RouterOS API (MikroTik manual "API"; menus "PPP → Active" and "IP → Hotspot → Active"),
 * with the `node-routeros` client.
 *
 * PPPoE: `/ppp/active/print ?name=<user>`, then `/ppp/active/remove =.id=<id>` per match.
 * Hotspot: the same under `/ip/hotspot/active` with `?user=<user>`.
 *
 * What node-routeros 1.6.9 needs from us (read from its dist/ sources):
 * - after login it re-emits socket errors and timeouts as 'error' on the client: without a
 *   listener that would throw out of the socket handler and end the process;
 * - RouterOS 7.18+ answers a print that matches nothing with `!empty` before `!done`; the client
 *   throws on any reply word it does not know, again from the socket handler. We skip `!empty`
 *   in each channel of our own client instance (not a global patch);
 * - `close()` waits for the router to close its side, and does nothing before login: both are
 *   bounded here and the socket destroyed, so a hung router cannot leak a connection;
 * - its `timeout` option is in seconds (socket idle timeout).
 */
import os from 'node:os';
import { RouterOSAPI } from 'node-routeros';

export interface RemoveActiveSessionInput {
  host: string;
  port: number;
  /** api-ssl (usually port 8729). The router's certificate is not verified: most are self-signed. */
  tls: boolean;
  username: string;
  password: string;
  /** The PPP secret name or hotspot user of the session to end. */
  sessionUsername: string;
  serviceType: 'pppoe' | 'hotspot';
  /** Bound on the whole exchange (connect, login, print, remove), milliseconds. */
  timeoutMs: number;
}

export type RemoveActiveSessionResult = { ok: true; removed: number } | { ok: false; error: string };

export type RemoveActiveSession = (input: RemoveActiveSessionInput) => Promise<RemoveActiveSessionResult>;

const MENUS = {
  pppoe: { path: '/ppp/active', key: 'name' },
  hotspot: { path: '/ip/hotspot/active', key: 'user' },
} as const;

/** Time allowed for a polite close before the socket is destroyed, milliseconds. */
const CLOSE_GRACE_MS = 500;

/**
 * Removes every active session of `sessionUsername` on the router. `removed` is how many were
 * found and removed (0: the router has none, so the subscriber is already off). Never throws:
 * unreachable router, refused login, a trap or the timeout come back as `{ ok: false, error }`
 * (the error never contains the password). The connection is always closed.
 */
export async function removeActiveSession(input: RemoveActiveSessionInput): Promise<RemoveActiveSessionResult> {
  const api = new RouterOSAPI({
    host: input.host,
    port: input.port,
    user: input.username,
    password: input.password,
    timeout: Math.max(0.1, input.timeoutMs / 1000),
    ...(input.tls ? { tls: { rejectUnauthorized: false } } : {}),
  });
  api.on('error', () => {
    // Reported through the pending command or the deadline; see the module comment.
  });
  skipEmptyReplies(api);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<RemoveActiveSessionResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `timed out after ${input.timeoutMs} ms` }), input.timeoutMs);
  });
  try {
    return await Promise.race([run(api, input), deadline]);
  } finally {
    clearTimeout(timer);
    await shutdown(api);
  }
}

async function run(api: RouterOSAPI, input: RemoveActiveSessionInput): Promise<RemoveActiveSessionResult> {
  const menu = MENUS[input.serviceType];
  try {
    await api.connect();
    const rows = (await api.write(`${menu.path}/print`, [`?${menu.key}=${input.sessionUsername}`, '=.proplist=.id'])) as Array<Record<string, string>>;
    let removed = 0;
    for (const row of rows) {
      const id = row['.id'];
      if (!id) continue;
      try {
        await api.write(`${menu.path}/remove`, [`=.id=${id}`]);
        removed++;
      } catch (err) {
        // The session ended between print and remove: that is what we wanted.
        if (!/no such item/i.test(describeError(err))) throw err;
      }
    }
    return { ok: true, removed };
  } catch (err) {
    return { ok: false, error: describeError(err) };
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
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.message) return err.message;
  const errno = (err as { errno?: unknown }).errno;
  if (typeof errno === 'number') {
    const name = Object.entries(os.constants.errno).find(([, n]) => n === -errno || n === errno)?.[0];
    return name ?? `socket error ${errno}`;
  }
  return typeof errno === 'string' ? errno : err.name;
}
