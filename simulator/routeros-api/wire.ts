/**
 * The RouterOS API wire format, server side (MikroTik manual "API",
 * help.mikrotik.com/docs/spaces/ROS/pages/47579160, sections "API words" and "API sentences"):
 *
 * - Words: a length prefix of 1-5 octets (0x00-0x7F; 0x80-0x3FFF with 10xxxxxx; up to 0x1FFFFF
 *   with 110xxxxx; up to 0xFFFFFFF with 1110xxxx; else 0xF0 and 4 octets), then the bytes (UTF-8).
 *   A sentence is words up to a zero-length word.
 * - A command sentence: the command word (`/ppp/active/print`), then attribute words `=name=value`,
 *   query words `?name=value` / `?name` / `?-name` and the API attribute `.tag=…`.
 * - Replies: `!re` per item, `!trap =message=…` on failure, `!done` last, each repeating `.tag`.
 * Shared by the simulator's router (simulator/routeros-api/router-commands.ts) and the tests'
 * fake router (test/helpers/fake-routeros.ts).
 */

export type Item = Record<string, string>;

/** Encodes a word's length prefix. */
export function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x4000) return Buffer.from([(n >> 8) | 0x80, n & 0xff]);
  if (n < 0x200000) return Buffer.from([(n >> 16) | 0xc0, (n >> 8) & 0xff, n & 0xff]);
  if (n < 0x10000000) return Buffer.from([((n >>> 24) & 0x0f) | 0xe0, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.from([0xf0, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}

/** Decodes a length prefix at `buf[pos]`: [length, prefix size], or undefined when incomplete. */
export function decodeLength(buf: Buffer, pos: number): [number, number] | undefined {
  const b = buf[pos];
  if (b === undefined) return undefined;
  const size = b < 0x80 ? 1 : b < 0xc0 ? 2 : b < 0xe0 ? 3 : b < 0xf0 ? 4 : 5;
  if (pos + size > buf.length) return undefined;
  if (size === 1) return [b, 1];
  if (size === 5) return [buf.readUInt32BE(pos + 1), 5];
  let n = b & (0xff >> size);
  for (let i = 1; i < size; i++) n = n * 256 + buf[pos + i]!;
  return [n, size];
}

/** Encodes one sentence (words then the zero-length word). */
export function encodeSentence(words: string[]): Buffer {
  const parts: Buffer[] = [];
  for (const w of words) {
    const bytes = Buffer.from(w, 'utf8');
    parts.push(encodeLength(bytes.length), bytes);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/**
 * Returns a function to feed with the bytes of one connection as they arrive; it calls
 * `onSentence` with each complete sentence's words (words may span chunks).
 */
export function sentenceReader(onSentence: (words: string[]) => void): (chunk: Buffer) => void {
  let buf = Buffer.alloc(0);
  let words: string[] = [];
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    let pos = 0;
    for (;;) {
      const len = decodeLength(buf, pos);
      if (!len || pos + len[1] + len[0] > buf.length) break;
      const word = buf.subarray(pos + len[1], pos + len[1] + len[0]).toString('utf8');
      pos += len[1] + len[0];
      if (word !== '') {
        words.push(word);
        continue;
      }
      const sentence = words;
      words = [];
      onSentence(sentence);
    }
    buf = buf.subarray(pos);
  };
}

export interface Command {
  /** `/ppp/active/print`. */
  command: string;
  /** `=name=value` words by name (`=once=` gives ''). */
  attrs: Map<string, string>;
  /** Query words without their `?`. */
  queries: string[];
}

/** Splits a sentence (without its `.tag`) into command, attributes and queries. */
export function parseCommand(words: string[]): Command {
  const [command = '', ...rest] = words;
  const attrs = new Map<string, string>();
  const queries: string[] = [];
  for (const w of rest) {
    if (w.startsWith('=')) {
      const eq = w.indexOf('=', 1);
      attrs.set(eq < 0 ? w.slice(1) : w.slice(1, eq), eq < 0 ? '' : w.slice(eq + 1));
    } else if (w.startsWith('?')) queries.push(w.slice(1));
  }
  return { command, attrs, queries };
}

/** A `!trap` (with its category when given) then `!done`. */
export function trap(message: string, category?: number): string[][] {
  return [['!trap', ...(category === undefined ? [] : [`=category=${category}`]), `=message=${message}`], ['!done']];
}

/** One query word without its `?`: `name=value` (equal), `name` (present), `-name` (absent). */
export function matchQuery(item: Item, q: string): boolean {
  if (q.startsWith('-')) return !(q.slice(1) in item);
  const eq = q.indexOf('=');
  if (eq < 0) return q in item;
  return item[q.slice(0, eq)] === q.slice(eq + 1);
}

/**
 * The answer to `print` over `items`: every item matching all `queries` (ANDed), as `!re` with
 * its properties (only those of `=.proplist=` when given), then `!done`; `emptyReply` answers
 * `!empty` first when nothing matches, as RouterOS 7.18+ does. Query operations (`?#`) are trapped.
 */
export function printReplies(items: Item[], cmd: Command, emptyReply = false): string[][] {
  if (cmd.queries.some((q) => q.startsWith('#'))) return trap('query operations are not supported', 5);
  const proplist = cmd.attrs.get('.proplist')?.split(',');
  const out = items
    .filter((item) => cmd.queries.every((q) => matchQuery(item, q)))
    .map((item) => ['!re', ...Object.entries(item).filter(([k]) => !proplist || proplist.includes(k)).map(([k, v]) => `=${k}=${v}`)]);
  if (out.length === 0 && emptyReply) out.push(['!empty']);
  return [...out, ['!done']];
}
