/**
 * Text from the wire (RADIUS attributes, webhooks) as PostgreSQL text: NUL cannot be stored in
 * a text column (nor in json sent to it), so it is removed. Null and undefined become null.
 */
export function pgText(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  return value.includes('\0') ? value.replaceAll('\0', '') : value;
}
