/**
 * Amounts as Indonesian internet banking prints them, read into sen (1/100 rupiah) as a safe
 * integer, never through a float: "1.500.123,00" (Indonesian grouping, KlikMandiri / BNI),
 * "1,500,123.00" (KlikBCA), "1500123.00" (BRI CMS), "1500123", with an optional "Rp"/"IDR", a
 * trailing or separate CR/DB marker and a leading minus.
 *
 * The decimal separator is the last `.` or `,` when one or two digits follow it; with three
 * digits after it, it groups thousands ("1.500" is fifteen hundred rupiah, as Indonesian banks
 * print it). Groups must be three digits, so "1.50.0" is refused rather than guessed.
 */

export type Direction = 'CR' | 'DB';

export interface StatementAmount {
  /** Always positive; the direction says which way the money went. */
  sen: number;
  /** From a CR/DB marker in the text (or a leading minus: DB); null when the text has none. */
  direction: Direction | null;
}

/** A credit/debit marker ("CR", "Cr.", "C", "K", "Kredit", "DB", "Db.", "D", "Debet", "Debit") → its direction, else null. */
export function directionOf(marker: string): Direction | null {
  const m = marker.trim().replace(/\.$/, '').toUpperCase();
  if (['CR', 'C', 'K', 'KR', 'KREDIT', 'CREDIT'].includes(m)) return 'CR';
  if (['DB', 'D', 'DR', 'DEBET', 'DEBIT'].includes(m)) return 'DB';
  return null;
}

/**
 * Parses one amount. @returns null for an empty cell, a text that is not an amount, or one
 * larger than Number.MAX_SAFE_INTEGER sen.
 */
export function parseStatementAmount(text: string): StatementAmount | null {
  let s = text.replace(/\u00a0/g, ' ').trim().replace(/^'/, '');
  let direction: Direction | null = null;
  const marker = /\s*\b(CR|DB|Cr\.?|Db\.?|K|D)\s*$/i.exec(s);
  if (marker && /\d/.test(s.slice(0, marker.index))) {
    direction = directionOf(marker[1]!);
    s = s.slice(0, marker.index);
  }
  s = s.replace(/^(Rp\.?|IDR)\s*/i, '').replace(/\s+/g, '');
  if (s.startsWith('-')) {
    direction = 'DB';
    s = s.slice(1);
  } else if (s.startsWith('+')) {
    s = s.slice(1);
  }
  if (!/^[\d.,]+$/.test(s) || !/\d/.test(s)) return null;
  let whole = s;
  let cents = '00';
  const last = Math.max(s.lastIndexOf('.'), s.lastIndexOf(','));
  if (last >= 0) {
    const tail = s.slice(last + 1);
    if (tail.length === 1 || tail.length === 2) {
      whole = s.slice(0, last);
      cents = tail.padEnd(2, '0');
    }
  }
  const groupSep = whole.includes('.') && whole.includes(',') ? null : whole.includes('.') ? '.' : whole.includes(',') ? ',' : '';
  if (groupSep === null) return null; // both separators left in the whole part
  if (groupSep) {
    const groups = whole.split(groupSep);
    if (!/^\d{1,3}$/.test(groups[0]!) || groups.slice(1).some((g) => !/^\d{3}$/.test(g))) return null;
    // The decimal separator, when there is one, must differ from the grouping one.
    if (last >= 0 && whole.length !== s.length && s[last] === groupSep) return null;
    whole = groups.join('');
  }
  if (!/^\d+$/.test(whole) || !/^\d{2}$/.test(cents)) return null;
  const sen = Number(whole) * 100 + Number(cents);
  if (!Number.isSafeInteger(sen)) return null;
  return { sen, direction };
}
