/**
 * `node --import tsx scripts/fix-lockfile.ts`: adds to package-lock.json the entries of optional
 * platform packages the registry mirror does not carry (msgpackr-extract's macOS, Windows and
 * ARM32 builds here). npm leaves them out of the lock when it cannot fetch them, and `npm ci`
 * then refuses the lock as out of sync; it never downloads another platform's package, so an
 * entry naming the version, os and cpu is all it needs. Run it after `npm install`.
 */
import fs from 'node:fs';
import path from 'node:path';

const LOCK = path.resolve(import.meta.dirname, '../package-lock.json');
const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openbsd', 'sunos', 'aix'];
const CPU = ['arm64', 'x64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64'];

interface Entry { version?: string; optionalDependencies?: Record<string, string>; [k: string]: unknown }

/** Optional dependencies named for a platform (`…-<os>-<cpu>`) that have no entry in the lock. */
export function missingPlatformPackages(lock: { packages: Record<string, Entry> }): Array<{ key: string; version: string; os: string; cpu: string }> {
  const out: Array<{ key: string; version: string; os: string; cpu: string }> = [];
  for (const entry of Object.values(lock.packages)) {
    for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
      const key = `node_modules/${name}`;
      const m = new RegExp(`-(${OS.join('|')})-(${CPU.join('|')})$`).exec(name);
      if (!lock.packages[key] && m) out.push({ key, version, os: m[1]!, cpu: m[2]! });
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const lock = JSON.parse(fs.readFileSync(LOCK, 'utf8')) as { packages: Record<string, Entry> };
  const missing = missingPlatformPackages(lock);
  for (const m of missing) lock.packages[m.key] = { version: m.version, cpu: [m.cpu], optional: true, os: [m.os] };
  const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
  fs.writeFileSync(LOCK, JSON.stringify({ ...lock, packages: sorted }, null, 2) + '\n');
  process.stdout.write(missing.length ? `added ${missing.map((m) => m.key).join(', ')}\n` : 'package-lock.json needs nothing\n');
}
