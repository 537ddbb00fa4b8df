/**
 * `replay-unsafe-logging`: `console.*` calls, and the log methods of the orchestration context (`context.log`,
 * `.trace`, `.debug`, `.info`, `.warn`, `.error`), in orchestrator code without an `isReplaying` guard. In
 * durable-functions v3 the orchestration context is the Azure Functions InvocationContext with `df` added: its log
 * methods go straight to the host's log handler and know nothing of replays, so every replay logs the same lines
 * again. Only logs the orchestrator may yield after are reported: a log on a path that ends without another
 * `yield` runs in the last execution only. Guards recognised: an enclosing `if`, `? :`, `&&` or `||` whose condition reads `isReplaying` (directly,
 * through a const or a destructured name, or in a workspace function it calls), and an earlier
 * `if (...isReplaying...) return;` in an enclosing block. Any condition that reads `isReplaying` counts as a guard.
 */
import * as ts from 'typescript';
import type { Fix } from './api.js';
import type { AsyncEnv } from './asyncRules.js';
import { mentionsReplaying } from './dfCalls.js';
import { fix, replaceNode } from './fixes.js';
import { indentOf, indentUnit } from './indentation.js';
import type { Issue } from './issues.js';
import { lookup } from './scopes.js';
import { isFunctionNode, memberAccess, unwrap, type FunctionNode } from './syntax.js';

const CONSOLE_METHODS: ReadonlySet<string> = new Set([
  'log',
  'info',
  'warn',
  'error',
  'debug',
  'trace',
  'dir',
  'table',
]);
/** The log methods of @azure/functions' InvocationContext (v4 programming model). */
const CONTEXT_METHODS: ReadonlySet<string> = new Set(['log', 'trace', 'debug', 'info', 'warn', 'error']);

export function checkLogging(call: ts.CallExpression, env: AsyncEnv): Issue | undefined {
  const access = memberAccess(unwrap(call.expression));
  if (!access) return undefined;
  const object = unwrap(access.object);
  if (!ts.isIdentifier(object)) return undefined;
  const isConsole = object.text === 'console' && CONSOLE_METHODS.has(access.name) && !lookup(object);
  if (!isConsole && !(CONTEXT_METHODS.has(access.name) && isContextParameter(object, env))) return undefined;
  if (!yieldMayFollow(call, env.fn) || isGuarded(call, env)) return undefined;
  const fixes: Fix[] = [];
  const guard = env.context && guardFix(call, env.context.df);
  if (guard) fixes.push(guard);
  return {
    rule: 'replay-unsafe-logging',
    node: call,
    code: `\`${object.text}.${access.name}(...)\``,
    what: 'runs again on every replay, logging the same line each time',
    via: [],
    fixes,
  };
}

/**
 * Whether the orchestrator may yield after the log: only then does a later execution replay it. A log on a path
 * that returns without yielding again (a catch block before `return`, a last line) runs in the final execution only.
 * Followed up through blocks (later statements), loops (the next round), `finally` and callbacks; the end of the
 * function counts as no yield.
 */
function yieldMayFollow(call: ts.CallExpression, fn: FunctionNode): boolean {
  for (let child: ts.Node = call, node = call.parent; node && child !== fn; child = node, node = node.parent) {
    // Later in the same statement (`log(), yield task`), or in what a condition leads to (`if (log(x)) yield a;`).
    if (
      ts.isExpressionStatement(node) ||
      ts.isVariableStatement(node) ||
      ts.isReturnStatement(node) ||
      ts.isThrowStatement(node)
    ) {
      if (yieldsAfter(node, call.getEnd())) return true;
    } else if (ts.isIfStatement(node) && child === node.expression) {
      if (yieldsAfter(node, call.getEnd())) return true;
    } else if (ts.isSwitchStatement(node) && child === node.expression) {
      if (containsYield(node.caseBlock)) return true;
    }
    if (ts.isBlock(node) || ts.isSourceFile(node) || ts.isCaseClause(node) || ts.isDefaultClause(node)) {
      const statements: readonly ts.Statement[] = node.statements;
      for (let i = statements.indexOf(child as ts.Statement) + 1; i < statements.length; i++) {
        const next = statements[i]!;
        if (containsYield(next)) return true;
        if (ts.isReturnStatement(next) || ts.isThrowStatement(next)) return false;
        if (ts.isBreakStatement(next) || ts.isContinueStatement(next)) break;
      }
    } else if (ts.isIterationStatement(node, false) && containsYield(node)) {
      return true;
    } else if (ts.isTryStatement(node) && child !== node.finallyBlock && node.finallyBlock) {
      if (containsYield(node.finallyBlock)) return true;
    } else if (ts.isCaseBlock(node)) {
      // Falls through to the clauses after this one.
      const clauses = node.clauses;
      if (clauses.slice(clauses.indexOf(child as ts.CaseOrDefaultClause) + 1).some(containsYield)) return true;
    }
  }
  return false;
}

