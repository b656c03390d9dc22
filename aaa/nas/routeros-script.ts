/**
 * The RouterOS commands a technician pastes into a MikroTik to use this server: the RADIUS client
 * (RouterOS manual "RADIUS": /radius, /radius incoming), PPP and hotspot AAA, and the walled
 * garden (isolir) the radius role puts suspended subscribers in with Mikrotik-Address-List.
 * `require-message-auth` exists from RouterOS 7.15 (BlastRADIUS); older routers must leave it out
 * and be registered with Message-Authenticator not required.
 */

export interface RouterOsScriptInput {
  /** This server's address as the router reaches it. */
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
  /** Captive portal (the web role) as the router reaches it. */
  portal: { address: string; port: number };
  /** false for RouterOS before 7.15, which has no require-message-auth. */
  routerOs715: boolean;
}

/** RouterOS script lines (with comments) for one router. */
export function routerOsScript(i: RouterOsScriptInput): string {
  const quote = (s: string): string => `"${s.replace(/["\\$]/g, (c) => `\\${c}`)}"`;
  const minutes = Math.max(1, Math.round(i.interimInterval / 60));
  return [
    '# RADIUS client: PPPoE and hotspot logins are decided by the billing server',
    `/radius add service=ppp,hotspot address=${i.radiusServer} secret=${quote(i.secret)} authentication-port=${i.authPort} accounting-port=${i.acctPort} timeout=300ms` +
      (i.routerOs715 ? ' require-message-auth=yes-for-request-resp' : ''),
    '# Accept CoA / Disconnect from the billing server (suspend and reactivate without waiting)',
    `/radius incoming set accept=yes port=${i.coaPort}`,
    '# PPPoE: use RADIUS and send accounting',
    `/ppp aaa set use-radius=yes accounting=yes interim-update=${minutes}m`,
    '# Hotspot: use RADIUS on every hotspot profile',
    `/ip hotspot profile set [find] use-radius=yes radius-accounting=yes radius-interim-update=${minutes}m`,
    `# Walled garden (isolir): clients in address list "${i.addressList}" reach only DNS and the captive portal`,
    `/ip firewall nat add chain=dstnat src-address-list=${i.addressList} protocol=tcp dst-port=80 action=dst-nat to-addresses=${i.portal.address} to-ports=${i.portal.port} comment="isolir: web to captive portal"`,
    `/ip firewall filter add chain=forward src-address-list=${i.addressList} dst-address=${i.portal.address} action=accept comment="isolir: captive portal"`,
    `/ip firewall filter add chain=forward src-address-list=${i.addressList} protocol=udp dst-port=53 action=accept comment="isolir: DNS"`,
    `/ip firewall filter add chain=forward src-address-list=${i.addressList} action=drop comment="isolir: everything else"`,
  ].join('\n');
}
