/**
 * The rules about how orchestrator code uses the durable runtime (beyond determinism), applied node by node to
 * orchestrator code (orchestrators and the generator helpers they delegate to with `yield*`):
 * `uncancelled-timer` (timerRace.ts), `unbounded-history` (loopRules.ts), `code-after-continue-as-new`
 * (afterContinueAsNew.ts), `replay-unsafe-logging` (replayLogging.ts) and `timer-out-of-range` (timerDates.ts).
 * Each check starts with a test of the node's kind and names, so the walk pays almost nothing for other nodes.
 */
import * as ts from 'typescript';
import { checkAfterContinueAsNew } from './afterContinueAsNew.js';
import type { AsyncEnv } from './asyncRules.js';
import type { Issue } from './issues.js';
import { checkUnboundedLoop, type Loop } from './loopRules.js';
import { checkLogging } from './replayLogging.js';
import { checkTimerDate } from './timerDates.js';
import { checkTimerRace } from './timerRace.js';

export function checkDurableNode(node: ts.Node, env: AsyncEnv, emit: (issue: Issue | undefined) => void): void {
  switch (node.kind) {
    case ts.SyntaxKind.CallExpression: {
      const call = node as ts.CallExpression;
      emit(checkTimerDate(call));
      emit(checkAfterContinueAsNew(call, env));
      emit(checkLogging(call, env));
      return;
    }
    case ts.SyntaxKind.YieldExpression:
      for (const issue of checkTimerRace(node as ts.YieldExpression, env)) emit(issue);
      return;
    case ts.SyntaxKind.WhileStatement:
    case ts.SyntaxKind.DoStatement:
    case ts.SyntaxKind.ForStatement:
      emit(checkUnboundedLoop(node as Loop, env));
      return;
  }
}
