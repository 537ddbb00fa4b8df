/**
 * "Certainly incompatible": whether no value of one type can be taken for another after the trip through
 * durable-functions' payloads (JSON), as opposed to TypeScript's "not assignable" (some value of the type might not
 * fit). The type rules report only the former. With TypeScript's checker answering "assignable" first, a pair of
 * types is certainly incompatible when:
 * - their kinds differ: string, number, bigint, boolean, array, object (a number where a string is taken);
 * - both are of one primitive kind and the value is a literal that fails (`'red'` where `'green' | 'blue'` is taken;
 *   an enum member and a literal of the same value are the same value);
 * - both are arrays and their elements are certainly incompatible;
 * - both are objects and a property both declare is certainly incompatible (also one the target's string index
 *   signature covers), or the source is an object literal (its properties are exactly known) without a property
 *   the target requires;
 * - for unions: every member of the source against every member of the target.
 * Never a reason: null and undefined (a value that may be absent is not certainly wrong, and whether a tsconfig is
 * strict should not decide), excess properties (the handler ignores them), a wider type where a narrower one is taken
 * (a `string` where `'a' | 'b'` is taken may hold 'a'), a declared type without a property the target requires (the
 * value may have it: structural subtyping), methods and accessors (JSON drops them), and anything unknown: `any`,
 * `unknown`, error types (unresolved imports), type parameters, conditional and indexed types, functions, lib
 * classes and interfaces (`Date`, `Map`, `Error`: JSON turns them into something else) and types with `toJSON`.
 */
import * as ts from 'typescript';
import { isLibFile } from './typeService.js';

export interface Mismatch {
  /** Property path from the compared values to where they differ; empty for the values themselves. */
  readonly path: readonly string[];
  /** The source's type there; undefined for a missing property. */
  readonly source: ts.Type | undefined;
  readonly target: ts.Type;
}

type Kind = 'string' | 'number' | 'bigint' | 'boolean' | 'array' | 'object' | 'open';

const MAX_DEPTH = 6;
const OPEN =
  ts.TypeFlags.Any |
  ts.TypeFlags.Unknown |
  ts.TypeFlags.Never |
  ts.TypeFlags.TypeParameter |
  ts.TypeFlags.Index |
  ts.TypeFlags.IndexedAccess |
  ts.TypeFlags.Conditional |
  ts.TypeFlags.Substitution |
  ts.TypeFlags.ESSymbolLike;
const NULLISH = ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void;
/** Primitive types whose values TypeScript tells apart exactly: literals, enum members, patterns. */
const EXACT_PRIMITIVES =
  ts.TypeFlags.Literal | ts.TypeFlags.EnumLiteral | ts.TypeFlags.TemplateLiteral | ts.TypeFlags.StringMapping;
const METHOD_LIKE = ts.SymbolFlags.Method | ts.SymbolFlags.GetAccessor | ts.SymbolFlags.SetAccessor;

/** Where a value of `source` can never be a value of `target`; undefined when it may be one (or cannot be told). */
export function certainMismatch(checker: ts.TypeChecker, source: ts.Type, target: ts.Type): Mismatch | undefined {
  return new Comparison(checker).values(source, target, [], 0);
}

/** The type without `null`, `undefined` and `void`. */
export function withoutNullish(type: ts.Type): ts.Type[] {
  return (type.isUnion() ? type.types : [type]).filter((member) => !(member.flags & NULLISH));
}

class Comparison {
  constructor(private readonly checker: ts.TypeChecker) {}

  /** Every non-nullish value of `source` fails every member of `target`. */
  values(source: ts.Type, target: ts.Type, path: readonly string[], depth: number): Mismatch | undefined {
    if (depth > MAX_DEPTH || source.flags & OPEN || target.flags & OPEN) return undefined;
    const sources = withoutNullish(source);
    const targets = withoutNullish(target);
    if (sources.length === 0 || targets.length === 0) return undefined;
    let found: Mismatch | undefined;
    for (const member of sources) {
      if (this.checker.isTypeAssignableTo(member, target)) return undefined;
      for (const goal of targets) {
        const mismatch = this.pair(member, goal, path, depth);
        if (!mismatch) return undefined;
        found ??= mismatch;
      }
    }
    // With several members on either side, the first difference found would not describe the whole.
    return sources.length === 1 && targets.length === 1 ? found : { path, source, target };
  }

