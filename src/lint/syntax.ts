/**
 * Parsing and small syntax helpers over the TypeScript AST (no type checker: a file is parsed on its own, which keeps
 * a keystroke cheap). Positions are converted to the contract's 1-based lines and UTF-16 columns here only.
 */
import * as ts from 'typescript';
import type { Range } from './api.js';

/** Extensions the linter reads; declaration files (`.d.ts`) are skipped by `isLintable`. */
export const LINTABLE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

export function isLintable(file: string): boolean {
  const lower = file.toLowerCase();
  if (/\.d\.[mc]?ts$/.test(lower)) return false;
  return LINTABLE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

function scriptKind(file: string): ts.ScriptKind {
  const lower = file.toLowerCase();
  if (lower.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (lower.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (lower.endsWith('.js') || lower.endsWith('.mjs') || lower.endsWith('.cjs')) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/**
 * Parses with parent pointers (the rules walk up from references). Never throws: syntax errors give a partial tree.
 * JSDoc is parsed as the compiler does for type errors (in JavaScript files; in TypeScript files only comments with
 * `@see` or `@link`): no rule reads it, and skipping it saves a tenth of the parse of well-documented code.
 */
export function parse(file: string, text: string): ts.SourceFile {
  const options = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseForTypeErrors };
  const sf = ts.createSourceFile(file, text, options, false, scriptKind(file));
  setParents(sf);
  return sf;
}

type WithParent = { parent: ts.Node };

/**
 * What `createSourceFile(..., setParentNodes: true)` does, in a third of the time (TypeScript's generic walk was a
 * third of the parse): every node's `parent`, JSDoc included; a loop, not recursion, so deep trees cannot overflow.
 */
function setParents(root: ts.Node): void {
  const stack: ts.Node[] = [root];
  let parent: ts.Node = root;
  const bind = (child: ts.Node): void => {
    (child as unknown as WithParent).parent = parent;
    stack.push(child);
  };
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    parent = node;
    ts.forEachChild(node, bind);
    const docs = (node as { jsDoc?: readonly ts.Node[] }).jsDoc;
    if (docs) for (const doc of docs) bind(doc);
  }
}

export function rangeOf(sf: ts.SourceFile, start: number, end: number): Range {
  const s = sf.getLineAndCharacterOfPosition(start);
  const e = sf.getLineAndCharacterOfPosition(end);
  return { start: { line: s.line + 1, column: s.character + 1 }, end: { line: e.line + 1, column: e.character + 1 } };
}

export function nodeRange(node: ts.Node): Range {
  const sf = node.getSourceFile();
  return rangeOf(sf, node.getStart(sf), node.getEnd());
}

/** `=`, `+=`, `??=` and the other assignment operators. */
export function isAssignmentOperator(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** `x++`, `++x`, `x--`, `--x`: an update of its operand. */
export function isIncrementOrDecrement(node: ts.Node): node is ts.PrefixUnaryExpression | ts.PostfixUnaryExpression {
  return (
    (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
    (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)
  );
}

/** Strips what does not change a value: parentheses, `as`, `satisfies`, `!`, `<T>x`. */
export function unwrap(expr: ts.Expression): ts.Expression {
  let current = expr;
  for (;;) {
    if (
      ts.isParenthesizedExpression(current) ||
      ts.isAsExpression(current) ||
      ts.isSatisfiesExpression(current) ||
      ts.isNonNullExpression(current) ||
      ts.isTypeAssertionExpression(current)
    ) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

export type FunctionNode =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration
  | ts.ConstructorDeclaration;

/** By kind, not by the `ts.isX` chain: the scope walk asks this of every ancestor of every reference it resolves. */
export function isFunctionNode(node: ts.Node): node is FunctionNode {
  switch (node.kind) {
    case ts.SyntaxKind.FunctionDeclaration:
    case ts.SyntaxKind.FunctionExpression:
    case ts.SyntaxKind.ArrowFunction:
    case ts.SyntaxKind.MethodDeclaration:
    case ts.SyntaxKind.GetAccessor:
    case ts.SyntaxKind.SetAccessor:
    case ts.SyntaxKind.Constructor:
      return true;
    default:
      return false;
  }
}

export function isGenerator(fn: FunctionNode): boolean {
  return (
    (ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isMethodDeclaration(fn)) &&
    fn.asteriskToken !== undefined
  );
}

export function asyncModifier(fn: FunctionNode): ts.Modifier | undefined {
  return ts.canHaveModifiers(fn) ? ts.getModifiers(fn)?.find((m) => m.kind === ts.SyntaxKind.AsyncKeyword) : undefined;
}

/** The innermost function containing `node` (not `node` itself). */
export function enclosingFunction(node: ts.Node): FunctionNode | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionNode(current)) return current;
  }
  return undefined;
}

export function isInside(node: ts.Node, container: ts.Node): boolean {
  for (let current: ts.Node | undefined = node; current; current = current.parent) {
    if (current === container) return true;
  }
  return false;
}

/** The name of a property (identifier, string or numeric literal, private name); undefined when computed. */
export function propertyName(name: ts.PropertyName | ts.MemberName): string | undefined {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name)) {
    const inner = unwrap(name.expression);
    if (ts.isStringLiteralLike(inner)) return inner.text;
  }
  return undefined;
}

/** `a.b` or `a['b']`: the object and the member name; undefined for other expressions or computed members. */
export function memberAccess(
  expr: ts.Expression,
): { object: ts.Expression; name: string; nameNode: ts.Node } | undefined {
  if (ts.isPropertyAccessExpression(expr))
    return { object: expr.expression, name: expr.name.text, nameNode: expr.name };
  if (ts.isElementAccessExpression(expr)) {
    const arg = unwrap(expr.argumentExpression);
    if (ts.isStringLiteralLike(arg)) return { object: expr.expression, name: arg.text, nameNode: arg };
  }
  return undefined;
}

/** The source text of a node, shortened to one line for messages. */
export function snippet(node: ts.Node, max = 60): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/** `require('x')` with an unshadowed `require` is checked by the caller; this only matches the shape. */
export function requireSpecifier(expr: ts.Expression): string | undefined {
  const call = unwrap(expr);
  if (
    ts.isCallExpression(call) &&
    ts.isIdentifier(call.expression) &&
    call.expression.text === 'require' &&
    call.arguments.length === 1
  ) {
    const arg = call.arguments[0]!;
    if (ts.isStringLiteralLike(arg)) return arg.text;
  }
  return undefined;
}

/** Bare module name as the policy lists it: `node:fs` -> `fs`. */
export function normalizeModule(specifier: string): string {
  return specifier.startsWith('node:') ? specifier.slice(5) : specifier;
}

export function isRelativeSpecifier(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..';
}
