/**
 * The rules about how an orchestrator waits: `no-async-orchestrator`, `no-await`, `unyielded-task`,
 * `no-promise-combinators`, `yield-non-task`, with their fixes. Each check takes one node of orchestrator code (the
 * orchestrator itself or a generator helper it delegates to with `yield*`) and returns the issue, if any.
 */
import * as ts from 'typescript';
import type { Fix, TextEdit } from './api.js';
import { SLEEP_CALLS_WITH_MS } from './bannedApis.js';
import { durableCallKind, isTaskArray, isTaskExpression, type DurableContext } from './durable.js';
import {
  asyncToGenerator,
  awaitToYield,
  fix,
  insertBefore,
  operandText,
  replaceNode,
  replaceSpan,
  yieldReplacement,
} from './fixes.js';
import { bannedUse } from './hazards.js';
import { heldValueReason } from './heldValues.js';
import type { Issue } from './issues.js';
import type { Resolver } from './resolve.js';
import { lookup, referencesTo } from './scopes.js';
import {
  asyncModifier,
  enclosingFunction,
  isFunctionNode,
  isGenerator,
  memberAccess,
  snippet,
  unwrap,
  type FunctionNode,
} from './syntax.js';

/** What the checks need to know about the function being analysed. */
export interface AsyncEnv {
  readonly resolver: Resolver;
  readonly fn: FunctionNode;
  readonly context: DurableContext | undefined;
}

const COMBINATORS: Readonly<Record<string, 'all' | 'any' | undefined>> = {
  all: 'all',
  race: 'any',
  any: 'any',
  allSettled: undefined,
};

function issue(rule: Issue['rule'], node: ts.Node, code: string, what: string, fixes: Fix[] = []): Issue {
  return { rule, node, code, what, via: [], fixes };
}

/** Directly in the analysed generator (not in a callback inside it), so `yield` is valid there. */
function canYieldAt(node: ts.Node, env: AsyncEnv): boolean {
  return enclosingFunction(node) === env.fn && isGenerator(env.fn);
}

/** `Promise.all(...)` and friends with an unshadowed `Promise`: the method name, or undefined. */
export function promiseCombinator(call: ts.CallExpression): string | undefined {
  const access = memberAccess(unwrap(call.expression));
  if (!access || !(access.name in COMBINATORS)) return undefined;
  const object = unwrap(access.object);
  return ts.isIdentifier(object) && object.text === 'Promise' && !lookup(object) ? access.name : undefined;
}

/** The durable replacement of a combinator call over tasks (`ctx.df.Task.all(...)`), if there is one. */
function durableCombinator(call: ts.CallExpression, env: AsyncEnv): string | undefined {
  const method = promiseCombinator(call);
  const durable = method === undefined ? undefined : COMBINATORS[method];
  const first = call.arguments[0];
  if (!durable || !env.context || call.arguments.length !== 1 || !first || !isTaskArray(first, env.resolver))
    return undefined;
  return `${env.context.df}.Task.${durable}(${first.getText()})`;
}

export function checkCombinator(call: ts.CallExpression, env: AsyncEnv): Issue | undefined {
  const method = promiseCombinator(call);
  if (method === undefined) return undefined;
  const replacement = durableCombinator(call, env);
  const overTasks = replacement !== undefined || call.arguments.some((arg) => isTaskArray(arg, env.resolver));
  const what = overTasks
    ? 'does not schedule durable tasks (they are not promises)'
    : 'waits on promises, which the durable history does not record';
  const durable = COMBINATORS[method];
  const fixes =
    replacement && durable ? [fix(`Use ${env.context!.df}.Task.${durable}`, replaceNode(call, replacement))] : [];
  return issue('no-promise-combinators', call, `\`Promise.${method}(...)\``, what, fixes);
}

/** `await x` rewritten as `yield ...`: for tasks, combinators over tasks and sleeps; undefined when not mechanical. */
function awaitReplacement(node: ts.AwaitExpression, env: AsyncEnv): TextEdit | undefined {
  if (!env.context) return undefined;
  const operand = unwrap(node.expression);
  if (containsAwait(operand)) return undefined;
  if (isTaskExpression(operand, env.resolver)) return awaitToYield(node);
  if (ts.isCallExpression(operand)) {
    const combinator = durableCombinator(operand, env);
    if (combinator) return yieldReplacement(node, combinator);
  }
  const timer = sleepTimer(operand, env);
  return timer === undefined ? undefined : yieldReplacement(node, timer);
}

