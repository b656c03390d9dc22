/**
 * Pieces of RouterOS script syntax the generated scripts share (MikroTik manual "Scripting":
 * "Constant Escape Sequences", "Operators" (`->` array element), `:if`/`:len`, and each menu's
 * `find`, `add`, `move`).
 */

/** A RouterOS string constant: `"` `\` `$` escaped, line breaks as `\n` / `\r`. */
export function quote(s: string): string {
  return `"${s.replace(/["\\$]/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

/** An address as the host part of a URL: IPv6 in brackets. */
export function hostForUrl(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}

/**
 * `command` run only when `menu` has no item matching `where` (e.g. `name="pool-home"`): a second
 * paste of the script leaves what the first one (or the ISP) made alone.
 */
export function ifMissing(menu: string, where: string, command: string): string {
  return `:if ([:len [${menu} find where ${where}]] = 0) do={ ${command} }`;
}

/**
 * A firewall rule at the top of its table, on any table: the rule with the same comment is
 * removed (a second paste replaces it), the new one is added (it lands at the end) and, when the
 * table holds other rules, moved before the first one (`move ... destination=`, by item id, so
 * it works without a prior `print`). `place-before=0` instead fails with "no such item" on an
 * empty table. Rules added in turn each go to the top: the one added last ends up first.
 * @param menu e.g. `/ip firewall filter`
 * @param props the rule's properties, without the comment
 */
export function ruleAtTop(menu: string, props: string, comment: string): string[] {
  const c = quote(comment);
  return [
    `${menu} remove [find where comment=${c}]`,
    `${menu} add ${props} comment=${c}`,
    `:if ([:len [${menu} find]] > 1) do={ ${menu} move [${menu} find where comment=${c}] destination=([${menu} find]->0) }`,
  ];
}
