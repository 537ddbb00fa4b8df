/**
 * The activities an orchestrator calls by a name known without running it: `context.df.callActivity(name, ...)` and
 * `callActivityWithRetry(name, ...)` where `name` is a string literal, or a constant bound to one (in this file or
 * imported, a member of a constant object literal or an enum). Calls inside callbacks and inside workspace helper functions
 * the orchestrator calls are included; names computed at run time are skipped. Used to generate tests with a mock
 * per activity (the extension's "Create Test for Orchestration").
 */
import * as ts from 'typescript';
import { isDfExpression } from './durable.js';
import type { Resolver } from './resolve.js';
import { stringValue } from './staticValues.js';
import { isFunctionNode, memberAccess, unwrap, type FunctionNode } from './syntax.js';

const ACTIVITY_METHODS: ReadonlySet<string> = new Set(['callActivity', 'callActivityWithRetry']);
const MAX_DEPTH = 8;

/** Activity names in order of first appearance, without duplicates. */
export function activityNamesOf(fn: FunctionNode, resolver: Resolver): string[] {
  const names = new Set<string>();
  const visited = new Set<FunctionNode>();
  const walk = (current: FunctionNode, depth: number): void => {
    if (visited.has(current) || depth > MAX_DEPTH || !current.body) return;
    visited.add(current);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const access = memberAccess(unwrap(node.expression));
        const first = node.arguments[0];
        if (access && ACTIVITY_METHODS.has(access.name) && isDfExpression(access.object)) {
          const name = first && stringValue(first, resolver);
          if (name !== undefined) names.add(name);
        } else {
          // A helper of the workspace (`yield* step(context)`, `items.map(schedule)`) calls activities for it.
          for (const callee of [node.expression, ...node.arguments]) {
            const target = isFunctionNode(unwrap(callee)) ? undefined : resolver.functionOf(callee);
            if (target) walk(target.fn, depth + 1);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(current.body, visit);
  };
  walk(fn, 0);
  return [...names];
}
