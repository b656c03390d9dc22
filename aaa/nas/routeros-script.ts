/**
 * The RouterOS commands a technician pastes into a MikroTik to use this server: the RADIUS client
 * (RouterOS manual "RADIUS": /radius, /radius incoming), PPP and hotspot AAA, and the walled
 * garden (isolir) the radius role puts suspended subscribers in with Mikrotik-Address-List.
 *
 * The walled garden sends the list's web traffic to the captive portal's URL (PUBLIC_URL +
 * /portal/captive), host name and path included. A dst-nat can only change an address and port,
 * so port 80 of the list is redirected to the router's own web proxy (manual "Proxy"), whose
 * access list lets requests for the portal host through and answers every other request with a
 * redirect to the portal URL. Because every request that reaches the proxy is either for the
 * portal or redirected, the proxy never relays anything else (it is not an open proxy). Forward
 * rules then let the list reach DNS, the portal host and the payment pages (an address-list entry
 * may be a DNS name, RouterOS 6.36+) and drop the rest (HTTPS cannot be redirected without a
 * certificate warning). The portal finds the subscriber by source address: the script says how to
 * keep it from being masqueraded when the server is inside the ISP's network.
 * Filter rules are put at the top of their chains (`place-before=0`, the drop first so it ends up
 * below the accepts): the default configuration's "drop input not from LAN" would otherwise hide
 * the proxy from PPPoE clients, whose interfaces are dynamic.
 *
 * Versions: `require-message-auth` exists from RouterOS 7.15 (BlastRADIUS); older routers must
 * leave it out and be registered with Message-Authenticator not required. `/ip proxy access`
 * takes `action=redirect action-data=<url>` on RouterOS 7 and `action=deny redirect-to=<url>` on
 * RouterOS 6: the script carries the first and, for a router without 7.15, the second as a comment.
 */

export interface RouterOsScriptInput {
  /** This server's address as the router reaches it (an IP address: `/radius address=`). */
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
  /** The web role as the router reaches it, used when `portalUrl` is not given. */
  portal: { address: string; port: number };
  /** The captive portal's full URL, e.g. `https://billing.example.net/portal/captive` (from PUBLIC_URL). */
  portalUrl?: string;
  /** false for RouterOS before 7.15, which has no require-message-auth. */
  routerOs715: boolean;
  /** Port of the router's web proxy that answers the walled garden's web requests. */
  proxyPort?: number;
  /** Payment pages the walled garden must reach (default PAYMENT_HOSTS). */
  paymentHosts?: readonly string[];
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

/** RouterOS script lines (with comments) for one router. */
export function routerOsScript(i: RouterOsScriptInput): string {
  const quote = (s: string): string => `"${s.replace(/["\\$]/g, (c) => `\\${c}`)}"`;
  const minutes = Math.max(1, Math.round(i.interimInterval / 60));
  const portalUrl = new URL(i.portalUrl ?? `http://${hostForUrl(i.portal.address)}:${i.portal.port}/portal/captive`);
  const portalHost = portalUrl.hostname.replace(/^\[|\]$/g, '');
  const proxyPort = i.proxyPort ?? WALLED_GARDEN_PROXY_PORT;
  const list = i.addressList;
  const portalList = `${list}-portal`;
  const tag = (what: string): string => `comment=${quote(`isolir: ${what}`)}`;
  return [
    '# RADIUS client: PPPoE and hotspot logins are decided by the billing server',
    `/radius add service=ppp,hotspot address=${i.radiusServer} secret=${quote(i.secret)} authentication-port=${i.authPort} accounting-port=${i.acctPort} timeout=300ms` +
      (i.routerOs715 ? ' require-message-auth=yes-for-request-resp' : ''),
    '# Accept CoA / Disconnect from the billing server (suspend, reactivate and plan changes without waiting)',
    `/radius incoming set accept=yes port=${i.coaPort}`,
    '# PPPoE: use RADIUS and send accounting',
    `/ppp aaa set use-radius=yes interim-update=${minutes}m accounting=yes`,
    '# Hotspot: use RADIUS on every hotspot profile',
    `/ip hotspot profile set [find] use-radius=yes radius-accounting=yes radius-interim-update=${minutes}m login-by=http-chap,http-pap`,
    '# Hotspot: guests reach this server\'s login page (/portal/hotspot/login) before they log in',
    `/ip hotspot walled-garden ip add dst-address=${i.radiusServer} action=accept comment=${quote('billing server: hotspot login page')}`,
    `# Walled garden (isolir): clients in address list "${list}" reach only DNS and the captive portal ${portalUrl.href}`,
    `/ip firewall address-list add list=${portalList} address=${portalHost} ${tag('captive portal host')}`,
    ...(i.paymentHosts ?? PAYMENT_HOSTS).map((host) => `/ip firewall address-list add list=${portalList} address=${host} ${tag('payment page')}`),
    `/ip proxy set enabled=yes port=${proxyPort}`,
    `/ip proxy access add action=allow dst-host=${quote(portalHost)} local-port=${proxyPort} ${tag('captive portal')}`,
    `/ip proxy access add action=redirect action-data=${quote(portalUrl.href)} local-port=${proxyPort} ${tag('every other page to the captive portal')}`,
    ...(i.routerOs715 ? [] : [`# RouterOS 6 instead of the line above: /ip proxy access add action=deny redirect-to=${quote(portalUrl.href)} local-port=${proxyPort} ${tag('every other page to the captive portal')}`]),
    `/ip firewall nat add chain=dstnat src-address-list=${list} dst-address-list=!${portalList} protocol=tcp dst-port=80 action=redirect to-ports=${proxyPort} ${tag('web to captive portal')}`,
    '# Each filter rule goes to the top of its chain (place-before=0), so an existing drop rule cannot hide it: the drop is added first and ends up below the accepts',
    `/ip firewall filter add chain=forward src-address-list=${list} action=drop ${tag('everything else')} place-before=0`,
    `/ip firewall filter add chain=forward src-address-list=${list} protocol=tcp dst-port=53 action=accept ${tag('DNS over TCP')} place-before=0`,
    `/ip firewall filter add chain=forward src-address-list=${list} protocol=udp dst-port=53 action=accept ${tag('DNS')} place-before=0`,
    `/ip firewall filter add chain=forward src-address-list=${list} dst-address-list=${portalList} action=accept ${tag('captive portal')} place-before=0`,
    `/ip firewall filter add chain=input src-address-list=${list} protocol=tcp dst-port=${proxyPort} action=accept ${tag('web proxy')} place-before=0`,
    '# The captive portal knows the subscriber by the address it sees. If this server is inside your network (or reached over a VPN),',
    `# keep that address: uncomment the next line so traffic to it is not masqueraded. Behind a reverse proxy, list the proxy in TRUSTED_PROXIES.`,
    `# /ip firewall nat add chain=srcnat dst-address=${i.radiusServer} action=accept ${tag('portal sees subscriber addresses')} place-before=0`,
  ].join('\n');
}

/** An address as the host part of a URL: IPv6 in brackets. */
function hostForUrl(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}
