/**
 * TRUSTED_PROXIES (the reverse proxies whose forwarding headers count, lib/http/client-address.ts)
 * read into a net.BlockList. Here, apart from the middleware, so the configuration can check the
 * value at start-up without importing the HTTP helpers.
 */
import net from 'node:net';

/**
 * Parses TRUSTED_PROXIES: addresses or CIDR ranges, comma separated ('127.0.0.1, 10.0.0.0/8').
 * @throws Error naming the first entry that is neither.
 */
export function parseTrustedProxies(value: string | undefined): net.BlockList | null {
  const entries = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!entries.length) return null;
  const list = new net.BlockList();
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = net.isIPv4(address ?? '') ? 'ipv4' : net.isIPv6(address ?? '') ? 'ipv6' : null;
    const prefix = bits === undefined ? null : Number(bits);
    if (!family || extra !== undefined || (prefix !== null && (!/^\d{1,3}$/.test(bits!) || prefix > (family === 'ipv4' ? 32 : 128)))) {
      throw new Error(`TRUSTED_PROXIES: '${entry}' is not an IP address or CIDR range`);
    }
    if (prefix === null) list.addAddress(address!, family);
    else list.addSubnet(address!, prefix, family);
  }
  return list;
}
