/**
 * Polls `check` every 25 ms until it returns something truthy, and resolves with that value.
 * @throws Error `<what>: not within <ms> ms` after `ms` milliseconds (default 10,000); whatever `check` throws.
 */
export async function until<T>(what: string, check: () => Promise<T | undefined | null | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((res) => setTimeout(res, 25));
  }
}
