/**
 * `activity-input-type`: what a call passes to an activity or sub-orchestration, and what the caller declares it gets
 * back, against the called function's own types, with TypeScript's checker (typeService.ts) and the "certainly
 * incompatible" relation (typeCompat.ts). Works per file like the app rules: any `x.df.callActivity(...)` call of a
 * TypeScript file, wherever it is.
 *
 * A call is a candidate when its name is static, its app registers exactly one function of that name with a handler
 * in a TypeScript file, and there is something to compare, decided from syntax before any checker work:
 * - its input argument, when the handler declares what it takes: an activity's first parameter with a type
 *   annotation (`(input: Order, context) => ...`), an orchestrator's `getInput<T>()` or `const x: T = getInput()`;
 * - `const x: T = yield context.df.callActivity(...)`, against what the handler returns (awaited; declared or
 *   inferred), or what an orchestrator generator returns.
 * `prepare` collects the candidates of many files first, so that one program serves a whole CLI run.
 */
import path from 'node:path';
import * as ts from 'typescript';
import type { AppIndex } from './appIndex.js';
import { isDfExpression } from './durable.js';
import type { Issue } from './issues.js';
import type { Handler } from './registrations.js';
import type { Resolver } from './resolve.js';
import { staticString } from './staticValues.js';
import { isGenerator, memberAccess, snippet, unwrap, type FunctionNode } from './syntax.js';
import { certainMismatch, type Mismatch } from './typeCompat.js';
import { isTypeScriptSource, TypeService } from './typeService.js';
import type { SourceInfo, Workspace } from './workspace.js';

type CalledKind = 'activity' | 'orchestration';

/** `context.df.<method>`: what it calls and which argument is the input. */
const METHODS: ReadonlyMap<string, { readonly kind: CalledKind; readonly input: number }> = new Map([
  ['callActivity', { kind: 'activity', input: 1 }],
  ['callActivityWithRetry', { kind: 'activity', input: 2 }],
  ['callSubOrchestrator', { kind: 'orchestration', input: 1 }],
  ['callSubOrchestratorWithRetry', { kind: 'orchestration', input: 2 }],
]);

const PREFILTER = /callActivity|callSubOrchestrator/;

interface Candidate {
  readonly call: ts.CallExpression;
  readonly kind: CalledKind;
  readonly name: string;
  readonly handler: Handler;
  /** The input argument, when the handler declares what it takes. */
  readonly input: ts.Expression | undefined;
  /** `const x: T = yield <call>`, when the handler can tell what it gives. */
  readonly expected: (ts.VariableDeclaration & { readonly type: ts.TypeNode }) | undefined;
  /**
   * The text of the activity's input annotation when it is standalone (`{ id: string; count: number }`: no names)
   * and nothing else is asked of the handler: the program then declares the text instead of holding the handler's
   * file, which saves binding it.
   */
  readonly standalone: string | undefined;
}

/** A type a handler declares, and where (the related location of a finding). */
interface Declared {
  readonly type: ts.Type;
  readonly at: ts.Node;
  /** The annotation it comes from, shown as written (printing a type costs more than checking it). */
  readonly annotation?: ts.TypeNode;
}

export class InputTypes {
  /** Candidates per parsed file, valid for one workspace generation (handlers resolve across files). */
  private candidates = new Map<ts.SourceFile, readonly Candidate[]>();
  private generation = -1;
  /** Files the checker failed on, as parsed then. */
  private readonly failed = new WeakSet<ts.SourceFile>();

  constructor(
    private readonly workspace: Workspace,
    private readonly resolver: Resolver,
    private readonly index: AppIndex,
    private readonly types: TypeService = new TypeService(workspace),
  ) {}

  invalidate(file: string): void {
    this.types.invalidate(file);
  }

  /** Announces the files about to be linted: the next program holds their candidates' files. */
  prepare(files: readonly string[]): void {
    if (!this.types.available) return;
    const wanted: string[] = [];
    const types: string[] = [];
    for (const file of files) {
      const source = this.sourceOf(file);
      if (!source) continue;
      const found = this.candidatesOf(source);
      if (found.length === 0) continue;
      wanted.push(source.path, ...handlerFiles(found));
      types.push(...standaloneTypes(found));
    }
    this.types.want(wanted, types);
  }

