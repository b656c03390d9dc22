/**
 * Parses a RouterOS export (`/export`, `/export show-sensitive`, `/ppp secret export`, ...) of
 * RouterOS 6 or 7 into the items of the menus an import reads (routeros-items.ts): `/ppp
 * profile`, `/ppp secret`, `/ip hotspot user profile`, `/ip hotspot user`. Every other menu and
 * command is skipped. Syntax, per the MikroTik manual "Scripting" (sections "Line joining" and
 * "Constant Escape Sequences"):
 *
 * - A line ending in `\` continues on the next one (exports wrap long lines, v7 indenting the
 *   continuation by 4 spaces); the backslash, the line break and the next line's leading blanks
 *   are dropped, inside a quoted string too.
 * - `#` starts a comment line. A menu line is `/ppp secret` or `/ppp/secret` (v7), optionally
 *   followed by a command on the same line.
 * - Commands: `add prop=value ...`; `set <target> prop=value ...` where the target is
 *   `[ find name=x ]`, `[ find where name=x ]`, `[ find default=yes ]` (the built-in
 *   `default`), `*0` (default), `*FFFFFFFE` (PPP `default-encryption`) or a name. A `set`
 *   merges into the item, creating a built-in one the export did not `add`.
 * - Values: bare words or double-quoted strings with the escapes `\"` `\\` `\n` `\r` `\t`
 *   `\$` `\?` `\_` (space) `\a` `\b` `\f` `\v` and `\XX` (a byte in hex, capital letters: exports
 *   write non-ASCII text as its UTF-8 bytes, e.g. `\C3\A9`).
 * - A v7 export without `show-sensitive` leaves passwords out; those accounts are refused
 *   (`no_password`) rather than imported without one.
 */
import type { ImportBatch } from './import-model.js';
import { batchFromRouterOs, type RouterOsItem, type RouterOsItems } from './routeros-items.js';

const MENUS: Record<string, keyof RouterOsItems> = {
  '/ppp profile': 'pppProfiles',
  '/ppp secret': 'pppSecrets',
  '/ip hotspot user profile': 'hotspotProfiles',
  '/ip hotspot user': 'hotspotUsers',
};

/** Commands that end a menu path (`/ppp secret add ...`). */
const VERBS = ['add', 'set', 'remove', 'print', 'export', 'edit', 'disable', 'enable', 'unset'];

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', r: '\r', t: '\t', $: '$', '?': '?', _: ' ', a: '\x07', b: '\b', f: '\f', v: '\v' };

export class RouterOsSyntaxError extends Error {}

/** One logical line (continuations joined) and the physical line it started on. */
export interface LogicalLine { line: number; text: string }

/** Joins `\` continuations; comments stay as their own lines. */
export function logicalLines(text: string): LogicalLine[] {
  const physical = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: LogicalLine[] = [];
  let current: LogicalLine | null = null;
  physical.forEach((raw, index) => {
    const piece: string = current ? raw.replace(/^[ \t]+/, '') : raw;
    const continues = endsWithContinuation(piece);
    const body = continues ? piece.slice(0, -1) : piece;
    if (current) current.text += body;
    else current = { line: index + 1, text: body };
    if (!continues) {
      out.push(current);
      current = null;
    }
  });
  if (current) out.push(current);
  return out;
}

/** An odd number of trailing backslashes: the last one is a continuation, not an escaped `\\`. */
function endsWithContinuation(line: string): boolean {
  const m = /\\+$/.exec(line);
  return m !== null && m[0].length % 2 === 1;
}

/**
 * Splits a command into words: `key=value` pairs (value unquoted and unescaped), bare words and
 * `[ ... ]` groups (kept whole).
 * @throws RouterOsSyntaxError on an unterminated string or bracket, or a bad escape.
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    if (text[i] === '[') {
      const end = closingBracket(text, i);
      words.push(text.slice(i, end + 1));
      i = end + 1;
      continue;
    }
    const bytes: number[] = [];
    let quoted = false;
    while (i < text.length && (quoted || !/\s/.test(text[i]!))) {
      const ch = text[i]!;
      if (ch === '"') {
        quoted = !quoted;
        i++;
      } else if (ch === '\\') {
        i = unescape(text, i, bytes);
      } else {
        bytes.push(...Buffer.from(ch, 'utf8'));
        i++;
      }
    }
    if (quoted) throw new RouterOsSyntaxError('unterminated string');
    words.push(Buffer.from(bytes).toString('utf8'));
  }
  return words;
}

/** Appends the escape at text[i] (a backslash) to `bytes`; returns the index after it. */
function unescape(text: string, i: number, bytes: number[]): number {
  const next = text[i + 1];
  if (next === undefined) throw new RouterOsSyntaxError('backslash at the end of a line');
  // `\XX`: a byte in hex; the manual asks for capital letters, so `\ab` is BEL then `b`.
  const hex = /^[0-9A-F]{2}/.exec(text.slice(i + 1, i + 3)) ?? (SIMPLE_ESCAPES[next] === undefined ? /^[0-9a-fA-F]{2}/.exec(text.slice(i + 1, i + 3)) : null);
  if (hex) {
    bytes.push(parseInt(hex[0], 16));
    return i + 3;
  }
  const simple = SIMPLE_ESCAPES[next];
  if (simple === undefined) throw new RouterOsSyntaxError(`unknown escape \\${next}`);
  bytes.push(...Buffer.from(simple, 'utf8'));
  return i + 2;
}

