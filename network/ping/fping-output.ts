/**
 * fping's per-target report with `-C <count> -q` (fping(8), "-C"): one line per target on stderr,
 * `<target> : <rtt ms or -> …`, the target padded to the widest name, `-` for a probe with no
 * reply (timeout or ICMP unreachable). Any other line (errors such as "error while sending ping")
 * is ignored: a target without a report line counts as all probes lost.
 */

/** Each target's probes in order: round-trip time in milliseconds, or null for no reply. */
export type ProbeResults = Map<string, Array<number | null>>;

const LINE = /^(\S+)\s*:\s*((?:(?:-|\d+(?:\.\d+)?)\s*)+)$/;

export function parseFpingOutput(text: string): ProbeResults {
  const results: ProbeResults = new Map();
  for (const raw of text.split('\n')) {
    const m = LINE.exec(raw.trim());
    if (!m) continue;
    const [, target = '', probes = ''] = m;
    results.set(target, probes.trim().split(/\s+/).map((v) => (v === '-' ? null : Number(v))));
  }
  return results;
}

export interface ProbeSummary {
  /** At least one reply. */
  alive: boolean;
  /** Mean round-trip time of the replies, ms; null when none came back. */
  rttMs: number | null;
  /** Lost probes, 0–100 %. */
  lossPct: number;
}

/** Sums up one target's probes; `count` is how many were sent (missing entries count as lost). */
export function summarizeProbes(probes: ReadonlyArray<number | null> | undefined, count: number): ProbeSummary {
  const replies = (probes ?? []).filter((p): p is number => p !== null);
  const sent = Math.max(count, probes?.length ?? 0);
  return {
    alive: replies.length > 0,
    rttMs: replies.length ? Math.round((replies.reduce((a, b) => a + b, 0) / replies.length) * 1000) / 1000 : null,
    lossPct: sent ? Math.round(((sent - replies.length) / sent) * 1000) / 10 : 100,
  };
}
