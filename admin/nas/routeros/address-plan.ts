/**
 * The addresses a generated router script hands out when the staff member gives none: one
 * `/ip pool` per pool the plans name (RADIUS Framed-Pool, RFC 2869 §5.18: the router picks the
 * address from its own pool of that name), the PPPoE server's own address, and the hotspot's
 * network. Defaults, to change on the script page or with `npm run nas -- add --pool NAME=RANGES`:
 *
 * - PPPoE local-address 172.16.0.1, the default pool `billing-pppoe` 172.16.0.2-172.16.0.254
 *   (for plans without a pool);
 * - the plans' pools, by name: 172.16.1.2-172.16.1.254, 172.16.2.2-…, one /24 each (253
 *   subscribers: give larger ranges for larger plans);
 * - the hotspot 10.5.50.1/24 (RouterOS's own hotspot setup default), DHCP from .2 to .254.
 */
import net from 'node:net';

export interface PoolRange {
  name: string;
  /** RouterOS `ranges`: `a.b.c.d-a.b.c.e` or `a.b.c.d/nn`, comma-separated. */
  ranges: string;
}

export interface RouterNetwork {
  pppoeInterface: string;
  /** The PPPoE server's own address in every session (ppp profile local-address). */
  localAddress: string;
  /** DNS servers handed to PPPoE clients (comma-separated IPv4). */
  dnsServers: string;
  hotspotInterface: string;
  /** The hotspot's gateway address with its prefix, e.g. 10.5.50.1/24. */
  hotspotAddress: string;
}

export const DEFAULT_POOL = 'billing-pppoe';
export const DEFAULT_NETWORK: RouterNetwork = {
  pppoeInterface: 'ether2',
  localAddress: '172.16.0.1',
  dnsServers: '8.8.8.8,1.1.1.1',
  hotspotInterface: 'ether3',
  hotspotAddress: '10.5.50.1/24',
};

/** The default pool first, then every named pool (sorted, each once) with the default ranges. */
export function defaultPools(names: readonly string[]): PoolRange[] {
  const named = [...new Set(names.filter((n) => n && n !== DEFAULT_POOL))].sort();
  if (named.length > 254) throw new RangeError('more than 254 pools: give their ranges');
  return [{ name: DEFAULT_POOL, ranges: '172.16.0.2-172.16.0.254' }, ...named.map((name, i) => ({ name, ranges: `172.16.${i + 1}.2-172.16.${i + 1}.254` }))];
}

/** True for RouterOS pool ranges: IPv4 `a-b` pairs or prefixes, comma-separated. */
export function validRanges(text: string): boolean {
  return text.split(',').every((part) => {
    const range = /^([\d.]+)-([\d.]+)$/.exec(part);
    if (range) return net.isIPv4(range[1]!) && net.isIPv4(range[2]!) && toInt(range[1]!) <= toInt(range[2]!);
    const prefix = /^([\d.]+)\/(\d{1,2})$/.exec(part);
    return prefix !== null && net.isIPv4(prefix[1]!) && Number(prefix[2]) <= 32;
  });
}

/**
 * `name ranges` lines (a textarea, or `NAME=RANGES` flags) over the defaults: a line for a pool
 * replaces its default ranges. Returns the pools, or the first line that is not `name ranges`
 * with valid ranges.
 */
export function poolsWithOverrides(defaults: readonly PoolRange[], lines: readonly string[]): { pools: PoolRange[] } | { error: string } {
  const out = new Map(defaults.map((p) => [p.name, p.ranges]));
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^([A-Za-z0-9_.-]{1,64})\s*[= ]\s*(\S+)$/.exec(line);
    if (!m || !validRanges(m[2]!)) return { error: line };
    out.set(m[1]!, m[2]!);
  }
  return { pools: [...out].map(([name, ranges]) => ({ name, ranges })) };
}

/** The hotspot network from `a.b.c.d/nn` (nn 16-29): its address, network and DHCP range (every other host). */
export function hotspotNetwork(cidr: string): { gateway: string; network: string; dhcpRange: string } | null {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr.trim());
  if (!m || !net.isIPv4(m[1]!)) return null;
  const bits = Number(m[2]);
  if (bits < 16 || bits > 29) return null;
  const ip = toInt(m[1]!);
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  const first = ((ip & mask) >>> 0) + 1;
  const last = (((ip & mask) | ~mask) >>> 0) - 1;
  if (ip < first || ip > last) return null;
  const [from, to] = ip === first ? [first + 1, last] : ip === last ? [first, last - 1] : [ip + 1, last];
  return { gateway: m[1]!, network: `${toIp((ip & mask) >>> 0)}/${bits}`, dhcpRange: `${toIp(from)}-${toIp(to)}` };
}

function toInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}
