/**
 * The attribute definitions a module reads or writes, looked up by name once, when the module
 * loads: `attributeDefs({ userName: 'User-Name', rateLimit: 'Mikrotik-Rate-Limit' })` →
 * `{ userName: AttributeDef, rateLimit: AttributeDef }`. Names are the dictionary's
 * (dictionary.ts: the FreeRADIUS RFC dictionaries and ours in aaa/dictionaries/), case-insensitive.
 *
 * The table is built once, so a packet's attributes are read (values.ts: readString, readInteger,
 * readIpv4, readIpv6) and written (writer.ts) with a property access per attribute: no lookup and
 * no allocation per packet on the Access-Request path (ARCHITECTURE.md, "Access-Request flow").
 *
 * @throws Error naming the attribute when a name is not in the dictionary: at load, never per packet.
 */
import { dictionary, type AttributeDef } from './dictionary.js';

export function attributeDefs<K extends string>(names: Record<K, string>): Readonly<Record<K, AttributeDef>> {
  const d = dictionary();
  // Object.fromEntries builds an object with fast (in-order, shaped) properties; adding 20 keys one
  // by one with computed names would leave V8 a dictionary-mode object, slower to read on every packet.
  return Object.fromEntries(Object.entries<string>(names).map(([key, name]) => [key, d.attr(name)])) as Record<K, AttributeDef>;
}
