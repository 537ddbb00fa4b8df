/**
 * Matching code against the banned-API tables: a call, `new` or read whose target resolves to a banned global,
 * module member or package. Only resolved references count, so a local function called `fetch` or a parameter
 * called `crypto` is never flagged.
 */
import * as ts from 'typescript';
import {
  BANNED_GLOBALS,
  BANNED_MODULE_MEMBERS,
  SLEEP_CALLS_WITH_MS,
  bannedPackage,
  type BannedApi,
  type BannedRule,
  type FixKind,
  type Use,
} from './bannedApis.js';
import type { Resolver, Sym } from './resolve.js';
import { isReference, lookup } from './scopes.js';
import { isInside, memberAccess, snippet, unwrap, type FunctionNode } from './syntax.js';

export interface BannedUse {
  readonly rule: BannedRule;
  /** The node to report: the call, the `new`, or `process.env.X`. */
  readonly node: ts.Node;
  readonly code: string;
  readonly what: string;
  readonly fix?: FixKind;
}

type UseKind = 'call' | 'new' | 'read';

function compatible(use: Use, kind: UseKind, node: ts.Node): boolean {
  switch (use) {
    case 'call':
      return kind === 'call';
    case 'new':
      return kind === 'new';
    case 'call-or-new':
      return kind === 'call' || kind === 'new';
    case 'new-no-args':
      return kind === 'new' && ts.isNewExpression(node) && (node.arguments?.length ?? 0) === 0;
    case 'read':
      return kind === 'read';
  }
}

function fromTable(table: readonly BannedApi[] | undefined, path: string, kind: UseKind, node: ts.Node) {
  return table?.find((api) => api.path === path && compatible(api.use, kind, node));
}

/**
 * The banned use `node` is, if any. `within` is the function being analysed: a client created inside it (already
 * reported where it is created) is not reported again at each use.
 */
export function bannedUse(node: ts.Node, resolver: Resolver, within: FunctionNode): BannedUse | undefined {
  let kind: UseKind;
  let target: ts.Expression;
  if (ts.isCallExpression(node)) {
    kind = 'call';
    target = node.expression;
  } else if (ts.isNewExpression(node)) {
    kind = 'new';
    target = node.expression;
  } else if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
    // Cheap filter before resolving: the only banned reads are of `env` (`process.env`).
    if (memberAccess(node)?.name !== 'env') return undefined;
    kind = 'read';
    target = node;
  } else if (ts.isIdentifier(node)) {
    // `import { env } from 'process'` or `const { env } = process`, then `env.X`: only imported or destructured names.
    if (!isReference(node) || isCallee(node)) return undefined;
    const decl = lookup(node);
    if (!decl || (decl.kind !== 'import' && !decl.path?.length)) return undefined;
    kind = 'read';
    target = node;
  } else {
    return undefined;
  }
  const sym = resolver.resolve(target);
  if (!sym) return undefined;
  const match = matchSym(sym, kind, node);
  if (!match) return undefined;
  if (sym.kind === 'external' && sym.path.includes('()') && derivedHere(target, within)) return undefined;
  const reported = kind === 'read' ? readExtent(node) : node;
  const source = sym.kind === 'external' && match.packageWide ? ` (from \`${sym.module}\`)` : '';
  return {
    rule: match.rule,
    what: match.what,
    ...(match.fix ? { fix: match.fix } : {}),
    node: reported,
    code: `\`${codeOf(reported, kind)}\`${source}`,
  };
}

interface Match {
  readonly rule: BannedRule;
  readonly what: string;
  readonly fix?: FixKind;
  /** Banned as a whole package (the message names it), not as one member. */
  readonly packageWide?: boolean;
}

function matchSym(sym: Sym, kind: UseKind, node: ts.Node): Match | undefined {
  if (sym.kind === 'global') {
    const api = fromTable(BANNED_GLOBALS, sym.path.join('.'), kind, node);
    return api && { rule: api.rule, what: api.what, ...(api.fix ? { fix: api.fix } : {}) };
  }
  if (sym.kind !== 'external') return undefined;
  const api = fromTable(BANNED_MODULE_MEMBERS[sym.module], sym.path.join('.'), kind, node);
  if (api) return { rule: api.rule, what: api.what, ...(api.fix ? { fix: api.fix } : {}) };
  if (kind === 'read') return undefined;
  const ban = bannedPackage(sym.module);
  if (!ban) return undefined;
  const sleepFix = ban.rule === 'no-timers' && sym.path.length === 0 && SLEEP_CALLS_WITH_MS.includes(sym.module);
  return { rule: ban.rule, what: ban.what, packageWide: true, ...(sleepFix ? { fix: 'durable-timer' as const } : {}) };
}

/**
 * Whether a package-derived target (`client.query` where `client = new Client()`) was derived inside `within`, or in
 * the same expression (`axios.create().get()`): the creating call is reported already.
 */
function derivedHere(target: ts.Expression, within: FunctionNode): boolean {
  let current = unwrap(target);
  for (;;) {
    const access = memberAccess(current);
    if (access) {
      current = unwrap(access.object);
      continue;
    }
    if (ts.isCallExpression(current) || ts.isNewExpression(current) || ts.isAwaitExpression(current)) return true;
    break;
  }
  if (!ts.isIdentifier(current)) return false;
  const decl = lookup(current);
  return !!decl && ts.isVariableDeclaration(decl.node) && isInside(decl.node, within) && !isImportLike(decl.node);
}

function isImportLike(declaration: ts.VariableDeclaration): boolean {
  const init = declaration.initializer && unwrap(declaration.initializer);
  return !!init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require';
}

function isCallee(id: ts.Identifier): boolean {
  const parent = id.parent;
  return (ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression === id;
}

/** `process.env.X` and `process.env['X']` are reported whole; `process.env` alone otherwise. */
function readExtent(node: ts.Node): ts.Node {
  const parent = node.parent;
  if ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === node)
    return parent;
  return node;
}

function codeOf(node: ts.Node, kind: UseKind): string {
  if (kind === 'read') return snippet(node, 50);
  const call = node as ts.CallExpression | ts.NewExpression;
  const callee = snippet(call.expression, 40);
  const hasArgs = (call.arguments?.length ?? 0) > 0;
  return `${kind === 'new' ? 'new ' : ''}${callee}(${hasArgs ? '...' : ''})`;
}