  /** Two members (no unions, no nullish). */
  private pair(source: ts.Type, target: ts.Type, path: readonly string[], depth: number): Mismatch | undefined {
    if (this.checker.isTypeAssignableTo(source, target)) return undefined;
    const from = this.kind(source, 'source');
    const to = this.kind(target, 'target');
    if (from === 'open' || to === 'open') return undefined;
    const here: Mismatch = { path, source, target };
    if (from !== to) {
      // An array is an object too: only an object literal is certainly not an array, and an array certainly lacks
      // a property only if the target requires one arrays do not have.
      if (from === 'object' && to === 'array') return isExact(source) ? here : undefined;
      if (from === 'array' && to === 'object') return this.objects(source, target, path, depth, true);
      return here;
    }
    switch (from) {
      case 'string':
      case 'number':
      case 'bigint':
      case 'boolean':
        // A literal that fails a literal or a pattern (`id-${string}`) is certain; a wider value may hold a fitting
        // one, and a branded primitive (`string & { __brand }`) takes any value of its primitive at run time. Equal
        // literals are one value (an enum member and its value).
        if (!isLiteral(source) || !(target.flags & EXACT_PRIMITIVES)) return undefined;
        return isLiteral(target) && sameValue(this.checker, source, target) ? undefined : here;
      case 'array':
        return this.arrays(source, target, path, depth);
      case 'object':
        return this.objects(source, target, path, depth, isExact(source));
    }
  }

  private arrays(source: ts.Type, target: ts.Type, path: readonly string[], depth: number): Mismatch | undefined {
    if (this.checker.isTupleType(target)) return undefined;
    const goal = this.element(target);
    if (!goal) return undefined;
    const elements = this.checker.isTupleType(source)
      ? this.checker.getTypeArguments(source as ts.TypeReference)
      : [this.element(source)];
    for (const element of elements) {
      // One element that cannot be a target element makes the array fail (a tuple holds each of its elements).
      const mismatch = element && this.values(element, goal, [...path, '[]'], depth + 1);
      if (mismatch) return mismatch;
    }
    return undefined;
  }

  private element(array: ts.Type): ts.Type | undefined {
    if (!this.checker.isArrayType(array)) return undefined;
    return this.checker.getTypeArguments(array as ts.TypeReference)[0];
  }

  private objects(
    source: ts.Type,
    target: ts.Type,
    path: readonly string[],
    depth: number,
    exact: boolean,
  ): Mismatch | undefined {
    for (const property of this.checker.getPropertiesOfType(target)) {
      const goal = this.dataProperty(property);
      if (!goal) continue;
      const name = property.getName();
      const own = this.checker.getPropertyOfType(source, name);
      if (!own) {
        const required = !(property.flags & ts.SymbolFlags.Optional) && !acceptsAbsent(goal);
        if (exact && required) return { path: [...path, name], source: undefined, target: goal };
        continue;
      }
      const type = this.dataProperty(own, exact);
      const mismatch = type && this.values(type, goal, [...path, name], depth + 1);
      if (mismatch) return mismatch;
    }
    const index = this.checker
      .getIndexInfosOfType(target)
      .find((info) => info.keyType.flags & ts.TypeFlags.String && !info.isReadonly);
    if (!index) return undefined;
    for (const property of this.checker.getPropertiesOfType(source)) {
      const name = property.getName();
      if (this.checker.getPropertyOfType(target, name)) continue;
      const type = this.dataProperty(property);
      const mismatch = type && this.values(type, index.type, [...path, name], depth + 1);
      if (mismatch) return mismatch;
    }
    return undefined;
  }

