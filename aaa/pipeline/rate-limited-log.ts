/**
 * "Log at most once per interval per key": a flood of packets from one unknown address must not
 * flood the log. Memory is bounded: the map is cleared when it grows past `maxKeys`.
 */
export class RateLimitedLog {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when `key` has not been logged within the interval (and records that it is now). */
  shouldLog(key: string): boolean {
    const t = this.now();
    const prev = this.last.get(key);
    if (prev !== undefined && t - prev < this.intervalMs) return false;
    if (this.last.size >= this.maxKeys) this.last.clear();
    this.last.set(key, t);
    return true;
  }
}