  issues(file: SourceInfo): Issue[] {
    if (!this.types.available || this.failed.has(file.sf) || !this.sourceOf(file.path)) return [];
    const found = this.candidatesOf(file);
    if (found.length === 0) return [];
    try {
      const checker = this.types.checkerFor([file.path, ...handlerFiles(found)], standaloneTypes(found));
      if (!checker) return [];
      const issues: Issue[] = [];
      for (const candidate of found) {
        const input = candidate.input && this.inputIssue(checker, candidate, candidate.input);
        if (input) issues.push(input);
        const result = candidate.expected && this.resultIssue(checker, candidate, candidate.expected);
        if (result) issues.push(result);
      }
      return issues;
    } catch {
      // TypeScript's checker failing on unusual code must not take the other rules down: no finding for the file
      // until it changes, and a fresh program for the others (the failed one may be left inconsistent).
      this.failed.add(file.sf);
      this.types.reset();
      return [];
    }
  }

  /** The file, if it is a TypeScript source that mentions a call the rule checks. */
  private sourceOf(file: string): SourceInfo | undefined {
    if (!isTypeScriptSource(file)) return undefined;
    const text = this.workspace.text(file);
    if (text === undefined || !PREFILTER.test(text)) return undefined;
    return this.workspace.source(file);
  }

  private candidatesOf(file: SourceInfo): readonly Candidate[] {
    if (this.generation !== this.workspace.generation) {
      this.generation = this.workspace.generation;
      this.candidates = new Map();
    }
    let found = this.candidates.get(file.sf);
    if (!found) {
      found = this.findCandidates(file);
      this.candidates.set(file.sf, found);
    }
    return found;
  }

  private findCandidates(file: SourceInfo): Candidate[] {
    const found: Candidate[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const candidate = this.candidate(node, file.path);
        if (candidate) found.push(candidate);
      }
      ts.forEachChild(node, visit);
    };
    visit(file.sf);
    return found;
  }

  private candidate(call: ts.CallExpression, from: string): Candidate | undefined {
    const access = memberAccess(unwrap(call.expression));
    const method = access && METHODS.get(access.name);
    if (!access || !method || !isDfExpression(access.object)) return undefined;
    const first = call.arguments[0];
    const name = first && staticString(first, this.resolver)?.value;
    if (name === undefined) return undefined;
    // Several registrations under one name: the host keeps one; which one cannot be told.
    const registered = this.index.registered(method.kind, name, from);
    const handler = registered.length === 1 ? registered[0]!.handler : undefined;
    // A handler without a body is an overload or ambient signature, not what runs.
    if (!handler?.fn.body || !isTypeScriptSource(handler.file.path)) return undefined;
    const arg = call.arguments[method.input];
    const input = arg && !ts.isSpreadElement(arg) && hasDeclaredInput(handler.fn, method.kind) ? arg : undefined;
    const declaration = expectingDeclaration(call);
    const expected =
      declaration && (method.kind === 'orchestration') === isGenerator(handler.fn) ? declaration : undefined;
    if (!input && !expected) return undefined;
    const annotation = method.kind === 'activity' && !expected ? inputParameter(handler.fn)?.type : undefined;
    const standalone = annotation && isStandalone(annotation) ? annotation.getText() : undefined;
    return { call, kind: method.kind, name, handler, input, expected, standalone };
  }

  private inputIssue(checker: ts.TypeChecker, candidate: Candidate, arg: ts.Expression): Issue | undefined {
    const takes =
      candidate.kind === 'orchestration'
        ? orchestratorInput(checker, candidate.handler.fn)
        : candidate.standalone !== undefined
          ? this.standaloneInput(candidate.handler.fn, candidate.standalone)
          : activityInput(checker, candidate.handler.fn);
    if (!takes || takes.type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
    const passed = checker.getTypeAtLocation(arg);
    const mismatch = certainMismatch(checker, passed, takes.type);
    if (!mismatch) return undefined;
    const code = `\`${callText(candidate.call)}\``;
    const called = `${candidate.kind} '${candidate.name}'`;
    const taken = takes.annotation ? snippet(takes.annotation, 60) : describe(checker, takes.type);
    const text =
      `${code} passes ${describe(checker, shown(checker, passed, takes.type))}, but ${called} takes ` +
      `${taken} (${where(takes.at)})${detail(checker, mismatch, 'its')}.`;
    return {
      rule: 'activity-input-type',
      node: arg,
      code,
      what: `passes what ${called} does not take`,
      text,
      via: [],
      fixes: [],
      related: [{ node: takes.at, message: `${called} takes ${taken}` }],
    };
  }

  private standaloneInput(fn: FunctionNode, text: string): Declared | undefined {
    const param = inputParameter(fn);
    const type = this.types.typeOf(text);
    return param?.type && type && { type, at: param, annotation: param.type };
  }

  private resultIssue(
    checker: ts.TypeChecker,
    candidate: Candidate,
    declaration: ts.VariableDeclaration & { readonly type: ts.TypeNode },
  ): Issue | undefined {
    const gives =
      candidate.kind === 'activity'
        ? activityResult(checker, candidate.handler.fn)
        : orchestratorResult(checker, candidate.handler.fn);
    if (!gives) return undefined;
    const expected = checker.getTypeFromTypeNode(declaration.type);
    const mismatch = certainMismatch(checker, gives.type, expected);
    if (!mismatch) return undefined;
    const called = `${candidate.kind} '${candidate.name}'`;
    const variable = snippet(declaration.name, 30);
    const returned = describe(checker, gives.type);
    const text =
      `\`${variable}\` is declared ${snippet(declaration.type, 60)}, but ${called} returns ` +
      `${returned} (${where(gives.at)})${detail(checker, mismatch, 'the result’s')}.`;
    return {
      rule: 'activity-input-type',
      node: declaration.type,
      code: `\`${variable}: ${snippet(declaration.type, 30)}\``,
      what: `is not what ${called} returns`,
      text,
      via: [],
      fixes: [],
      related: [{ node: gives.at, message: `${called} returns ${returned}` }],
    };
  }
}

