/**
 * The analysis of orchestrator code: walks a function's body (callbacks inside it included) and applies every rule,
 * following calls into helper functions of the workspace. A helper's issues are summarised once per helper (cycles
 * and depth bounded) and reported at each call site in the orchestrator, pointing at the offending line inside.
 * Generator helpers delegated to with `yield*` are orchestrator code and get every rule.
 */
import * as ts from 'typescript';
import type { Fix } from './api.js';
import {
  checkAsyncOrchestrator,
  checkAwait,
  checkCombinator,
  checkTaskStatement,
  checkTaskVariable,
  checkYield,
  timerFix,
  type AsyncEnv,
} from './asyncRules.js';
import type { FixKind } from './bannedApis.js';
import { contextOf, type DurableContext } from './durable.js';
import { mayReadGetter } from './classMembers.js';
import { fix, libraryClockFix, replaceNode } from './fixes.js';
import { checkDurableNode } from './durableRules.js';
import { bannedUse, type BannedUse } from './hazards.js';
import type { Issue } from './issues.js';
import type { Resolver } from './resolve.js';
import { sharedStateWrite } from './sharedState.js';
import { onePerVariable, sharedStateRead } from './sharedStateRead.js';
import { isSuppressed, suppressionsOf } from './suppressions.js';
import { isInside, memberAccess, unwrap, type FunctionNode } from './syntax.js';

/** How much of the policy applies: orchestrators and `yield*` helpers get every rule, plain helpers the hazards. */
export type Mode = 'orchestrator' | 'generator-helper' | 'helper';

const MAX_HELPER_DEPTH = 8;

/** Array methods whose function argument runs synchronously: `items.map(helper)` calls `helper`. */
const CALLBACK_METHODS: ReadonlySet<string> = new Set([
  'map',
  'flatMap',
  'forEach',
  'filter',
  'reduce',
  'reduceRight',
  'some',
  'every',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'sort',
]);

/** Helper summaries, valid until any file changes (the linter makes a new one then). */
export class Analyzer {
  private readonly summaries = new Map<FunctionNode, Map<Mode, readonly Issue[] | 'pending'>>();

  constructor(readonly resolver: Resolver) {}

  /** The issues of a registered orchestrator function. */
  orchestrator(fn: FunctionNode): readonly Issue[] {
    return onePerVariable(this.analyze(fn, 'orchestrator', 0), this.resolver);
  }

  private summary(fn: FunctionNode, mode: Mode, depth: number): readonly Issue[] {
    let byMode = this.summaries.get(fn);
    if (!byMode) this.summaries.set(fn, (byMode = new Map<Mode, readonly Issue[] | 'pending'>()));
    const cached = byMode.get(mode);
    if (cached === 'pending') return []; // a cycle: its issues are reported where the cycle was entered
    if (cached) return cached;
    byMode.set(mode, 'pending');
    const issues = this.analyze(fn, mode, depth);
    byMode.set(mode, issues);
    return issues;
  }

