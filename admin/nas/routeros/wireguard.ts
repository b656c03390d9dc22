/**
 * A WireGuard tunnel from a router behind NAT or CGNAT to this server on a VPS: the router dials
 * out (persistent-keepalive keeps the NAT mapping open), so RADIUS, accounting and CoA travel
 * inside the tunnel both ways. RouterOS 7 only (manual "WireGuard": /interface wireguard,
 * /interface wireguard peers, /ip address); the VPS side is a wg-quick(8) file.
 *
 * Keys are X25519 (node:crypto), base64 of the 32 raw bytes as `wg genkey` / `wg pubkey` print
 * them. A new pair for each side on every call: the router's private key appears only in the
 * router script and the server's only in the wg-quick file, so paste both from the same page.
 * Neither is stored or logged.
 */
import crypto from 'node:crypto';

export interface WireGuardKeys {
  privateKey: string;
  publicKey: string;
}

export interface WireGuardTunnel {
  /** The VPS's public address or host name and its UDP port (wg-quick ListenPort). */
  endpoint: string;
  port: number;
  /** Tunnel addresses, a /30: the server's (RADIUS goes here) and the router's (register the NAS with it). */
  serverAddress: string;
  routerAddress: string;
  router: WireGuardKeys;
  server: WireGuardKeys;
}

export const WIREGUARD_PORT = 51820;
export const WIREGUARD_INTERFACE = 'wg-billing';
/** Tunnel addresses unless given: the server .1, the router .2 of 10.255.255.0/30. */
export const TUNNEL_SERVER_ADDRESS = '10.255.255.1';
export const TUNNEL_ROUTER_ADDRESS = '10.255.255.2';

/** A new X25519 key pair, base64 (WireGuard's key format). */
export function wireGuardKeys(): WireGuardKeys {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('x25519');
  const b64 = (jwkField: string | undefined): string => Buffer.from(jwkField ?? '', 'base64url').toString('base64');
  return { privateKey: b64(privateKey.export({ format: 'jwk' }).d), publicKey: b64(publicKey.export({ format: 'jwk' }).x) };
}

/** A tunnel to `endpoint` with fresh keys for both sides. */
export function newTunnel(endpoint: string, port = WIREGUARD_PORT): WireGuardTunnel {
  return { endpoint, port, serverAddress: TUNNEL_SERVER_ADDRESS, routerAddress: TUNNEL_ROUTER_ADDRESS, router: wireGuardKeys(), server: wireGuardKeys() };
}

/** The VPS side: /etc/wireguard/wg-billing.conf for `wg-quick up wg-billing`. */
export function wgQuickConfig(t: WireGuardTunnel, comment: string): string {
  return [
    `# ${comment}`,
    '[Interface]',
    `Address = ${t.serverAddress}/30`,
    `ListenPort = ${t.port}`,
    `PrivateKey = ${t.server.privateKey}`,
    '',
    '[Peer]',
    `PublicKey = ${t.router.publicKey}`,
    `AllowedIPs = ${t.routerAddress}/32`,
  ].join('\n');
}