function handlerFiles(candidates: readonly Candidate[]): string[] {
  return candidates.filter((candidate) => candidate.standalone === undefined).map((c) => c.handler.file.path);
}

function standaloneTypes(candidates: readonly Candidate[]): string[] {
  return candidates.flatMap((candidate) => (candidate.standalone === undefined ? [] : [candidate.standalone]));
}

/** Type syntax that holds no name (keywords, literals, object literal types, arrays, tuples, unions, templates). */
function isStandalone(node: ts.Node): boolean {
  switch (node.kind) {
    case ts.SyntaxKind.AnyKeyword:
    case ts.SyntaxKind.UnknownKeyword:
    case ts.SyntaxKind.NumberKeyword:
    case ts.SyntaxKind.BigIntKeyword:
    case ts.SyntaxKind.ObjectKeyword:
    case ts.SyntaxKind.BooleanKeyword:
    case ts.SyntaxKind.StringKeyword:
    case ts.SyntaxKind.UndefinedKeyword:
    case ts.SyntaxKind.NeverKeyword:
    case ts.SyntaxKind.VoidKeyword:
    case ts.SyntaxKind.LiteralType:
    case ts.SyntaxKind.TemplateLiteralType:
    case ts.SyntaxKind.TemplateLiteralTypeSpan:
    case ts.SyntaxKind.TemplateHead:
    case ts.SyntaxKind.TemplateMiddle:
    case ts.SyntaxKind.TemplateTail:
    case ts.SyntaxKind.ArrayType:
    case ts.SyntaxKind.TupleType:
    case ts.SyntaxKind.NamedTupleMember:
    case ts.SyntaxKind.OptionalType:
    case ts.SyntaxKind.RestType:
    case ts.SyntaxKind.UnionType:
    case ts.SyntaxKind.IntersectionType:
    case ts.SyntaxKind.ParenthesizedType:
    case ts.SyntaxKind.TypeOperator:
    case ts.SyntaxKind.TypeLiteral:
    case ts.SyntaxKind.PropertySignature:
    case ts.SyntaxKind.QuestionToken:
    case ts.SyntaxKind.ReadonlyKeyword:
    case ts.SyntaxKind.Identifier: // a property's or tuple member's name (type names are TypeReferences)
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NumericLiteral:
    case ts.SyntaxKind.TrueKeyword:
    case ts.SyntaxKind.FalseKeyword:
    case ts.SyntaxKind.NullKeyword:
    case ts.SyntaxKind.PrefixUnaryExpression:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      break;
    default:
      return false;
  }
  let standalone = true;
  ts.forEachChild(node, (child) => {
    if (standalone && !isStandalone(child)) standalone = false;
  });
  return standalone;
}

