/**
 * `no-shared-state-read`: orchestrator code reading a module-level variable that other code changes while the worker
 * runs (a `let` some function assigns, a `Map` some function fills), so a replay can see another value. Changes are
 * looked for in the file that declares the variable and in the file that reads it (no pass over the workspace);
 * changes made only while the module loads (top-level code, or a function only top-level code calls) do not count.
 * Reported once per variable and orchestrator (`onePerVariable`), and not at all when the orchestrator writes the
 * variable itself (`no-shared-state-write` reports that).
 */
import path from 'node:path';
import * as ts from 'typescript';
import type { Issue } from './issues.js';
import type { Resolver } from './resolve.js';
import { isModuleLevel, isReference, lookup, moduleDecl, referencesTo, type Decl } from './scopes.js';
import { isSharedBinding, writtenBinding } from './sharedState.js';
import {
  enclosingFunction,
  isFunctionNode,
  isAssignmentOperator,
  isIncrementOrDecrement,
  isRelativeSpecifier,
  memberAccess,
  propertyName,
  requireSpecifier,
  snippet,
  unwrap,
} from './syntax.js';

/** The module-level declaration each reported read or write is about (for `onePerVariable`). */
const subjects = new WeakMap<ts.Node, Decl>();

/** The read `id` is of module-level state some function changes, as an issue at `id`. */
export function sharedStateRead(id: ts.Identifier, resolver: Resolver): Issue | undefined {
  // Cheap filter before the scope walk: the file must declare or import the name at the top level.
  if (!moduleDecl(id.getSourceFile(), id.text) || !isReference(id) || isWriteTarget(id)) return undefined;
  const decl = lookup(id);
  if (!decl || !isModuleLevel(decl) || !isSharedBinding(decl) || isDeclared(decl)) return undefined;
  const target = declarationOf(decl, resolver);
  if (!target || holdsFunction(target)) return undefined;
  const change = changesIn(target.node.getSourceFile()).get(target) ?? changesIn(id.getSourceFile()).get(decl);
  if (!change) return undefined;
  subjects.set(id, target);
  const sf = change.getSourceFile();
  const line = sf.getLineAndCharacterOfPosition(change.getStart(sf)).line + 1;
  const where = `${path.basename(sf.fileName)}:${line}`;
  return {
    rule: 'no-shared-state-read',
    node: id,
    code: `\`${id.text}\``,
    what:
      `reads module-level state that other code changes (\`${snippet(change, 40)}\` at ${where}), ` +
      'so a replay can see another value than the first run',
    via: [],
    fixes: [],
  };
}

/** A `const` bound to a function or a class: code, not state. */
function holdsFunction(decl: Decl): boolean {
  const init = decl.kind === 'const' && ts.isVariableDeclaration(decl.node) ? decl.node.initializer : undefined;
  const value = init && unwrap(init);
  return !!value && (ts.isArrowFunction(value) || ts.isFunctionExpression(value) || ts.isClassExpression(value));
}

/** `declare let x` has no value of its own to reason about. */
function isDeclared(decl: Decl): boolean {
  const statement = decl.node.parent?.parent;
  return (
    !!statement &&
    ts.isVariableStatement(statement) &&
    (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)
  );
}

/** The identifier is written here (`x = 1`, `x++`, `delete x`), not read. */
function isWriteTarget(id: ts.Identifier): boolean {
  let node: ts.Node = id;
  while (ts.isParenthesizedExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (ts.isBinaryExpression(parent)) return parent.left === node && isAssignmentOperator(parent.operatorToken.kind);
  return isIncrementOrDecrement(parent);
}

/**
 * The module-level `var`/`let`/`const` a module-level binding stands for: itself, or for an import from a workspace
 * file (`import { x } from './state'`, `const { x } = require('./state')`) the declaration it exports.
 */
function declarationOf(decl: Decl, resolver: Resolver): Decl | undefined {
  if (decl.kind === 'import') {
    const imported = decl.imported;
    if (!imported || imported.name === '*' || imported.name === '=' || imported.name === 'default') return undefined;
    const file = resolver.moduleSource(decl.node, imported.specifier);
    return file && exportedDeclaration(file.sf, imported.name);
  }
  if (decl.kind !== 'var' && decl.kind !== 'let' && decl.kind !== 'const') return undefined;
  const init = ts.isVariableDeclaration(decl.node) ? decl.node.initializer : undefined;
  const specifier = init && requireSpecifier(init);
  if (specifier === undefined) return decl.path?.length === 0 ? decl : undefined;
  // `const { x } = require('./state')`
  if (!isRelativeSpecifier(specifier) || decl.path?.length !== 1) return undefined;
  const file = resolver.moduleSource(decl.node, specifier);
  return file && exportedDeclaration(file.sf, decl.path[0]!);
}

/** A module-level variable `sf` exports under `name` (ESM `export let x`, `export { x }`, CommonJS `exports.x = x`). */
function exportedDeclaration(sf: ts.SourceFile, name: string): Decl | undefined {
  let local: ts.Identifier | undefined;
  for (const statement of sf.statements) {
    if (ts.isVariableStatement(statement)) {
      const exported = (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      if (
        exported &&
        statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name)
      )
        return variable(moduleDecl(sf, name));
    } else if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause) {
      if (!ts.isNamedExports(statement.exportClause)) continue;
      const element = statement.exportClause.elements.find((e) => e.name.text === name);
      if (element) return variable(moduleDecl(sf, (element.propertyName ?? element.name).text));
    } else if (ts.isExpressionStatement(statement)) {
      local = commonJsExport(statement.expression, name) ?? local;
    }
  }
  return local && variable(lookup(local));
}

