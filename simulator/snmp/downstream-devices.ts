/**
 * M simulated devices behind the router, each with its own SNMP agent on its own loopback
 * address (127.0.1.1, 127.0.1.2, … 127.0.1.250, then 127.0.2.1, …; all of 127/8 is loopback on
 * Linux) and the same port. Kinds cycle OLT, switch, access point; each has an uplink and a few
 * ports whose traffic wanders (simulator/traffic/traffic.ts).
 *
 * Every fifth device (5, 10, …) goes down for `downSeconds` once every `periodSeconds`, staggered:
 * its agent stops answering (SNMP timeouts) and its interfaces report down, then it comes back
 * (its counters kept counting meanwhile: no reset). A loopback address always answers ping, so only SNMP sees the outage.
 */
import { Counters, wander, type Rates } from '../traffic/traffic.js';
import { startSnmpAgent, type SimInterface, type SnmpAgent } from './snmp-agent.js';

export type DeviceKind = 'olt' | 'switch' | 'access_point';

export interface SimDevice {
  name: string;
  kind: DeviceKind;
  address: string;
  port: number;
  /** Whether this one goes down on the schedule. */
  flaps: boolean;
  agent: SnmpAgent;
}

export interface DownstreamOptions {
  count: number;
  port: number;
  community: string;
  /** Default 300 s. */
  periodSeconds?: number;
  /** Default 60 s. */
  downSeconds?: number;
  say(line: string): void;
}

export interface Downstream {
  devices: SimDevice[];
  /** Moves traffic on by `seconds` and applies the down/up schedule. */
  tick(seconds: number): void;
  close(): Promise<void>;
}

const KINDS: DeviceKind[] = ['olt', 'switch', 'access_point'];
const PORTS: Record<DeviceKind, { names: string[]; speedMbps: number; descr: string }> = {
  olt: { names: ['uplink', 'pon1', 'pon2', 'pon3', 'pon4'], speedMbps: 2500, descr: 'Simulated GPON OLT' },
  switch: { names: ['sfp1', 'ether1', 'ether2', 'ether3', 'ether4', 'ether5', 'ether6', 'ether7', 'ether8'], speedMbps: 1000, descr: 'RouterOS CRS328-24P-4S+ (simulated)' },
  access_point: { names: ['ether1', 'wlan1'], speedMbps: 300, descr: 'RouterOS RBSXTsq5ac (simulated)' },
};

/** The address of device `i` (from 1). */
export function deviceAddress(i: number): string {
  return `127.0.${1 + Math.floor((i - 1) / 250)}.${1 + ((i - 1) % 250)}`;
}

/** Starts the M agents. @throws Error when an address cannot be bound. */
export async function startDownstream(o: DownstreamOptions): Promise<Downstream> {
  const period = o.periodSeconds ?? 300;
  const downFor = Math.min(o.downSeconds ?? 60, period - 1);
  const started = Date.now();
  const devices: SimDevice[] = [];
  const links: Array<{ counters: Counters; rates: Rates; limit: Rates }> = [];
  const isDown = (i: number): boolean => {
    if (i % 5 !== 0) return false;
    const offset = (i * 37) % Math.max(1, period - downFor);
    return ((Date.now() - started) / 1000 + offset) % period >= period - downFor;
  };
  for (let i = 1; i <= o.count; i++) {
    const kind = KINDS[(i - 1) % KINDS.length]!;
    const spec = PORTS[kind];
    const name = `sim-${kind.replace('_', '-')}-${i}`;
    const address = deviceAddress(i);
    const interfaces: SimInterface[] = spec.names.map((ifName, k) => {
      const link = { counters: new Counters(), rates: { rx: 0, tx: 0 }, limit: { rx: (spec.speedMbps * 1e6) / 4, tx: (spec.speedMbps * 1e6) / 2 } };
      links.push(link);
      return { index: k + 1, name: ifName, speedMbps: spec.speedMbps, mac: Buffer.from([2, 0x51, 0, i >> 8, i & 255, k + 1]), counters: link.counters, up: () => !isDown(i) };
    });
    const agent = await startSnmpAgent({
      address, port: o.port, community: o.community, sysName: name, sysDescr: spec.descr, sysObjectId: '1.3.6.1.4.1.14988.1',
      sysLocation: 'Simulated POP', bootedAt: started - 86_400_000 * (1 + (i % 7)), interfaces, cpuLoad: () => 5 + ((i * 13 + Math.floor(Date.now() / 10_000)) % 30),
    });
    devices.push({ name, kind, address, port: agent.port, flaps: i % 5 === 0, agent });
  }
  return {
    devices,
    tick(seconds) {
      for (const l of links) {
        l.rates = wander(l.rates, l.limit);
        l.counters.add(l.rates, seconds);
      }
      devices.forEach((d, k) => {
        const up = !isDown(k + 1);
        if (up === d.agent.answering) return;
        d.agent.setAnswering(up);
        o.say(`device ${d.name} (${d.address}:${d.port}) ${up ? 'up: answers SNMP again' : 'down: stops answering SNMP'}`);
      });
    },
    async close() {
      await Promise.all(devices.map((d) => d.agent.close()));
    },
  };
}