function containsAwait(node: ts.Node): boolean {
  let found = false;
  const visit = (child: ts.Node): void => {
    if (found || isFunctionNode(child)) return;
    if (ts.isAwaitExpression(child)) found = true;
    else ts.forEachChild(child, visit);
  };
  visit(node);
  return found;
}

export function checkAwait(node: ts.AwaitExpression, env: AsyncEnv): Issue {
  const operand = unwrap(node.expression);
  const task = isTaskExpression(operand, env.resolver);
  const what = task
    ? 'awaits a durable task, which schedules nothing and is not replayed'
    : 'waits for a promise, work that is not durable and runs again on every replay';
  const edit = canYieldAt(node, env) ? awaitReplacement(node, env) : undefined;
  const title =
    edit && !task && sleepTimer(operand, env) !== undefined ? 'Use a durable timer' : 'Yield instead of await';
  const fixes = edit ? [fix(title, edit)] : [];
  return issue('no-await', node, `\`await ${snippet(operand, 40)}\``, what, fixes);
}

/**
 * A sleep written as a promise, as the durable timer that replaces it: `new Promise((r) => setTimeout(r, ms))`,
 * `setTimeout(ms)` from `timers/promises`, `delay(ms)`. Undefined for anything else.
 */
export function sleepTimer(expr: ts.Expression, env: AsyncEnv): string | undefined {
  const df = env.context?.df;
  if (!df) return undefined;
  const ms = sleepMilliseconds(unwrap(expr), env);
  return ms && `${df}.createTimer(new Date(${df}.currentUtcDateTime.getTime() + ${operandText(ms)}))`;
}

function sleepMilliseconds(node: ts.Expression, env: AsyncEnv): ts.Expression | undefined {
  if (ts.isCallExpression(node) && node.arguments.length === 1) {
    const sym = env.resolver.resolve(node.expression);
    if (sym?.kind !== 'external') return undefined;
    const path = sym.path.join('.');
    const timersPromises = sym.module === 'timers/promises' && (path === 'setTimeout' || path === 'scheduler.wait');
    const sleepPackage = SLEEP_CALLS_WITH_MS.includes(sym.module) && path === '';
    return timersPromises || sleepPackage ? node.arguments[0] : undefined;
  }
  if (!ts.isNewExpression(node) || node.arguments?.length !== 1) return undefined;
  const promise = unwrap(node.expression);
  if (!ts.isIdentifier(promise) || promise.text !== 'Promise' || lookup(promise)) return undefined;
  const executor = unwrap(node.arguments[0]!);
  if (!(ts.isArrowFunction(executor) || ts.isFunctionExpression(executor))) return undefined;
  const resolve = executor.parameters[0]?.name;
  if (!resolve || !ts.isIdentifier(resolve) || executor.parameters.length !== 1) return undefined;
  let body: ts.Node = executor.body;
  if (ts.isBlock(body)) {
    const only = body.statements.length === 1 ? body.statements[0] : undefined;
    if (!only || !ts.isExpressionStatement(only)) return undefined;
    body = only.expression;
  }
  const call = unwrap(body as ts.Expression);
  if (!ts.isCallExpression(call) || call.arguments.length !== 2) return undefined;
  const timer = bannedUse(call, env.resolver, env.fn);
  if (timer?.rule !== 'no-timers' || !/(^|\.)setTimeout$/.test(call.expression.getText())) return undefined;
  const callback = unwrap(call.arguments[0]!);
  const resolves =
    (ts.isIdentifier(callback) && callback.text === resolve.text) ||
    ((ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)) &&
      callback.parameters.length === 0 &&
      /^\{?\s*\w+\(\);?\s*\}?$/.test(callback.body.getText()) &&
      callback.body.getText().includes(`${resolve.text}()`));
  return resolves ? call.arguments[1] : undefined;
}

