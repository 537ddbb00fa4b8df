/**
 * `timer-out-of-range`: a `createTimer` whose due time is known without running the code and is certainly wrong: an
 * Invalid Date, a time in the past (it fires at once), a time after 9999-12-31 (the largest date the .NET Durable
 * extension can hold), or no Date at all (`createTimer(60_000)`, which durable-functions rejects with a TypeError).
 * Due times computed at run time are never reported. There is no maximum duration: durable-functions v3 splits long
 * timers itself (LongTimerTask, using the `maximumShortTimerDuration` and `longRunningTimerIntervalDuration` the
 * extension sends), so a due time months away is fine.
 */
import * as ts from 'typescript';
import { isDfCall } from './dfCalls.js';
import { isDfExpression } from './durable.js';
import type { Issue } from './issues.js';
import { lookup, referencesTo, type Decl } from './scopes.js';
import { isAssignmentOperator, memberAccess, snippet, unwrap } from './syntax.js';

/** 9999-12-31T23:59:59.999Z: DateTime.MaxValue of .NET, where the extension parses the due time. */
export const MAX_DUE_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/**
 * Absolute dates count as past only when more than a day before the time of linting, so time zones (`new Date(y, m,
 * d)` is local time) and clocks that are a little off never matter.
 */
const PAST_MARGIN_MS = 24 * 60 * 60 * 1000;
/** Local-time constructors can be this far from UTC. */
const ZONE_MARGIN_MS = 14 * 60 * 60 * 1000;
/** No orchestration runs before Durable Functions existed: a lower bound for `currentUtcDateTime`. */
const EARLIEST_ORCHESTRATION_MS = Date.UTC(2017, 0, 1);
const MAX_DEPTH = 8;

/** A value known statically: a number or a Date, counted from the epoch or from `currentUtcDateTime`. */
interface Known {
  readonly type: 'number' | 'date';
  readonly base: 'epoch' | 'now';
  /** Milliseconds (from the base); NaN for an Invalid Date. */
  readonly value: number;
  /** Built from local-time fields (`new Date(2020, 0, 1)`): up to 14 hours off UTC. */
  readonly local?: boolean;
  /** Date consts read on the way: the value holds only if nothing changes them (checked when it is reported). */
  readonly from?: readonly Decl[];
  /** Names taken for the global `Date` (checked when it is reported: a local `Date` changes everything). */
  readonly globals?: readonly ts.Identifier[];
}

/** The issue of a `createTimer` call, if its due time is certainly wrong; `now` is the time of linting. */
export function checkTimerDate(call: ts.CallExpression, now = Date.now()): Issue | undefined {
  if (call.arguments.length !== 1 || !isDfCall(call, 'createTimer')) return undefined;
  const arg = call.arguments[0]!;
  const what = problem(arg, now);
  if (!what) return undefined;
  return {
    rule: 'timer-out-of-range',
    node: arg,
    code: `\`createTimer(${snippet(arg, 50)})\``,
    what,
    via: [],
    fixes: [],
  };
}

function problem(arg: ts.Expression, now: number): string | undefined {
  const node = unwrap(arg);
  if (ts.isStringLiteralLike(node)) return 'passes a string, not a Date, so durable-functions throws a TypeError';
  const known = evaluate(node, 0);
  if (!known) return undefined;
  const what = verdict(known, now);
  if (!what) return undefined;
  const sound = (known.from ?? []).every(isUnchanged) && (known.globals ?? []).every((id) => !lookup(id));
  return sound ? what : undefined;
}

function verdict(known: Known, now: number): string | undefined {
  if (known.type === 'number') return 'passes a number, not a Date, so durable-functions throws a TypeError';
  if (Number.isNaN(known.value)) return 'is an Invalid Date, which the Durable extension cannot schedule';
  if (known.base === 'now') {
    if (known.value < 0) return 'is before the orchestration time, so the timer fires at once';
    if (known.value > MAX_DUE_TIME_MS - EARLIEST_ORCHESTRATION_MS) return beyondMax;
    return undefined;
  }
  const margin = known.local ? ZONE_MARGIN_MS : 0;
  if (known.value + margin < now - PAST_MARGIN_MS) {
    return `is in the past (${new Date(known.value).toISOString().slice(0, 10)}), so the timer fires at once`;
  }
  if (known.value - margin > MAX_DUE_TIME_MS) return beyondMax;
  return undefined;
}

