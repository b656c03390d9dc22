/**
 * What the captive portal shows of who is connected. The page is found by the connection's
 * address, so anyone using that connection (a guest on the household's Wi-Fi, a neighbour on a
 * shared hotspot) can open it: enough for the subscriber to recognise their account, not enough
 * to learn a stranger's name or customer number.
 */

/** "Budi Santoso" → "Bu** Sa*****": the first two letters of each word (the first one of a word of two). */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => {
      const chars = Array.from(word);
      const keep = chars.length <= 2 ? 1 : 2;
      return chars.slice(0, keep).join('') + '*'.repeat(chars.length - keep);
    })
    .join(' ');
}

/** "CUST0123" → "CUST**23": the first four and the last two characters (of a shorter one, the last two). */
export function maskCustomerNumber(customerNumber: string): string {
  const chars = Array.from(customerNumber);
  const head = chars.length >= 8 ? 4 : 0;
  const tail = Math.min(2, Math.max(chars.length - 2, 0));
  return chars.slice(0, head).join('') + '*'.repeat(chars.length - head - tail) + chars.slice(chars.length - tail).join('');
}
