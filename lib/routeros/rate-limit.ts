/**
 * Mikrotik-Rate-Limit syntax (RouterOS manual, "RADIUS Client" → Mikrotik-Rate-Limit; same as
 * the PPP profile's rate-limit):
 *
 *   rx-rate[/tx-rate] [rx-burst-rate[/tx-burst-rate] [rx-burst-threshold[/tx-burst-threshold]
 *   [rx-burst-time[/tx-burst-time] [priority] [rx-rate-min[/tx-rate-min]]]]]
 *
 * Seen from the router: rx is what the client uploads, tx what it downloads. Rates are bits per
 * second with an optional k (×1000) or M (×1,000,000) suffix; burst times are seconds; priority 1-8.
 * Example: `2M/10M 4M/15M 1500k/8M 16/16 8 1M/5M`.
 */

export interface RatePair {
  /** Client upload, bits per second. */
  rx: number;
  /** Client download, bits per second. */
  tx: number;
}

export interface RateLimit {
  rate: RatePair;
  burstRate?: RatePair;
  burstThreshold?: RatePair;
  /** Seconds. */
  burstTime?: RatePair;
  priority?: number;
  rateMin?: RatePair;
}

const RATE = /^(\d+(?:\.\d+)?)([kKM]?)$/;
const TIME = /^(\d+)s?$/;

function parseRate(text: string): number | null {
  const m = RATE.exec(text);
  if (!m) return null;
  const mult = m[2] === 'M' ? 1_000_000 : m[2] ? 1000 : 1;
  const n = Number(m[1]) * mult;
  return Number.isInteger(n) ? n : null;
}

function parsePair(text: string, one: (s: string) => number | null): RatePair | null {
  const parts = text.split('/');
  if (parts.length > 2) return null;
  const rx = one(parts[0]!);
  const tx = parts.length === 2 ? one(parts[1]!) : rx;
  return rx === null || tx === null ? null : { rx, tx };
}

/** Parses a Mikrotik-Rate-Limit string; null when it is not valid RouterOS syntax. */
export function parseRateLimit(text: string): RateLimit | null {
  const fields = text.trim().split(/\s+/);
  if (!fields[0] || fields.length > 6) return null;
  const rate = parsePair(fields[0], parseRate);
  if (!rate) return null;
  const out: RateLimit = { rate };
  if (fields[1] !== undefined) {
    const p = parsePair(fields[1], parseRate);
    if (!p) return null;
    out.burstRate = p;
  }
  if (fields[2] !== undefined) {
    const p = parsePair(fields[2], parseRate);
    if (!p) return null;
    out.burstThreshold = p;
  }
  if (fields[3] !== undefined) {
    const p = parsePair(fields[3], (s) => (TIME.test(s) ? Number(TIME.exec(s)![1]) : null));
    if (!p) return null;
    out.burstTime = p;
  }
  if (fields[4] !== undefined) {
    if (!/^[1-8]$/.test(fields[4])) return null;
    out.priority = Number(fields[4]);
  }
  if (fields[5] !== undefined) {
    const p = parsePair(fields[5], parseRate);
    if (!p) return null;
    out.rateMin = p;
  }
  return out;
}

export function isValidRateLimit(text: string): boolean {
  return parseRateLimit(text) !== null;
}

/** Formats bits per second the way RouterOS writes them: 10000000 → `10M`, 1500000 → `1500k`. */
export function formatRate(bps: number): string {
  if (bps >= 1_000_000 && bps % 1_000_000 === 0) return `${bps / 1_000_000}M`;
  if (bps >= 1000 && bps % 1000 === 0) return `${bps / 1000}k`;
  return String(bps);
}
