/**
 * `overwritten-export`: a CommonJS export of an orchestrator that a later `module.exports = ...` throws away. Only
 * top-level statements count (their order is the order they run in): `module.exports.x = f` (or `exports.x = f`)
 * followed by `module.exports = g` loses `x`; `exports.x = f` after `module.exports = g` is lost too (`exports`
 * still points at the first object). `module.exports = g` followed by `module.exports.x = f` adds `x` to `g`: fine.
 */
import * as ts from 'typescript';
import type { Issue } from './issues.js';
import { registrationsIn } from './registrations.js';
import type { Resolver } from './resolve.js';
import { lookup } from './scopes.js';
import { isGenerator, memberAccess, propertyName, snippet, unwrap, type FunctionNode } from './syntax.js';
import type { SourceInfo } from './workspace.js';

/** Cheap test on the text before parsing: a file without both words has nothing to report. */
export function mayOverwriteExports(text: string): boolean {
  return text.includes('module.exports') && text.includes('exports.');
}

interface NamedExport {
  readonly name: string;
  /** `module.exports.x` or `exports.x`, as written. */
  readonly target: ts.Expression;
  readonly value: ts.Expression;
  /** Whether it was written through the `exports` variable. */
  readonly viaExports: boolean;
  /** How many whole `module.exports = ...` assignments had run before it (which exports object it went to). */
  readonly generation: number;
}

interface WholeExport {
  readonly statement: ts.Statement;
  readonly value: ts.Expression;
  /** The new object keeps the old exports (`{ ...module.exports }`, `Object.assign(module.exports, ...)`). */
  readonly keepsOld: boolean;
}

/**
 * The lost named exports of `file` that hold orchestrators: generator functions, functions `isOrchestrator`
 * accepts, or names a registration of this file passes as `module.exports.x`.
 */
export function overwrittenExports(
  file: SourceInfo,
  resolver: Resolver,
  isOrchestrator: (fn: FunctionNode) => boolean,
): Issue[] {
  const named: NamedExport[] = [];
  const wholes: WholeExport[] = [];
  // Which exports object the `exports` variable points at (by generation).
  let exportsGeneration = 0;
  for (const statement of file.sf.statements) {
    if (!ts.isExpressionStatement(statement)) continue;
    const { targets, value } = assignmentChain(statement.expression);
    if (!value) continue;
    const whole = targets.some(isModuleExports);
    if (whole) {
      wholes.push({ statement, value, keepsOld: mentionsExports(value) });
      if (targets.some(isExportsVariable)) exportsGeneration = wholes.length;
      continue;
    }
    for (const target of targets) {
      const access = memberAccess(target);
      if (!access) continue;
      if (isModuleExports(access.object)) {
        named.push({ name: access.name, target, value, viaExports: false, generation: wholes.length });
      } else if (isExportsVariable(access.object)) {
        named.push({ name: access.name, target, value, viaExports: true, generation: exportsGeneration });
      }
    }
  }
  if (wholes.length === 0) return [];
  const registered = registeredExportNames(file, resolver);
  const issues: Issue[] = [];
  for (const entry of named) {
    const replaced = wholes.slice(entry.generation);
    if (replaced.length === 0 || replaced.some((w) => w.keepsOld)) continue;
    const last = replaced[replaced.length - 1]!;
    if (exportsAgain(last.value, entry.name)) continue;
    const fn = resolver.functionOf(entry.value)?.fn;
    const orchestrator = (fn && (isGenerator(fn) || isOrchestrator(fn))) || registered.has(entry.name);
    if (!orchestrator) continue;
    issues.push(lostExport(entry, replaced[0]!));
  }
  return issues;
}

function lostExport(entry: NamedExport, by: WholeExport): Issue {
  const sf = by.statement.getSourceFile();
  const line = sf.getLineAndCharacterOfPosition(by.statement.getStart(sf)).line + 1;
  const overwrite = `\`${snippet(by.statement, 40)}\``;
  const before = by.statement.getStart(sf) > entry.target.getStart(sf);
  const what = before
    ? `is lost: ${overwrite} on line ${line} replaces the whole exports object afterwards`
    : `is lost: after ${overwrite} on line ${line}, \`exports\` still points at the old exports object`;
  return {
    rule: 'overwritten-export',
    node: entry.target,
    code: `\`${snippet(entry.target, 40)} = …\``,
    what,
    via: [],
    fixes: [],
  };
}

/** `a = b = value`: the targets `a`, `b` and the value; no value when the expression is not an `=` assignment. */
function assignmentChain(expr: ts.Expression): { targets: ts.Expression[]; value: ts.Expression | undefined } {
  const targets: ts.Expression[] = [];
  let current = unwrap(expr);
  while (ts.isBinaryExpression(current) && current.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    targets.push(unwrap(current.left));
    current = unwrap(current.right);
  }
  return { targets, value: targets.length > 0 ? current : undefined };
}

function isModuleExports(expr: ts.Expression): boolean {
  const access = memberAccess(unwrap(expr));
  const object = access && unwrap(access.object);
  return (
    access?.name === 'exports' && !!object && ts.isIdentifier(object) && object.text === 'module' && !lookup(object)
  );
}

function isExportsVariable(expr: ts.Expression): boolean {
  const node = unwrap(expr);
  return ts.isIdentifier(node) && node.text === 'exports' && !lookup(node);
}

/** The new exports value refers to the old one somewhere (a spread, `Object.assign`, `module.exports.x`). */
function mentionsExports(value: ts.Expression): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isExpression(node) && (isModuleExports(node) || isExportsVariable(node))) found = true;
    else ts.forEachChild(node, visit);
  };
  visit(value);
  return found;
}

/** The new exports object literal has `name` again (or a spread that may hold it). */
function exportsAgain(value: ts.Expression, name: string): boolean {
  const node = unwrap(value);
  if (!ts.isObjectLiteralExpression(node)) return false;
  return node.properties.some(
    (property) =>
      ts.isSpreadAssignment(property) ||
      (ts.isShorthandPropertyAssignment(property) && property.name.text === name) ||
      (property.name !== undefined && propertyName(property.name) === name),
  );
}

/** Names this file registers as orchestrators through the exports object: `app.orchestration('o', exports.x)`. */
function registeredExportNames(file: SourceInfo, resolver: Resolver): Set<string> {
  const names = new Set<string>();
  for (const registration of registrationsIn(file, resolver)) {
    if (registration.kind !== 'orchestration') continue;
    const handler = registration.call.arguments[1];
    const access = handler && memberAccess(unwrap(handler));
    if (access && (isModuleExports(access.object) || isExportsVariable(access.object))) names.add(access.name);
  }
  return names;
}
