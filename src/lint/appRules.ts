/**
 * The rules that know the app: `unknown-function` (a call names an activity, orchestration or entity the workspace
 * never registers) and `unknown-entity-operation` (an operation the entity's code never handles). They look at any
 * file, not only orchestrators: clients start orchestrations and signal entities too. Names are checked only when
 * they are static (literals, constants, enum members), only against a complete index (the host lists the workspace's
 * files) and only for kinds the app registers under static names at all; names declared in the settings count as
 * registered (functions that come from a package).
 */
import path from 'node:path';
import * as ts from 'typescript';
import type { Fix, KnownFunctions } from './api.js';
import type { AppIndex } from './appIndex.js';
import { constInitializer, DURABLE_MODULE, isDfExpression } from './durable.js';
import { entityOperations } from './entityOperations.js';
import { fix, replaceNode } from './fixes.js';
import type { Issue } from './issues.js';
import type { RegisteredKind } from './registrations.js';
import type { Resolver } from './resolve.js';
import { staticString, type StaticString } from './staticValues.js';
import { closestName, nameList } from './suggest.js';
import { memberAccess, nodeRange, unwrap } from './syntax.js';
import type { SourceInfo } from './workspace.js';

export interface AppRuleOptions {
  readonly known: KnownFunctions;
  /** Whether the index spans the whole workspace (else a name missing from it proves nothing). */
  readonly complete: boolean;
}

/** `context.df.<method>(name, ...)`: which kind of function the first argument names. */
const DF_NAME_METHODS: Readonly<Record<string, RegisteredKind>> = {
  callActivity: 'activity',
  callActivityWithRetry: 'activity',
  callSubOrchestrator: 'orchestration',
  callSubOrchestratorWithRetry: 'orchestration',
};
/** Durable client methods whose first argument is an orchestration name. */
const CLIENT_NAME_METHODS: ReadonlySet<string> = new Set(['startNew']);
/** Methods whose first argument is an entity id and second an operation name (on `context.df` or a client). */
const ENTITY_OPERATION_METHODS: ReadonlySet<string> = new Set(['callEntity', 'signalEntity']);

const PREFILTER = /callActivity|callSubOrchestrator|startNew|EntityId|callEntity|signalEntity/;

const KIND_KNOWN: Readonly<Record<RegisteredKind, keyof KnownFunctions>> = {
  activity: 'activities',
  orchestration: 'orchestrations',
  entity: 'entities',
};

/**
 * Cheap test on the text before parsing: a file without these words names no other function (the input-type rule
 * looks for a subset of them).
 */
export function mayNameFunctions(text: string): boolean {
  return PREFILTER.test(text);
}

export function appIssues(file: SourceInfo, index: AppIndex, resolver: Resolver, options: AppRuleOptions): Issue[] {
  if (!mayNameFunctions(file.text)) return [];
  const issues: Issue[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const found = checkCall(node, file.path, index, resolver, options);
      if (found) issues.push(found);
    } else if (ts.isNewExpression(node) && isEntityIdConstructor(node, resolver)) {
      const name = node.arguments?.[0];
      const found = name && checkName(name, 'entity', file.path, index, resolver, options);
      if (found) issues.push(found);
    }
    ts.forEachChild(node, visit);
  };
  visit(file.sf);
  return issues;
}

function checkCall(
  call: ts.CallExpression,
  from: string,
  index: AppIndex,
  resolver: Resolver,
  options: AppRuleOptions,
) {
  const access = memberAccess(unwrap(call.expression));
  if (!access) return undefined;
  const first = call.arguments[0];
  if (!first) return undefined;
  const dfKind = DF_NAME_METHODS[access.name];
  if (dfKind && isDfExpression(access.object)) return checkName(first, dfKind, from, index, resolver, options);
  if (CLIENT_NAME_METHODS.has(access.name) && isDurableClient(access.object, resolver))
    return checkName(first, 'orchestration', from, index, resolver, options);
  if (
    ENTITY_OPERATION_METHODS.has(access.name) &&
    (isDfExpression(access.object) || isDurableClient(access.object, resolver))
  )
    return checkOperation(call, from, index, resolver);
  return undefined;
}

/** A value made by `df.getClient(context)`. */
function isDurableClient(expr: ts.Expression, resolver: Resolver): boolean {
  const sym = resolver.resolve(expr);
  return (
    sym?.kind === 'external' && sym.module === DURABLE_MODULE && sym.path[0] === 'getClient' && sym.path[1] === '()'
  );
}

