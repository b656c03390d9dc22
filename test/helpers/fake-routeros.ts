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
 */
import net from 'node:net';

export type Item = Record<string, string>;

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
}

export interface FakeRouterOs {
  port: number;
  /** Live state: add or inspect items; each gets a `.id` like `*1`. */
  menus: { '/ppp/active': Item[]; '/ip/hotspot/active': Item[] };
  /** Every sentence received, passwords replaced by `***`. */
  sentences: string[][];
  logins: { ok: number; failed: number };
  /** Connections currently open. */
  connections(): number;
  close(): Promise<void>;
}

/** Encodes a word's length prefix (MikroTik manual "API", section "API words"). */
export function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x4000) return Buffer.from([(n >> 8) | 0x80, n & 0xff]);
  if (n < 0x200000) return Buffer.from([(n >> 16) | 0xc0, (n >> 8) & 0xff, n & 0xff]);
  if (n < 0x10000000) return Buffer.from([((n >>> 24) & 0x0f) | 0xe0, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.from([0xf0, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}

/** Decodes a length prefix at `buf[pos]`: [length, prefix size], or undefined when incomplete. */
export function decodeLength(buf: Buffer, pos: number): [number, number] | undefined {
  const b = buf[pos];
  if (b === undefined) return undefined;
  const size = b < 0x80 ? 1 : b < 0xc0 ? 2 : b < 0xe0 ? 3 : b < 0xf0 ? 4 : 5;
  if (pos + size > buf.length) return undefined;
  if (size === 1) return [b, 1];
  if (size === 5) return [buf.readUInt32BE(pos + 1), 5];
  let n = b & (0xff >> size);
  for (let i = 1; i < size; i++) n = n * 256 + buf[pos + i]!;
  return [n, size];
}

/** Encodes one sentence (words then the zero-length word). */
export function encodeSentence(words: string[]): Buffer {
  const parts: Buffer[] = [];
  for (const w of words) {
    const bytes = Buffer.from(w, 'utf8');
    parts.push(encodeLength(bytes.length), bytes);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
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
  const sockets = new Set<net.Socket>();

  function execute(words: string[], state: { loggedIn: boolean }): string[][] {
    const [command = '', ...rest] = words;
    const attrs = new Map<string, string>();
    const queries: string[] = [];
    for (const w of rest) {
      if (w.startsWith('=')) {
        const eq = w.indexOf('=', 1);
        attrs.set(eq < 0 ? w.slice(1) : w.slice(1, eq), eq < 0 ? '' : w.slice(eq + 1));
      } else if (w.startsWith('?')) queries.push(w.slice(1));
    }
    const trap = (message: string, category?: number): string[][] => [
      ['!trap', ...(category === undefined ? [] : [`=category=${category}`]), `=message=${message}`],
      ['!done'],
    ];

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

    const slash = command.lastIndexOf('/');
    const menu = command.slice(0, slash) as Menu;
    const verb = command.slice(slash + 1);
    const readOnly = printMenus.get(menu);
    if (!MENUS.includes(menu) && !(readOnly && verb === 'print')) return trap(readOnly ? 'no such command' : 'no such command prefix', 0);
    const items = readOnly ?? menus[menu];

    if (verb === 'print') {
      if (queries.some((q) => q.startsWith('#'))) return trap('fake RouterOS: query operations are not supported', 5);
      const matches = items.filter((item) => queries.every((q) => matchQuery(item, q)));
      const proplist = attrs.get('.proplist')?.split(',');
      const out = matches.map((item) => [
        '!re',
        ...Object.entries(item)
          .filter(([k]) => !proplist || proplist.includes(k))
          .map(([k, v]) => `=${k}=${v}`),
      ]);
      if (out.length === 0 && opts.emptyReply) out.push(['!empty']);
      return [...out, ['!done']];
    }
    if (verb === 'remove') {
      const ids = (attrs.get('.id') ?? attrs.get('numbers') ?? '').split(',').filter(Boolean);
      if (ids.length === 0) return trap('missing value(s) of argument(s) numbers', 1);
      for (const id of ids) if (!items.some((i) => i['.id'] === id)) return trap('no such item', 1);
      menus[menu] = items.filter((i) => !ids.includes(i['.id']!));
      return [['!done']];
    }
    return trap('no such command', 0);
  }

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const state = { loggedIn: false };
    let buf = Buffer.alloc(0);
    let words: string[] = [];
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      let pos = 0;
      for (;;) {
        const len = decodeLength(buf, pos);
        if (!len || pos + len[1] + len[0] > buf.length) break;
        const word = buf.subarray(pos + len[1], pos + len[1] + len[0]).toString('utf8');
        pos += len[1] + len[0];
        if (word !== '') {
          words.push(word);
          continue;
        }
        const sentence = words;
        words = [];
        sentences.push(sentence.map((w) => (w.startsWith('=password=') ? '=password=***' : w)));
        if (opts.silent) continue;
        const tag = sentence.find((w) => w.startsWith('.tag='));
        const replies = execute(sentence.filter((w) => !w.startsWith('.tag=')), state);
        // One write per answer: node-routeros expects sentences not to be split mid-word.
        socket.write(Buffer.concat(replies.map((r) => encodeSentence(tag ? [...r, tag] : r))));
      }
      buf = buf.subarray(pos);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });

  return {
    port: (server.address() as net.AddressInfo).port,
    menus,
    sentences,
    logins,
    connections: () => sockets.size,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One query word without its `?`: `name=value` (equal), `name` (present), `-name` (absent). */
function matchQuery(item: Item, q: string): boolean {
  if (q.startsWith('-')) return !(q.slice(1) in item);
  const eq = q.indexOf('=');
  if (eq < 0) return q in item;
  return item[q.slice(0, eq)] === q.slice(eq + 1);
}
