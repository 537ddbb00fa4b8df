/**
 * Matching code against the banned-API tables: a call (tagged templates included), `new` or read whose target
 * resolves to a banned global, module member or package. Only resolved references count, so a local function called
 * `fetch` or a parameter called `crypto` is never flagged.
 */
import * as ts from 'typescript';
import {
  BANNED_GLOBALS,
  BANNED_MODULE_MEMBERS,
  SLEEP_CALLS_WITH_MS,
  bannedPackage,
  type Args,
  type BannedApi,
  type BannedRule,
  type FixKind,
  type Use,
} from './bannedApis.js';
import { isAllowedUse, libraryMember, SEEDABLE_MODULES } from './libraryApis.js';
import type { Resolver, Sym } from './resolve.js';
import { isReference, lookup } from './scopes.js';
import { isInside, memberAccess, propertyName, snippet, unwrap, type FunctionNode } from './syntax.js';

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

/** The arguments of a call or `new`; undefined for a tagged template (it always passes some). */
function argumentsOf(node: ts.Node): readonly ts.Expression[] | undefined {
  if (ts.isCallExpression(node)) return node.arguments;
  if (ts.isNewExpression(node)) return node.arguments ?? [];
  return undefined;
}

function argsMatch(args: Args | undefined, node: ts.Node): boolean {
  if (!args) return true;
  const list = argumentsOf(node);
  switch (args) {
    case 'none':
      return list?.length === 0;
    case 'one':
      return list?.length === 1;
    case 'some':
      return list === undefined || list.length > 0;
    case 'none-or-options': {
      if (list?.length === 0) return true;
      const only = list?.length === 1 ? unwrap(list[0]!) : undefined;
      return (
        !!only &&
        ts.isObjectLiteralExpression(only) &&
        only.properties.every(
          (p) => !ts.isSpreadAssignment(p) && p.name !== undefined && propertyName(p.name) !== 'base',
        )
      );
    }
  }
}

/** `().m` stands for method `m` of anything a call returned (`x().m`, `x.y(1).z().m`). */
function pathMatches(pattern: string, path: string): boolean {
  return pattern.startsWith('().') ? path === pattern || path.endsWith('.' + pattern) : path === pattern;
}

function fromTable(table: readonly BannedApi[] | undefined, path: string, kind: UseKind, node: ts.Node) {
  return table?.find(
    (api) => pathMatches(api.path, path) && compatible(api.use, kind, node) && argsMatch(api.args, node),
  );
}

/** Member names whose mere reading is banned (`process.env`, `process.pid`): a filter before resolving reads. */
const READ_NAMES: ReadonlySet<string> = new Set(
  [...BANNED_GLOBALS, ...Object.values(BANNED_MODULE_MEMBERS).flat()]
    .filter((api) => api.use === 'read')
    .map((api) => api.path.slice(api.path.lastIndexOf('.') + 1)),
);

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
  } else if (ts.isTaggedTemplateExpression(node)) {
    kind = 'call';
    target = node.tag;
  } else if (ts.isNewExpression(node)) {
    kind = 'new';
    target = node.expression;
  } else if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
    // Cheap filter before resolving: only a few member names are banned reads (`process.env`, `process.pid`).
    const name = memberAccess(node)?.name;
    if (name === undefined || !READ_NAMES.has(name)) return undefined;
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
  // `moment().fromNow()`: reported once, at `moment()`.
  if (match.onResult && resultOfBannedCall(target, resolver, within)) return undefined;
  if (match.packageWide && sym.kind === 'external') {
    // A client created in this function is reported where it is created; a seeded generator is repeatable.
    if (sym.path.includes('()') && derivedHere(target, within)) return undefined;
    if (SEEDABLE_MODULES.includes(sym.module) && seededBefore(node, target, within)) return undefined;
  }
  const reported = kind === 'read' && match.rule === 'no-env' ? readExtent(node) : node;
  const source = sym.kind === 'external' && match.packageWide ? ` (from \`${sym.module}\`)` : '';
  return {
    rule: match.rule,
    what: match.what,
    ...(match.fix ? { fix: match.fix } : {}),
    node: reported,
    code: `${inlineCode(codeOf(reported, kind))}${source}`,
  };
}

interface Match {
  readonly rule: BannedRule;
  readonly what: string;
  readonly fix?: FixKind;
  /** Banned as a whole package (the message names it), not as one member. */
  readonly packageWide?: boolean;
  /** A method of what a call into the module returned (`().fromNow`). */
  readonly onResult?: boolean;
}

function matchSym(sym: Sym, kind: UseKind, node: ts.Node): Match | undefined {
  if (sym.kind === 'global') {
    const api = fromTable(BANNED_GLOBALS, sym.path.join('.'), kind, node);
    return api && { rule: api.rule, what: api.what, ...(api.fix ? { fix: api.fix } : {}) };
  }
  if (sym.kind !== 'external') return undefined;
  const member = libraryMember(sym.module, sym.path);
  const api = fromTable(BANNED_MODULE_MEMBERS[member.module], member.path.join('.'), kind, node);
  if (api) {
    const onResult = api.path.startsWith('().');
    return { rule: api.rule, what: api.what, ...(api.fix ? { fix: api.fix } : {}), ...(onResult ? { onResult } : {}) };
  }
  if (kind === 'read') return undefined;
  const ban = bannedPackage(sym.module);
  if (!ban || isAllowedUse(sym.module, sym.path, argsMatch('some', node))) return undefined;
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

/** Whether the object `x().m` is called on comes from a banned call in the same chain (`moment().add(1).m`). */
function resultOfBannedCall(target: ts.Expression, resolver: Resolver, within: FunctionNode): boolean {
  let current = unwrap(target);
  for (;;) {
    const access = memberAccess(current);
    if (access) current = unwrap(access.object);
    else if (ts.isCallExpression(current) || ts.isNewExpression(current)) {
      if (bannedUse(current, resolver, within)) return true;
      current = unwrap(current.expression);
    } else return false;
  }
}

/**
 * Whether `within` calls `<root>.seed(value)` before `node`, where `<root>` is the name the use starts from
 * (`faker.seed(42)` before `faker.person.firstName()`): the module-wide generator is then repeatable.
 */
function seededBefore(node: ts.Node, target: ts.Expression, within: FunctionNode): boolean {
  let root = unwrap(target);
  for (let access = memberAccess(root); access; access = memberAccess(root)) root = unwrap(access.object);
  if (!ts.isIdentifier(root) || !within.body) return false;
  const name = root.text;
  const end = node.getStart();
  let found = false;
  const visit = (child: ts.Node): void => {
    if (found || child.pos >= end) return;
    if (ts.isCallExpression(child) && child.arguments.length > 0 && child.getEnd() <= end) {
      const access = memberAccess(unwrap(child.expression));
      const object = access && unwrap(access.object);
      if (access?.name === 'seed' && object && ts.isIdentifier(object) && object.text === name) found = true;
    }
    ts.forEachChild(child, visit);
  };
  visit(within.body);
  return found;
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

/** Code in backticks; code with a backtick of its own (a tagged template) in double ones. */
function inlineCode(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function codeOf(node: ts.Node, kind: UseKind): string {
  if (kind === 'read') return snippet(node, 50);
  if (ts.isTaggedTemplateExpression(node)) return `${snippet(node.tag, 40)}\`…\``;
  const call = node as ts.CallExpression | ts.NewExpression;
  const callee = snippet(call.expression, 40);
  const hasArgs = (call.arguments?.length ?? 0) > 0;
  return `${kind === 'new' ? 'new ' : ''}${callee}(${hasArgs ? '...' : ''})`;
}
