/**
 * The `durable-functions` API as the rules see it: which calls create durable tasks, which are fire-and-forget, what
 * an orchestrator's context parameter is called (so messages and fixes say `ctx.df` when the code says `ctx`), and
 * which expressions are arrays of durable tasks (for `Task.all` fixes).
 */
import * as ts from 'typescript';
import type { Resolver } from './resolve.js';
import { lookup, referencesTo } from './scopes.js';
import { isFunctionNode, memberAccess, propertyName, unwrap, type FunctionNode } from './syntax.js';

export const DURABLE_MODULE = 'durable-functions';

/** Methods of `context.df` that return a durable task (scheduled when yielded). */
export const TASK_METHODS: ReadonlySet<string> = new Set([
  'callActivity',
  'callActivityWithRetry',
  'callSubOrchestrator',
  'callSubOrchestratorWithRetry',
  'callEntity',
  'callHttp',
  'createTimer',
  'waitForExternalEvent',
  'lock',
]);

/** Methods of `context.df` that return something other than a task: yielding their result fails the orchestration. */
export const NON_TASK_METHODS: ReadonlySet<string> = new Set([
  'signalEntity',
  'continueAsNew',
  'setCustomStatus',
  'newGuid',
  'getInput',
  'isLocked',
]);

/** How code in a function writes its orchestration context's `df`: `context.df`, `ctx.df`, or `df` if destructured. */
export interface DurableContext {
  readonly df: string;
}

/** Used in messages when the function has no usable context parameter. */
export const DEFAULT_DF = 'context.df';

/**
 * The orchestrator's context: its first parameter (`context`, `ctx`, `{ df }`, `{ df: d }`). For helpers, the first
 * parameter that the body uses as `<param>.df`, or a destructured `{ df }`.
 */
export function contextOf(fn: FunctionNode, isOrchestrator: boolean): DurableContext | undefined {
  // TypeScript's `this` parameter is not a parameter at run time.
  const real = fn.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
  const params = isOrchestrator ? real.slice(0, 1) : real;
  for (const param of params) {
    const name = param.name;
    if (ts.isObjectBindingPattern(name)) {
      for (const element of name.elements) {
        const key = element.propertyName ? propertyName(element.propertyName) : undefined;
        if (
          (key ?? (ts.isIdentifier(element.name) ? element.name.text : undefined)) === 'df' &&
          ts.isIdentifier(element.name)
        )
          return { df: element.name.text };
      }
    } else if (ts.isIdentifier(name) && (isOrchestrator || usesDf(fn, name.text))) {
      return { df: `${name.text}.df` };
    }
  }
  return undefined;
}

function usesDf(fn: FunctionNode, param: string): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isPropertyAccessExpression(node) && node.name.text === 'df') {
      const object = unwrap(node.expression);
      if (ts.isIdentifier(object) && object.text === param) found = true;
    }
    ts.forEachChild(node, visit);
  };
  if (fn.body) visit(fn.body);
  return found;
}

/** `x.df`, or a name bound to one (`{ df }` parameters, `const { df } = context`, `const d = context.df`). */
export function isDfExpression(expr: ts.Expression): boolean {
  const node = unwrap(expr);
  const access = memberAccess(node);
  if (access) return access.name === 'df';
  if (!ts.isIdentifier(node)) return false;
  const decl = lookup(node);
  if (!decl) return false;
  if (decl.path && decl.path.length > 0) return decl.path[decl.path.length - 1] === 'df';
  const declaration = decl.node;
  return (
    ts.isVariableDeclaration(declaration) &&
    declaration.initializer !== undefined &&
    ts.isIdentifier(declaration.name) &&
    memberAccess(unwrap(declaration.initializer))?.name === 'df'
  );
}

export type DurableCallKind = 'task' | 'non-task';

/** Whether a call creates a durable task, is a non-task `context.df` method, or neither (undefined). */
export function durableCallKind(call: ts.CallExpression, resolver: Resolver): DurableCallKind | undefined {
  const callee = unwrap(call.expression);
  const access = memberAccess(callee);
  if (access) {
    if (isDfExpression(access.object)) {
      if (TASK_METHODS.has(access.name)) return 'task';
      if (NON_TASK_METHODS.has(access.name)) return 'non-task';
      return undefined;
    }
    const taskObject = memberAccess(unwrap(access.object));
    if (
      (access.name === 'all' || access.name === 'any') &&
      taskObject?.name === 'Task' &&
      isDfExpression(taskObject.object)
    )
      return 'task';
  }
  // Registered activities and orchestrations are callable: `const act = df.app.activity(...)`; `yield act(input)`.
  const sym = resolver.resolve(callee);
  if (sym?.kind === 'external' && sym.module === DURABLE_MODULE) {
    const path = sym.path.join('.');
    if (/^app\.(activity|orchestration)\.\(\)(\.withRetry)?$/.test(path)) return 'task';
  }
  return undefined;
}

