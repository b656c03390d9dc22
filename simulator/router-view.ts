/**
 * What the simulated router shows of itself: its interfaces and active PPP sessions for the
 * RouterOS API (simulator/routeros-api/router-commands.ts), its ether1/ether2 totals for SNMP,
 * and the summary line the simulator prints.
 *
 * ether2 faces the subscribers: it receives their upload and sends their download (the sum of
 * the sessions' rates plus 1 Mbit/s of the router's own chatter); ether1, the uplink, carries
 * the same the other way round.
 */
import type { RouterView } from './routeros-api/router-commands.js';
import { routerOsDuration } from './routeros-api/router-commands.js';
import type { Item } from './routeros-api/wire.js';
import type { Counters, Rates } from './traffic/traffic.js';
import type { Session, Subscriber, VirtualRouter } from './virtual-router.js';

export interface RouterViewOptions {
  router: VirtualRouter;
  identity: string;
  bootedAt: number;
  uplink: Counters;
  downlink: Counters;
  users: Record<string, string>;
  /** Who dials again after a drop (undefined: nobody). */
  dropped(username: string): { sub: Subscriber; index: number } | undefined;
}

export interface SimRouterView extends RouterView {
  /** Moves the ether1/ether2 totals on by `seconds`. */
  tick(seconds: number): void;
  /** The periodic summary line. */
  summary(devicesAnswering: number, devices: number): string;
}

const pppoeName = (username: string): string => `<pppoe-${username}>`;
const mbps = (bps: number): string => `${(bps / 1e6).toFixed(1)} Mbit/s`;

export function routerView(o: RouterViewOptions): SimRouterView {
  const { router } = o;
  let total: Rates = { rx: 0, tx: 0 };
  const sessionsByName = (name: string): Session | undefined =>
    name.startsWith('<pppoe-') && name.endsWith('>') ? router.sessions.get(name.slice(7, -1)) : undefined;
  const ether = (k: number, name: string, comment: string, c: Counters): Item => ({
    '.id': `*${k}`, name, 'default-name': name, type: 'ether', mtu: '1500', 'actual-mtu': '1500', 'mac-address': `02:5E:00:00:00:0${k}`,
    comment, running: 'true', disabled: 'false', 'rx-byte': String(c.rxOctets), 'tx-byte': String(c.txOctets),
    'rx-packet': String(c.rxPackets), 'tx-packet': String(c.txPackets),
  });

  return {
    users: o.users,
    identity: o.identity,
    uptimeSeconds: () => (Date.now() - o.bootedAt) / 1000,
    cpuLoad: () => Math.min(100, 2 + Math.floor(router.sessions.size / 200) + (Math.floor(Date.now() / 5000) % 5)),
    interfaces: () => [
      ether(1, 'ether1', 'uplink', o.uplink),
      ether(2, 'ether2', 'subscribers', o.downlink),
      ...[...router.sessions.values()].map((s) => ({
        '.id': s.apiId, name: pppoeName(s.username), type: 'pppoe-in', mtu: '1480', 'actual-mtu': '1480', dynamic: 'true',
        running: 'true', disabled: 'false', 'rx-byte': String(s.counters.rxOctets), 'tx-byte': String(s.counters.txOctets),
        'rx-packet': String(s.counters.rxPackets), 'tx-packet': String(s.counters.txPackets),
      })),
    ],
    pppActive: () => [...router.sessions.values()].map((s) => ({
      '.id': s.apiId, name: s.username, service: 'pppoe', 'caller-id': s.callingStationId, address: s.framedIp ?? '',
      uptime: routerOsDuration((Date.now() - s.startedAt) / 1000), encoding: '', 'session-id': s.acctSessionId,
      'limit-bytes-in': '0', 'limit-bytes-out': '0', radius: 'true',
    })),
    traffic(name) {
      if (name === 'ether1') return { rx: total.tx, tx: total.rx };
      if (name === 'ether2') return total;
      return sessionsByName(name)?.rates;
    },
    removeActive(id) {
      const s = [...router.sessions.values()].find((x) => x.apiId === id);
      if (!s) return false;
      void router.logoff(s, 'Admin-Reset', o.dropped(s.username));
      return true;
    },
    tick(seconds) {
      total = { rx: 1e6, tx: 1e6 };
      for (const s of router.sessions.values()) {
        total.rx += s.rates.rx;
        total.tx += s.rates.tx;
      }
      o.downlink.add(total, seconds);
      o.uplink.add({ rx: total.tx, tx: total.rx }, seconds);
    },
    summary(answering, devices) {
      const st = router.stats;
      return `summary: ${router.sessions.size} online; logins ${st.accepts} accepted, ${st.rejects} rejected, ${st.timeouts} unanswered; ` +
        `accounting ${st.accountingSent} sent, ${st.accountingLost} lost; CoA ${st.coa}, Disconnect ${st.disconnects}; ` +
        `traffic ↓${mbps(total.tx)} ↑${mbps(total.rx)}; devices ${answering}/${devices} answering`;
    },
  };
}
