/**
 * Small matchers over `durable-functions` calls shared by the durable-behaviour rules: a call of a `context.df`
 * method by name, `context.df.Task.any/all(...)`, `createTimer(...)`, and whether code mentions `isReplaying`.
 */
import * as ts from 'typescript';
import { isDfExpression } from './durable.js';
import { lookup } from './scopes.js';
import { isFunctionNode, memberAccess, unwrap } from './syntax.js';

/** `<df>.<method>(...)` (`context.df.createTimer(...)`, `df.continueAsNew(...)` with a destructured `df`). */
export function isDfCall(node: ts.Node, method: string): node is ts.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  const access = memberAccess(unwrap(node.expression));
  return access !== undefined && access.name === method && isDfExpression(access.object);
}

/** `<df>.Task.any(...)` / `<df>.Task.all(...)`: which of the two, or undefined. */
export function taskCombinator(node: ts.Node): 'any' | 'all' | undefined {
  if (!ts.isCallExpression(node)) return undefined;
  const access = memberAccess(unwrap(node.expression));
  if (!access || (access.name !== 'any' && access.name !== 'all')) return undefined;
  const task = memberAccess(unwrap(access.object));
  return task?.name === 'Task' && isDfExpression(task.object) ? access.name : undefined;
}

/** The yield expression a statement consists of (`yield x;`, `const r = yield x;`, `r = yield x;`), if any. */
export function statementYield(statement: ts.Statement): ts.YieldExpression | undefined {
  let expr: ts.Expression | undefined;
  if (ts.isExpressionStatement(statement)) {
    expr = unwrap(statement.expression);
    if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.EqualsToken) expr = unwrap(expr.right);
  } else if (ts.isVariableStatement(statement) && statement.declarationList.declarations.length === 1) {
    const init = statement.declarationList.declarations[0]!.initializer;
    expr = init && unwrap(init);
  } else if (ts.isReturnStatement(statement) && statement.expression) {
    expr = unwrap(statement.expression);
  }
  return expr && ts.isYieldExpression(expr) ? expr : undefined;
}

/**
 * Whether `node` mentions `isReplaying`: `x.isReplaying`, a name bound to it (`const { isReplaying } = context.df`,
 * `const replaying = context.df.isReplaying`), or a call of a workspace function whose body reads it.
 */
export function mentionsReplaying(
  node: ts.Node,
  functionText: (call: ts.CallExpression) => string | undefined,
): boolean {
  let found = false;
  const visit = (child: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(child) && child.text === 'isReplaying') found = true;
    else if (ts.isIdentifier(child)) {
      const decl = lookup(child);
      const init = decl && ts.isVariableDeclaration(decl.node) ? decl.node.initializer : undefined;
      if (decl?.kind === 'const' && init && /\bisReplaying\b/.test(init.getText())) found = true;
    } else if (ts.isCallExpression(child) && /\bisReplaying\b/.test(functionText(child) ?? '')) found = true;
    if (!found && !isFunctionNode(child)) ts.forEachChild(child, visit);
  };
  visit(node);
  return found;
}
