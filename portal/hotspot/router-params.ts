/**
 * What a MikroTik hotspot hands the external login page (RouterOS manual, "HotSpot customisation",
 * login.html variables): `chap-id` and `chap-challenge` are written the way RouterOS puts them into
 * the JavaScript string literals of its own login.html, octal escapes such as `\371` and
 * `\357\015\330…` (one byte each). The page's script needs the bytes: they are decoded here and
 * handed over as hex.
 */

/**
 * Decodes RouterOS's escaped text to bytes: `\ooo` (1-3 octal digits), `\xHH`, `\\` and other
 * backslash pairs (the character itself), any other character as its code (at most 255).
 * Returns null for anything that cannot be one byte per character.
 */
export function decodeRouterOsBytes(text: string): Buffer | null {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '\\') {
      const code = ch.charCodeAt(0);
      if (code > 255) return null;
      out.push(code);
      continue;
    }
    const rest = text.slice(i + 1);
    const octal = /^[0-7]{1,3}/.exec(rest)?.[0];
    const hex = /^x([0-9a-fA-F]{2})/.exec(rest)?.[1];
    if (octal) {
      const v = parseInt(octal, 8);
      if (v > 255) return null;
      out.push(v);
      i += octal.length;
    } else if (hex) {
      out.push(parseInt(hex, 16));
      i += 3;
    } else if (rest.length) {
      const code = rest.charCodeAt(0);
      if (code > 255) return null;
      out.push(code);
      i += 1;
    } else return null;
  }
  return Buffer.from(out);
}

/**
 * The CHAP identifier (one byte) and challenge (1-64 bytes, 16 from RouterOS) as hex, or null
 * when either is missing or malformed (the page then logs in with PAP, or says to reopen it).
 */
export function chapParams(chapId: string, chapChallenge: string): { id: string; challenge: string } | null {
  if (!chapId || !chapChallenge || chapId.length > 16 || chapChallenge.length > 400) return null;
  const id = decodeRouterOsBytes(chapId);
  const challenge = decodeRouterOsBytes(chapChallenge);
  if (!id || id.length !== 1 || !challenge || challenge.length < 1 || challenge.length > 64) return null;
  return { id: id.toString('hex'), challenge: challenge.toString('hex') };
}

/**
 * `link-orig`, the page the guest first asked for: the login form hands it to the router as
 * `dst`, and the router sends the guest there after login. Only an absolute http(s) URL without
 * user:password@, at most 500 characters, normalized (WHATWG URL); anything else ('javascript:',
 * 'data:', a relative or protocol-relative path, junk) gives '', and the router opens its own
 * status page instead.
 */
export function originalPage(raw: string): string {
  if (!raw || raw.length > 500) return '';
  try {
    const url = new URL(raw);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password ? url.href : '';
  } catch {
    return '';
  }
}
