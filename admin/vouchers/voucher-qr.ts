/**
 * The QR code printed on a voucher card: the hotspot's own login URL with the code filled in, so a
 * guest joined to the hotspot's Wi-Fi scans the card and is logged in without typing.
 *
 * RouterOS hotspot logs a guest in from a GET of `/login` with `username` and `password` in the
 * query string when the profile allows HTTP PAP (MikroTik manual, "HotSpot customisation":
 * `login` servlet, parameters `username`, `password`, optional `dst`); our setup script sets
 * `login-by=http-chap,http-pap` (admin/nas/routeros/setup-script.ts). A voucher's code is both its
 * username and its password (aaa/auth/voucher.ts), so the URL carries the code twice:
 * `http://10.5.50.1/login?username=K7QM4XTA&password=K7QM4XTA`.
 *
 * The QR is an inline SVG made on the server by the `qrcode` package (ISO/IEC 18004, byte mode,
 * error correction M): no script in the page, no outside service.
 */
import QRCode from 'qrcode';

/** RouterOS's own hotspot setup default address (`/ip hotspot setup`, 10.5.50.1/24). */
export const DEFAULT_HOTSPOT_LOGIN_ADDRESS = 'http://10.5.50.1';

/**
 * The hotspot login address as typed (`10.5.50.1`, `http://wifi.net/`, `https://[fd00::1]:8443`),
 * normalized to an origin (`http://10.5.50.1`), or null when it is not an http(s) address without
 * user:password@. A path, query or fragment is dropped: the router's login servlet is `/login`.
 */
export function hotspotLoginAddress(typed: string): string | null {
  const text = typed.trim();
  if (!text || text.length > 200) return null;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || !url.hostname) return null;
  return url.origin;
}

/** `address`/login with the code as username and password (address: an origin from hotspotLoginAddress). */
export function voucherLoginUrl(address: string, code: string): string {
  return `${address}/login?${new URLSearchParams({ username: code, password: code })}`;
}

/**
 * The QR code for `text` as an `<svg>` element (a `viewBox` in modules, two white modules of quiet
 * zone, no width: the card's CSS sizes it). Safe to insert unescaped: it holds only path data.
 */
export async function qrSvg(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return svg.trim().replace('<svg ', '<svg class="qr" aria-hidden="true" ');
}
