/**
 * What the analysis of one function produces before it becomes a Finding: an Issue at a node of that function, the
 * offending code it stands for (the same node, or a line inside a helper reached through calls), and its fixes.
 * Messages end with a hint that names the orchestrator's own context (`ctx.df...`), composed when the finding is
 * made, since a helper's issue is reported in whichever orchestrator calls it.
 */
import path from 'node:path';
import type ts from 'typescript';
import type { Fix, RuleId } from './api.js';
import { snippet } from './syntax.js';

export interface Issue {
  readonly rule: RuleId;
  /** Where the issue shows in the function analysed (for issues of helpers: the call of the helper). */
  readonly node: ts.Node;
  /** The offending code as shown in messages, e.g. "`Date.now()`". */
  readonly code: string;
  /** What is wrong with it, e.g. "reads the clock, a different value on every replay". */
  readonly what: string;
  /** The offending code itself, when reached through helper calls (else undefined: it is `node`). */
  readonly origin?: ts.Node;
  /** The helper calls between `node` and `origin`, outermost first. */
  readonly via: readonly ts.Node[];
  readonly fixes: readonly Fix[];
  /** The whole message, when the rule words it itself (it then ignores the orchestrator's context name). */
  readonly text?: string;
  /** Places elsewhere the finding refers to (the parameter of the handler a call does not fit). */
  readonly related?: readonly { readonly node: ts.Node; readonly message: string }[];
}

/** The rule's advice, in terms of the orchestrator's `df` expression (`context.df`, `ctx.df`, `df`). */
export function hint(rule: RuleId, df: string): string {
  switch (rule) {
    case 'no-current-time':
      return `use ${df}.currentUtcDateTime instead`;
    case 'no-random':
      return `use ${df}.newGuid(${df}.instanceId) for ids, and get other random values from an activity`;
    case 'no-timers':
      return `wait with yield ${df}.createTimer(date) instead`;
    case 'no-io':
      return `move it into an activity and yield ${df}.callActivity(...)`;
    case 'no-env':
      return 'pass the setting in the orchestration input, or read it in an activity';
    case 'no-async-orchestrator':
      return 'write it as a generator (function*) that yields durable tasks';
    case 'no-await':
      return `yield durable tasks instead (${df}.callActivity(...), ${df}.Task.all(...))`;
    case 'unyielded-task':
      return `yield it, or pass it to yield ${df}.Task.all/any(...)`;
    case 'no-promise-combinators':
      return `use ${df}.Task.all or ${df}.Task.any over durable tasks`;
    case 'yield-non-task':
      return `yield only durable tasks (${df}.callActivity(...), ${df}.createTimer(...), ...)`;
    case 'no-shared-state-write':
      return 'keep state in local variables, the orchestration input and output, or a durable entity';
    case 'unknown-function':
      return 'register it with df.app.activity/orchestration/entity, fix the name, or declare it in the settings';
    case 'unknown-entity-operation':
      return "handle the operation in the entity's code, or fix the name";
    case 'no-host-state':
      return 'get host facts from an activity, and schedule follow-up work with durable tasks';
    case 'overwritten-export':
      return 'assign the whole module.exports first, then add named exports to it (or export one object with both)';
    case 'no-shared-state-read':
      return 'pass the value in the orchestration input, or get it from an activity or a durable entity';
    case 'uncancelled-timer':
      return 'cancel it (timer.cancel()) where another task won';
    case 'unbounded-history':
      return `end each round with ${df}.continueAsNew(nextInput) and return (an eternal orchestration)`;
    case 'code-after-continue-as-new':
      return `return right after ${df}.continueAsNew(...), or do the work before calling it`;
    case 'replay-unsafe-logging':
      return `guard it with if (!${df}.isReplaying) { ... }`;
    case 'timer-out-of-range':
      return `compute the due time from ${df}.currentUtcDateTime plus a positive delay`;
    case 'activity-input-type':
      return "pass what the function takes, or change the handler's declared type";
  }
}

export function message(issue: Issue, df: string): string {
  const origin = issue.origin;
  if (!origin && issue.text !== undefined) return issue.text;
  if (!origin) return `${issue.code} ${issue.what}: ${hint(issue.rule, df)}.`;
  const sf = origin.getSourceFile();
  const line = sf.getLineAndCharacterOfPosition(origin.getStart(sf)).line + 1;
  const where = `${path.basename(sf.fileName)}:${line}`;
  return `\`${snippet(issue.node, 40)}\` calls ${issue.code} (${where}), which ${issue.what}: ${hint(issue.rule, df)}.`;
}
