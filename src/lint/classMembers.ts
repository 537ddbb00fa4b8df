/**
 * Class and object members as the resolver sees them, without a type checker: the static and instance members a
 * class declares (methods, getters, properties with an initializer, `this.x = ...` in the constructor), its base
 * class expression, and what `this` stands for at a node (the class, an instance of it, or an object literal).
 */
import * as ts from 'typescript';
import { lookup } from './scopes.js';
import { isFunctionNode, propertyName, unwrap, type FunctionNode } from './syntax.js';

export type ClassLike = ts.ClassDeclaration | ts.ClassExpression;

export type ClassMember =
  /** A method: calling the member runs it. */
  | { readonly kind: 'method'; readonly fn: FunctionNode }
  /** A getter: reading the member runs it. */
  | { readonly kind: 'getter'; readonly fn: ts.GetAccessorDeclaration }
  /** A property: its value is this expression (a field initializer or a constructor assignment). */
  | { readonly kind: 'value'; readonly expr: ts.Expression };

function isStatic(member: ts.Node): boolean {
  const modifiers = ts.canHaveModifiers(member) ? ts.getModifiers(member) : undefined;
  return modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword) ?? false;
}

/**
 * The member `name` that `cls` itself declares (not inherited), static or on instances. Instance fields shadow
 * methods of the prototype; a getter paired with a setter counts as the getter.
 */
export function ownMember(cls: ClassLike, name: string, statics: boolean): ClassMember | undefined {
  let method: ClassMember | undefined;
  let field: ClassMember | undefined;
  let declared = false;
  let assigned: ClassMember | undefined;
  for (const member of cls.members) {
    if (ts.isConstructorDeclaration(member)) {
      if (!statics) assigned = constructorAssignment(member, name);
      continue;
    }
    if (!member.name || propertyName(member.name) !== name || isStatic(member) !== statics) continue;
    if (ts.isMethodDeclaration(member) && member.body) method = { kind: 'method', fn: member };
    else if (ts.isGetAccessorDeclaration(member) && member.body) method = { kind: 'getter', fn: member };
    else if (ts.isPropertyDeclaration(member)) {
      declared = true;
      if (member.initializer) field = { kind: 'value', expr: member.initializer };
    }
  }
  // A field declared without initializer and not assigned in the constructor is set somewhere unseen.
  return assigned ?? field ?? (declared ? undefined : method);
}

/** `this.name = value` as a statement directly in the constructor's body. */
function constructorAssignment(ctor: ts.ConstructorDeclaration, name: string): ClassMember | undefined {
  let found: ClassMember | undefined;
  for (const statement of ctor.body?.statements ?? []) {
    if (!ts.isExpressionStatement(statement)) continue;
    const expr = unwrap(statement.expression);
    if (!ts.isBinaryExpression(expr) || expr.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
    const left = unwrap(expr.left);
    if (
      ts.isPropertyAccessExpression(left) &&
      left.expression.kind === ts.SyntaxKind.ThisKeyword &&
      left.name.text === name
    )
      found = { kind: 'value', expr: expr.right };
  }
  return found;
}

/** The expression after `extends`, if any. */
export function baseClassExpression(cls: ClassLike): ts.Expression | undefined {
  const clause = cls.heritageClauses?.find((c) => c.token === ts.SyntaxKind.ExtendsKeyword);
  return clause?.types[0]?.expression;
}

/** A getter an object literal declares under `name`. */
export function objectGetter(node: ts.ObjectLiteralExpression, name: string): ts.GetAccessorDeclaration | undefined {
  for (const property of [...node.properties].reverse()) {
    if (ts.isSpreadAssignment(property) || !property.name || propertyName(property.name) !== name) continue;
    return ts.isGetAccessorDeclaration(property) && property.body ? property : undefined;
  }
  return undefined;
}

export type ThisBinding =
  | { readonly kind: 'class'; readonly cls: ClassLike; readonly statics: boolean }
  | { readonly kind: 'object'; readonly node: ts.ObjectLiteralExpression };

/**
 * What `this` (or `super`) at `node` stands for: arrows see through to the enclosing function; a method, accessor,
 * constructor or field initializer of a class gives the class (static members) or an instance of it; a method or
 * `function` property of an object literal gives the object. Plain functions and the module give undefined.
 */
export function thisBinding(node: ts.Node): ThisBinding | undefined {
  let child: ts.Node = node;
  for (let current = node.parent; current; child = current, current = current.parent) {
    if (ts.isArrowFunction(current)) continue;
    if (ts.isClassStaticBlockDeclaration(current)) return classBinding(current.parent, true);
    if (ts.isPropertyDeclaration(current) && current.initializer === child && ts.isClassLike(current.parent)) {
      return classBinding(current.parent, isStatic(current));
    }
    if (ts.isSourceFile(current) || ts.isClassLike(current)) return undefined;
    if (!isFunctionNode(current)) continue;
    const parent = current.parent;
    if (ts.isFunctionDeclaration(current)) return undefined;
    if (ts.isFunctionExpression(current)) {
      if (ts.isPropertyAssignment(parent) && ts.isObjectLiteralExpression(parent.parent))
        return { kind: 'object', node: parent.parent };
      if (ts.isPropertyDeclaration(parent) && ts.isClassLike(parent.parent))
        return classBinding(parent.parent, isStatic(parent));
      return undefined;
    }
    if (ts.isClassLike(parent)) return classBinding(parent, !ts.isConstructorDeclaration(current) && isStatic(current));
    if (ts.isObjectLiteralExpression(parent)) return { kind: 'object', node: parent };
    return undefined;
  }
  return undefined;
}

function classBinding(cls: ts.ClassLikeDeclaration, statics: boolean): ThisBinding | undefined {
  return ts.isClassDeclaration(cls) || ts.isClassExpression(cls) ? { kind: 'class', cls, statics } : undefined;
}

/**
 * Cheap test before resolving a read of `x.name`: it may run a getter only when `x` is `this`, `super` or a name
 * declared in the code (not a parameter), and the read is neither called (`x.m()` is a method call) nor the target
 * of a plain assignment (a setter runs there).
 */
export function mayReadGetter(node: ts.Node): node is ts.PropertyAccessExpression {
  if (!ts.isPropertyAccessExpression(node)) return false;
  const parent = node.parent;
  if (ts.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken)
    return false;
  // `x.m()` is followed as a call of method `m` (a getter returning a function is too rare to pay for).
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression === node) return false;
  const object = unwrap(node.expression);
  if (object.kind === ts.SyntaxKind.ThisKeyword || object.kind === ts.SyntaxKind.SuperKeyword) return true;
  if (!ts.isIdentifier(object)) return false;
  const decl = lookup(object);
  return decl !== undefined && decl.kind !== 'param' && decl.kind !== 'catch';
}