function variable(decl: Decl | undefined): Decl | undefined {
  return decl && isModuleLevel(decl) && (decl.kind === 'var' || decl.kind === 'let' || decl.kind === 'const')
    ? decl
    : undefined;
}

/** `exports.name = x`, `module.exports.name = x`, `module.exports = { name }` / `{ name: x }`: the `x`. */
function commonJsExport(expr: ts.Expression, name: string): ts.Identifier | undefined {
  const node = unwrap(expr);
  if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  const target = unwrap(node.left);
  const value = unwrap(node.right);
  const access = memberAccess(target);
  if (access && access.name === name && isExportsObject(access.object))
    return ts.isIdentifier(value) ? value : undefined;
  if (!isModuleExports(target) || !ts.isObjectLiteralExpression(value)) return undefined;
  for (const property of value.properties) {
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) return property.name;
    if (ts.isPropertyAssignment(property) && propertyName(property.name) === name) {
      const init = unwrap(property.initializer);
      return ts.isIdentifier(init) ? init : undefined;
    }
  }
  return undefined;
}

function isModuleExports(expr: ts.Expression): boolean {
  const access = memberAccess(unwrap(expr));
  const object = access && unwrap(access.object);
  return access?.name === 'exports' && !!object && ts.isIdentifier(object) && object.text === 'module';
}

function isExportsObject(expr: ts.Expression): boolean {
  const node = unwrap(expr);
  return isModuleExports(node) || (ts.isIdentifier(node) && node.text === 'exports' && !lookup(node));
}

const changes = new WeakMap<ts.SourceFile, Map<Decl, ts.Node>>();

/**
 * The first change of each module-level binding of `sf` made in a function (assignments, `++`, `delete`, mutating
 * calls such as `push` or `set`, `Object.assign`), leaving out functions that only top-level code calls (they run
 * while the module loads). Cached per parse.
 */
function changesIn(sf: ts.SourceFile): Map<Decl, ts.Node> {
  const cached = changes.get(sf);
  if (cached) return cached;
  const found = new Map<Decl, ts.Node>();
  const loadOnly = new Map<ts.Node, boolean>();
  const visit = (node: ts.Node, inFunction: ts.Node | undefined): void => {
    if (inFunction) {
      const written = writtenBinding(node);
      if (written && isModuleLevel(written.decl) && !found.has(written.decl) && !runsOnlyAtLoad(inFunction, loadOnly))
        found.set(written.decl, node);
    }
    ts.forEachChild(node, (child) => visit(child, isFunctionNode(child) ? child : inFunction));
  };
  visit(sf, undefined);
  changes.set(sf, found);
  return found;
}

/**
 * A function that only runs while the module loads: a function declared at the top level (or a `const` arrow or
 * function expression there), not exported, whose every reference is a call made by top-level code.
 */
function runsOnlyAtLoad(fn: ts.Node, cache: Map<ts.Node, boolean>): boolean {
  // The outermost function decides: code nested in it runs when it runs.
  let outer = fn;
  for (let current = enclosingFunction(fn); current; current = enclosingFunction(current)) outer = current;
  const cached = cache.get(outer);
  if (cached !== undefined) return cached;
  const result = isLoadOnly(outer);
  cache.set(outer, result);
  return result;
}

function isLoadOnly(fn: ts.Node): boolean {
  let name: ts.Identifier | undefined;
  let statement: ts.Node | undefined;
  if (ts.isFunctionDeclaration(fn)) {
    name = fn.name;
    statement = fn;
  } else if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isVariableDeclaration(fn.parent)) {
    name = ts.isIdentifier(fn.parent.name) ? fn.parent.name : undefined;
    statement = fn.parent.parent?.parent;
  }
  if (!name || !statement || !ts.isSourceFile(statement.parent)) return false;
  if (
    (ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined)?.some(
      (m) => m.kind === ts.SyntaxKind.ExportKeyword,
    )
  )
    return false;
  const decl = lookup(name);
  if (!decl) return false;
  const refs = referencesTo(decl, statement.parent);
  return (
    refs.length > 0 &&
    refs.every((ref) => {
      const call = ref.parent;
      return ts.isCallExpression(call) && call.expression === ref && enclosingFunction(call) === undefined;
    })
  );
}

/**
 * Keeps the first `no-shared-state-read` issue of each variable, and none for a variable the same issues write
 * (`no-shared-state-write`): one warning per variable and orchestrator.
 */
export function onePerVariable(issues: readonly Issue[], resolver: Resolver): readonly Issue[] {
  if (!issues.some((issue) => issue.rule === 'no-shared-state-read')) return issues;
  const written = new Set<Decl>();
  for (const issue of issues) {
    if (issue.rule !== 'no-shared-state-write') continue;
    const binding = writtenBinding(issue.origin ?? issue.node);
    const decl = binding && declarationOf(binding.decl, resolver);
    if (decl) written.add(decl);
  }
  const seen = new Set<Decl>();
  return issues.filter((issue) => {
    if (issue.rule !== 'no-shared-state-read') return true;
    const decl = subjects.get(issue.origin ?? issue.node);
    if (!decl || written.has(decl) || seen.has(decl)) return false;
    seen.add(decl);
    return true;
  });
}