const beyondMax = 'is after 9999-12-31, the largest date the Durable extension (.NET) can hold';

function num(value: number, base: Known['base'] = 'epoch', ...sources: (Known | undefined)[]): Known {
  return withSources({ type: 'number', base, value }, sources);
}

/** `known` with the assumptions its sources were computed under (Date consts read, `Date` taken as the global). */
function withSources(known: Known, sources: readonly (Known | undefined)[], global?: ts.Identifier): Known {
  let from: Decl[] | undefined;
  let globals: ts.Identifier[] | undefined;
  for (const source of sources) {
    if (source?.from) (from ??= []).push(...source.from);
    if (source?.globals) (globals ??= []).push(...source.globals);
  }
  if (global) (globals ??= []).push(global);
  return from || globals ? { ...known, ...(from && { from }), ...(globals && { globals }) } : known;
}

/** `Date`, unless a local declaration is in the way (checked later, see `globals`). */
function dateName(expr: ts.Expression): ts.Identifier | undefined {
  const node = unwrap(expr);
  return ts.isIdentifier(node) && node.text === 'Date' ? node : undefined;
}

function evaluate(expr: ts.Expression, depth: number): Known | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = unwrap(expr);
  if (ts.isNumericLiteral(node)) return num(Number(node.text));
  if (ts.isIdentifier(node)) return identifier(node, depth);
  if (ts.isPrefixUnaryExpression(node)) {
    const operand = evaluate(node.operand, depth + 1);
    if (!operand) return undefined;
    if (node.operator === ts.SyntaxKind.PlusToken) return num(operand.value, operand.base, operand);
    if (node.operator === ts.SyntaxKind.MinusToken && operand.type === 'number' && operand.base === 'epoch')
      return num(-operand.value, 'epoch', operand);
    return undefined;
  }
  if (ts.isBinaryExpression(node)) return binary(node, depth);
  if (ts.isNewExpression(node)) return newDate(node, depth);
  if (ts.isCallExpression(node)) return call(node, depth);
  if (isCurrentTime(node)) return { type: 'date', base: 'now', value: 0 };
  return undefined;
}

/** `<df>.currentUtcDateTime`. */
function isCurrentTime(node: ts.Expression): boolean {
  const access = memberAccess(node);
  return access !== undefined && access.name === 'currentUtcDateTime' && isDfExpression(access.object);
}

function binary(node: ts.BinaryExpression, depth: number): Known | undefined {
  const op = node.operatorToken.kind;
  if (
    op !== ts.SyntaxKind.PlusToken &&
    op !== ts.SyntaxKind.MinusToken &&
    op !== ts.SyntaxKind.AsteriskToken &&
    op !== ts.SyntaxKind.SlashToken
  )
    return undefined;
  const left = evaluate(node.left, depth + 1);
  const right = left && evaluate(node.right, depth + 1);
  if (!left || !right) return undefined;
  // A Date in arithmetic is its number of milliseconds, but `date + x` concatenates strings.
  if (op === ts.SyntaxKind.PlusToken && (left.type === 'date' || right.type === 'date')) return undefined;
  const epoch = left.base === 'epoch' && right.base === 'epoch';
  switch (op) {
    case ts.SyntaxKind.PlusToken:
      if (epoch) return num(left.value + right.value, 'epoch', left, right);
      return left.base !== right.base ? num(left.value + right.value, 'now', left, right) : undefined;
    case ts.SyntaxKind.MinusToken:
      if (left.base === right.base) return num(left.value - right.value, 'epoch', left, right);
      return left.base === 'now' ? num(left.value - right.value, 'now', left, right) : undefined;
    default:
      if (!epoch) return undefined;
      const value = op === ts.SyntaxKind.AsteriskToken ? left.value * right.value : left.value / right.value;
      return num(value, 'epoch', left, right);
  }
}

function isGlobal(node: ts.Expression, name: string): boolean {
  return ts.isIdentifier(node) && node.text === name && !lookup(node);
}

