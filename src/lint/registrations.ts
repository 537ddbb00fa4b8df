/**
 * Finding what an app registers: calls of `durable-functions`' `app.activity`, `app.orchestration` and `app.entity`
 * (`(name, handler)` or `(name, { handler })`), however `durable-functions` was imported or required (namespace,
 * default, destructured, aliased), with the handler inline, named, in a variable, or imported from another workspace
 * file. Orchestrators are the handlers of `app.orchestration`; activities and entities are never orchestrators, but
 * their names (and an entity's operations) are what orchestrators call.
 */
import * as ts from 'typescript';
import { DURABLE_MODULE } from './durable.js';
import type { Resolver } from './resolve.js';
import { memberAccess, unwrap, type FunctionNode } from './syntax.js';
import type { SourceInfo } from './workspace.js';

export type RegisteredKind = 'activity' | 'orchestration' | 'entity';

export const REGISTERED_KINDS: readonly RegisteredKind[] = ['activity', 'orchestration', 'entity'];

/** A `df.app.<kind>(...)` call; what it names and registers is resolved by the index (it may span files). */
export interface Registration {
  readonly kind: RegisteredKind;
  readonly call: ts.CallExpression;
}

export interface Handler {
  readonly fn: FunctionNode;
  /** The file that holds the function (where an orchestrator's findings are reported). */
  readonly file: SourceInfo;
}

/** A registration with its name and handler resolved (see AppIndex). */
export interface Registered {
  readonly kind: RegisteredKind;
  /** The name as a static string; undefined when it is computed at run time. */
  readonly name: string | undefined;
  readonly call: ts.CallExpression;
  readonly handler: Handler | undefined;
}

export interface Orchestrator extends Handler {
  readonly registration: Registered;
}

const registrations = new WeakMap<ts.SourceFile, readonly Registration[]>();

/** Cheap test on the text before parsing: a file without these words cannot register anything. */
export function mayRegister(text: string): boolean {
  return text.includes('orchestration') || text.includes('activity') || text.includes('entity');
}

/** The `app.activity/orchestration/entity(...)` calls of a file (cached per parse). */
export function registrationsIn(file: SourceInfo, resolver: Resolver): readonly Registration[] {
  const cached = registrations.get(file.sf);
  if (cached) return cached;
  const found: Registration[] = [];
  if (mayRegister(file.text)) {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const kind = registrationKind(node, resolver);
        if (kind) found.push({ kind, call: node });
      }
      ts.forEachChild(node, visit);
    };
    visit(file.sf);
  }
  registrations.set(file.sf, found);
  return found;
}

function registrationKind(call: ts.CallExpression, resolver: Resolver): RegisteredKind | undefined {
  const callee = unwrap(call.expression);
  const access = memberAccess(callee);
  // Filter by name before resolving: `app.orchestration`, or an alias called directly.
  if (access ? !(REGISTERED_KINDS as readonly string[]).includes(access.name) : !ts.isIdentifier(callee))
    return undefined;
  const sym = resolver.resolve(callee);
  if (sym?.kind !== 'external' || sym.module !== DURABLE_MODULE || sym.path.length !== 2 || sym.path[0] !== 'app')
    return undefined;
  const kind = sym.path[1];
  return (REGISTERED_KINDS as readonly (string | undefined)[]).includes(kind) ? (kind as RegisteredKind) : undefined;
}

/** The handler function a registration names, wherever it is defined. */
export function handlerOf(registration: Registration, resolver: Resolver): Handler | undefined {
  const arg = registration.call.arguments[1];
  if (!arg) return undefined;
  const sym = resolver.resolve(arg);
  if (sym?.kind === 'function') return { fn: sym.fn, file: sym.file };
  if (sym?.kind !== 'object') return undefined;
  const handler = resolver.member(sym, 'handler', 0);
  return handler?.kind === 'function' ? { fn: handler.fn, file: handler.file } : undefined;
}
