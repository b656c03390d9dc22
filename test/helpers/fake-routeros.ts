/**
 * A RouterOS API server for tests (MikroTik manual "API", help.mikrotik.com/docs/spaces/ROS/pages/47579160):
 * TCP on 127.0.0.1 and an ephemeral port, speaking the real wire protocol so the real
 * `node-routeros` client can talk to it.
 *
 * - Words: a length prefix of 1-5 octets (0x00-0x7F; 0x80-0x3FFF with 10xxxxxx; up to 0x1FFFFF
 *   with 110xxxxx; up to 0xFFFFFFF with 1110xxxx; else 0xF0 and 4 octets), then the bytes.
 *   A sentence is words up to a zero-length word.
 * - Replies: `!re` per item, `!trap =message=...` on failure, `!done` last; every reply sentence
 *   repeats the request's `.tag`. With `emptyReply` a print with no results answers `!empty`
 *   before `!done`, as RouterOS 7.18+ does.
 * - Login: the post-6.43 form `/login =name= =password=`; wrong credentials get
 *   `!trap =message=invalid user name or password (6)` then `!done`. Commands before a
 *   successful login are trapped.
 * - `/system/identity/print` answers `identity` (default MikroTik).
 * - Menus: `/ppp/active` and `/ip/hotspot/active` with `print` (queries `?prop=value`, `?prop`,
 *   `?-prop`, ANDed; `=.proplist=`) and `remove` (`=.id=` or `=numbers=`, comma-separated ids).
 *   Anything else (including node-routeros's `#` keepalive) is trapped as an unknown command.
 * - `printMenus`: further menus that answer `print` only (e.g. `/ppp/secret`, `/ppp/profile`
 *   for an import), with the same queries and `.proplist`; their items get `.id`s too.
 * - `silent`: accept connections, never answer (a hung router).
 * - `/interface/monitor-traffic =interface=<name> =once=`: one `!re` with `name`,
 *   `rx-bits-per-second` and `tx-bits-per-second` from `traffic` (live state); an interface not
 *   there is trapped `no such item` (MikroTik manual "Interface" → traffic monitor).
 */
import { startApiServer } from '../../simulator/routeros-api/api-server.js';
import { parseCommand, printReplies, trap, type Item } from '../../simulator/routeros-api/wire.js';

export type { Item };
// The wire format lives with the simulator's router; re-exported for tests that build sentences.
export { decodeLength, encodeLength, encodeSentence } from '../../simulator/routeros-api/wire.js';

export interface FakeRouterOsOptions {
  users?: Record<string, string>;
  ppp?: Item[];
  hotspot?: Item[];
  emptyReply?: boolean;
  silent?: boolean;
  /** What `/system/identity/print` answers (System → Identity), default 'MikroTik'. */
  identity?: string;
  /** Read-only menus by path (`/ppp/secret`): `print` answers their items, anything else is trapped. */
  printMenus?: Record<string, Item[]>;
  /** `/interface/monitor-traffic` rates by interface name (`<pppoe-user>`), bits per second. */
  traffic?: Record<string, { rx: number; tx: number }>;
}

export interface FakeRouterOs {
  port: number;
  /** Live state: add or inspect items; each gets a `.id` like `*1`. */
  menus: { '/ppp/active': Item[]; '/ip/hotspot/active': Item[] };
  /** Live state of the `printMenus` by path: push or splice items between requests (they get no `.id` then unless given one). */
  readOnlyMenus: Map<string, Item[]>;
  /** Live state of `/interface/monitor-traffic` by interface name: set or delete between requests. */
  traffic: Map<string, { rx: number; tx: number }>;
  /** Every sentence received, passwords replaced by `***`. */
  sentences: string[][];
  logins: { ok: number; failed: number };
  /** Connections currently open. */
  connections(): number;
  close(): Promise<void>;
}

const MENUS = ['/ppp/active', '/ip/hotspot/active'] as const;
type Menu = (typeof MENUS)[number];

/** Starts the server on 127.0.0.1 and a free port. */
export async function startFakeRouterOs(opts: FakeRouterOsOptions = {}): Promise<FakeRouterOs> {
  const users = opts.users ?? { admin: 'secret' };
  let nextId = 1;
  const withId = (item: Item): Item => ({ '.id': `*${(nextId++).toString(16).toUpperCase()}`, ...item });
  const menus = { '/ppp/active': (opts.ppp ?? []).map(withId), '/ip/hotspot/active': (opts.hotspot ?? []).map(withId) };
  const printMenus = new Map(Object.entries(opts.printMenus ?? {}).map(([path, items]) => [path, items.map(withId)]));
  const sentences: string[][] = [];
  const logins = { ok: 0, failed: 0 };
  const traffic = new Map(Object.entries(opts.traffic ?? {}));

  function execute(words: string[], state: { loggedIn: boolean }): string[][] {
    const cmd = parseCommand(words);
    const { command, attrs } = cmd;

    if (command === '/login') {
      const name = attrs.get('name');
      if (name !== undefined && users[name] !== undefined && users[name] === attrs.get('password')) {
        state.loggedIn = true;
        logins.ok++;
        return [['!done']];
      }
      logins.failed++;
      return trap('invalid user name or password (6)');
    }
    if (!state.loggedIn) return trap('not logged in', 0);
    if (command === '/system/identity/print') return [['!re', `=name=${opts.identity ?? 'MikroTik'}`], ['!done']];
    if (command === '/interface/monitor-traffic') {
      const name = attrs.get('interface') ?? '';
      const rates = traffic.get(name);
      if (!rates) return trap('no such item', 1);
      return [['!re', `=name=${name}`, `=rx-bits-per-second=${rates.rx}`, `=tx-bits-per-second=${rates.tx}`], ['!done']];
    }

    const slash = command.lastIndexOf('/');
    const menu = command.slice(0, slash) as Menu;
    const verb = command.slice(slash + 1);
    const readOnly = printMenus.get(menu);
    if (!MENUS.includes(menu) && !(readOnly && verb === 'print')) return trap(readOnly ? 'no such command' : 'no such command prefix', 0);
    const items = readOnly ?? menus[menu];

    if (verb === 'print') return printReplies(items, cmd, opts.emptyReply);
    if (verb === 'remove') {
      const ids = (attrs.get('.id') ?? attrs.get('numbers') ?? '').split(',').filter(Boolean);
      if (ids.length === 0) return trap('missing value(s) of argument(s) numbers', 1);
      for (const id of ids) if (!items.some((i) => i['.id'] === id)) return trap('no such item', 1);
      menus[menu] = items.filter((i) => !ids.includes(i['.id']!));
      return [['!done']];
    }
    return trap('no such command', 0);
  }

  const server = await startApiServer({
    silent: opts.silent,
    onSentence: (sentence) => sentences.push(sentence.map((w) => (w.startsWith('=password=') ? '=password=***' : w))),
    execute: (words, session) => execute(words, session),
  });

  return { port: server.port, menus, readOnlyMenus: printMenus, traffic, sentences, logins, connections: server.connections, close: server.close };
}