  /**
   * The type of a property JSON carries: not a method, accessor, function, private or symbol-keyed member. In an
   * exact literal, the type of the value written (`{ kind: 'express' }` holds 'express', though its type says string).
   */
  private dataProperty(property: ts.Symbol, exact = false): ts.Type | undefined {
    if (property.flags & METHOD_LIKE) return undefined;
    const name = property.getName();
    if (name.startsWith('__@') || name.startsWith('#') || name.startsWith('__#')) return undefined;
    const hidden = property.declarations?.some(
      (declaration) =>
        ts.getCombinedModifierFlags(declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected),
    );
    if (hidden) return undefined;
    const written = property.valueDeclaration;
    const type =
      exact && written && ts.isPropertyAssignment(written)
        ? this.checker.getTypeAtLocation(written.initializer)
        : this.checker.getTypeOfSymbol(property);
    if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) return undefined;
    return type;
  }

  private kind(type: ts.Type, role: 'source' | 'target'): Kind {
    const flags = type.flags;
    if (flags & OPEN) return 'open';
    if (flags & ts.TypeFlags.StringLike) return 'string';
    if (flags & ts.TypeFlags.NumberLike) return 'number';
    if (flags & ts.TypeFlags.BigIntLike) return 'bigint';
    if (flags & ts.TypeFlags.BooleanLike) return 'boolean';
    // `object` takes any non-primitive; as a source it may be a Date (a string in JSON).
    if (flags & ts.TypeFlags.NonPrimitive) return role === 'target' ? 'object' : 'open';
    if (type.isIntersection()) {
      // A branded primitive (`string & { __brand: 'Id' }`) is of its primitive's kind.
      const kinds = new Set(type.types.map((member) => this.kind(member, role)));
      const primitive = [...kinds].filter((kind) => kind !== 'object');
      if (kinds.has('open') || kinds.has('array')) return 'open';
      return primitive.length === 0 ? 'object' : primitive.length === 1 ? primitive[0]! : 'open';
    }
    if (!(flags & ts.TypeFlags.Object)) return 'open';
    if (this.checker.getPropertyOfType(type, 'toJSON')) return 'open';
    if (this.checker.isArrayType(type) || this.checker.isTupleType(type)) return 'array';
    if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) return 'open';
    if (isLibClassOrInterface(type)) return 'open';
    return 'object';
  }
}

function isLiteral(type: ts.Type): boolean {
  return (type.flags & (ts.TypeFlags.Literal | ts.TypeFlags.EnumLiteral)) !== 0 && !type.isUnion();
}

function sameValue(checker: ts.TypeChecker, a: ts.Type, b: ts.Type): boolean {
  if (a.isLiteral() && b.isLiteral()) {
    const x = a.value;
    const y = b.value;
    if (typeof x === 'object' && typeof y === 'object')
      return x.negative === y.negative && x.base10Value === y.base10Value;
    return x === y;
  }
  return checker.typeToString(a) === checker.typeToString(b);
}

/**
 * The type of an object literal without spreads that is used right where it is written (an argument, a returned
 * value, inside other such literals): the value has exactly the properties it declares. A literal kept in a variable
 * may have been given more since (`payload['count'] = 3` compiles without noImplicitAny).
 */
function isExact(type: ts.Type): boolean {
  if (!(type.flags & ts.TypeFlags.Object) || !(type.symbol?.flags & ts.SymbolFlags.ObjectLiteral)) return false;
  const literal = type.symbol.declarations?.[0];
  if (!literal || !ts.isObjectLiteralExpression(literal)) return false;
  if (literal.properties.some((property) => ts.isSpreadAssignment(property))) return false;
  let node: ts.Node = literal;
  for (;;) {
    const parent = node.parent;
    if (
      ts.isParenthesizedExpression(parent) ||
      ts.isAsExpression(parent) ||
      ts.isSatisfiesExpression(parent) ||
      ts.isArrayLiteralExpression(parent) ||
      (ts.isConditionalExpression(parent) && parent.condition !== node) ||
      (ts.isPropertyAssignment(parent) && parent.initializer === node)
    ) {
      node = ts.isPropertyAssignment(parent) ? parent.parent : parent;
      continue;
    }
    return (
      (ts.isCallExpression(parent) && parent.expression !== node) ||
      ts.isReturnStatement(parent) ||
      (ts.isArrowFunction(parent) && parent.body === node)
    );
  }
}

function acceptsAbsent(type: ts.Type): boolean {
  const members = type.isUnion() ? type.types : [type];
  return members.some((member) => member.flags & (NULLISH | OPEN));
}

/** `Date`, `Map`, `Promise`, `Error`...: classes and interfaces of TypeScript's lib (arrays are handled before). */
function isLibClassOrInterface(type: ts.Type): boolean {
  const objectFlags = (type as ts.ObjectType).objectFlags;
  const declared =
    objectFlags & ts.ObjectFlags.Reference
      ? ((type as ts.TypeReference).target as ts.ObjectType)
      : (type as ts.ObjectType);
  if (!(declared.objectFlags & ts.ObjectFlags.ClassOrInterface)) return false;
  return declared.symbol?.declarations?.some((declaration) => isLibFile(declaration.getSourceFile())) ?? false;
}
