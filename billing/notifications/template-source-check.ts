/**
 * Checking a staff-edited source before it is saved (the console's template editor): it must
 * parse, use only the template's placeholders (template-catalog.ts) and the built-in block
 * helpers; no partials, no other helpers, no sub-expressions.
 */
import { OPTIONAL_PARAMS, REQUIRED_PARAMS, type TemplateName } from './template-catalog.js';
import { hbs } from './template-compile.js';

const BLOCK_HELPERS = new Set(['if', 'unless', 'each', 'with']);
const DATA_VARIABLES = new Set(['index', 'first', 'last', 'key', 'root']);

/** What is wrong with one source: a syntax error, or the placeholders that do not exist (sorted). */
export interface SourceProblem {
  kind: 'syntax' | 'unknown_placeholder' | 'unsupported';
  detail: string;
}

type AstNode = { type: string; [k: string]: unknown };

/**
 * Checks a staff-edited source of template `name`: it must parse, use only the placeholders of
 * templatePlaceholders(name), and the built-in block helpers (if, unless, each, with); no
 * partials, no other helpers. Returns null when it is fine.
 */
export function checkTemplateSource(name: TemplateName, source: string): SourceProblem | null {
  let ast: AstNode;
  try {
    ast = hbs.parse(source) as unknown as AstNode;
  } catch (err) {
    return { kind: 'syntax', detail: (err as Error).message.split('\n')[0] ?? 'parse error' };
  }
  const allowed = new Set([...REQUIRED_PARAMS[name], ...(OPTIONAL_PARAMS[name] ?? [])]);
  const unknown = new Set<string>();
  const unsupported = new Set<string>();

  const path = (p: AstNode | undefined): void => {
    if (!p) return;
    if (p.type === 'SubExpression') {
      unsupported.add(`(${String((p.path as AstNode & { original?: string }).original ?? '')} …)`);
      return;
    }
    if (p.type !== 'PathExpression') return; // literals
    const parts = (p.parts as string[]) ?? [];
    if (p.data) {
      if (!DATA_VARIABLES.has(parts[0] ?? '')) unknown.add(`@${parts.join('.')}`);
      return;
    }
    if (parts.length === 0) return; // {{this}}
    if (!allowed.has(parts[0]!)) unknown.add(String(p.original));
  };
  const call = (node: AstNode, block: boolean): void => {
    const params = (node.params as AstNode[]) ?? [];
    const hash = node.hash as { pairs?: Array<{ value: AstNode }> } | undefined;
    const head = node.path as AstNode & { original?: string; parts?: string[] };
    if (params.length || hash?.pairs?.length || block) {
      // A helper call: only the built-in block helpers.
      const helper = String(head.original ?? '');
      if (!(block && BLOCK_HELPERS.has(helper))) unsupported.add(helper);
      for (const q of params) path(q);
      for (const pair of hash?.pairs ?? []) path(pair.value);
    } else path(head);
  };
  const walk = (node: AstNode | undefined | null): void => {
    if (!node) return;
    switch (node.type) {
      case 'Program':
        for (const s of node.body as AstNode[]) walk(s);
        break;
      case 'MustacheStatement':
        call(node, false);
        break;
      case 'BlockStatement':
        call(node, true);
        walk(node.program as AstNode);
        walk(node.inverse as AstNode);
        break;
      case 'PartialStatement':
      case 'PartialBlockStatement':
      case 'DecoratorBlock':
      case 'Decorator':
        unsupported.add(`{{> …}}`);
        break;
      default:
        break; // ContentStatement, CommentStatement
    }
  };
  walk(ast);
  if (unsupported.size) return { kind: 'unsupported', detail: [...unsupported].sort().join(', ') };
  if (unknown.size) return { kind: 'unknown_placeholder', detail: [...unknown].sort().map((u) => `{{${u}}}`).join(', ') };
  return null;
}
