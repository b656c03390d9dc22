/**
 * A location typed or pasted as "lat, lng" (what Google Maps, OpenStreetMap and most phones copy:
 * "-6.200000, 106.816666"), in decimal degrees, WGS 84. Shared by the device form, the
 * subscription form and the map (N6), so every screen reads a pasted location the same way.
 *
 * Accepted: two decimal numbers separated by a comma, semicolon or whitespace, optional spaces,
 * an optional "geo:" prefix (RFC 5870 §3) and parentheses; latitude −90…90, longitude −180…180;
 * at most 6 decimals kept (rounded: the columns are numeric(9, 6), about 0.1 m).
 */

export interface LatLng {
  /** Decimal degrees, −90 (south) … 90 (north). */
  lat: number;
  /** Decimal degrees, −180 (west) … 180 (east). */
  lng: number;
}

export type ParsedLatLng = { ok: true; value: LatLng | null } | { ok: false; error: 'format' | 'range' };

const NUMBER = '[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)';
const PAIR = new RegExp(`^\\(?\\s*(${NUMBER})\\s*(?:[,;]\\s*|\\s+)(${NUMBER})\\s*\\)?$`);

const round6 = (n: number): number => Math.round(n * 1e6) / 1e6;

/**
 * Reads "lat, lng". Blank text is "no location" (`value: null`).
 * @returns `error: 'format'` for text that is not two numbers, `'range'` for a latitude outside
 *   ±90 or a longitude outside ±180.
 */
export function parseLatLng(text: string): ParsedLatLng {
  const t = text.trim().replace(/^geo:/i, '').trim();
  if (t === '') return { ok: true, value: null };
  const m = PAIR.exec(t);
  if (!m) return { ok: false, error: 'format' };
  const lat = round6(Number(m[1]));
  const lng = round6(Number(m[2]));
  if (!Number.isFinite(lat) || !Number.isFinite(lng)) return { ok: false, error: 'format' };
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return { ok: false, error: 'range' };
  return { ok: true, value: { lat, lng } };
}

/** "lat, lng" as the forms show a stored location ('' when there is none). */
export function formatLatLng(lat: unknown, lng: unknown): string {
  if (lat === null || lat === undefined || lng === null || lng === undefined) return '';
  return `${Number(lat)}, ${Number(lng)}`;
}