/** The first parameter, TypeScript's `this` parameter aside. */
function inputParameter(fn: FunctionNode): ts.ParameterDeclaration | undefined {
  return fn.parameters.find((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
}

/** Syntax only: whether the handler declares what it takes. */
function hasDeclaredInput(fn: FunctionNode, kind: CalledKind): boolean {
  if (kind === 'activity') {
    const param = inputParameter(fn);
    return !!param?.type && !param.dotDotDotToken;
  }
  return inputReads(fn).some((read) => read.type !== undefined);
}

/** `const x: T = yield <call>` (parentheses aside): the declaration, when it has a type annotation. */
function expectingDeclaration(
  call: ts.CallExpression,
): (ts.VariableDeclaration & { readonly type: ts.TypeNode }) | undefined {
  let node: ts.Node = call;
  while (ts.isParenthesizedExpression(node.parent)) node = node.parent;
  const yielded = node.parent;
  if (!ts.isYieldExpression(yielded) || yielded.asteriskToken) return undefined;
  node = yielded;
  while (ts.isParenthesizedExpression(node.parent)) node = node.parent;
  const declaration = node.parent;
  if (!ts.isVariableDeclaration(declaration) || declaration.initializer !== node || !declaration.type) return undefined;
  return declaration as ts.VariableDeclaration & { readonly type: ts.TypeNode };
}

function activityInput(checker: ts.TypeChecker, fn: FunctionNode): Declared | undefined {
  const param = inputParameter(fn);
  if (!param?.type || param.dotDotDotToken) return undefined;
  return { type: checker.getTypeFromTypeNode(param.type), at: param, annotation: param.type };
}

interface InputRead {
  readonly call: ts.CallExpression;
  /** `getInput<T>()`'s T, or the annotation of `const x: T = getInput()`. */
  readonly type: ts.TypeNode | undefined;
}

/** An orchestrator's `x.df.getInput()` calls. */
function inputReads(fn: FunctionNode): InputRead[] {
  const reads: InputRead[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const access = memberAccess(unwrap(node.expression));
      if (access?.name === 'getInput' && isDfExpression(access.object)) {
        let outer: ts.Node = node;
        while (ts.isParenthesizedExpression(outer.parent)) outer = outer.parent;
        const parent = outer.parent;
        const declared =
          ts.isVariableDeclaration(parent) && parent.initializer === outer && ts.isIdentifier(parent.name)
            ? parent.type
            : undefined;
        reads.push({ call: node, type: node.typeArguments?.[0] ?? declared });
      }
    }
    ts.forEachChild(node, visit);
  };
  if (fn.body) visit(fn.body);
  return reads;
}

/** What an orchestrator reads its input as: one type, if every typed read agrees. */
function orchestratorInput(checker: ts.TypeChecker, fn: FunctionNode): Declared | undefined {
  let found: Declared | undefined;
  for (const read of inputReads(fn)) {
    if (!read.type) continue;
    const type = checker.getTypeFromTypeNode(read.type);
    if (found && found.type !== type) return undefined;
    found ??= { type, at: read.call, annotation: read.type };
  }
  return found;
}

/** What an activity's caller gets: the handler's result, awaited (the host awaits a returned promise). */
function activityResult(checker: ts.TypeChecker, fn: FunctionNode): Declared | undefined {
  if (isGenerator(fn)) return undefined;
  const signature = checker.getSignatureFromDeclaration(fn);
  const returned = signature && checker.getReturnTypeOfSignature(signature);
  const type = returned && checker.getAwaitedType(returned);
  return type && { type, at: fn.type ?? functionName(fn) };
}

/** What a sub-orchestration's caller gets: the generator's return value (`Generator<Y, R, N>`'s R). */
function orchestratorResult(checker: ts.TypeChecker, fn: FunctionNode): Declared | undefined {
  const signature = checker.getSignatureFromDeclaration(fn);
  const returned = signature && checker.getReturnTypeOfSignature(signature);
  if (!returned || !(returned.flags & ts.TypeFlags.Object)) return undefined;
  const reference = returned as ts.TypeReference;
  if (!(reference.objectFlags & ts.ObjectFlags.Reference) || reference.target.symbol?.getName() !== 'Generator')
    return undefined;
  const type = checker.getTypeArguments(reference)[1];
  return type && { type, at: fn.type ?? functionName(fn) };
}

/** Where to point at a function: its name, or the function itself. */
function functionName(fn: FunctionNode): ts.Node {
  if (fn.name) return fn.name;
  const parent = fn.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.initializer === fn)
    return parent.name;
  return fn;
}

