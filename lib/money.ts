/**
 * Money is integer rupiah. Amounts are JS numbers that are always safe integers (the database
 * column is bigint; lib/db.ts refuses values it cannot hold exactly). Every operation here stays
 * in integers: no amount is ever multiplied by a fraction.
 */

/** Throws RangeError unless `amount` is a safe integer number of rupiah. */
export function assertRupiah(amount: number): number {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`not an integer rupiah amount: ${amount}`);
  return amount;
}

const idFormat = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 });

/** Formats rupiah the Indonesian way: 150000 → `Rp 150.000`, -5000 → `-Rp 5.000`. */
export function formatRupiah(amount: number): string {
  assertRupiah(amount);
  const digits = idFormat.format(Math.abs(amount));
  return amount < 0 ? `-Rp ${digits}` : `Rp ${digits}`;
}

/**
 * `amount × numerator / denominator`, rounded half up, in integers (for proration: price × days
 * used / days in period). @throws RangeError on non-integer input or a zero denominator.
 */
export function prorate(amount: number, numerator: number, denominator: number): number {
  assertRupiah(amount);
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new RangeError(`bad proration ${numerator}/${denominator}`);
  }
  const product = BigInt(amount) * BigInt(numerator);
  const d = BigInt(denominator);
  const sign = product < 0n ? -1n : 1n;
  const abs = product < 0n ? -product : product;
  return assertRupiah(Number(sign * ((abs * 2n + d) / (2n * d))));
}

/** Tax or fee in basis points (1100 = 11 % PPN), rounded half up: `basisPoints(150000, 1100)` → 16500. */
export function basisPoints(amount: number, bp: number): number {
  return prorate(amount, bp, 10_000);
}
