/**
 * `no-shared-state-write`: writes from orchestrator code to module-level variables (or to what they hold), which
 * outlive the orchestration and are shared by every instance in the worker process.
 */
import * as ts from 'typescript';
import { isModuleLevel, lookup, type Decl } from './scopes.js';
import {
  isAssignmentOperator,
  isIncrementOrDecrement,
  isRelativeSpecifier,
  memberAccess,
  requireSpecifier,
  snippet,
  unwrap,
} from './syntax.js';

/** Methods that change the array, map or set they are called on. */
export const MUTATING_METHODS: ReadonlySet<string> = new Set([
  'push',
  'pop',
  'shift',
  'unshift',
  'splice',
  'sort',
  'reverse',
  'fill',
  'copyWithin',
  'set',
  'add',
  'delete',
  'clear',
]);

export interface SharedWrite {
  readonly node: ts.Node;
  readonly code: string;
  readonly what: string;
}

/** The write `node` is to module-level state, if it is one. */
export function sharedStateWrite(node: ts.Node): SharedWrite | undefined {
  const written = writtenBinding(node);
  if (!written || !isSharedBinding(written.decl)) return undefined;
  return {
    node,
    code: `\`${snippet(node, 50)}\``,
    what: `writes module-level state (\`${written.root.text}\`), shared by every instance and kept across replays`,
  };
}

/** The variable `node` writes to (or mutates what it holds), when `node` is a write rooted at a plain name. */
export function writtenBinding(node: ts.Node): { root: ts.Identifier; decl: Decl } | undefined {
  let target: ts.Expression | undefined;
  if (ts.isBinaryExpression(node) && isAssignmentOperator(node.operatorToken.kind)) {
    target = node.left;
  } else if (isIncrementOrDecrement(node)) {
    target = node.operand;
  } else if (ts.isDeleteExpression(node)) {
    target = node.expression;
  } else if (ts.isCallExpression(node)) {
    target = mutatedByCall(node);
  }
  if (!target) return undefined;
  const root = rootIdentifier(target);
  const decl = root && lookup(root);
  return root && decl ? { root, decl } : undefined;
}

/** `x.push(...)` mutates `x`; `Object.assign(x, ...)` mutates `x`. */
function mutatedByCall(call: ts.CallExpression): ts.Expression | undefined {
  const access = memberAccess(unwrap(call.expression));
  if (!access) return undefined;
  const object = unwrap(access.object);
  if (
    (access.name === 'assign' || access.name === 'defineProperty') &&
    ts.isIdentifier(object) &&
    object.text === 'Object' &&
    !lookup(object)
  ) {
    return call.arguments[0];
  }
  return MUTATING_METHODS.has(access.name) ? access.object : undefined;
}

/** `a` for `a`, `a.b.c`, `a[i].b`; undefined for anything rooted elsewhere (`this.x`, `f().x`). */
function rootIdentifier(expr: ts.Expression): ts.Identifier | undefined {
  let current = unwrap(expr);
  for (;;) {
    if (ts.isIdentifier(current)) return current;
    if (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) {
      current = unwrap(current.expression);
      continue;
    }
    return undefined;
  }
}

/** Module-level variables, and bindings imported from workspace files; not packages or functions. */
export function isSharedBinding(decl: Decl): boolean {
  if (!isModuleLevel(decl)) return false;
  if (decl.kind === 'import') return decl.imported !== undefined && isRelativeSpecifier(decl.imported.specifier);
  if (decl.kind !== 'var' && decl.kind !== 'let' && decl.kind !== 'const') return false;
  const init = ts.isVariableDeclaration(decl.node) ? decl.node.initializer : undefined;
  const specifier = init && requireSpecifier(init);
  return specifier === undefined || isRelativeSpecifier(specifier);
}
