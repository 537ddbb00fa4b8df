/**
 * Finding orchestrators: calls of `durable-functions`' `app.orchestration(name, handler)` or
 * `(name, { handler })`, however `durable-functions` was imported or required (namespace, default, destructured,
 * aliased), with the handler inline, named, in a variable, or imported from another workspace file. Activities,
 * entities and everything else are never orchestrators.
 */
import ts from 'typescript';
import { DURABLE_MODULE } from './durable.js';
import type { Resolver } from './resolve.js';
import { memberAccess, unwrap, type FunctionNode } from './syntax.js';
import type { SourceInfo } from './workspace.js';

export interface Registration {
  /** The orchestration's name when it is a string literal. */
  readonly name: string | undefined;
  readonly call: ts.CallExpression;
}

export interface Orchestrator {
  readonly registration: Registration;
  readonly fn: FunctionNode;
  /** The file that holds the function (where its findings are reported). */
  readonly file: SourceInfo;
}

const registrations = new WeakMap<ts.SourceFile, readonly Registration[]>();

/** Cheap test on the text before parsing: a file without the word cannot register an orchestration. */
export function mayRegister(text: string): boolean {
  return text.includes('orchestration');
}

/** The `app.orchestration(...)` calls of a file (cached per parse). */
export function registrationsIn(file: SourceInfo, resolver: Resolver): readonly Registration[] {
  const cached = registrations.get(file.sf);
  if (cached) return cached;
  const found: Registration[] = [];
  if (mayRegister(file.text)) {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && isRegistrationCall(node, resolver)) {
        const first = node.arguments[0] && unwrap(node.arguments[0]);
        found.push({ name: first && ts.isStringLiteralLike(first) ? first.text : undefined, call: node });
      }
      ts.forEachChild(node, visit);
    };
    visit(file.sf);
  }
  registrations.set(file.sf, found);
  return found;
}

function isRegistrationCall(call: ts.CallExpression, resolver: Resolver): boolean {
  const callee = unwrap(call.expression);
  const access = memberAccess(callee);
  // Filter by name before resolving: `app.orchestration`, or an alias called directly.
  if (access ? access.name !== 'orchestration' : !ts.isIdentifier(callee)) return false;
  const sym = resolver.resolve(callee);
  return sym?.kind === 'external' && sym.module === DURABLE_MODULE && sym.path.join('.') === 'app.orchestration';
}

/** The handler function a registration names, wherever it is defined. */
export function orchestratorOf(registration: Registration, resolver: Resolver): Orchestrator | undefined {
  const arg = registration.call.arguments[1];
  if (!arg) return undefined;
  const sym = resolver.resolve(arg);
  if (sym?.kind === 'function') return { registration, fn: sym.fn, file: sym.file };
  if (sym?.kind !== 'object') return undefined;
  const handler = resolver.member(sym, 'handler', 0);
  return handler?.kind === 'function' ? { registration, fn: handler.fn, file: handler.file } : undefined;
}
