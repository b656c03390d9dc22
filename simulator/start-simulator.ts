/**
 * A virtual MikroTik router (ARCHITECTURE.md, "Roles": a tool beside the product, like scripts/;
 * it reaches the product only over the wire: RADIUS, the RouterOS API and SNMP):
 * - PPPoE subscribers log in over RADIUS at `loginRate` a second, with accounting
 *   (simulator/virtual-router.ts);
 * - `/radius incoming` on `coaPort` honours CoA and Disconnect (simulator/radius/coa-listener.ts);
 * - the RouterOS API on `api.port` (simulator/routeros-api/router-commands.ts);
 * - SNMP for the router on nasIp:`snmp.port` and for `devices` downstream devices
 *   (simulator/snmp/).
 * Every listener binds to the NAS address (`nasIp`), so several simulators can run side by side
 * on 127.0.0.2, 127.0.0.3, … It prints one line per event and a summary every `summarySeconds`;
 * `stop()` logs every subscriber off (Stop, NAS-Reboot) and closes everything.
 * The caller registers the NAS and the subscribers in the product (`register`, called once the
 * ports are bound and before the first login): see scripts/simulate.ts.
 */
import { startCoaListener, type CoaListener } from './radius/coa-listener.js';
import { createRadiusClient } from './radius/radius-client.js';
import { startApiServer, type ApiServer } from './routeros-api/api-server.js';
import { routerCommands } from './routeros-api/router-commands.js';
import { routerView } from './router-view.js';
import { startDownstream, type DeviceKind, type Downstream } from './snmp/downstream-devices.js';
import { startSnmpAgent, type SnmpAgent } from './snmp/snmp-agent.js';
import { Counters } from './traffic/traffic.js';
import { VirtualRouter, type Subscriber } from './virtual-router.js';

export type { Subscriber } from './virtual-router.js';

export interface SimulatorOptions {
  nasIp: string;
  secret: string;
  /** Default 127.0.0.1. */
  radiusHost?: string;
  authPort: number;
  acctPort: number;
  subscribers: Subscriber[];
  /** Logins started per second; default 20. */
  loginRate?: number;
  /** Default 'mixed': odd subscribers PAP, even CHAP. */
  auth?: 'pap' | 'chap' | 'mixed';
  /** Default 300, unless the Access-Accept carries Acct-Interim-Interval. */
  interimSeconds?: number;
  /** After a reject or no answer; default 30. */
  retrySeconds?: number;
  /** A dropped subscriber dials again after this long; 0 never. Default 10. */
  redialSeconds?: number;
  /** One random subscriber logs off (User-Request) this often and dials again; 0 never (default). */
  logoffEverySeconds?: number;
  /** System → Identity, sent as NAS-Identifier; default `sim-<nasIp>`. */
  identity?: string;
  /** 0: a free port. Default 3799. */
  coaPort?: number;
  /** RouterOS API; port 0: a free port. Default 8728, admin / simulator. */
  api?: { port?: number; username?: string; password?: string };
  /** SNMP v2c; port 0: a free port. Default 1161, community public. */
  snmp?: { port?: number; community?: string };
  /** Downstream devices; default 0. */
  devices?: number;
  flap?: { periodSeconds?: number; downSeconds?: number };
  /** Default 10; 0 none. */
  summarySeconds?: number;
  /** Where event lines go; default stdout with the time. */
  say?: (line: string) => void;
  register?(endpoints: SimulatorEndpoints): Promise<void>;
}

export interface SimulatorEndpoints {
  nasIp: string;
  secret: string;
  identity: string;
  coaPort: number;
  api: { port: number; username: string; password: string };
  snmp: { port: number; community: string };
  devices: Array<{ name: string; kind: DeviceKind; address: string; port: number; flaps: boolean }>;
}

export interface Simulator {
  endpoints: SimulatorEndpoints;
  router: VirtualRouter;
  /** Resolves when every subscriber's first login attempt has finished (accepted or not). */
  firstLogins: Promise<void>;
  stop(): Promise<void>;
}

const defaultSay = (line: string): void => void process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

