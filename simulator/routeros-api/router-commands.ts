/**
 * The RouterOS API commands the simulated router answers (MikroTik manual "API" for the protocol;
 * menus and property names as RouterOS 7 prints them):
 * - `/login =name= =password=` (post-6.43 login); anything before a successful login is trapped;
 * - `/system/identity/print`, `/system/resource/print` (uptime, cpu-load, memory, version, board);
 * - `/interface/print`: ether1 (uplink), ether2 (subscribers) and one dynamic `<pppoe-USER>` per
 *   session, with byte and packet counters;
 * - `/ppp/active/print` (name, service, caller-id, address, uptime, session-id = the
 *   Acct-Session-Id) and `/ppp/active/remove =.id=` / `=numbers=` (ends the session: its Stop is
 *   sent, as when the router drops a session itself);
 * - `/ip/hotspot/active/print` (no hotspot users: empty);
 * - `/interface/monitor-traffic =interface=<name>` with `=once=` (one `!re`), or streamed every
 *   second until `/cancel =tag=`, answered `!trap =category=2 =message=interrupted` + `!done`;
 * - `/cancel`.
 * Queries (`?name=value`, `?name`, `?-name`) and `=.proplist=` work on every print.
 */
import type { ApiSession } from './api-server.js';
import { parseCommand, printReplies, trap, type Item } from './wire.js';

export interface RouterView {
  users: Record<string, string>;
  identity: string;
  /** Seconds since the simulated router booted. */
  uptimeSeconds(): number;
  cpuLoad(): number;
  interfaces(): Item[];
  pppActive(): Item[];
  /** Current rates of an interface (bits per second, router's view), or undefined when it does not exist. */
  traffic(name: string): { rx: number; tx: number } | undefined;
  /** Ends the session with this `.id`; false when there is none. */
  removeActive(id: string): boolean;
}

/** RouterOS's duration format: `1w2d3h4m5s`, `0s`. */
export function routerOsDuration(seconds: number): string {
  let s = Math.floor(seconds);
  const parts: string[] = [];
  for (const [unit, size] of [['w', 604800], ['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  if (s > 0 || parts.length === 0) parts.push(`${s}s`);
  return parts.join('');
}

function monitorItem(name: string, t: { rx: number; tx: number }): string[] {
  return ['!re', `=name=${name}`, `=rx-bits-per-second=${Math.round(t.rx)}`, `=tx-bits-per-second=${Math.round(t.tx)}`,
    `=rx-packets-per-second=${Math.round(t.rx / 8000)}`, `=tx-packets-per-second=${Math.round(t.tx / 8000)}`];
}

/** The `execute` of simulator/routeros-api/api-server.ts for `view`. */
export function routerCommands(view: RouterView): (words: string[], session: ApiSession, tag: string | undefined) => string[][] | undefined {
  return (words, session, tag) => {
    const cmd = parseCommand(words);
    const { command, attrs } = cmd;
    if (command === '/login') {
      const name = attrs.get('name');
      if (name === undefined || view.users[name] === undefined || view.users[name] !== attrs.get('password')) return trap('invalid user name or password (6)');
      session.loggedIn = true;
      return [['!done']];
    }
    if (!session.loggedIn) return trap('not logged in', 0);
    switch (command) {
      case '/system/identity/print':
        return printReplies([{ name: view.identity }], cmd);
      case '/system/resource/print':
        return printReplies([{
          uptime: routerOsDuration(view.uptimeSeconds()), version: '7.16.2 (stable)', 'build-time': '2024-11-26 10:00:00',
          'free-memory': '3221225472', 'total-memory': '4294967296', cpu: 'ARM64', 'cpu-count': '4', 'cpu-frequency': '1700',
          'cpu-load': String(view.cpuLoad()), 'free-hdd-space': '100663296', 'total-hdd-space': '134217728',
          'architecture-name': 'arm64', 'board-name': 'CCR2004-16G-2S+', platform: 'MikroTik',
        }], cmd);
      case '/interface/print':
        return printReplies(view.interfaces(), cmd);
      case '/ppp/active/print':
        return printReplies(view.pppActive(), cmd);
      case '/ip/hotspot/active/print':
        return printReplies([], cmd);
      case '/ppp/active/remove': {
        const ids = (attrs.get('.id') ?? attrs.get('numbers') ?? '').split(',').filter(Boolean);
        if (ids.length === 0) return trap('missing value(s) of argument(s) numbers', 1);
        const known = new Set(view.pppActive().map((i) => i['.id']));
        for (const id of ids) if (!known.has(id)) return trap('no such item', 1);
        for (const id of ids) view.removeActive(id);
        return [['!done']];
      }
      case '/interface/monitor-traffic':
        return monitorTraffic(view, attrs, session, tag);
      case '/cancel': {
        const target = attrs.get('tag');
        const stop = target === undefined ? undefined : session.streams.get(target);
        if (stop) stop();
        return [['!done']];
      }
      default:
        return trap(command.split('/').length > 2 ? 'no such command' : 'no such command prefix', 0);
    }
  };
}

function monitorTraffic(view: RouterView, attrs: Map<string, string>, session: ApiSession, tag: string | undefined): string[][] | undefined {
  const names = (attrs.get('interface') ?? '').split(',').filter(Boolean);
  if (names.length === 0) return trap('missing value(s) of argument(s) interface', 1);
  const sample = (): string[][] | null => {
    const rows: string[][] = [];
    for (const name of names) {
      const t = view.traffic(name);
      if (!t) return null;
      rows.push(monitorItem(name, t));
    }
    return rows;
  };
  const first = sample();
  if (!first) return trap('no such item', 1);
  if (attrs.has('once') || tag === undefined) return [...first, ['!done']];
  session.send(first, tag);
  const timer = setInterval(() => {
    const rows = sample();
    if (rows) session.send(rows, tag);
    else {
      // The session ended under the monitor: RouterOS traps the running command.
      clearInterval(timer);
      session.streams.delete(tag);
      session.send(trap('no such item', 1), tag);
    }
  }, 1000);
  const stop = (): void => {
    clearInterval(timer);
    if (session.streams.delete(tag)) session.send([['!trap', '=category=2', '=message=interrupted'], ['!done']], tag);
  };
  session.streams.set(tag, stop);
  return undefined;
}
