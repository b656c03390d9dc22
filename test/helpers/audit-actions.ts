/**
 * The audit actions and subscription status reasons the code writes, found by reading the source
 * (not a list kept by hand), so a test notices a new one that has no text yet.
 *
 * Audit actions: `action: <expr>, objectType:` in an audit entry (a literal, the literals of a
 * conditional, or a template whose `${x.name}` parts expand to the `name: 'a' | 'b'` union typed
 * in the same file), and `…audit('action', …)` helper calls. Status reasons: `status_reason:
 * 'x'`, `const *_REASON(S) = …`, and in files that call changeSubscriptionStatus: the reason it
 * is passed (`'x', deps.effects`), `reason = cond ? 'a' : 'b'` and `[to, from, 'reason'] as const`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOURCES = ['aaa', 'admin', 'billing', 'lib', 'network', 'portal', 'scripts', 'server', 'web'];

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [p] : [];
  });
}

const literals = (text: string): string[] => [...text.matchAll(/'([a-z][a-z0-9_]*)'/g)].map((m) => m[1]!);

/** Each `${…}` part of a template action as its possible values, from the file's literal unions. */
function expandTemplate(template: string, src: string): string[] | null {
  let alternatives = [''];
  for (const part of template.split(/(\$\{[^}]*\})/)) {
    if (!part.startsWith('${')) { alternatives = alternatives.map((a) => a + part); continue; }
    let values = literals(part.slice(part.indexOf('?') + 1));
    if (!values.length) {
      const name = part.slice(2, -1).split('.').pop()!;
      const union = new RegExp(`\\b${name}:\\s*((?:'[a-z_]+'\\s*\\|?\\s*)+)`).exec(src);
      values = union ? literals(union[1]!) : [];
    }
    if (!values.length) return null;
    alternatives = alternatives.flatMap((a) => values.map((v) => a + v));
  }
  return alternatives;
}

export interface Found {
  /** value → a file that writes it */
  values: Map<string, string>;
  /** expressions that could not be read (a test should fail on these) */
  unreadable: string[];
}

/** Every audit action written in the source. */
export function auditActionsInSource(): Found {
  const values = new Map<string, string>();
  const unreadable: string[] = [];
  for (const file of SOURCES.flatMap((d) => sourceFiles(path.join(ROOT, d)))) {
    const src = fs.readFileSync(file, 'utf8');
    const where = path.relative(ROOT, file);
    for (const m of src.matchAll(/\baction:\s*(`[^`]*`|[^{};`]*?),\s*objectType:/g)) {
      const expr = m[1]!.trim();
      if (expr === 'string') continue; // a helper's parameter list; its calls are read below
      const found = expr.startsWith('`') ? expandTemplate(expr.slice(1, -1), src) : literals(expr.slice(expr.indexOf('?') + 1));
      if (!found?.length) unreadable.push(`${where}: ${expr}`);
      for (const v of found ?? []) values.set(v, where);
    }
    for (const m of src.matchAll(/[aA]udit\(\s*'([a-z_]+)'/g)) values.set(m[1]!, where);
  }
  return { values, unreadable };
}

/** Every subscriptions.status_reason written in billing/ (and the import). */
export function statusReasonsInSource(): Found {
  const values = new Map<string, string>();
  for (const file of sourceFiles(path.join(ROOT, 'billing'))) {
    const src = fs.readFileSync(file, 'utf8');
    const where = path.relative(ROOT, file);
    const add = (text: string): void => { for (const v of literals(text)) values.set(v, where); };
    for (const m of src.matchAll(/status_reason:\s*'([a-z_]+)'/g)) values.set(m[1]!, where);
    for (const m of src.matchAll(/const [A-Z_]+_REASONS?\s*=\s*([^;]*);/g)) add(m[1]!);
    if (!src.includes('changeSubscriptionStatus(')) continue;
    for (const m of src.matchAll(/\breason\s*=\s*[^;?]*\?([^;]*);/g)) add(m[1]!);
    for (const m of src.matchAll(/\]\s*,\s*'([a-z_]+)'\s*\]\s*as const/g)) values.set(m[1]!, where);
    for (const m of src.matchAll(/\?\s*[A-Z_]+\s*:\s*'([a-z_]+)'\s*,\s*(?:deps|ctx)\.effects/g)) values.set(m[1]!, where);
    for (const m of src.matchAll(/'([a-z_]+)'\s*,\s*(?:deps|ctx)\.effects\s*,?\s*\)/g)) values.set(m[1]!, where);
  }
  return { values, unreadable: [] };
}
