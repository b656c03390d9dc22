/**
 * The RouterOS script a technician pastes into a MikroTik to use this server (console's router
 * page, `npm run nas -- add`), for RouterOS 7 or 6, its comments in the staff member's language.
 * In order:
 *
 * 1. Optional WireGuard tunnel to this server on a VPS (RouterOS 7; wireguard.ts).
 * 2. RADIUS client (manual "RADIUS": /radius, /radius incoming for CoA / Disconnect, RFC 5176)
 *    and an input rule accepting UDP `coaPort` from this server only: the default configuration
 *    drops input from the WAN side, CoA included.
 * 3. `/ip pool` for every pool the plans name (address-plan.ts), a PPP profile (local-address,
 *    remote-address the default pool, DNS) and a PPPoE server on the chosen interface; PPP AAA
 *    uses RADIUS with accounting.
 * 3a. IPv6 (ipv6-script.ts): an `/ipv6 pool` per IPv6 pool the plans name, for DHCPv6-PD over
 *    PPPoE from RADIUS (Mikrotik-Delegated-IPv6-Pool, Framed-IPv6-Pool).
 * 4. Hotspot: its address, DHCP, a profile using RADIUS (HTTP-CHAP and PAP), the server, the
 *    walled garden to this server's login page; the router's login.html (hotspot-login-html.ts)
 *    is a separate download.
 * 5. Walled garden (isolir): the radius role puts suspended subscribers in the address list
 *    `addressList` (Mikrotik-Address-List). Their web traffic goes to the captive portal
 *    (PUBLIC_URL/portal/captive): port 80 is redirected to the router's web proxy (a dst-nat can
 *    only change an address and port), whose access list lets the portal host through and
 *    redirects every other request to the portal URL, so it is never an open proxy. Forward
 *    rules let the list reach DNS, the portal host and the payment pages (an address-list entry
 *    may be a DNS name, RouterOS 6.36+) and drop the rest.
 *
 * Filter rules go to the top of their table with script-syntax.ts ruleAtTop (works on an empty
 * table; `place-before=0` does not). Items are added only when missing, firewall rules, address
 * list entries, proxy rules and the RADIUS entry replaced by comment: a second paste is safe.
 *
 * Versions: `require-message-auth` exists from RouterOS 7.15 (BlastRADIUS), so it is written only
 * with `messageAuth`. RouterOS 6 has no /interface wireguard, and its proxy access list takes
 * `action=deny redirect-to=<url>` where RouterOS 7 takes `action=redirect action-data=<url>`.
 */
import { t as text, type Locale } from '../../../lib/i18n.js';
import { DEFAULT_POOL, hotspotNetwork, type PoolRange, type RouterNetwork } from './address-plan.js';
import { hostForUrl, ifMissing, quote, ruleAtTop } from '../../../lib/routeros/script-syntax.js';
import { WIREGUARD_INTERFACE, type WireGuardTunnel } from './wireguard.js';
import { ipv6PoolLines, type Ipv6PoolPlan } from './ipv6-script.js';

export interface RouterOsSetupInput {
  locale: Locale;
  routerOs: 6 | 7;
  /** RouterOS 7.15 or newer: the RADIUS entry requires Message-Authenticator. */
  messageAuth: boolean;
  /** This server's IP address as the router reaches it (`/radius address=`; the tunnel's server address with a tunnel). */
  radiusServer: string;
  secret: string;
  authPort: number;
  acctPort: number;
  /** The router's /radius incoming port for CoA / Disconnect (RFC 5176). */
  coaPort: number;
  /** Acct-Interim-Interval the server sends, seconds. */
  interimInterval: number;
  /** Address list of walled-garden clients (aaa settings walledGarden.addressList). */
  addressList: string;
  /** PUBLIC_URL without a trailing slash (or `http://server:PORT`): the portal's pages are below it. */
  portalBase: string;
  /** The default pool first (address-plan.ts DEFAULT_POOL), then each pool the plans name. */
  pools: readonly PoolRange[];
  network: RouterNetwork;
  /** RouterOS 7 only. */
  tunnel?: WireGuardTunnel | null;
  /** Port of the router's web proxy that answers the walled garden's web requests. */
  proxyPort?: number;
  /** Payment pages the walled garden must reach (default PAYMENT_HOSTS). */
  paymentHosts?: readonly string[];
  /** IPv6 pools the PPPoE plans name (ipv6-script.ts); none or absent: no IPv6 lines. */
  ipv6Pools?: readonly Ipv6PoolPlan[];
}

