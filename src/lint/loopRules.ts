/**
 * `unbounded-history`: a loop with no way out (`while (true)`, `for (;;)`, `do ... while (true)` without a `break`,
 * `return` or `throw` that leaves it) that yields durable tasks in an orchestrator that never calls `continueAsNew`
 * in it. Every yielded task adds events to the history, which is replayed in full on every wake-up, so the
 * orchestration slows down and grows until it fails. Loops with a condition (monitors:
 * `while (currentUtcDateTime < expiry)`) and loops that may exit are left alone.
 */
import * as ts from 'typescript';
import type { AsyncEnv } from './asyncRules.js';
import type { Issue } from './issues.js';
import { enclosingFunction, isFunctionNode, isGenerator } from './syntax.js';

export type Loop = ts.WhileStatement | ts.DoStatement | ts.ForStatement;

export function checkUnboundedLoop(loop: Loop, env: AsyncEnv): Issue | undefined {
  const condition = ts.isForStatement(loop) ? loop.condition : loop.expression;
  if (condition && !isAlwaysTrue(condition)) return undefined;
  const fn = enclosingFunction(loop);
  if (!fn || !isGenerator(fn)) return undefined;
  // Cheap text test before walking: the eternal pattern restarts inside the loop.
  if (loop.getText().includes('continueAsNew')) return undefined;
  const body = scan(loop);
  if (!body.yields || body.exits || body.calls.some((call) => mayContinueAsNew(call, env))) return undefined;
  const sf = loop.getSourceFile();
  const keyword = loop.getFirstToken(sf) ?? loop;
  const code = ts.isForStatement(loop) ? 'for (;;)' : ts.isDoStatement(loop) ? 'do ... while (true)' : 'while (true)';
  return {
    rule: 'unbounded-history',
    node: keyword,
    code: `\`${code}\``,
    what:
      'never ends and yields durable tasks, so the history grows with every round and every replay gets slower ' +
      'and takes more memory',
    via: [],
    fixes: [],
  };
}

/** `true`, `1`, `!0`: a condition that never ends the loop. */
function isAlwaysTrue(expr: ts.Expression): boolean {
  let node = expr;
  while (ts.isParenthesizedExpression(node)) node = node.expression;
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (ts.isNumericLiteral(node)) return Number(node.text) !== 0;
  return (
    ts.isPrefixUnaryExpression(node) &&
    node.operator === ts.SyntaxKind.ExclamationToken &&
    ts.isNumericLiteral(node.operand) &&
    Number(node.operand.text) === 0
  );
}

interface Scan {
  yields: boolean;
  exits: boolean;
  calls: ts.CallExpression[];
}

/**
 * What the loop's own code (not nested functions) does: yields, leaves the loop (`return`, `throw`, a `break` of
 * this loop or a label outside it, a `continue` of an outer label), and the calls it makes.
 */
function scan(loop: Loop): Scan {
  const result: Scan = { yields: false, exits: false, calls: [] };
  const visit = (node: ts.Node, nested: boolean): void => {
    if (result.exits || isFunctionNode(node) || ts.isClassLike(node)) return;
    if (ts.isYieldExpression(node)) result.yields = true;
    else if (ts.isReturnStatement(node) || ts.isThrowStatement(node)) result.exits = true;
    else if (ts.isBreakStatement(node) || ts.isContinueStatement(node)) {
      if (node.label) {
        const label = node.label.text;
        // `continue` of the loop's own label goes round again; anything else labelled outside leaves it.
        result.exits = !labelledInside(node, label, loop) && !(ts.isContinueStatement(node) && ownLabel(loop, label));
      } else result.exits = ts.isBreakStatement(node) && !nested;
    } else if (ts.isCallExpression(node)) result.calls.push(node);
    // A plain `break` inside an inner loop or switch leaves that one, not this loop.
    const inner = nested || ts.isIterationStatement(node, false) || ts.isSwitchStatement(node);
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(loop.statement, false);
  if (ts.isForStatement(loop) && loop.incrementor) visit(loop.incrementor, false);
  return result;
}

/** `label: while (true) ...` (labels can stack: `a: b: while ...`). */
function ownLabel(loop: Loop, label: string): boolean {
  for (let node: ts.Node = loop.parent; ts.isLabeledStatement(node); node = node.parent) {
    if (node.label.text === label) return true;
  }
  return false;
}

/** Whether the label a `break`/`continue` names belongs to a statement inside the loop. */
function labelledInside(jump: ts.Node, label: string, loop: Loop): boolean {
  for (let node = jump.parent; node && node !== loop; node = node.parent) {
    if (ts.isLabeledStatement(node) && node.label.text === label) return true;
  }
  return false;
}

/** A call of a workspace function whose code mentions `continueAsNew` (it may restart the orchestration). */
function mayContinueAsNew(call: ts.CallExpression, env: AsyncEnv): boolean {
  const target = env.resolver.functionOf(call.expression);
  return target !== undefined && (target.fn.body?.getText().includes('continueAsNew') ?? false);
}
