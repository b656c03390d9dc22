/**
 * Reads a QR code as a phone would, with jsQR (a pure-JavaScript decoder of ISO/IEC 18004):
 * - `readQrRgba`: from an RGBA bitmap (a browser canvas's pixels);
 * - `readQrSvg`: from the inline SVG a page serves. The `qrcode` package draws the dark modules
 *   as one stroked path of horizontal runs (`M x y.5 h n m dx dy h n …`, one module per unit of
 *   its viewBox); they are painted black on white at 4 px a module, with four light modules of
 *   quiet zone around, and the bitmap is decoded.
 * Both return the decoded text, or null when no QR code is found.
 */
import jsqr from 'jsqr';

// jsqr is CommonJS whose typings declare an ES default export: the function is `.default` of
// what Node's default import gives (module.exports), as TypeScript's module resolution sees it.
const jsQR = jsqr.default;

const SCALE = 4;
const QUIET_ZONE = 4;

/** The text of the QR code in an RGBA bitmap (`width` × `height` pixels, 4 bytes each), or null. */
export function readQrRgba(rgba: Uint8ClampedArray, width: number, height: number): string | null {
  return jsQR(rgba, width, height)?.data ?? null;
}

/** The text of the QR code drawn by a `qrcode` package SVG, or null. */
export function readQrSvg(svg: string): string | null {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  const d = /<path stroke="[^"]*" d="([^"]*)"/.exec(svg)?.[1];
  if (!size || !d) return null;
  const side = (size + 2 * QUIET_ZONE) * SCALE;
  const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
  const paint = (moduleX: number, moduleY: number): void => {
    for (let py = (moduleY + QUIET_ZONE) * SCALE; py < (moduleY + QUIET_ZONE + 1) * SCALE; py++) {
      const start = (py * side + (moduleX + QUIET_ZONE) * SCALE) * 4;
      for (let px = 0; px < SCALE; px++) rgba.fill(0, start + px * 4, start + px * 4 + 3);
    }
  };
  let x = 0;
  let y = 0;
  for (const [, op, a, b] of d.matchAll(/([MmHh])\s*(-?[\d.]+)(?:\s+(-?[\d.]+))?/g)) {
    if (op === 'M') [x, y] = [Number(a), Number(b)];
    else if (op === 'm') [x, y] = [x + Number(a), y + Number(b)];
    else {
      const end = op === 'h' ? x + Number(a) : Number(a);
      for (let m = x; m < end; m++) paint(m, Math.floor(y));
      x = end;
    }
  }
  return readQrRgba(rgba, side, side);
}