/** Binds everything, calls `register`, then starts logging subscribers in. @throws Error when a port cannot be bound. */
export async function startSimulator(o: SimulatorOptions): Promise<Simulator> {
  const say = o.say ?? defaultSay;
  const secret = Buffer.from(o.secret);
  const identity = o.identity ?? `sim-${o.nasIp}`;
  const redial = o.redialSeconds ?? 10;
  const closers: Array<() => Promise<void>> = [];
  const timers: NodeJS.Timeout[] = [];
  const index = new Map(o.subscribers.map((s, i) => [s.username, { sub: s, index: i + 1 }]));
  try {
    const radius = await createRadiusClient({ bindAddress: o.nasIp, server: o.radiusHost ?? '127.0.0.1', secret });
    closers.push(() => radius.close());
    const router = new VirtualRouter({
      radius, secret, nasIp: o.nasIp, identity, authPort: o.authPort, acctPort: o.acctPort, interimSeconds: o.interimSeconds ?? 300,
      auth: o.auth ?? 'mixed', retrySeconds: o.retrySeconds ?? 30, redialSeconds: redial, say,
    });
    const dropped = (username: string): { sub: Subscriber; index: number } | undefined => (redial > 0 ? index.get(username) : undefined);
    const coa: CoaListener = await startCoaListener({
      address: o.nasIp, port: o.coaPort ?? 3799, secret,
      find: (key) => router.find(key),
      onCoa: (s, changes) => router.applyCoa(s, changes),
      onDisconnect: (s) => {
        router.stats.disconnects++;
        say(`Disconnect-Request ${s.username} ${s.acctSessionId} → Disconnect-ACK`);
        void router.logoff(s, 'Admin-Reset', dropped(s.username));
      },
      onRefused: say,
    });
    closers.push(() => coa.close());

    const bootedAt = Date.now();
    const uplink = new Counters();
    const downlink = new Counters();
    const apiUser = { username: o.api?.username ?? 'admin', password: o.api?.password ?? 'simulator' };
    const view = routerView({ router, identity, bootedAt, uplink, downlink, users: { [apiUser.username]: apiUser.password }, dropped });
    const api: ApiServer = await startApiServer({ host: o.nasIp, port: o.api?.port ?? 8728, execute: routerCommands(view) });
    closers.push(() => api.close());
    const community = o.snmp?.community ?? 'public';
    const snmpPort = o.snmp?.port ?? 1161;
    const agent: SnmpAgent = await startSnmpAgent({
      address: o.nasIp, port: snmpPort, community, sysName: identity, sysDescr: 'RouterOS CCR2004-16G-2S+ (simulated)',
      sysObjectId: '1.3.6.1.4.1.14988.1', sysLocation: 'Simulated POP', bootedAt, cpuLoad: () => view.cpuLoad(),
      interfaces: [
        { index: 1, name: 'ether1', alias: 'uplink', speedMbps: 10_000, mac: Buffer.from('025e00000001', 'hex'), counters: uplink, up: () => true },
        { index: 2, name: 'ether2', alias: 'subscribers', speedMbps: 10_000, mac: Buffer.from('025e00000002', 'hex'), counters: downlink, up: () => true },
      ],
    });
    closers.push(() => agent.close());
    const downstream: Downstream = await startDownstream({ count: o.devices ?? 0, port: agent.port, community, ...o.flap, say });
    closers.push(() => downstream.close());

    const endpoints: SimulatorEndpoints = {
      nasIp: o.nasIp, secret: o.secret, identity, coaPort: coa.port, api: { port: api.port, ...apiUser }, snmp: { port: agent.port, community },
      devices: downstream.devices.map(({ name, kind, address, port, flaps }) => ({ name, kind, address, port, flaps })),
    };
    say(`router ${identity} on ${o.nasIp}: CoA ${coa.port}/udp, RouterOS API ${api.port}/tcp (${apiUser.username}), SNMP ${agent.port}/udp (${community}); ${endpoints.devices.length} downstream devices; RADIUS ${o.radiusHost ?? '127.0.0.1'}:${o.authPort}/${o.acctPort}`);
    await o.register?.(endpoints);

    let last = Date.now();
    timers.push(setInterval(() => {
      const now = Date.now();
      const seconds = (now - last) / 1000;
      last = now;
      router.tick(seconds);
      view.tick(seconds);
      downstream.tick(seconds);
    }, 1000));
    const summary = o.summarySeconds ?? 10;
    if (summary > 0) timers.push(setInterval(() => say(view.summary(downstream.devices.filter((d) => d.agent.answering).length, downstream.devices.length)), summary * 1000));
    if (o.logoffEverySeconds) {
      timers.push(setInterval(() => {
        const online = [...router.sessions.values()];
        const s = online[Math.floor(Math.random() * online.length)];
        if (s) void router.logoff(s, 'User-Request', dropped(s.username));
      }, o.logoffEverySeconds * 1000));
    }

    const gap = 1000 / (o.loginRate ?? 20);
    const firstLogins = (async () => {
      const attempts: Array<Promise<unknown>> = [];
      for (const [i, sub] of o.subscribers.entries()) {
        if (i > 0) await new Promise((r) => timers.push(setTimeout(r, gap)));
        attempts.push(router.login(sub, i + 1));
      }
      await Promise.all(attempts);
    })();

    return {
      endpoints,
      router,
      firstLogins,
      async stop() {
        for (const t of timers) clearInterval(t);
        await router.shutdown();
        for (const close of closers.reverse()) await close();
        say('simulator stopped');
      },
    };
  } catch (err) {
    for (const t of timers) clearInterval(t);
    for (const close of closers.reverse()) await close().catch(() => {});
    throw err;
  }
}