  private analyze(fn: FunctionNode, mode: Mode, depth: number): readonly Issue[] {
    const context = contextOf(fn, mode === 'orchestrator' || mode === 'generator-helper');
    const env: AsyncEnv = { resolver: this.resolver, fn, context };
    const issues: Issue[] = [];
    const suppressions = suppressionsOf(fn.getSourceFile());
    const sf = fn.getSourceFile();
    const emit = (found: Issue | undefined): void => {
      if (!found) return;
      const line = sf.getLineAndCharacterOfPosition(found.node.getStart(sf)).line + 1;
      if (!isSuppressed(suppressions, line, found.rule)) issues.push(found);
    };
    const orchestratorCode = mode !== 'helper';
    if (mode === 'orchestrator') emit(checkAsyncOrchestrator(env));

    const visit = (node: ts.Node): void => {
      if (ts.isTypeNode(node)) return;
      if (ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isTaggedTemplateExpression(node)) {
        const banned = bannedUse(node, this.resolver, fn);
        if (banned) emit(this.bannedIssue(banned, node, env));
        else if (ts.isCallExpression(node)) emit(asWrite(node));
        if (ts.isCallExpression(node)) {
          if (orchestratorCode) emit(checkCombinator(node, env));
          if (!isDelegated(node)) this.followCall(node, node.expression, fn, depth, emit);
          this.followCallbacks(node, fn, depth, emit);
        }
        if (ts.isTaggedTemplateExpression(node)) this.followCall(node, node.tag, fn, depth, emit);
      } else if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) || ts.isIdentifier(node)) {
        const banned = bannedUse(node, this.resolver, fn);
        if (banned) emit(this.bannedIssue(banned, node, env));
        if (mayReadGetter(node)) this.follow(node, this.resolver.getterOf(node), fn, depth, emit);
        if (ts.isIdentifier(node)) emit(sharedStateRead(node, this.resolver));
      } else if (
        ts.isBinaryExpression(node) ||
        ts.isPrefixUnaryExpression(node) ||
        ts.isPostfixUnaryExpression(node) ||
        ts.isDeleteExpression(node)
      ) {
        emit(asWrite(node));
      }
      if (orchestratorCode) this.asyncRules(node, env, depth, emit);
      if (orchestratorCode) checkDurableNode(node, env, emit);
      ts.forEachChild(node, visit);
    };
    if (fn.body) visit(fn.body);
    return issues;
  }

  private asyncRules(node: ts.Node, env: AsyncEnv, depth: number, emit: (issue: Issue | undefined) => void): void {
    if (ts.isAwaitExpression(node)) emit(checkAwait(node, env));
    else if (ts.isExpressionStatement(node)) emit(checkTaskStatement(node, env));
    else if (ts.isVariableDeclaration(node)) emit(checkTaskVariable(node, env));
    else if (ts.isYieldExpression(node)) {
      emit(checkYield(node, env));
      const operand = node.expression && unwrap(node.expression);
      if (node.asteriskToken && operand && ts.isCallExpression(operand)) {
        this.followCall(operand, operand.expression, env.fn, depth, emit, 'generator-helper');
      }
    }
  }

  private bannedIssue(
    banned: BannedUse,
    node: ts.CallExpression | ts.NewExpression | ts.Expression,
    env: AsyncEnv,
  ): Issue {
    const fixes: Fix[] = [];
    const replacement = banned.fix && simpleReplacement(banned.fix, node, env.context);
    if (replacement !== undefined) fixes.push(fix(replacement.title, replaceNode(node, replacement.text)));
    if (banned.rule === 'no-timers' && (ts.isCallExpression(node) || ts.isNewExpression(node))) {
      const timer = timerFix(node, env);
      if (timer) fixes.push(timer);
    }
    return { rule: banned.rule, node: banned.node, code: banned.code, what: banned.what, via: [], fixes };
  }

  /** Reports the issues of the function `callee` denotes at `site`, unless it is part of the code analysed. */
  private followCall(
    site: ts.Node,
    callee: ts.Expression,
    root: FunctionNode,
    depth: number,
    emit: (issue: Issue | undefined) => void,
    mode: Mode = 'helper',
  ): void {
    if (depth < MAX_HELPER_DEPTH) this.follow(site, this.resolver.functionOf(callee), root, depth, emit, mode);
  }

  /** Reports the issues of `target` (a function that runs at `site`), unless it is part of the code analysed. */
  private follow(
    site: ts.Node,
    target: { fn: FunctionNode } | undefined,
    root: FunctionNode,
    depth: number,
    emit: (issue: Issue | undefined) => void,
    mode: Mode = 'helper',
  ): void {
    if (depth >= MAX_HELPER_DEPTH || !target || isInside(target.fn, root) || isInside(root, target.fn)) return;
    for (const inner of this.summary(target.fn, mode, depth + 1)) {
      emit({
        rule: inner.rule,
        node: site,
        code: inner.code,
        what: inner.what,
        origin: inner.origin ?? inner.node,
        via: inner.origin ? [inner.node, ...inner.via] : [],
        fixes: inner.fixes,
      });
    }
  }

  /** `items.map(helper)`: the helper runs as part of the orchestrator. */
  private followCallbacks(
    call: ts.CallExpression,
    root: FunctionNode,
    depth: number,
    emit: (issue: Issue | undefined) => void,
  ) {
    const access = memberAccess(unwrap(call.expression));
    if (!access || !CALLBACK_METHODS.has(access.name)) return;
    for (const arg of call.arguments) {
      const node = unwrap(arg);
      if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) this.followCall(arg, node, root, depth, emit);
    }
  }
}

function asWrite(node: ts.Node): Issue | undefined {
  const write = sharedStateWrite(node);
  return (
    write && { rule: 'no-shared-state-write', node: write.node, code: write.code, what: write.what, via: [], fixes: [] }
  );
}

/** The call in `yield* helper(ctx)` is followed as a generator helper, not as a plain one. */
function isDelegated(call: ts.CallExpression): boolean {
  let parent = call.parent;
  while (ts.isParenthesizedExpression(parent)) parent = parent.parent;
  return ts.isYieldExpression(parent) && parent.asteriskToken !== undefined;
}

/** The in-place replacements of the banned-API table (the durable timer is handled by `timerFix`). */
function simpleReplacement(
  kind: FixKind,
  node: ts.Node,
  context: DurableContext | undefined,
): { title: string; text: string } | undefined {
  if (!context) return undefined;
  const df = context.df;
  const args = ts.isCallExpression(node) || ts.isNewExpression(node) ? (node.arguments?.length ?? 0) : -1;
  switch (kind) {
    case 'current-time-ms':
      return { title: `Use ${df}.currentUtcDateTime.getTime()`, text: `${df}.currentUtcDateTime.getTime()` };
    case 'current-date':
      return { title: `Use ${df}.currentUtcDateTime`, text: `new Date(${df}.currentUtcDateTime)` };
    case 'current-date-string':
      return { title: `Use ${df}.currentUtcDateTime`, text: `${df}.currentUtcDateTime.toString()` };
    case 'new-guid':
      return args === 0
        ? { title: `Use ${df}.newGuid(${df}.instanceId)`, text: `${df}.newGuid(${df}.instanceId)` }
        : undefined;
    case 'durable-timer':
      return undefined;
    case 'clock-argument':
    case 'luxon-local':
    case 'luxon-utc':
      return libraryClockFix(kind, node, df);
  }
}
