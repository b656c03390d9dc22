/**
 * A table written to a gzip file with COPY … TO STDOUT (PostgreSQL manual, "COPY": CSV format with
 * a header line, NULL as an empty unquoted field, readable by any CSV reader and loadable again
 * with `COPY table FROM … WITH (FORMAT csv, HEADER)` after `gunzip`). Used to archive partitions
 * before they are dropped (lib/partitions.ts `archive`, aaa/accounting/accounting-partitions.ts).
 *
 * The file is written as `<file>.part`, flushed to disk (fsync) and renamed, so a file with the
 * final name is always complete; a run that fails leaves at most a `.part` file, replaced by the
 * next run. Streams end to end (pg-copy-streams → zlib → file): memory stays flat whatever the
 * table holds; gzip runs on libuv's thread pool.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Knex } from './db.js';

export interface TableArchive {
  /** Rows written (COPY's own count). */
  rows: number;
  /** Size of the gzip file, bytes. */
  bytes: number;
  /** SHA-256 of the gzip file, hex. */
  sha256: string;
}

/**
 * Writes every row of `table` (a plain identifier; it is quoted) to `file` as gzip-compressed CSV
 * with a header. Creates the directory. Errors: the database's (the table is gone, permission) or
 * the file system's (disk full); nothing is left under `file` then.
 */
export async function copyTableToGzip(db: Knex, table: string, file: string): Promise<TableArchive> {
  await mkdir(dirname(file), { recursive: true });
  const part = `${file}.part`;
  const sql = `COPY "${table.replaceAll('"', '""')}" TO STDOUT WITH (FORMAT csv, HEADER)`;
  const hash = createHash('sha256');
  const digest = new Transform({ transform(chunk: Buffer, _enc, done) { hash.update(chunk); done(null, chunk); } });
  const client = (await db.client.acquireConnection()) as pg.PoolClient;
  let rows: number;
  try {
    const stream = client.query(copyTo(sql));
    await pipeline(stream, createGzip({ level: 6 }), digest, createWriteStream(part));
    rows = stream.rowCount;
  } finally {
    await db.client.releaseConnection(client);
  }
  const fh = await open(part, 'r+');
  try { await fh.sync(); } finally { await fh.close(); }
  await rename(part, file);
  return { rows, bytes: (await stat(file)).size, sha256: hash.digest('hex') };
}