function isEntityIdConstructor(node: ts.NewExpression, resolver: Resolver): boolean {
  // Filter by name before resolving: `new df.EntityId(...)`, `new EntityId(...)` or an alias.
  const callee = unwrap(node.expression);
  if (ts.isPropertyAccessExpression(callee) && callee.name.text !== 'EntityId') return false;
  if (ts.isIdentifier(callee) && /^(Date|Map|Set|Error|Promise|Array|Object|RegExp|URL)$/.test(callee.text))
    return false;
  const sym = resolver.resolve(node.expression);
  return sym?.kind === 'external' && sym.module === DURABLE_MODULE && sym.path.join('.') === 'EntityId';
}

function checkName(
  arg: ts.Expression,
  kind: RegisteredKind,
  from: string,
  index: AppIndex,
  resolver: Resolver,
  options: AppRuleOptions,
): Issue | undefined {
  if (!options.complete) return undefined;
  const name = staticString(arg, resolver);
  if (!name) return undefined;
  if (index.registered(kind, name.value, from).length > 0) return undefined;
  const known = options.known[KIND_KNOWN[kind]] ?? [];
  if (known.some((k) => k.toLowerCase() === name.value.toLowerCase())) return undefined;
  const names = index.names(kind, from);
  // An app that registers none of this kind by a static name keeps them elsewhere (or computes the names).
  if (names.length === 0 || index.hasDynamicNames(kind, from)) return undefined;
  const suggestion = closestName(name.value, [...names, ...known]);
  const text = suggestion
    ? `Unknown ${kind} '${name.value}'; did you mean '${suggestion}'?`
    : `Unknown ${kind} '${name.value}': the workspace registers no ${kind} of that name (df.app.${kind}). ` +
      `Registered: ${nameList(names.sort())}.`;
  return {
    rule: 'unknown-function',
    node: arg,
    code: `'${name.value}'`,
    what: `names no registered ${kind}`,
    text,
    via: [],
    fixes: suggestion ? renameFixes(name, suggestion) : [],
  };
}

function checkOperation(call: ts.CallExpression, from: string, index: AppIndex, resolver: Resolver): Issue | undefined {
  const idArg = call.arguments[0];
  const opArg = call.arguments[1];
  if (!idArg || !opArg) return undefined;
  const entity = entityNameOf(idArg, resolver);
  if (entity === undefined) return undefined;
  const operation = staticString(opArg, resolver);
  if (!operation) return undefined;
  const registered = index.registered('entity', entity, from);
  // Several registrations under one name: the host keeps one; nothing certain to say.
  const handler = registered.length === 1 ? registered[0]!.handler : undefined;
  if (!handler) return undefined;
  const operations = entityOperations(handler.fn, resolver);
  if (!operations || operations.has(operation.value)) return undefined;
  const names = [...operations].sort();
  const suggestion = closestName(operation.value, names);
  const where = `${path.basename(handler.file.path)}:${nodeRange(handler.fn).start.line}`;
  const handled = names.length > 0 ? `it handles ${nameList(names)}` : 'it handles no operation by name';
  const text =
    `Entity '${entity}' never handles operation '${operation.value}' (${where}: ${handled})` +
    (suggestion ? `; did you mean '${suggestion}'?` : '.');
  return {
    rule: 'unknown-entity-operation',
    node: opArg,
    code: `'${operation.value}'`,
    what: `is not an operation of entity '${entity}'`,
    text,
    via: [],
    fixes: suggestion ? renameFixes(operation, suggestion) : [],
  };
}

/** The entity name of an id: `new df.EntityId('counter', key)`, inline or in a constant. */
function entityNameOf(expr: ts.Expression, resolver: Resolver): string | undefined {
  let node = unwrap(expr);
  if (ts.isIdentifier(node)) {
    const init = constInitializer(node);
    if (!init) return undefined;
    node = unwrap(init);
  }
  if (!ts.isNewExpression(node) || !isEntityIdConstructor(node, resolver)) return undefined;
  const name = node.arguments?.[0];
  return name && staticString(name, resolver)?.value;
}

function renameFixes(name: StaticString, suggestion: string): Fix[] {
  const literal = name.literal;
  if (!literal) return [];
  const quote = literal.getText().charAt(0);
  return [fix(`Change to '${suggestion}'`, replaceNode(literal, `${quote}${suggestion}${quote}`))];
}
