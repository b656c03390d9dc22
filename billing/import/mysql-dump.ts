/**
 * Reads the rows of chosen tables from a `mysqldump` file without MySQL: the column names from
 * each `CREATE TABLE`, the rows from its `INSERT INTO … VALUES (…),(…);` statements (with or
 * without a column list, `INSERT IGNORE` and `REPLACE` too). Everything else (comments `-- …`,
 * `# …`, `/* … *\/` and `/*!40101 … *\/` version comments, LOCK, SET, DROP) is skipped.
 *
 * Values, per the MySQL manual §11.1.1 "String Literals": single- or double-quoted strings with
 * the escapes `\0` `\'` `\"` `\b` `\n` `\r` `\t` `\Z` `\\` `\%` `\_` (kept with the backslash, as
 * MySQL does outside LIKE) and a doubled quote; NULL → null; numbers and other bare words as
 * text; `_binary 'x'` and `0x…` as text. Values are returned as strings (or null).
 */

import type { ImportBatch } from './import-model.js';

export type DumpRow = Record<string, string | null>;

export class DumpSyntaxError extends Error {}

const ESCAPES: Record<string, string> = { '0': '\0', "'": "'", '"': '"', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a', '\\': '\\', '%': '\\%', _: '\\_' };

/** The rows of `tables` (names as in the dump), by table; a table with no INSERT has no entry. */
export function readMysqlDump(text: string, tables: readonly string[]): Map<string, DumpRow[]> {
  const wanted = new Set(tables);
  const columns = new Map<string, string[]>();
  const out = new Map<string, DumpRow[]>();
  for (const statement of statements(text)) {
    const create = /^CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?`?([\w$]+)`?\s*\(/i.exec(statement);
    if (create) {
      if (wanted.has(create[1]!)) {
        columns.set(create[1]!, [...statement.slice(create[0].length).matchAll(/^\s*`([^`]+)`/gm)].map((m) => m[1]!));
      }
      continue;
    }
    const insert = /^(?:INSERT(?:\s+IGNORE)?|REPLACE)\s+INTO\s+`?([\w$]+)`?\s*(?:\(([^)]*)\))?\s*VALUES\s*/i.exec(statement);
    if (!insert || !wanted.has(insert[1]!)) continue;
    const table = insert[1]!;
    const names = insert[2] ? insert[2].split(',').map((c) => c.trim().replace(/^`|`$/g, '')) : columns.get(table);
    if (!names) throw new DumpSyntaxError(`INSERT INTO ${table} before its CREATE TABLE and without a column list`);
    const rows = out.get(table) ?? [];
    for (const tuple of tuples(statement, insert[0].length)) {
      if (tuple.length !== names.length) throw new DumpSyntaxError(`${table}: a row has ${tuple.length} values for ${names.length} columns`);
      rows.push(Object.fromEntries(names.map((n, i) => [n, tuple[i]!])));
    }
    out.set(table, rows);
  }
  return out;
}

/** Statements split at `;` outside strings and comments, comments removed, trimmed. */
function* statements(text: string): Generator<string> {
  let current = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = stringEnd(text, i);
      current += text.slice(i, end);
      i = end;
    } else if ((ch === '-' && text.startsWith('-- ', i)) || (ch === '-' && text.startsWith('--\n', i)) || (ch === '#' && current.trim() === '')) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (ch === ';') {
      if (current.trim()) yield current.trim();
      current = '';
      i++;
    } else {
      current += ch;
      i++;
    }
  }
  if (current.trim()) yield current.trim();
}

/** Index after the quoted string (or identifier) starting at `start`. */
function stringEnd(text: string, start: number): number {
  const quote = text[start]!;
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\' && quote !== '`') i++;
    else if (text[i] === quote) {
      if (text[i + 1] === quote) i++;
      else return i + 1;
    }
  }
  throw new DumpSyntaxError('unterminated string');
}

/** The value tuples of an INSERT, from `pos` (just after VALUES). */
function* tuples(s: string, pos: number): Generator<Array<string | null>> {
  let i = pos;
  const skip = (): void => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  for (;;) {
    skip();
    if (i >= s.length) return;
    if (s[i] !== '(') throw new DumpSyntaxError(`expected ( at ${i}`);
    i++;
    const values: Array<string | null> = [];
    for (;;) {
      skip();
      const [value, next] = readValue(s, i);
      values.push(value);
      i = next;
      skip();
      if (s[i] === ',') i++;
      else if (s[i] === ')') {
        i++;
        break;
      } else throw new DumpSyntaxError(`expected , or ) at ${i}`);
    }
    yield values;
    skip();
    if (s[i] === ',') i++;
    else if (i < s.length && !/^ON\s+DUPLICATE/i.test(s.slice(i, i + 20))) throw new DumpSyntaxError(`expected , between rows at ${i}`);
    else return;
  }
}

/** A bare value (number, NULL, 0x…), matched in place (sticky) so long INSERTs stay linear. */
const BARE = /[^,)\s]+/y;

function readValue(s: string, i: number): [string | null, number] {
  const binary = /^_(?:binary|utf8mb4|utf8|latin1)\s*/i.exec(s.slice(i, i + 12));
  if (binary) i += binary[0].length;
  const q = s[i];
  if (q === "'" || q === '"') {
    let out = '';
    for (let k = i + 1; k < s.length; k++) {
      const ch = s[k]!;
      if (ch === '\\') {
        const e = s[k + 1]!;
        out += ESCAPES[e] ?? e;
        k++;
      } else if (ch === q) {
        if (s[k + 1] === q) {
          out += q;
          k++;
        } else return [out, k + 1];
      } else out += ch;
    }
    throw new DumpSyntaxError('unterminated string');
  }
  BARE.lastIndex = i;
  const m = BARE.exec(s);
  if (!m) throw new DumpSyntaxError(`expected a value at ${i}`);
  return [m[0].toUpperCase() === 'NULL' ? null : m[0], i + m[0].length];
}

/**
 * The rows of `tables` in a dump, as a lookup by table (a table absent from the dump has none);
 * a dump that cannot be parsed becomes one refused row of `batch` (reason `syntax`) and no rows.
 * @throws what readMysqlDump throws other than DumpSyntaxError
 */
export function dumpTablesOrRefuse<T extends string>(dump: string, tables: readonly T[], batch: ImportBatch): ((table: T) => DumpRow[]) | null {
  try {
    const read = readMysqlDump(dump, tables);
    return (table) => read.get(table) ?? [];
  } catch (err) {
    if (!(err instanceof DumpSyntaxError)) throw err;
    batch.refused.push({ origin: 'dump', reason: 'syntax', detail: err.message });
    return null;
  }
}
