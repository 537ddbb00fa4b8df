/**
 * The operations an entity function handles, when its code says so statically: a `switch` on
 * `context.df.operationName` (or a constant holding it) whose cases are static strings, or an `if`/`else if` chain of
 * `operationName === 'x'` tests that ends the function. A `default` clause or final `else` that does anything but
 * `throw` handles every other name too, and any other use of the name (a lookup table, a call) makes the set unknown:
 * then nothing is reported.
 */
import * as ts from 'typescript';
import { isDfExpression } from './durable.js';
import type { Resolver } from './resolve.js';
import { lookup, referencesTo } from './scopes.js';
import { staticString } from './staticValues.js';
import { memberAccess, type FunctionNode } from './syntax.js';

const cache = new WeakMap<FunctionNode, ReadonlySet<string> | 'unknown'>();

/** The operation names `fn` handles, or undefined when they are not statically known. */
export function entityOperations(fn: FunctionNode, resolver: Resolver): ReadonlySet<string> | undefined {
  let known = cache.get(fn);
  if (!known) {
    known = operationsOf(fn, resolver) ?? 'unknown';
    cache.set(fn, known);
  }
  return known === 'unknown' ? undefined : known;
}

function operationsOf(fn: FunctionNode, resolver: Resolver): Set<string> | undefined {
  if (!fn.body) return undefined;
  const uses = operationNameUses(fn);
  if (!uses || uses.length === 0) return undefined;
  const names = new Set<string>();
  for (const use of uses) {
    const found = handledAt(use, fn, resolver);
    if (!found) return undefined;
    for (const name of found) names.add(name);
  }
  return names;
}

/** Every expression that reads the operation name (`ctx.df.operationName`, or a constant holding it). */
function operationNameUses(fn: FunctionNode): ts.Expression[] | undefined {
  const uses: ts.Expression[] = [];
  let unknown = false;
  const visit = (node: ts.Node): void => {
    if (unknown) return;
    const access =
      ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) ? memberAccess(node) : undefined;
    if (access?.name === 'operationName' && isDfExpression(access.object)) {
      const holder = holderOf(node as ts.Expression);
      if (holder === 'other') unknown = true;
      else if (holder) {
        const decl = lookup(holder);
        if (!decl || decl.kind !== 'const') unknown = true;
        else uses.push(...referencesTo(decl, decl.scope));
      } else uses.push(node as ts.Expression);
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn.body!, visit);
  return unknown ? undefined : uses;
}

/** `const op = ctx.df.operationName` gives `op`; a read in any other declaration or assignment gives 'other'. */
function holderOf(read: ts.Expression): ts.Identifier | 'other' | undefined {
  let node: ts.Node = read;
  while (ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && parent.initializer === node)
    return ts.isIdentifier(parent.name) ? parent.name : 'other';
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return 'other';
  return undefined;
}

/** The names one read of the operation name handles, or undefined when it is used any other way. */
function handledAt(use: ts.Expression, fn: FunctionNode, resolver: Resolver): string[] | undefined {
  if (inThrow(use, fn)) return []; // `throw new Error(`Unknown operation ${op}`)` handles nothing
  let node: ts.Node = use;
  while (ts.isParenthesizedExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (ts.isSwitchStatement(parent) && parent.expression === node) return switchCases(parent, resolver);
  if (ts.isBinaryExpression(parent) && isEquality(parent.operatorToken.kind)) {
    const other = parent.left === node ? parent.right : parent.left;
    const name = staticString(other, resolver)?.value;
    return name !== undefined && endsChain(parent, fn) ? [name] : undefined;
  }
  return undefined;
}

function inThrow(node: ts.Node, fn: FunctionNode): boolean {
  for (let current = node.parent; current && current !== fn; current = current.parent) {
    if (ts.isThrowStatement(current)) return true;
    if (ts.isStatement(current)) return false;
  }
  return false;
}

function isEquality(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.EqualsEqualsEqualsToken || kind === ts.SyntaxKind.EqualsEqualsToken;
}

function switchCases(statement: ts.SwitchStatement, resolver: Resolver): string[] | undefined {
  const names: string[] = [];
  for (const clause of statement.caseBlock.clauses) {
    if (ts.isDefaultClause(clause)) {
      if (!onlyThrows(clause.statements)) return undefined;
      continue;
    }
    const name = staticString(clause.expression, resolver)?.value;
    if (name === undefined) return undefined;
    names.push(name);
  }
  return names;
}

/**
 * The comparison is the whole condition of an `if` in a chain that ends the function body: no statement after the
 * chain (it would run for every other name), and a final `else` that only throws, if any.
 */
function endsChain(comparison: ts.BinaryExpression, fn: FunctionNode): boolean {
  let node: ts.Node = comparison;
  while (ts.isParenthesizedExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (!ts.isIfStatement(parent) || parent.expression !== node) return false;
  let statement: ts.IfStatement = parent;
  while (ts.isIfStatement(statement.parent) && statement.parent.elseStatement === statement)
    statement = statement.parent;
  let last: ts.IfStatement = statement;
  while (last.elseStatement && ts.isIfStatement(last.elseStatement)) last = last.elseStatement;
  if (
    last.elseStatement &&
    !onlyThrows(ts.isBlock(last.elseStatement) ? last.elseStatement.statements : [last.elseStatement])
  )
    return false;
  const body = fn.body;
  return !!body && ts.isBlock(body) && body.statements[body.statements.length - 1] === statement;
}

/** A `default` or final `else` that handles no name: it only throws (or does nothing). */
function onlyThrows(statements: readonly ts.Statement[]): boolean {
  return statements.every((s) => ts.isThrowStatement(s) || ts.isBreakStatement(s) || ts.isEmptyStatement(s));
}