/** The sleep around a `setTimeout` call (its `new Promise`), or the sleep call itself, if awaited or yielded. */
export function timerFix(call: ts.CallExpression | ts.NewExpression, env: AsyncEnv): Fix | undefined {
  let sleep: ts.Expression = call;
  const executor = enclosingFunction(call);
  if (
    executor &&
    (ts.isArrowFunction(executor) || ts.isFunctionExpression(executor)) &&
    ts.isNewExpression(executor.parent)
  )
    sleep = executor.parent;
  while (ts.isParenthesizedExpression(sleep.parent)) sleep = sleep.parent;
  const timer = sleepTimer(sleep, env);
  const parent = sleep.parent;
  if (timer === undefined || !canYieldAt(parent, env)) return undefined;
  if (ts.isAwaitExpression(parent)) return fix('Use a durable timer', yieldReplacement(parent, timer));
  if (ts.isYieldExpression(parent) && !parent.asteriskToken)
    return fix('Use a durable timer', replaceNode(sleep, timer));
  return undefined;
}

/** A durable task created as a statement of its own. */
export function checkTaskStatement(statement: ts.ExpressionStatement, env: AsyncEnv): Issue | undefined {
  const expr = unwrap(statement.expression);
  if (!ts.isCallExpression(expr) || durableCallKind(expr, env.resolver) !== 'task') return undefined;
  const fixes = canYieldAt(statement, env) ? [fix('Yield the task', insertBefore(statement.expression, 'yield '))] : [];
  return issue(
    'unyielded-task',
    expr,
    `\`${snippet(expr, 50)}\``,
    'creates a durable task that is never yielded, so it never runs',
    fixes,
  );
}

/** `const t = ctx.df.callActivity(...)` where `t` is never yielded, passed on, returned or stored. */
export function checkTaskVariable(declaration: ts.VariableDeclaration, env: AsyncEnv): Issue | undefined {
  const init = declaration.initializer && unwrap(declaration.initializer);
  if (!ts.isIdentifier(declaration.name) || !init || !ts.isCallExpression(init)) return undefined;
  if (durableCallKind(init, env.resolver) !== 'task') return undefined;
  const decl = lookup(declaration.name);
  if (!decl || ts.isSourceFile(decl.scope)) return undefined;
  if (referencesTo(decl, decl.scope).some(isTaskUse)) return undefined;
  return issue(
    'unyielded-task',
    init,
    `\`${declaration.name.text}\``,
    'holds a durable task that is never yielded, passed on or returned, so it never runs',
  );
}

/** Any reference except reading a member (`t.cancel()`, `t.result`) or comparing (`winner === t`). */
function isTaskUse(ref: ts.Identifier): boolean {
  let node: ts.Node = ref;
  while (
    ts.isParenthesizedExpression(node.parent) ||
    ts.isNonNullExpression(node.parent) ||
    ts.isAsExpression(node.parent)
  )
    node = node.parent;
  const parent = node.parent;
  if ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === node)
    return false;
  if (ts.isTypeOfExpression(parent)) return false;
  if (ts.isBinaryExpression(parent)) {
    const op = parent.operatorToken.kind;
    return !(
      op === ts.SyntaxKind.EqualsEqualsEqualsToken ||
      op === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
      op === ts.SyntaxKind.EqualsEqualsToken ||
      op === ts.SyntaxKind.ExclamationEqualsToken
    );
  }
  return true;
}

/** `yield x` where x is clearly not a durable task. */
export function checkYield(node: ts.YieldExpression, env: AsyncEnv): Issue | undefined {
  if (node.asteriskToken || enclosingFunction(node) !== env.fn) return undefined;
  if (!node.expression)
    return issue('yield-non-task', node, '`yield` without a value', 'yields undefined, not a durable task');
  const operand = unwrap(node.expression);
  const code = `\`yield ${snippet(operand, 40)}\``;
  const why = nonTaskReason(operand, env);
  if (!why) return undefined;
  const fixes: Fix[] = [];
  if (ts.isArrayLiteralExpression(operand) && env.context && isTaskArray(operand, env.resolver)) {
    fixes.push(
      fix(`Use ${env.context.df}.Task.all`, replaceNode(operand, `${env.context.df}.Task.all(${operand.getText()})`)),
    );
  }
  if (ts.isCallExpression(operand) && durableCallKind(operand, env.resolver) === 'non-task') {
    const sf = node.getSourceFile();
    fixes.push(fix('Remove the yield', replaceSpan(sf, node.getStart(sf), node.expression.getStart(sf), '')));
  }
  return issue('yield-non-task', node, code, why, fixes);
}