function closingBracket(text: string, open: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '[') depth++;
    else if (!quoted && ch === ']' && --depth === 0) return i;
  }
  throw new RouterOsSyntaxError('unterminated [');
}

/** The item name a `set` target refers to, or null when it cannot be told (`set 3 ...`). */
function targetName(word: string, menu: keyof RouterOsItems): string | null {
  if (word === '*0') return 'default';
  if (word.toUpperCase() === '*FFFFFFFE' && menu === 'pppProfiles') return 'default-encryption';
  if (word.startsWith('[')) {
    const inner = splitWords(word.slice(1, -1)).filter((w) => w !== 'find' && w !== 'where');
    if (inner.includes('default=yes')) return 'default';
    const name = inner.find((w) => w.startsWith('name='));
    return name ? name.slice(5) : null;
  }
  return /^\d+$/.test(word) || word.startsWith('*') ? null : word;
}

function pairs(words: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq > 0) out[w.slice(0, eq)] = w.slice(eq + 1);
  }
  return out;
}

/** The items of the four menus, in file order. Syntax errors become refusals (origin `line N`). */
export function parseRouterOsExport(text: string): { items: RouterOsItems; errors: Array<{ line: number; message: string }> } {
  const items: RouterOsItems = { pppProfiles: [], pppSecrets: [], hotspotProfiles: [], hotspotUsers: [] };
  const errors: Array<{ line: number; message: string }> = [];
  let menu: keyof RouterOsItems | null = null;
  for (const { line, text: raw } of logicalLines(text)) {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    let command = trimmed;
    if (trimmed.startsWith('/')) {
      const [path, rest] = splitMenu(trimmed);
      menu = MENUS[path] ?? null;
      command = rest;
      if (!command) continue;
    }
    if (!menu) continue;
    try {
      const words = splitWords(command);
      const verb = words[0];
      if (verb === 'add') {
        items[menu].push({ origin: `line ${line}`, fields: pairs(words.slice(1)) });
      } else if (verb === 'set' && words[1] !== undefined) {
        const name = targetName(words[1], menu);
        if (name === null) continue;
        const item = items[menu].find((x: RouterOsItem) => x.fields.name === name);
        const fields = pairs(words.slice(2));
        if (item) Object.assign(item.fields, fields, { name });
        else items[menu].push({ origin: `line ${line}`, fields: { ...fields, name } });
      }
    } catch (err) {
      if (!(err instanceof RouterOsSyntaxError)) throw err;
      errors.push({ line, message: err.message });
    }
  }
  return { items, errors };
}

/** `/ppp/secret add x=y` or `/ppp secret add x=y` → ['/ppp secret', 'add x=y']. */
function splitMenu(line: string): [string, string] {
  const words = line.split(/\s+/);
  const parts: string[] = [];
  let k = 0;
  for (; k < words.length; k++) {
    const w = words[k]!;
    if (k > 0 && (VERBS.includes(w) || w.includes('='))) break;
    if (k > 0 && !/^[a-z0-9-]+$/.test(w)) break;
    parts.push(...w.split('/').filter(Boolean));
  }
  // `/ppp/secret/add name=x` (v7): the verb was written into the path.
  const verb = parts.length > 1 && VERBS.includes(parts[parts.length - 1]!) ? parts.pop()! : null;
  return [`/${parts.join(' ')}`, [verb, ...words.slice(k)].filter(Boolean).join(' ')];
}

/** The import batch of an export file. */
export function importBatchFromExport(text: string): ImportBatch {
  const { items, errors } = parseRouterOsExport(text);
  const batch = batchFromRouterOs('routeros-export', items);
  batch.refused.unshift(...errors.map((e) => ({ origin: `line ${e.line}`, reason: 'syntax' as const, detail: e.message })));
  return batch;
}