/** A `yield` of the generator itself that starts at or after `position`. */
function yieldsAfter(node: ts.Node, position: number): boolean {
  if (node.getEnd() <= position) return false;
  if (ts.isYieldExpression(node) && node.getStart() >= position) return true;
  if (isFunctionNode(node) || ts.isClassLike(node)) return false;
  return ts.forEachChild(node, (child) => yieldsAfter(child, position) || undefined) ?? false;
}

/** A `yield` of the generator itself (not of a function nested in it). */
function containsYield(node: ts.Node): boolean {
  if (ts.isYieldExpression(node)) return true;
  if (isFunctionNode(node) || ts.isClassLike(node)) return false;
  return ts.forEachChild(node, (child) => containsYield(child) || undefined) ?? false;
}

/** The orchestrator's own context parameter (`context` of `function* (context)`), the one whose `df` it uses. */
function isContextParameter(id: ts.Identifier, env: AsyncEnv): boolean {
  const df = env.context?.df;
  if (!df || df !== `${id.text}.df`) return false;
  const decl = lookup(id);
  return decl?.kind === 'param' && decl.node.parent === env.fn;
}

function isGuarded(call: ts.CallExpression, env: AsyncEnv): boolean {
  const functionText = (inner: ts.CallExpression): string | undefined =>
    env.resolver.functionOf(inner.expression)?.fn.body?.getText();
  const reads = (condition: ts.Node) => mentionsReplaying(condition, functionText);
  // Up from the call to the analysed function, through callbacks inside it.
  for (let child: ts.Node = call, node = call.parent; node && child !== env.fn; child = node, node = node.parent) {
    if (ts.isIfStatement(node) && child !== node.expression && reads(node.expression)) return true;
    if (ts.isConditionalExpression(node) && child !== node.condition && reads(node.condition)) return true;
    if (ts.isBinaryExpression(node) && child === node.right && isLogical(node.operatorToken.kind) && reads(node.left))
      return true;
    if (ts.isBlock(node) || ts.isSourceFile(node) || ts.isCaseClause(node) || ts.isDefaultClause(node)) {
      const statements: readonly ts.Statement[] = node.statements;
      const index = statements.indexOf(child as ts.Statement);
      for (let i = 0; i < index; i++) {
        const earlier = statements[i]!;
        if (ts.isIfStatement(earlier) && exits(earlier.thenStatement) && reads(earlier.expression)) return true;
      }
    }
  }
  return false;
}

function isLogical(kind: ts.SyntaxKind): boolean {
  return (
    kind === ts.SyntaxKind.AmpersandAmpersandToken ||
    kind === ts.SyntaxKind.BarBarToken ||
    kind === ts.SyntaxKind.QuestionQuestionToken
  );
}

/** `return`, `throw`, `break`, `continue`, or a block ending with one. */
function exits(statement: ts.Statement): boolean {
  if (ts.isBlock(statement)) {
    const last = statement.statements[statement.statements.length - 1];
    return last !== undefined && exits(last);
  }
  return (
    ts.isReturnStatement(statement) ||
    ts.isThrowStatement(statement) ||
    ts.isBreakStatement(statement) ||
    ts.isContinueStatement(statement)
  );
}

/** Wraps the log statement in `if (!<df>.isReplaying) { ... }`; only for a log call that is a statement of its own. */
function guardFix(call: ts.CallExpression, df: string): Fix | undefined {
  let expr: ts.Node = call;
  while (ts.isParenthesizedExpression(expr.parent)) expr = expr.parent;
  const statement = expr.parent;
  if (!ts.isExpressionStatement(statement)) return undefined;
  const sf = statement.getSourceFile();
  const text = statement.getText(sf);
  const condition = `if (!${df}.isReplaying)`;
  const title = 'Log only when not replaying';
  const parent = statement.parent;
  if (ts.isBlock(parent) || ts.isSourceFile(parent) || ts.isCaseClause(parent) || ts.isDefaultClause(parent)) {
    const indent = indentOf(statement);
    const unit = indentUnit(indent, ts.isSourceFile(parent) ? '' : indentOf(parent));
    return fix(title, replaceNode(statement, `${condition} {\n${indent}${unit}${text}\n${indent}}`));
  }
  // A lone branch or loop body: braces keep an `else` bound to the `if` it belongs to.
  const dangling = ts.isIfStatement(parent) && parent.thenStatement === statement && parent.elseStatement;
  const guarded = `${condition} { ${text} }`;
  return fix(title, replaceNode(statement, dangling ? `{ ${guarded} }` : guarded));
}
