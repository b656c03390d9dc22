/**
 * The router's `login.html` for the hotspot: replaces the file of that name in the hotspot's
 * HTML directory (`hotspot`, or `flash/hotspot` on routers with flash storage; Files in Winbox,
 * or FTP). RouterOS fills in its `$(name)` variables when it serves the page (manual "HotSpot
 * customisation", "login.html" variables), and the page submits them straight away with GET to
 * this server's login page PUBLIC_URL/portal/hotspot/login (portal/hotspot/routes.ts), which reads
 * exactly these query parameters: link-login-only, link-orig, mac, ip, username, error, chap-id,
 * chap-challenge. The page itself asks nothing and carries no secret; a browser without
 * JavaScript gets a button. The inline script runs on the router, not under this server's CSP.
 */

/** The variables handed on, named as portal/hotspot/routes.ts reads them. */
export const HOTSPOT_LOGIN_VARIABLES = ['link-login-only', 'link-orig', 'mac', 'ip', 'username', 'error', 'chap-id', 'chap-challenge'] as const;

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * The page, for the portal at `portalBase` (PUBLIC_URL without a trailing slash).
 * @param label the button text for browsers without JavaScript ("Lanjut" / "Continue")
 */
export function hotspotLoginHtml(portalBase: string, label: string): string {
  const action = `${portalBase.replace(/\/+$/, '')}/portal/hotspot/login`;
  // A `$(` in the address would be read by RouterOS as a variable: written as an entity.
  const safeAction = escapeHtml(action).replace(/\$/g, '&#36;');
  return [
    '<!DOCTYPE html>',
    '<html>',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta http-equiv="pragma" content="no-cache">',
    '<meta http-equiv="expires" content="-1">',
    '<title>Hotspot</title>',
    '</head>',
    '<body>',
    `<form name="billing" action="${safeAction}" method="get">`,
    ...HOTSPOT_LOGIN_VARIABLES.map((v) => `<input type="hidden" name="${v}" value="$(${v})">`),
    `<noscript><button type="submit">${escapeHtml(label)}</button></noscript>`,
    '</form>',
    '<script>document.billing.submit();</script>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
