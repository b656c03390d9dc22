/**
 * The part of the map a request asks for: "west,south,east,north" in decimal degrees (WGS 84),
 * the order of Leaflet's `LatLngBounds.toBBoxString()` and of GeoJSON's bbox (RFC 7946 §5).
 * Longitudes beyond ±180 (a map panned around the world) and latitudes beyond ±90 are clamped;
 * a box crossing the antimeridian (west > east) is refused, as is anything that is not four numbers.
 */

export interface BoundingBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

const clamp = (n: number, limit: number): number => Math.max(-limit, Math.min(limit, n));

/** The box in `text`, or null when it is not one. */
export function parseBoundingBox(text: string): BoundingBox | null {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== 4 || !parts.every((p) => /^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(p))) return null;
  const [w, s, e, n] = parts.map(Number) as [number, number, number, number];
  const box = { west: clamp(w, 180), south: clamp(s, 90), east: clamp(e, 180), north: clamp(n, 90) };
  if (box.west > box.east || box.south > box.north) return null;
  return box;
}