/** A durable task: a task-creating call, a variable initialised with one, or a conditional between two. */
export function isTaskExpression(expr: ts.Expression, resolver: Resolver, depth = 0): boolean {
  if (depth > 8) return false;
  const node = unwrap(expr);
  if (ts.isCallExpression(node)) return durableCallKind(node, resolver) === 'task';
  if (ts.isConditionalExpression(node))
    return (
      isTaskExpression(node.whenTrue, resolver, depth + 1) && isTaskExpression(node.whenFalse, resolver, depth + 1)
    );
  if (ts.isIdentifier(node)) {
    const init = constInitializer(node);
    if (init) return isTaskExpression(init, resolver, depth + 1);
    const decl = lookup(node);
    return !!decl && ts.isVariableDeclaration(decl.node) && hasTaskType(decl.node, false);
  }
  return false;
}

/** An array of durable tasks: `[t1, t2]`, `items.map((i) => ctx.df.callActivity(...))`, a `Task[]` variable, ... */
export function isTaskArray(expr: ts.Expression, resolver: Resolver, depth = 0): boolean {
  if (depth > 8) return false;
  const node = unwrap(expr);
  if (ts.isArrayLiteralExpression(node)) {
    return (
      node.elements.length > 0 &&
      node.elements.every((element) =>
        ts.isSpreadElement(element)
          ? isTaskArray(element.expression, resolver, depth + 1)
          : isTaskExpression(element, resolver, depth + 1),
      )
    );
  }
  if (ts.isCallExpression(node)) {
    const access = memberAccess(unwrap(node.expression));
    const callback = node.arguments[0];
    if (access && (access.name === 'map' || access.name === 'flatMap') && callback) {
      const fn = unwrap(callback);
      return isFunctionNode(fn) && returnsTask(fn, resolver, depth + 1);
    }
    return false;
  }
  if (ts.isIdentifier(node)) {
    const decl = lookup(node);
    if (!decl || !ts.isVariableDeclaration(decl.node) || decl.path?.length !== 0) return false;
    if (hasTaskType(decl.node, true)) return true;
    const init = decl.node.initializer && unwrap(decl.node.initializer);
    if (!init) return false;
    if (ts.isArrayLiteralExpression(init) && init.elements.length === 0) return isFilledWithTasks(decl.name, resolver);
    return isTaskArray(init, resolver, depth + 1);
  }
  return false;
}

function returnsTask(fn: FunctionNode, resolver: Resolver, depth: number): boolean {
  const body = fn.body;
  if (!body) return false;
  if (!ts.isBlock(body)) return isTaskExpression(body, resolver, depth);
  const returns: ts.ReturnStatement[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionNode(node)) return;
    if (ts.isReturnStatement(node)) returns.push(node);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return (
    returns.length > 0 &&
    returns.every((r) => r.expression !== undefined && isTaskExpression(r.expression, resolver, depth))
  );
}

/** `const tasks = []` followed only by `tasks.push(<task>)`. */
function isFilledWithTasks(name: ts.Identifier, resolver: Resolver): boolean {
  const decl = lookup(name);
  const scope = decl && (ts.isSourceFile(decl.scope) ? undefined : decl.scope);
  if (!decl || !scope) return false;
  let pushes = 0;
  for (const ref of referencesTo(decl, scope)) {
    const access = ref.parent;
    if (ts.isPropertyAccessExpression(access) && access.name.text === 'push' && ts.isCallExpression(access.parent)) {
      if (!access.parent.arguments.every((arg) => isTaskExpression(arg, resolver))) return false;
      pushes++;
    }
  }
  return pushes > 0;
}

/** A declared type that names durable-functions' `Task` (`Task`, `df.Task`, `Task[]`, `Array<Task>`). */
function hasTaskType(decl: ts.VariableDeclaration, array: boolean): boolean {
  const type = decl.type?.getText();
  if (!type) return false;
  return array
    ? /^(?:(?:\w+\.)?Task\[\]|Array<(?:\w+\.)?Task>)$/.test(type)
    : /^(?:\w+\.)?(?:Task|TimerTask)$/.test(type);
}

/** The initializer of a `const` (or never reassigned `let`) bound to a plain name. */
export function constInitializer(id: ts.Identifier): ts.Expression | undefined {
  const decl = lookup(id);
  if (!decl || decl.path?.length !== 0 || !ts.isVariableDeclaration(decl.node) || !decl.node.initializer)
    return undefined;
  if (decl.kind !== 'const' && decl.kind !== 'let' && decl.kind !== 'var') return undefined;
  return decl.node.initializer;
}
