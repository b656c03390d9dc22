/**
 * A Mikrotik-Rate-Limit shown the way a subscriber thinks of it: download and upload. In the
 * RouterOS syntax rx is what the client uploads and tx what it downloads (seen from the router),
 * which staff often get backwards; rates are bits per second, not bytes (ARCHITECTURE.md,
 * "RADIUS and MikroTik facts"; lib/routeros/rate-limit.ts).
 */
import { parseRateLimit, type RatePair } from '../../lib/routeros/rate-limit.js';

export interface Speed {
  /** e.g. `10 Mbit/s`, `1.5 Mbit/s`, `512 kbit/s`; empty when unlimited. */
  text: string;
  /** RouterOS reads 0 as "no limit". */
  unlimited: boolean;
}

export interface RateLimitText {
  download: Speed;
  upload: Speed;
  burst?: { download: Speed; upload: Speed; thresholdDownload: Speed; thresholdUpload: Speed; secondsDownload: number; secondsUpload: number };
  priority?: number;
}

/** Bits per second in decimal units, as ISPs advertise them. */
export function formatSpeed(bps: number): Speed {
  if (bps === 0) return { text: '', unlimited: true };
  const [div, unit] = bps >= 1_000_000 ? [1_000_000, 'Mbit/s'] : bps >= 1000 ? [1000, 'kbit/s'] : [1, 'bit/s'];
  return { text: `${Number((bps / div).toFixed(3))} ${unit}`, unlimited: false };
}

/** The rate limit in download/upload terms, or null when `text` is not valid RouterOS syntax. */
export function describeRateLimit(text: string): RateLimitText | null {
  const r = parseRateLimit(text);
  if (!r) return null;
  const pair = (p: RatePair): { download: Speed; upload: Speed } => ({ download: formatSpeed(p.tx), upload: formatSpeed(p.rx) });
  const out: RateLimitText = pair(r.rate);
  if (r.burstRate) {
    const threshold = r.burstThreshold ?? r.rate;
    const time = r.burstTime ?? { rx: 1, tx: 1 };
    const burst = pair(r.burstRate);
    out.burst = {
      ...burst,
      thresholdDownload: formatSpeed(threshold.tx), thresholdUpload: formatSpeed(threshold.rx),
      secondsDownload: time.tx, secondsUpload: time.rx,
    };
  }
  if (r.priority !== undefined) out.priority = r.priority;
  return out;
}