function nonTaskReason(operand: ts.Expression, env: AsyncEnv): string | undefined {
  switch (operand.kind) {
    case ts.SyntaxKind.NumericLiteral:
    case ts.SyntaxKind.BigIntLiteral:
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
    case ts.SyntaxKind.TemplateExpression:
    case ts.SyntaxKind.RegularExpressionLiteral:
    case ts.SyntaxKind.TrueKeyword:
    case ts.SyntaxKind.FalseKeyword:
    case ts.SyntaxKind.NullKeyword:
      return 'yields a plain value, not a durable task';
    case ts.SyntaxKind.ArrayLiteralExpression:
      return 'yields an array, not a durable task';
    case ts.SyntaxKind.ObjectLiteralExpression:
      return 'yields an object, not a durable task';
    case ts.SyntaxKind.AwaitExpression:
      return 'yields the result of an await, not a durable task';
    case ts.SyntaxKind.NewExpression:
      return 'yields a new object, not a durable task';
    case ts.SyntaxKind.ArrowFunction:
    case ts.SyntaxKind.FunctionExpression:
    case ts.SyntaxKind.ClassExpression:
      return 'yields a function, not a durable task';
  }
  if (ts.isIdentifier(operand) && operand.text === 'undefined' && !lookup(operand))
    return 'yields undefined, not a durable task';
  if (ts.isIdentifier(operand)) return heldValueReason(operand, (value) => nonTaskReason(value, env));
  if (!ts.isCallExpression(operand)) return undefined;
  const kind = durableCallKind(operand, env.resolver);
  if (kind === 'task') return undefined;
  if (kind === 'non-task') return 'yields what a fire-and-forget API returns, not a durable task';
  if (promiseCombinator(operand) !== undefined) return undefined; // no-promise-combinators reports it
  const access = memberAccess(unwrap(operand.expression));
  const object = access && unwrap(access.object);
  if (object && ts.isIdentifier(object) && object.text === 'Promise' && !lookup(object))
    return 'yields a promise, not a durable task';
  const banned = bannedUse(operand, env.resolver, env.fn);
  if (banned && (banned.rule === 'no-io' || banned.rule === 'no-timers')) return 'yields a promise, not a durable task';
  const target = env.resolver.functionOf(operand.expression);
  if (target && asyncModifier(target.fn) && !isGenerator(target.fn))
    return `yields a promise (\`${snippet(operand.expression, 30)}\` is async), not a durable task`;
  return undefined;
}

/** An `async` orchestrator; the fix makes it a generator when every `await` directly in it can become a `yield`. */
export function checkAsyncOrchestrator(env: AsyncEnv): Issue | undefined {
  const modifier = asyncModifier(env.fn);
  if (!modifier) return undefined;
  const fixes: Fix[] = [];
  const head = asyncToGenerator(env.fn);
  const generatorEnv: AsyncEnv = { ...env, fn: env.fn };
  const awaits = directAwaits(env.fn);
  const awaitEdits = awaits.map((node) => awaitReplacement(node, generatorEnv));
  if (head && env.context && !hasForAwait(env.fn) && awaitEdits.every((edit) => edit !== undefined)) {
    fixes.push(fix('Make the orchestrator a generator (function*)', ...head, ...(awaitEdits as TextEdit[])));
  }
  return issue(
    'no-async-orchestrator',
    modifier,
    '`async` orchestrator',
    'returns a promise, which durable-functions cannot replay',
    fixes,
  );
}

function directAwaits(fn: FunctionNode): ts.AwaitExpression[] {
  const found: ts.AwaitExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionNode(node)) return;
    if (ts.isAwaitExpression(node)) found.push(node);
    ts.forEachChild(node, visit);
  };
  if (fn.body) ts.forEachChild(fn.body, visit);
  if (fn.body && ts.isAwaitExpression(fn.body)) found.push(fn.body);
  return found;
}

function hasForAwait(fn: FunctionNode): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || isFunctionNode(node)) return;
    if (ts.isForOfStatement(node) && node.awaitModifier) found = true;
    else ts.forEachChild(node, visit);
  };
  if (fn.body) ts.forEachChild(fn.body, visit);
  return found;
}
