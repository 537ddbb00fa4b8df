/**
 * Building quick fixes: text edits in the contract's coordinates, plus the few rewrites several rules share (an
 * expression replaced by `yield ...` with the parentheses precedence needs, an async orchestrator turned into a
 * generator). Every fix must leave code that parses; the tests apply each one and re-parse.
 */
import * as ts from 'typescript';
import type { Fix, TextEdit } from './api.js';
import { asyncModifier, rangeOf, unwrap, type FunctionNode } from './syntax.js';

export function replaceNode(node: ts.Node, newText: string): TextEdit {
  const sf = node.getSourceFile();
  return { file: sf.fileName, range: rangeOf(sf, node.getStart(sf), node.getEnd()), newText };
}

export function replaceSpan(sf: ts.SourceFile, start: number, end: number, newText: string): TextEdit {
  return { file: sf.fileName, range: rangeOf(sf, start, end), newText };
}

export function insertBefore(node: ts.Node, text: string): TextEdit {
  const sf = node.getSourceFile();
  const at = node.getStart(sf);
  return { file: sf.fileName, range: rangeOf(sf, at, at), newText: text };
}

export function fix(title: string, ...edits: TextEdit[]): Fix {
  return { title, edits };
}

/** Expression text safe to put after `+` (identifiers, literals, member accesses and calls need no parentheses). */
export function operandText(expr: ts.Expression): string {
  const node = unwrap(expr);
  const simple =
    ts.isIdentifier(node) ||
    ts.isNumericLiteral(node) ||
    ts.isPropertyAccessExpression(node) ||
    ts.isElementAccessExpression(node) ||
    ts.isCallExpression(node) ||
    ts.isParenthesizedExpression(expr);
  return simple ? expr.getText() : `(${expr.getText()})`;
}

/**
 * Replaces `node` (an `await` expression, or a yielded operand) by `yield <operand>`, parenthesised unless the
 * position takes a full assignment expression (`yield` binds more loosely than `await`).
 */
export function yieldReplacement(node: ts.Expression, operand: string): TextEdit {
  const text = `yield ${operand}`;
  return replaceNode(node, takesAssignmentExpression(node) ? text : `(${text})`);
}

function takesAssignmentExpression(node: ts.Expression): boolean {
  const parent = node.parent;
  if (ts.isExpressionStatement(parent) || ts.isParenthesizedExpression(parent) || ts.isReturnStatement(parent))
    return true;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.initializer === node;
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) return parent.expression !== node;
  if (ts.isArrayLiteralExpression(parent) || ts.isSpreadElement(parent)) return true;
  if (ts.isBinaryExpression(parent)) {
    const op = parent.operatorToken.kind;
    return parent.right === node && (op === ts.SyntaxKind.EqualsToken || op === ts.SyntaxKind.CommaToken);
  }
  if (ts.isTemplateSpan(parent)) return true;
  return false;
}

/** The edit that replaces `await ` by `yield ` (or the whole await by a parenthesised yield when precedence needs it). */
export function awaitToYield(node: ts.AwaitExpression, operand?: string): TextEdit {
  if (operand === undefined && takesAssignmentExpression(node)) {
    const sf = node.getSourceFile();
    const start = node.getStart(sf);
    return replaceSpan(sf, start, node.expression.getStart(sf), 'yield ');
  }
  return yieldReplacement(node, operand ?? node.expression.getText());
}

/**
 * Edits that turn an async orchestrator into a generator: drop `async`, add `*` (an arrow becomes a `function*`
 * expression, since arrows cannot be generators). The caller adds the edits for the awaits inside.
 */
export function asyncToGenerator(fn: FunctionNode): TextEdit[] | undefined {
  const sf = fn.getSourceFile();
  const modifier = asyncModifier(fn);
  if (!modifier) return undefined;
  const afterAsync = skipSpaces(sf.text, modifier.getEnd());
  if (ts.isArrowFunction(fn)) {
    const params = arrowParameters(fn, sf);
    if (params === undefined) return undefined;
    const arrowEnd = fn.equalsGreaterThanToken.getEnd();
    if (ts.isBlock(fn.body)) return [replaceSpan(sf, modifier.getStart(sf), arrowEnd, `function* ${params}`)];
    // One edit up to the body's start and one after it, so edits inside the body (awaits) only touch them.
    return [
      replaceSpan(sf, modifier.getStart(sf), fn.body.getStart(sf), `function* ${params} { return `),
      replaceSpan(sf, fn.body.getEnd(), fn.body.getEnd(), '; }'),
    ];
  }
  const edits: TextEdit[] = [replaceSpan(sf, modifier.getStart(sf), afterAsync, '')];
  const generator =
    (ts.isFunctionExpression(fn) || ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.asteriskToken;
  if (generator) return edits;
  if (ts.isFunctionExpression(fn) || ts.isFunctionDeclaration(fn)) {
    const keyword = fn.getChildren(sf).find((child) => child.kind === ts.SyntaxKind.FunctionKeyword);
    if (!keyword) return undefined;
    edits.push(replaceSpan(sf, keyword.getEnd(), keyword.getEnd(), '*'));
    return edits;
  }
  if (ts.isMethodDeclaration(fn)) {
    edits.push(replaceSpan(sf, fn.name.getStart(sf), fn.name.getStart(sf), '*'));
    return edits;
  }
  return undefined;
}

/** `(a, b)` of an arrow, without type parameters or return type; `x => ...` gives `(x)`. */
function arrowParameters(fn: ts.ArrowFunction, sf: ts.SourceFile): string | undefined {
  const children = fn.getChildren(sf);
  const open = children.find((child) => child.kind === ts.SyntaxKind.OpenParenToken);
  const close = children.find((child) => child.kind === ts.SyntaxKind.CloseParenToken);
  if (open && close) return sf.text.slice(open.getStart(sf), close.getEnd());
  const only = fn.parameters[0];
  return only ? `(${only.getText(sf)})` : '()';
}

function skipSpaces(text: string, at: number): number {
  let index = at;
  while (index < text.length && (text[index] === ' ' || text[index] === '\t')) index++;
  return index;
}

/**
 * The orchestration time given to a date library instead of the clock: `moment()` becomes
 * `moment(<df>.currentUtcDateTime)` (`moment.tz(zone)` becomes `moment.tz(<df>.currentUtcDateTime, zone)`); luxon's
 * `DateTime.now()` and `DateTime.local()` become `DateTime.fromJSDate(<df>.currentUtcDateTime)`, `DateTime.utc()`
 * the same in UTC. Undefined when the call's shape does not allow it (luxon calls with options).
 */
export function libraryClockFix(
  kind: 'clock-argument' | 'luxon-local' | 'luxon-utc',
  node: ts.Node,
  df: string,
): { title: string; text: string } | undefined {
  if (!ts.isCallExpression(node)) return undefined;
  const now = `${df}.currentUtcDateTime`;
  const callee = node.expression.getText();
  if (kind === 'clock-argument') {
    const args = [now, ...node.arguments.map((arg) => arg.getText())].join(', ');
    return { title: `Use ${now}`, text: `${callee}(${args})` };
  }
  const access = unwrap(node.expression);
  if (node.arguments.length > 0 || !ts.isPropertyAccessExpression(access)) return undefined;
  const owner = access.expression.getText();
  const zone = kind === 'luxon-utc' ? ", { zone: 'utc' }" : '';
  return { title: `Use ${owner}.fromJSDate(${now})`, text: `${owner}.fromJSDate(${now}${zone})` };
}