/** `callActivity('sayHello', 42)`: the call from the method name on. */
function callText(call: ts.CallExpression): string {
  const sf = call.getSourceFile();
  const callee = unwrap(call.expression);
  const access = memberAccess(callee);
  const start = access ? access.nameNode.getStart(sf) : call.getStart(sf);
  const text = sf.text.slice(start, call.getEnd()).replace(/\s+/g, ' ');
  return text.length > 60 ? text.slice(0, 59) + '…' : text;
}

/** A literal's base type when that does not fit either (`number` for `42` where a string is taken). */
function shown(checker: ts.TypeChecker, passed: ts.Type, takes: ts.Type): ts.Type {
  const base = checker.getBaseTypeOfLiteralType(passed);
  return base !== passed && certainMismatch(checker, base, takes) ? base : passed;
}

/** Type texts, per type (types belong to one checker). */
const descriptions = new WeakMap<ts.Type, string>();

function describe(checker: ts.TypeChecker, type: ts.Type): string {
  let text = descriptions.get(type);
  if (text === undefined) {
    text =
      quickText(checker, type) ??
      checker.typeToString(type, undefined, ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope);
    if (text.length > 60) text = text.slice(0, 59) + '…';
    descriptions.set(type, text);
  }
  return text;
}

const INTRINSIC: readonly (readonly [ts.TypeFlags, string])[] = [
  [ts.TypeFlags.String, 'string'],
  [ts.TypeFlags.Number, 'number'],
  [ts.TypeFlags.BigInt, 'bigint'],
  [ts.TypeFlags.Boolean, 'boolean'],
  [ts.TypeFlags.Undefined, 'undefined'],
  [ts.TypeFlags.Null, 'null'],
];

/** The text of the commonest types without TypeScript's printer (which builds a type node and emits it). */
function quickText(checker: ts.TypeChecker, type: ts.Type): string | undefined {
  if (type.aliasSymbol) return undefined;
  for (const [flag, text] of INTRINSIC)
    if (type.flags === flag || (flag === ts.TypeFlags.Boolean && type.flags & flag)) return text;
  if (type.flags & ts.TypeFlags.EnumLiteral) return undefined;
  if (type.isStringLiteral()) return JSON.stringify(type.value);
  if (type.isNumberLiteral()) return String(type.value);
  if (checker.isArrayType(type)) {
    const element = checker.getTypeArguments(type as ts.TypeReference)[0];
    const inner = element && !element.isUnion() ? quickText(checker, element) : undefined;
    return inner === undefined ? undefined : `${inner}[]`;
  }
  return undefined;
}

/** Where in the values they differ, when not at the top: ": its `count` is string, not number". */
function detail(checker: ts.TypeChecker, mismatch: Mismatch, owner: string): string {
  if (mismatch.path.length === 0) return '';
  const property = `\`${mismatch.path.join('.').replace(/\.\[\]/g, '[]')}\``;
  if (!mismatch.source) return `: ${owner} ${property} is missing`;
  const source = shown(checker, mismatch.source, mismatch.target);
  return `: ${owner} ${property} is ${describe(checker, source)}, not ${describe(checker, mismatch.target)}`;
}

function where(node: ts.Node): string {
  const sf = node.getSourceFile();
  return `${path.basename(sf.fileName)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
}
