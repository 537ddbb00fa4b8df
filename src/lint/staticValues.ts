/**
 * Strings known without running the code: literals, constants bound to them (in this file or imported), members of
 * constant object literals (`NAMES.sayHello`), enum members (`Names.SayHello`) and templates made of those. Function
 * names (`callActivity(NAMES.sayHello)`) and entity operations are checked against the app with these. A value that
 * depends on anything else (a parameter, a call, a `let` that is reassigned) is unknown.
 */
import * as ts from 'typescript';
import type { Resolver } from './resolve.js';
import { memberAccess, propertyName, unwrap } from './syntax.js';

const MAX_DEPTH = 8;

export interface StaticString {
  readonly value: string;
  /** The literal that spells the whole value, where a fix can rewrite it; undefined for templates. */
  readonly literal: ts.StringLiteralLike | undefined;
}

/** The string an expression always evaluates to, when that is visible statically. */
export function staticString(expr: ts.Expression, resolver: Resolver, depth = 0): StaticString | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = unwrap(expr);
  if (ts.isStringLiteralLike(node)) return { value: node.text, literal: node };
  if (ts.isTemplateExpression(node)) return template(node, resolver, depth);
  const access = memberAccess(node);
  if (access) return memberString(access.object, access.name, resolver, depth);
  if (!ts.isIdentifier(node)) return undefined;
  // The resolver sees through imports and aliases to the declaration; a string initializer leaves it opaque.
  const sym = resolver.resolve(node);
  const decl = sym?.kind === 'opaque' ? sym.decl : undefined;
  if (!decl || decl.kind !== 'const' || decl.path?.length !== 0 || !ts.isVariableDeclaration(decl.node)) {
    return undefined;
  }
  const init = decl.node.initializer;
  return init ? staticString(init, resolver, depth + 1) : undefined;
}

export function stringValue(expr: ts.Expression, resolver: Resolver, depth = 0): string | undefined {
  return staticString(expr, resolver, depth)?.value;
}

/** `NAMES.sayHello` with `const NAMES = { sayHello: 'sayHello' } as const`, or `Names.SayHello` of an enum. */
function memberString(object: ts.Expression, name: string, resolver: Resolver, depth: number) {
  const sym = resolver.resolve(object);
  if (sym?.kind === 'object') {
    const property = [...sym.node.properties]
      .reverse()
      .find((p) => ts.isPropertyAssignment(p) && propertyName(p.name) === name);
    return property && ts.isPropertyAssignment(property)
      ? staticString(property.initializer, resolver, depth + 1)
      : undefined;
  }
  const declaration = sym?.kind === 'opaque' ? sym.decl?.node : undefined;
  if (!declaration || !ts.isEnumDeclaration(declaration)) return undefined;
  const member = declaration.members.find((m) => propertyName(m.name) === name);
  const init = member?.initializer && unwrap(member.initializer);
  return init && ts.isStringLiteralLike(init) ? { value: init.text, literal: init } : undefined;
}

function template(node: ts.TemplateExpression, resolver: Resolver, depth: number): StaticString | undefined {
  let value = node.head.text;
  for (const span of node.templateSpans) {
    const part = staticString(span.expression, resolver, depth + 1);
    if (!part) return undefined;
    value += part.value + span.literal.text;
  }
  return { value, literal: undefined };
}
