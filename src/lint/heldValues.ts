/**
 * What a variable certainly holds when it is yielded: `const p = fetchThing(); yield p;` yields what `fetchThing()`
 * returns. Only a `const`, or a `let`/`var` never assigned again, bound to a plain name, counts; an `await` in the
 * initializer leaves it unknown (awaiting a durable task gives back the task itself).
 */
import * as ts from 'typescript';
import { lookup, referencesTo } from './scopes.js';
import { isAssignmentOperator, isIncrementOrDecrement, snippet, unwrap } from './syntax.js';

/**
 * Why yielding `id` is wrong, from what its initializer is (`reasonOf` judges the initializer as if it were
 * yielded directly), or undefined when the value is not certain or is fine.
 */
export function heldValueReason(
  id: ts.Identifier,
  reasonOf: (value: ts.Expression) => string | undefined,
): string | undefined {
  const decl = lookup(id);
  if (!decl || decl.path?.length !== 0 || !ts.isVariableDeclaration(decl.node) || !decl.node.initializer)
    return undefined;
  if (decl.kind !== 'const' && ((decl.kind !== 'let' && decl.kind !== 'var') || isReassigned(decl.name, decl.scope)))
    return undefined;
  const value = unwrap(decl.node.initializer);
  if (ts.isIdentifier(value) || ts.isAwaitExpression(value) || ts.isYieldExpression(value)) return undefined;
  const reason = reasonOf(value);
  return reason && `${reason} (\`${id.text}\` holds \`${snippet(value, 30)}\`)`;
}

function isReassigned(name: ts.Identifier, scope: ts.Node): boolean {
  const decl = lookup(name);
  if (!decl) return true;
  return referencesTo(decl, scope).some((ref) => {
    let node: ts.Node = ref;
    while (ts.isParenthesizedExpression(node.parent)) node = node.parent;
    const parent = node.parent;
    if (ts.isBinaryExpression(parent) && parent.left === node) return isAssignmentOperator(parent.operatorToken.kind);
    if (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent))
      return isIncrementOrDecrement(parent);
    // `for (x of ...)`, destructuring assignments: treated as reassignments.
    return (
      ts.isForOfStatement(parent) ||
      ts.isForInStatement(parent) ||
      ts.isArrayLiteralExpression(parent) ||
      ts.isShorthandPropertyAssignment(parent) ||
      ts.isPropertyAssignment(parent)
    );
  });
}