function newDate(node: ts.NewExpression, depth: number): Known | undefined {
  const args = node.arguments ?? [];
  const date = dateName(node.expression);
  if (!date || args.length === 0) return undefined;
  if (args.length === 1) {
    const arg = unwrap(args[0]!);
    if (ts.isStringLiteralLike(arg))
      return withSources({ type: 'date', base: 'epoch', value: Date.parse(arg.text) }, [], date);
    const value = evaluate(arg, depth + 1);
    if (!value) return undefined;
    return withSources({ type: 'date', base: value.base, value: timeClip(value.value) }, [value], date);
  }
  const fields = dateFields(args, depth);
  if (!fields) return undefined;
  const local: Known = { type: 'date', base: 'epoch', value: timeClip(Date.UTC(...fields.values)), local: true };
  return withSources(local, fields.sources, date);
}

/** What `new Date(ms)` keeps: NaN beyond ±8.64e15 ms, as the Date constructor does. */
function timeClip(ms: number): number {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? Math.trunc(ms) : NaN;
}

function dateFields(
  args: readonly ts.Expression[],
  depth: number,
): { values: [number, number, ...number[]]; sources: Known[] } | undefined {
  const sources: Known[] = [];
  for (const arg of args) {
    const value = evaluate(arg, depth + 1);
    if (!value || value.type !== 'number' || value.base !== 'epoch') return undefined;
    sources.push(value);
  }
  const values = sources.map((source) => source.value);
  return values.length >= 2 ? { values: values as [number, number, ...number[]], sources } : undefined;
}

function call(node: ts.CallExpression, depth: number): Known | undefined {
  const access = memberAccess(unwrap(node.expression));
  if (!access) return undefined;
  // `date.getTime()`, `date.valueOf()`
  if ((access.name === 'getTime' || access.name === 'valueOf') && node.arguments.length === 0) {
    const date = evaluate(access.object, depth + 1);
    return date?.type === 'date' ? num(date.value, date.base, date) : undefined;
  }
  const date = dateName(access.object);
  if (!date) return undefined;
  if (access.name === 'UTC') {
    const fields = dateFields(node.arguments, depth);
    return fields && withSources(num(Date.UTC(...fields.values)), fields.sources, date);
  }
  const first = node.arguments[0] && unwrap(node.arguments[0]);
  if (access.name === 'parse' && node.arguments.length === 1 && first && ts.isStringLiteralLike(first))
    return withSources(num(Date.parse(first.text)), [], date);
  return undefined;
}

/** `NaN`, `Infinity`, or a `const` whose value is known (a Date is checked for changes if it is reported). */
function identifier(id: ts.Identifier, depth: number): Known | undefined {
  if (isGlobal(id, 'NaN')) return num(NaN);
  if (isGlobal(id, 'Infinity')) return num(Infinity);
  const decl = lookup(id);
  if (!decl || decl.kind !== 'const' || decl.path?.length !== 0 || !ts.isVariableDeclaration(decl.node))
    return undefined;
  const init = decl.node.initializer;
  const value = init && evaluate(init, depth + 1);
  if (!value || value.type === 'number') return value;
  return { ...value, from: [...(value.from ?? []), decl] };
}

/** A Date const only read (never changed, nor passed where it could be) in its scope. */
function isUnchanged(decl: Decl): boolean {
  const scope = ts.isSourceFile(decl.scope) ? undefined : decl.scope;
  return scope !== undefined && referencesTo(decl, scope).every(isReadOnlyDateUse);
}

const DATE_READS = /^(getTime|valueOf|toISOString|toJSON|toString|toUTCString|toDateString|get[A-Z]\w*)$/;

/** A Date held in a const can still be mutated (`d.setMinutes(...)`, or by a function it is passed to). */
function isReadOnlyDateUse(ref: ts.Identifier): boolean {
  let node: ts.Node = ref;
  while (ts.isParenthesizedExpression(node.parent) || ts.isNonNullExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node) return DATE_READS.test(parent.name.text);
  if (ts.isCallExpression(parent) && parent.expression !== node) return isDfCall(parent, 'createTimer');
  if (ts.isNewExpression(parent)) return isGlobal(unwrap(parent.expression), 'Date');
  if (ts.isBinaryExpression(parent)) return !isAssignmentOperator(parent.operatorToken.kind) || parent.left !== node;
  return ts.isTemplateSpan(parent);
}