/**
 * Hosts of the payment pages the captive portal sends a suspended subscriber to: Midtrans Snap
 * (production and sandbox, docs.midtrans.com "Snap") and Xendit's hosted checkout. They join the
 * portal's address list, so the walled garden reaches them over HTTPS. A page that loads assets
 * from other hosts, or an e-wallet app paying a QRIS code over this line, needs more entries
 * (the app usually pays over mobile data).
 */
export const PAYMENT_HOSTS = ['app.midtrans.com', 'api.midtrans.com', 'app.sandbox.midtrans.com', 'api.sandbox.midtrans.com', 'checkout.xendit.co', 'checkout-staging.xendit.co'] as const;

/** The router's web proxy port used for the walled-garden redirect, unless given. */
export const WALLED_GARDEN_PROXY_PORT = 8089;
export const PPP_PROFILE = 'billing-pppoe';
export const HOTSPOT_NAME = 'billing-hotspot';

/** A comment line in the staff member's language: `routeros.<key>` with `{name}` filled in. */
export function commentLine(locale: Locale, key: string, vars: Record<string, string | number> = {}): string {
  return `# ${text(locale, `routeros.${key}`).replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`))}`;
}

/** The script, one command per line. @throws RangeError for a tunnel on RouterOS 6 or a bad hotspot address. */
export function routerOsSetupScript(i: RouterOsSetupInput): string {
  if (i.tunnel && i.routerOs === 6) throw new RangeError('RouterOS 6 has no WireGuard');
  const c = (key: string, vars?: Record<string, string | number>): string => commentLine(i.locale, key, vars);
  return [
    c('header', { version: i.routerOs === 6 ? '6' : i.messageAuth ? '7.15+' : '7' }),
    ...(i.tunnel ? tunnelLines(i.tunnel, c) : []),
    ...radiusLines(i, c),
    ...pppoeLines(i, c),
    ...ipv6PoolLines(i.ipv6Pools ?? [], PPP_PROFILE, c),
    ...hotspotLines(i, c),
    ...walledGardenLines(i, c),
  ].join('\n');
}

type Comment = (key: string, vars?: Record<string, string | number>) => string;

function tunnelLines(t: WireGuardTunnel, c: Comment): string[] {
  const wg = quote(WIREGUARD_INTERFACE);
  return [
    c('tunnel', { endpoint: t.endpoint, port: t.port }),
    ifMissing('/interface wireguard', `name=${wg}`, `/interface wireguard add name=${wg} listen-port=${t.port} private-key=${quote(t.router.privateKey)}`),
    `/interface wireguard set [find where name=${wg}] private-key=${quote(t.router.privateKey)}`,
    `/interface wireguard peers remove [find where interface=${wg}]`,
    `/interface wireguard peers add interface=${wg} public-key=${quote(t.server.publicKey)} endpoint-address=${quote(t.endpoint)} endpoint-port=${t.port} allowed-address=${t.serverAddress}/32 persistent-keepalive=25s`,
    ifMissing('/ip address', `interface=${wg}`, `/ip address add address=${t.routerAddress}/30 interface=${wg}`),
  ];
}

function radiusLines(i: RouterOsSetupInput, c: Comment): string[] {
  const minutes = Math.max(1, Math.round(i.interimInterval / 60));
  const tag = quote('billing: RADIUS');
  return [
    c('radius'),
    `/radius remove [find where comment=${tag}]`,
    `/radius add service=ppp,hotspot address=${i.radiusServer} secret=${quote(i.secret)} authentication-port=${i.authPort} accounting-port=${i.acctPort} timeout=300ms` +
      (i.routerOs === 7 && i.messageAuth ? ' require-message-auth=yes-for-request-resp' : '') + ` comment=${tag}`,
    c('coa', { port: i.coaPort }),
    `/radius incoming set accept=yes port=${i.coaPort}`,
    c('coa_firewall', { server: i.radiusServer }),
    ...ruleAtTop('/ip firewall filter', `chain=input protocol=udp src-address=${i.radiusServer} dst-port=${i.coaPort} action=accept`, 'billing: CoA from the billing server'),
    c('ppp_aaa', { minutes }),
    `/ppp aaa set use-radius=yes interim-update=${minutes}m accounting=yes`,
  ];
}

function pppoeLines(i: RouterOsSetupInput, c: Comment): string[] {
  const n = i.network;
  return [
    c('pools'),
    ...i.pools.map((p) => ifMissing('/ip pool', `name=${quote(p.name)}`, `/ip pool add name=${quote(p.name)} ranges=${p.ranges}`)),
    c('ppp_profile', { local: n.localAddress, pool: DEFAULT_POOL }),
    ifMissing('/ppp profile', `name=${quote(PPP_PROFILE)}`, `/ppp profile add name=${quote(PPP_PROFILE)} local-address=${n.localAddress} remote-address=${quote(DEFAULT_POOL)} dns-server=${n.dnsServers} change-tcp-mss=yes`),
    c('pppoe_server', { iface: n.pppoeInterface }),
    ifMissing(
      '/interface pppoe-server server',
      `interface=${quote(n.pppoeInterface)}`,
      `/interface pppoe-server server add service-name=${quote(PPP_PROFILE)} interface=${quote(n.pppoeInterface)} default-profile=${quote(PPP_PROFILE)} authentication=pap,chap,mschap1,mschap2 one-session-per-host=yes disabled=no`,
    ),
  ];
}

function hotspotLines(i: RouterOsSetupInput, c: Comment): string[] {
  const hs = hotspotNetwork(i.network.hotspotAddress);
  if (!hs) throw new RangeError('hotspot address: a.b.c.d/nn with nn 16-29');
  const minutes = Math.max(1, Math.round(i.interimInterval / 60));
  const iface = quote(i.network.hotspotInterface);
  const name = quote(HOTSPOT_NAME);
  const dhcpPool = quote(`${HOTSPOT_NAME}-dhcp`);
  const portalHost = new URL(i.portalBase).hostname.replace(/^\[|\]$/g, '');
  return [
    c('hotspot', { iface: i.network.hotspotInterface, address: i.network.hotspotAddress }),
    ifMissing('/ip address', `address=${quote(i.network.hotspotAddress)}`, `/ip address add address=${i.network.hotspotAddress} interface=${iface}`),
    ifMissing('/ip pool', `name=${dhcpPool}`, `/ip pool add name=${dhcpPool} ranges=${hs.dhcpRange}`),
    ifMissing('/ip dhcp-server', `name=${name}`, `/ip dhcp-server add name=${name} interface=${iface} address-pool=${dhcpPool} lease-time=1h disabled=no`),
    ifMissing('/ip dhcp-server network', `address=${quote(hs.network)}`, `/ip dhcp-server network add address=${hs.network} gateway=${hs.gateway} dns-server=${hs.gateway}`),
    ifMissing(
      '/ip hotspot profile',
      `name=${name}`,
      `/ip hotspot profile add name=${name} hotspot-address=${hs.gateway} login-by=http-chap,http-pap use-radius=yes radius-accounting=yes radius-interim-update=${minutes}m`,
    ),
    c('hotspot_all_profiles'),
    `/ip hotspot profile set [find] use-radius=yes radius-accounting=yes radius-interim-update=${minutes}m login-by=http-chap,http-pap`,
    ifMissing('/ip hotspot', `name=${name}`, `/ip hotspot add name=${name} interface=${iface} profile=${name} address-pool=none disabled=no`),
    c('hotspot_login', { url: `${i.portalBase}/portal/hotspot/login`, gateway: hs.gateway }),
    ifMissing('/ip hotspot walled-garden', `dst-host=${quote(portalHost)}`, `/ip hotspot walled-garden add dst-host=${quote(portalHost)} action=allow comment=${quote('billing: hotspot login page')}`),
    ifMissing('/ip hotspot walled-garden ip', `dst-address=${i.radiusServer}`, `/ip hotspot walled-garden ip add dst-address=${i.radiusServer} action=accept comment=${quote('billing server: hotspot login page')}`),
  ];
}

function walledGardenLines(i: RouterOsSetupInput, c: Comment): string[] {
  const portalUrl = `${i.portalBase}/portal/captive`;
  const portalHost = new URL(portalUrl).hostname.replace(/^\[|\]$/g, '');
  const proxyPort = i.proxyPort ?? WALLED_GARDEN_PROXY_PORT;
  const list = i.addressList;
  const portalList = `${list}-portal`;
  const tag = (what: string): string => `isolir: ${what}`;
  const address = (host: string, what: string): string => `/ip firewall address-list add list=${portalList} address=${host} comment=${quote(tag(what))}`;
  const redirect = i.routerOs === 7 ? `action=redirect action-data=${quote(portalUrl)}` : `action=deny redirect-to=${quote(portalUrl)}`;
  return [
    c('walled_garden', { list, url: portalUrl }),
    `/ip firewall address-list remove [find where list=${portalList} comment~"^isolir: "]`,
    address(portalHost, 'captive portal host'),
    ...(i.paymentHosts ?? PAYMENT_HOSTS).map((host) => address(host, 'payment page')),
    `/ip proxy set enabled=yes port=${proxyPort}`,
    `/ip proxy access remove [find where comment~"^isolir: "]`,
    `/ip proxy access add action=allow dst-host=${quote(portalHost)} local-port=${proxyPort} comment=${quote(tag('captive portal'))}`,
    `/ip proxy access add ${redirect} local-port=${proxyPort} comment=${quote(tag('every other page to the captive portal'))}`,
    `/ip firewall nat remove [find where comment=${quote(tag('web to captive portal'))}]`,
    `/ip firewall nat add chain=dstnat src-address-list=${list} dst-address-list=!${portalList} protocol=tcp dst-port=80 action=redirect to-ports=${proxyPort} comment=${quote(tag('web to captive portal'))}`,
    c('filter_order'),
    ...ruleAtTop('/ip firewall filter', `chain=forward src-address-list=${list} action=drop`, tag('everything else')),
    ...ruleAtTop('/ip firewall filter', `chain=forward src-address-list=${list} protocol=tcp dst-port=53 action=accept`, tag('DNS over TCP')),
    ...ruleAtTop('/ip firewall filter', `chain=forward src-address-list=${list} protocol=udp dst-port=53 action=accept`, tag('DNS')),
    ...ruleAtTop('/ip firewall filter', `chain=forward src-address-list=${list} dst-address-list=${portalList} action=accept`, tag('captive portal')),
    ...ruleAtTop('/ip firewall filter', `chain=input src-address-list=${list} protocol=tcp dst-port=${proxyPort} action=accept`, tag('web proxy')),
    c('no_masquerade'),
    `# ${ruleAtTop('/ip firewall nat', `chain=srcnat dst-address=${i.radiusServer} action=accept`, tag('portal sees subscriber addresses')).join('\n# ')}`,
  ];
}

/** `http://server:PORT` for a server without PUBLIC_URL, else PUBLIC_URL without its trailing slash. */
export function portalBaseOf(publicUrl: string | undefined, server: string, port: number): string {
  return publicUrl ? publicUrl.replace(/\/+$/, '') : `http://${hostForUrl(server)}:${port}`;
}
