/**
 * The dependency rules of ARCHITECTURE.md ("Dependency rules"), checked on every source file's
 * imports as TypeScript reads them (`ts.preProcessFile`: static imports, `export … from`, dynamic
 * `import()`), tests aside:
 * - lib/ (the kernel) imports no role: nothing from aaa/, billing/, admin/, portal/, web/, server/;
 * - billing/ imports only lib/; aaa/ imports lib/ and, of billing/, only billing/access/ (the one door);
 * - network/ (monitoring) imports lib/ and billing/ (outage credits, dunning pauses), never aaa/;
 * - admin/ and portal/ never import each other, web/ or server/; web/ never imports server/;
 * - simulator/ (the virtual router, a tool) imports lib/ and aaa/codec/ only: it talks to the
 *   product over the wire, never through its internals;
 * - api/ (the public REST API, issue 14) imports lib/, billing/, aaa/ and network/, never admin/,
 *   portal/, web/ or server/; only web/ (which mounts it) and server/ import it;
 * - no import loop between folders;
 * - no source file over 300 lines.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '..');
const SOURCE_ROOTS = ['aaa', 'billing', 'network', 'admin', 'portal', 'api', 'lib', 'web', 'server', 'scripts', 'simulator', 'migrations'];
const MAX_LINES = 300;

function sourceFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

interface Edge { from: string; to: string }

/** Every relative import of every source file, as repository-relative paths (`.js` → `.ts`). */
function importEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const root of SOURCE_ROOTS) {
    for (const file of sourceFiles(path.join(ROOT, root))) {
      const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
      for (const ref of info.importedFiles) {
        if (!ref.fileName.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), ref.fileName).replace(/\.js$/, '.ts');
        edges.push({ from: path.relative(ROOT, file), to: path.relative(ROOT, target) });
      }
    }
  }
  return edges;
}

const top = (p: string): string => p.split(path.sep)[0]!;

/** Which top-level folders (and, for billing/, which subfolder) a role may import. */
function allowed(from: string, to: string): boolean {
  const a = top(from);
  const b = top(to);
  if (a === b) return true;
  switch (a) {
    case 'lib': return false;
    case 'billing': return b === 'lib';
    case 'aaa': return b === 'lib' || (b === 'billing' && to.startsWith(`billing${path.sep}access${path.sep}`));
    case 'network': return b === 'lib' || b === 'billing';
    case 'simulator': return b === 'lib' || to.startsWith(`aaa${path.sep}codec${path.sep}`);
    case 'admin': return ['lib', 'billing', 'aaa', 'network'].includes(b);
    case 'portal': return ['lib', 'billing', 'aaa', 'network'].includes(b);
    case 'api': return ['lib', 'billing', 'aaa', 'network'].includes(b);
    case 'web': return ['lib', 'billing', 'aaa', 'network', 'admin', 'portal', 'api'].includes(b);
    default: return true; // server/, scripts/, migrations/: the composition and the tools may import anything
  }
}

test('each role imports only what the dependency rules allow', () => {
  const broken = importEdges().filter((e) => !allowed(e.from, e.to)).map((e) => `${e.from} → ${e.to}`);
  assert.deepEqual(broken, []);
});

test('no import loop between folders', () => {
  const graph = new Map<string, Set<string>>();
  const example = new Map<string, string>();
  for (const e of importEdges()) {
    const a = path.dirname(e.from);
    const b = path.dirname(e.to);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
    if (!example.has(`${a}>${b}`)) example.set(`${a}>${b}`, `${e.from} → ${e.to}`);
  }
  // Tarjan's strongly connected components: every component with more than one folder is a loop.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const loops: string[] = [];
  const visit = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); component.push(w); } while (w !== v);
      // Reported as the imports that close the loop, one example file per pair of folders.
      if (component.length > 1) {
        const inside = new Set(component);
        for (const a of component) for (const b of graph.get(a) ?? []) if (inside.has(b)) loops.push(example.get(`${a}>${b}`)!);
      }
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  assert.deepEqual(loops.sort(), []);
});

test(`no source file over ${MAX_LINES} lines`, () => {
  const long = SOURCE_ROOTS.flatMap((r) => sourceFiles(path.join(ROOT, r)))
    .map((f) => ({ f: path.relative(ROOT, f), n: fs.readFileSync(f, 'utf8').split('\n').length - 1 }))
    .filter((x) => x.n > MAX_LINES)
    .map((x) => `${x.f}: ${x.n} lines`);
  assert.deepEqual(long, []);
});
