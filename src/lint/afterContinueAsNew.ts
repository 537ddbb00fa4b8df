/**
 * `code-after-continue-as-new`: work after `context.df.continueAsNew(...)` on the same path. durable-functions does
 * not stop the generator there: `continueAsNew` records a ContinueAsNew action and sets `willContinueAsNew`, after
 * which the executor records no more actions (`addToActions` and `recordFireAndForgetAction` do nothing) and ends
 * the execution at the next `yield`. So a task yielded after it is never scheduled, the code after that `yield`
 * never runs, and `signalEntity` (or a second `continueAsNew`) after it is dropped. Plain code after it (a log line,
 * `setCustomStatus`, `return`) runs as written and is left alone.
 *
 * The path is followed from the call out of blocks and `if` branches, only past statements that certainly fall
 * through (no `return`, `throw`, `break`, `continue` in them); it stops at loops, `switch`, `try` and function ends.
 * The statement reported yields (or signals) unconditionally.
 */
import * as ts from 'typescript';
import type { Fix } from './api.js';
import type { AsyncEnv } from './asyncRules.js';
import { isDfCall } from './dfCalls.js';
import { fix, replaceNode, replaceSpan } from './fixes.js';
import { afterStatement, beforeStatement } from './indentation.js';
import type { Issue } from './issues.js';
import { enclosingFunction, isFunctionNode, snippet, unwrap } from './syntax.js';

export function checkAfterContinueAsNew(call: ts.CallExpression, env: AsyncEnv): Issue | undefined {
  if (!isDfCall(call, 'continueAsNew')) return undefined;
  let statement: ts.Node = call;
  while (ts.isParenthesizedExpression(statement.parent)) statement = statement.parent;
  if (!ts.isExpressionStatement(statement.parent)) return undefined;
  const start = statement.parent;
  const found = firstDiscarded(start);
  if (!found) return undefined;
  const sf = call.getSourceFile();
  const line = sf.getLineAndCharacterOfPosition(call.getStart(sf)).line + 1;
  const fixes: Fix[] = [];
  if (found.yields && enclosingFunction(start) === env.fn) {
    const edit = returnFix(start, found.statement);
    if (edit) fixes.push(edit);
  }
  const what = found.yields
    ? `runs after continueAsNew (line ${line}), so its task is never scheduled and the orchestrator stops at this yield`
    : `runs after continueAsNew (line ${line}), which makes durable-functions drop it`;
  return {
    rule: 'code-after-continue-as-new',
    node: found.statement,
    code: `\`${snippet(found.statement, 50)}\``,
    what,
    via: [],
    fixes,
  };
}

interface Discarded {
  readonly statement: ts.Statement;
  /** A yield (else a dropped fire-and-forget call). */
  readonly yields: boolean;
}

/** The first statement after `start` on its path that yields or schedules work, if the path reaches one. */
function firstDiscarded(start: ts.Statement): Discarded | undefined {
  let current: ts.Statement = start;
  for (;;) {
    const parent = current.parent;
    if (ts.isBlock(parent) || ts.isSourceFile(parent)) {
      const siblings = parent.statements;
      for (let i = siblings.indexOf(current) + 1; i < siblings.length; i++) {
        const next = siblings[i]!;
        const yields = yieldsUnconditionally(next);
        if (yields || dropsWork(next)) return { statement: next, yields };
        if (!fallsThrough(next)) return undefined;
      }
      // Out of a plain block or an `if` branch; a loop body, `try` block or function body ends the path here.
      if (ts.isSourceFile(parent) || !isStatementBlock(parent)) return undefined;
      current = parent;
      continue;
    }
    if (ts.isIfStatement(parent)) {
      current = parent;
      continue;
    }
    return undefined;
  }
}

/** A block that is a statement of its own or an `if` branch (not a loop body, `try` or function body). */
function isStatementBlock(block: ts.Block): boolean {
  const parent = block.parent;
  return ts.isBlock(parent) || ts.isSourceFile(parent) || ts.isIfStatement(parent);
}

/** The statement evaluates a `yield` whatever happens (not in a branch, a callback or after `&&`/`?`). */
function yieldsUnconditionally(statement: ts.Statement): boolean {
  let expr: ts.Expression | undefined;
  if (ts.isExpressionStatement(statement) || ts.isReturnStatement(statement)) expr = statement.expression;
  else if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.some((d) => d.initializer && unconditionalYield(d.initializer));
  }
  return expr !== undefined && unconditionalYield(expr);
}

function unconditionalYield(node: ts.Node): boolean {
  if (ts.isYieldExpression(node)) return true;
  if (isFunctionNode(node) || ts.isClassLike(node)) return false;
  if (ts.isConditionalExpression(node)) return unconditionalYield(node.condition);
  if (ts.isBinaryExpression(node)) {
    const op = node.operatorToken.kind;
    const shortCircuit =
      op === ts.SyntaxKind.AmpersandAmpersandToken ||
      op === ts.SyntaxKind.BarBarToken ||
      op === ts.SyntaxKind.QuestionQuestionToken ||
      op === ts.SyntaxKind.AmpersandAmpersandEqualsToken ||
      op === ts.SyntaxKind.BarBarEqualsToken ||
      op === ts.SyntaxKind.QuestionQuestionEqualsToken;
    return unconditionalYield(node.left) || (!shortCircuit && unconditionalYield(node.right));
  }
  if ((ts.isCallExpression(node) || ts.isPropertyAccessExpression(node)) && node.questionDotToken) return false;
  return ts.forEachChild(node, (child) => unconditionalYield(child) || undefined) ?? false;
}

/** `<df>.signalEntity(...)` or a second `<df>.continueAsNew(...)` as a statement: dropped after continueAsNew. */
function dropsWork(statement: ts.Statement): boolean {
  if (!ts.isExpressionStatement(statement)) return false;
  const expr = unwrap(statement.expression);
  return isDfCall(expr, 'signalEntity') || isDfCall(expr, 'continueAsNew');
}

/** No `return`, `throw`, `break` or `continue` in it (outside nested functions): the path certainly goes on. */
function fallsThrough(statement: ts.Statement): boolean {
  let jumps = false;
  const visit = (node: ts.Node): void => {
    if (jumps || isFunctionNode(node) || ts.isClassLike(node)) return;
    if (
      ts.isReturnStatement(node) ||
      ts.isThrowStatement(node) ||
      ts.isBreakStatement(node) ||
      ts.isContinueStatement(node)
    )
      jumps = true;
    else ts.forEachChild(node, visit);
  };
  visit(statement);
  return !jumps;
}

/**
 * `return;` on the continueAsNew path, before the work that would be dropped: right before the reported statement
 * when both are in the same block, else at the end of the block holding continueAsNew (so plain code in between
 * still runs, as it does today). A continueAsNew that is a lone `if` branch gets braces.
 */
function returnFix(start: ts.ExpressionStatement, reported: ts.Statement): Fix | undefined {
  const sf = start.getSourceFile();
  const title = 'Return after continueAsNew';
  const parent = start.parent;
  if (ts.isIfStatement(parent)) return fix(title, replaceNode(start, `{ ${start.getText(sf)} return; }`));
  if (!ts.isBlock(parent)) return undefined;
  if (reported.parent === parent) {
    const at = reported.getStart(sf);
    return fix(title, replaceSpan(sf, at, at, beforeStatement(reported, 'return;')));
  }
  const last = parent.statements[parent.statements.length - 1]!;
  return fix(title, replaceSpan(sf, last.getEnd(), last.getEnd(), afterStatement(last, 'return;')));
}
