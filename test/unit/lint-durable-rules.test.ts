/**
 * The rules about durable behaviour: uncancelled-timer, unbounded-history, code-after-continue-as-new,
 * replay-unsafe-logging and timer-out-of-range. For each: code it flags, near misses it must leave alone (look-alikes,
 * the same code outside orchestrators, shadowed names, correct usage), and its quick fixes applied to real text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding, RuleId } from '../../src/lint/api.js';
import { RULES } from '../../src/lint/policy.js';
import { applyFix, lint, lintBody, lintFiles, orch, syntaxErrors } from './lint-harness.js';

function of(rule: RuleId, findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

function flagged(rule: RuleId, body: string, header = '', count = 1): Finding[] {
  const found = of(rule, lintBody(body, header));
  assert.equal(
    found.length,
    count,
    `${rule} on:\n${body}\n-> ${JSON.stringify(lintBody(body, header).map((f) => f.message))}`,
  );
  return found;
}

function clean(rule: RuleId, body: string, header = ''): void {
  const found = of(rule, lintBody(body, header));
  assert.deepEqual(
    found.map((f) => f.message),
    [],
    `expected no ${rule} on:\n${body}`,
  );
}

/** Applies the first fix of the only finding of `rule`; the result must equal `expected`, parse and satisfy the rule. */
function fixed(rule: RuleId, body: string, expected: string, header = ''): void {
  const text = orch(body, { header });
  const findings = of(rule, lint(text));
  assert.equal(findings.length, 1, `one ${rule} finding in:\n${text}`);
  const fix = findings[0]!.fixes[0];
  assert.ok(fix, `a fix for ${rule} in:\n${text}`);
  const result = applyFix(text, fix);
  assert.equal(result, orch(expected, { header }));
  assert.deepEqual(syntaxErrors(result), [], result);
  assert.deepEqual(of(rule, lint(result)), [], `still ${rule} after the fix:\n${result}`);
}

function noFix(rule: RuleId, body: string, header = ''): void {
  const findings = of(rule, lintBody(body, header));
  assert.equal(findings.length, 1, `one ${rule} finding in:\n${body}`);
  assert.deepEqual(findings[0]!.fixes, []);
}

test('severities: warnings, and info for logging', () => {
  assert.equal(RULES['uncancelled-timer'].defaultSeverity, 'warning');
  assert.equal(RULES['unbounded-history'].defaultSeverity, 'warning');
  assert.equal(RULES['code-after-continue-as-new'].defaultSeverity, 'warning');
  assert.equal(RULES['replay-unsafe-logging'].defaultSeverity, 'info');
  assert.equal(RULES['timer-out-of-range'].defaultSeverity, 'warning');
  const [finding] = flagged('replay-unsafe-logging', "console.log('x');\nyield context.df.callActivity('a');");
  assert.equal(finding!.severity, 'info');
});

// ---------------------------------------------------------------- uncancelled-timer

const RACE = [
  "const approval = context.df.waitForExternalEvent('Approval');",
  'const timeout = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));',
].join('\n');
const race = (rest: string) => `${RACE}\n${rest}`;

test('uncancelled-timer flags a timer left pending on a path where another task won', () => {
  const cases = [
    // the winner branch returns without cancelling
    "const winner = yield context.df.Task.any([approval, timeout]);\nif (winner === approval) { return 'ok'; }\nreturn 'late';",
    // the else branch is where another task won
    "const winner = yield context.df.Task.any([approval, timeout]);\nif (winner === timeout) { return 'late'; } else { return 'ok'; }",
    // negation, early return, then the rest of the function
    "const winner = yield context.df.Task.any([approval, timeout]);\nif (winner === timeout) return 'late';\nyield context.df.callActivity('process');",
    // `!==` and falling off the end
    "const winner = yield context.df.Task.any([approval, timeout]);\nif (winner !== approval) { return 'late'; }",
    // the winner is never tested
    'const winner = yield context.df.Task.any([approval, timeout]);\nreturn winner === approval;',
    // the race's result is not kept
    'yield context.df.Task.any([approval, timeout]);\nreturn approval.isCompleted;',
    // a const holding the test
    "const winner = yield context.df.Task.any([approval, timeout]);\nconst late = winner === timeout;\nif (late) return 'late';\nreturn 'ok';",
    // cancelled on one branch only
    "const winner = yield context.df.Task.any([approval, timeout]);\nif (winner === approval && approval.result) { timeout.cancel(); return 'yes'; }\nreturn 'no';",
    // a condition that does not depend on the race, then the winner test
    "const input = context.df.getInput();\nconst winner = yield context.df.Task.any([approval, timeout]);\nif (input.verbose) yield context.df.callActivity('log');\nif (winner === approval) return 1;\nreturn 2;",
    // a timer written inline cannot be cancelled at all
    "const winner = yield context.df.Task.any([approval, context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 5))]);\nif (winner === approval) return 'ok';\nreturn 'late';",
    // a loop: the timer raced against a new event each round, left pending when the answer is right
    "let ok = false;\nfor (let i = 0; i < 3; i++) {\n  const answer = context.df.waitForExternalEvent('Answer');\n  const winner = yield context.df.Task.any([answer, timeout]);\n  if (winner === timeout) break;\n  if (answer.result === 42) { ok = true; break; }\n}\nreturn ok;",
  ];
  for (const body of cases) flagged('uncancelled-timer', race(body));
});

test('uncancelled-timer: the finding names the timer and the path, at the timer in the array', () => {
  const [finding] = flagged(
    'uncancelled-timer',
    race(
      "const winner = yield context.df.Task.any([approval, timeout]);\nif (winner === approval) {\n  return 'ok';\n}\nreturn 'late';",
    ),
  );
  assert.match(
    finding!.message,
    /^`timeout` is raced in Task\.any and not cancelled when another task wins \(the path returning at line 8\)/,
  );
  assert.match(finding!.message, /stays Running until the timer fires/);
  assert.deepEqual(finding!.range, { start: { line: 6, column: 53 }, end: { line: 6, column: 60 } });
});

test('uncancelled-timer leaves alone timers that are cancelled, waited for or discarded', () => {
  const cases = [
    // the example app's shape: cancel in the branch where the event won
    "const winner = yield context.df.Task.any([approval, timeout]);\nif (winner === approval) {\n  timeout.cancel();\n  return 'ok';\n}\nreturn 'late';",
    // `!==` negation
    "const winner = yield context.df.Task.any([approval, timeout]);\nif (winner !== timeout) { timeout.cancel(); return 'ok'; }\nreturn 'late';",
    // the documented `if (!timer.isCompleted) timer.cancel()` after the branches
    "const winner = yield context.df.Task.any([approval, timeout]);\nif (winner === approval) { yield context.df.callActivity('process'); }\nif (!timeout.isCompleted) timeout.cancel();\nreturn 'done';",
    // a cancel before the branch
    "const winner = yield context.df.Task.any([approval, timeout]);\nif (!timeout.isCompleted) { timeout.cancel(); }\nif (winner === approval) return 'ok';\nreturn 'late';",
    // early return when the timer won, cancel after
    "const winner = yield context.df.Task.any([approval, timeout]);\nif (winner === timeout) return 'late';\ntimeout.cancel();\nreturn 'ok';",
    // a const holding the test
    'const winner = yield context.df.Task.any([approval, timeout]);\nconst late = winner === timeout;\nif (!late) timeout.cancel();\nreturn late;',
    // the timer is waited for afterwards
    "const winner = yield context.df.Task.any([approval, timeout]);\nif (winner === approval) yield context.df.callActivity('process');\nyield timeout;\nreturn 'done';",
    "yield context.df.Task.any([approval, timeout]);\nyield context.df.Task.all([timeout]);\nreturn 'done';",
    // continueAsNew discards the timer
    "const winner = yield context.df.Task.any([approval, timeout]);\nif (winner === approval) { context.df.continueAsNew(1); return; }\nreturn 'late';",
    // the timer never wins... because it is not in the race
    "const winner = yield context.df.Task.any([approval, context.df.callActivity('a')]);\nreturn winner === approval;",
    // a throw ends the orchestration as failed, not as a pending completion
    "const winner = yield context.df.Task.any([approval, timeout]);\nif (winner === approval) throw new Error('no');\nreturn 'late';",
    // the sms verification sample: a loop, then the documented cancel
    "let ok = false;\nfor (let i = 0; i <= 3; i++) {\n  const answer = context.df.waitForExternalEvent('Answer');\n  const winner = yield context.df.Task.any([answer, timeout]);\n  if (winner === timeout) break;\n  if (answer.result === 42) { ok = true; break; }\n}\nif (!timeout.isCompleted) {\n  timeout.cancel();\n}\nreturn ok;",
    // a timer created per round of an endless wait: the walk starts afresh at its declaration
    "while (true) {\n  const t = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 5));\n  const w = yield context.df.Task.any([approval, t]);\n  if (w === t) return 'late';\n}",
  ];
  for (const body of cases) clean('uncancelled-timer', race(body));
});

test('uncancelled-timer gives up on code it cannot follow', () => {
  const cases = [
    // the timer passed to a helper that may cancel it
    "const winner = yield context.df.Task.any([approval, timeout]);\ncleanup(timeout);\nreturn 'x';\nfunction cleanup(t) { t.cancel(); }",
    // stored in a collection
    'const winner = yield context.df.Task.any([approval, timeout]);\nconst pending = [timeout];\nreturn pending.length;',
    // cancelled in a callback
    "const winner = yield context.df.Task.any([approval, timeout]);\n[1].forEach(() => timeout.cancel());\nreturn 'x';",
    // a try/finally around the race
    "try {\n  const winner = yield context.df.Task.any([approval, timeout]);\n  if (winner === approval) return 'ok';\n  return 'late';\n} finally {\n  if (!timeout.isCompleted) timeout.cancel();\n}",
    // a switch on the winner
    "const winner = yield context.df.Task.any([approval, timeout]);\nswitch (winner) { case approval: return 'ok'; default: return 'late'; }",
    // a test of the winner it does not understand
    "const winner = yield context.df.Task.any([approval, timeout]);\nif (isApproval(winner)) { timeout.cancel(); return 'ok'; }\nreturn 'late';\nfunction isApproval(w) { return w === approval; }",
    // a test of the other task while the winner is unknown
    "yield context.df.Task.any([approval, timeout]);\nif (approval.result === true) { timeout.cancel(); return 'ok'; }\nreturn 'late';",
    // the race not in a statement of its own
    "if ((yield context.df.Task.any([approval, timeout])) === approval) return 'ok';\nreturn 'late';",
    // the winner reassigned
    'let winner = yield context.df.Task.any([approval, timeout]);\nwinner = approval;\nreturn winner;',
    // raced twice
    "const w1 = yield context.df.Task.any([approval, timeout]);\nif (w1 === timeout) return 'late';\nconst other = context.df.waitForExternalEvent('Second');\nconst w2 = yield context.df.Task.any([other, timeout]);\nif (w2 === timeout) return 'late';\ntimeout.cancel();\nreturn 'ok';",
  ];
  for (const body of cases) clean('uncancelled-timer', race(body));
});

test('uncancelled-timer: outside orchestrators and in plain helpers nothing is reported', () => {
  const text = `import * as df from 'durable-functions';
export function* notRegistered(context) {
  const timer = context.df.createTimer(new Date(0));
  const winner = yield context.df.Task.any([context.df.waitForExternalEvent('E'), timer]);
  return winner;
}
df.app.activity('a', { handler: () => 1 });
`;
  assert.deepEqual(lint(text), []);
});

test('uncancelled-timer in a generator helper is reported at the yield* call', () => {
  const helper = `export function* waitForApproval(ctx) {
  const approval = ctx.df.waitForExternalEvent('Approval');
  const timeout = ctx.df.createTimer(new Date(ctx.df.currentUtcDateTime.getTime() + 1000));
  const winner = yield ctx.df.Task.any([approval, timeout]);
  return winner === approval;
}
`;
  const main = orch('  const ok = yield* waitForApproval(context);\n  return ok;', {
    header: "import { waitForApproval } from './helper';",
  });
  const found = of('uncancelled-timer', lintFiles({ 'orch.ts': main, 'helper.ts': helper }));
  assert.equal(found.length, 1);
  assert.match(found[0]!.message, /^`waitForApproval\(context\)` calls `timeout` \(helper\.ts:4\)/);
  assert.match(found[0]!.related[0]!.file, /helper\.ts$/);
});

test('uncancelled-timer quick fix: timer.cancel() where another task won', () => {
  const winner = 'const winner = yield context.df.Task.any([approval, timeout]);';
  // the start of the winner's block
  fixed(
    'uncancelled-timer',
    race(`${winner}\nif (winner === approval) {\n  return 'ok';\n}\nreturn 'late';`),
    race(`${winner}\nif (winner === approval) {\n  timeout.cancel();\n  return 'ok';\n}\nreturn 'late';`),
  );
  // a block on one line
  fixed(
    'uncancelled-timer',
    race(`${winner}\nif (winner === approval) { return 'ok'; }\nreturn 'late';`),
    race(`${winner}\nif (winner === approval) { timeout.cancel(); return 'ok'; }\nreturn 'late';`),
  );
  // the else branch
  fixed(
    'uncancelled-timer',
    race(`${winner}\nif (winner === timeout) {\n  return 'late';\n} else {\n  return 'ok';\n}`),
    race(`${winner}\nif (winner === timeout) {\n  return 'late';\n} else {\n  timeout.cancel();\n  return 'ok';\n}`),
  );
  // a single-statement branch gets braces
  fixed(
    'uncancelled-timer',
    race(`${winner}\nif (winner === approval) return 'ok';\nreturn 'late';`),
    race(`${winner}\nif (winner === approval) { timeout.cancel(); return 'ok'; }\nreturn 'late';`),
  );
  // after an early return of the timeout branch
  fixed(
    'uncancelled-timer',
    race(
      `${winner}\nif (winner === timeout) return 'late';\nconst r = yield context.df.callActivity('process');\nreturn r;`,
    ),
    race(
      `${winner}\nif (winner === timeout) return 'late';\ntimeout.cancel();\nconst r = yield context.df.callActivity('process');\nreturn r;`,
    ),
  );
  // falling off the end
  fixed(
    'uncancelled-timer',
    race(`${winner}\nif (winner === timeout) {\n  return 'late';\n}\ncontext.df.setCustomStatus('ok');`),
    race(
      `${winner}\nif (winner === timeout) {\n  return 'late';\n}\ntimeout.cancel();\ncontext.df.setCustomStatus('ok');`,
    ),
  );
  fixed(
    'uncancelled-timer',
    race(`${winner}\nif (winner === timeout) {\n  return 'late';\n}`),
    race(`${winner}\nif (winner === timeout) {\n  return 'late';\n}\ntimeout.cancel();`),
  );
  // an empty branch
  fixed(
    'uncancelled-timer',
    race(`${winner}\nif (winner === approval) {} else { yield context.df.callActivity('escalate'); }`),
    race(
      `${winner}\nif (winner === approval) { timeout.cancel(); } else { yield context.df.callActivity('escalate'); }`,
    ),
  );
});

test('uncancelled-timer: no quick fix when no single place covers every path, or cancelling could throw', () => {
  const winner = 'const winner = yield context.df.Task.any([approval, timeout]);';
  // the winner unknown: cancel would throw when the timer won
  noFix('uncancelled-timer', race(`${winner}\nreturn winner === approval;`));
  // a yield between the race and the test: the timer may have fired meanwhile
  noFix(
    'uncancelled-timer',
    race(`${winner}\nyield context.df.callActivity('log');\nif (winner === approval) return 'ok';\nreturn 'late';`),
  );
  // inline timer: nothing to call cancel() on
  noFix(
    'uncancelled-timer',
    "const e = context.df.waitForExternalEvent('E');\nconst w = yield context.df.Task.any([e, context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 5))]);\nreturn w === e;",
  );
  // two leaking paths in a loop (one would cancel before the timer is raced again)
  noFix(
    'uncancelled-timer',
    race(
      "let ok = false;\nfor (let i = 0; i < 3; i++) {\n  const answer = context.df.waitForExternalEvent('Answer');\n  const winner = yield context.df.Task.any([answer, timeout]);\n  if (winner === timeout) break;\n  if (answer.result === 42) { ok = true; break; }\n}\nreturn ok;",
    ),
  );
});

// ---------------------------------------------------------------- unbounded-history

test('unbounded-history flags endless loops that yield without continueAsNew', () => {
  flagged('unbounded-history', "while (true) {\n  yield context.df.callActivity('poll');\n}");
  flagged('unbounded-history', "for (;;) { yield context.df.callActivity('poll'); }");
  flagged('unbounded-history', "do { yield context.df.callActivity('poll'); } while (true);");
  flagged('unbounded-history', "while (1) { const x = yield context.df.callActivity('poll'); if (x) continue; }");
  // breaks of inner loops and switches do not leave the outer loop
  flagged(
    'unbounded-history',
    "while (true) {\n  for (const x of [1, 2]) { if (x) break; }\n  switch (1) { case 1: break; }\n  yield context.df.waitForExternalEvent('tick');\n}",
  );
  // a return inside a callback does not leave it
  flagged(
    'unbounded-history',
    "while (true) {\n  [1].map((x) => { return x; });\n  yield context.df.callActivity('poll');\n}",
  );
  // a yield* delegation yields too
  flagged(
    'unbounded-history',
    'while (true) { yield* step(context); }',
    "function* step(c) { yield c.df.callActivity('a'); }",
  );
  // a labelled break of a label inside the loop, a labelled continue of the loop itself
  flagged(
    'unbounded-history',
    "while (true) {\n  inner: for (;;) { break inner; }\n  yield context.df.callActivity('poll');\n}",
  );
  flagged('unbounded-history', "again: while (true) {\n  yield context.df.callActivity('poll');\n  continue again;\n}");
});

test('unbounded-history: the finding is on the loop keyword with the eternal-orchestration advice', () => {
  const [finding] = flagged('unbounded-history', "  while (true) {\n    yield context.df.callActivity('poll');\n  }");
  assert.deepEqual(finding!.range, { start: { line: 4, column: 3 }, end: { line: 4, column: 8 } });
  assert.match(finding!.message, /^`while \(true\)` never ends and yields durable tasks/);
  assert.match(finding!.message, /end each round with context\.df\.continueAsNew\(nextInput\) and return/);
});

test('unbounded-history leaves alone loops that end, do not yield, or restart with continueAsNew', () => {
  const cases = [
    // a monitor with an expiry
    "const expiry = new Date(context.df.currentUtcDateTime.getTime() + 3_600_000);\nwhile (context.df.currentUtcDateTime < expiry) {\n  yield context.df.callActivity('poll');\n}",
    // exits on a condition
    "while (true) {\n  const done = yield context.df.callActivity('poll');\n  if (done) break;\n}",
    "while (true) {\n  const op = yield context.df.waitForExternalEvent('op');\n  if (op === 'stop') return 'stopped';\n}",
    "for (;;) {\n  const r = yield context.df.callActivity('poll');\n  if (r.failed) throw new Error('failed');\n}",
    "outer: while (true) {\n  for (;;) {\n    const r = yield context.df.callActivity('poll');\n    if (r) break outer;\n  }\n}",
    // the eternal pattern inside the loop
    "while (true) {\n  yield context.df.callActivity('cleanup');\n  context.df.continueAsNew(context.df.getInput());\n}",
    // a helper that restarts
    "while (true) {\n  yield context.df.callActivity('cleanup');\n  restart(context);\n}\nfunction restart(c) { c.df.continueAsNew(null); }",
    // loops that do not yield
    'let n = 0;\nwhile (true) { n++; if (n > 3) break; }',
    "const tasks = [];\nfor (;;) { tasks.push(1); if (tasks.length > 2) break; }\nyield context.df.callActivity('a', tasks);",
    // a bounded loop
    "for (let i = 0; i < 10; i++) { yield context.df.callActivity('a', i); }",
    // an endless loop in a callback (not a generator) cannot yield
    "const f = () => { while (true) { if (Date.parse('x')) return; } };\nyield context.df.callActivity('a');",
  ];
  for (const body of cases) clean('unbounded-history', body);
});

test('unbounded-history: the eternal orchestration itself and code outside orchestrators', () => {
  clean(
    'unbounded-history',
    "yield context.df.callActivity('cleanup');\nyield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 3_600_000));\ncontext.df.continueAsNew(undefined);\nreturn;",
  );
  const text = `import * as df from 'durable-functions';
export function* poller(context) { while (true) { yield context.df.callActivity('poll'); } }
df.app.activity('a', { handler: async () => { while (true) { await new Promise((r) => r(1)); } } });
df.app.activity('poll', { handler: () => true });
`;
  assert.deepEqual(lint(text), []);
});

// ---------------------------------------------------------------- code-after-continue-as-new

test('code-after-continue-as-new flags work after continueAsNew on the same path', () => {
  const cases = [
    "context.df.continueAsNew(1);\nyield context.df.callActivity('report');",
    "context.df.continueAsNew(1);\nconst r = yield context.df.callActivity('report');\nreturn r;",
    "context.df.continueAsNew(1);\nreturn yield context.df.callActivity('report');",
    'context.df.continueAsNew(1);\nyield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000));',
    // plain code in between runs; the yield after it is still dropped
    "context.df.continueAsNew(1);\ncontext.df.setCustomStatus('restarting');\nif (!context.df.isReplaying) context.log('x');\nyield context.df.callActivity('report');",
    // out of an if branch, past statements that go on
    "const n = context.df.getInput();\nif (n < 10) {\n  context.df.continueAsNew(n + 1);\n}\nyield context.df.callActivity('report', n);\nreturn n;",
    "const n = context.df.getInput();\nif (n < 10) context.df.continueAsNew(n + 1);\nelse context.df.setCustomStatus('done');\nyield context.df.callActivity('report', n);",
    // dropped fire-and-forget work
    "context.df.continueAsNew(1);\ncontext.df.signalEntity(new df.EntityId('counter', 'k'), 'add', 1);",
    'context.df.continueAsNew(1);\ncontext.df.continueAsNew(2);',
    // destructured df
  ];
  for (const body of cases) flagged('code-after-continue-as-new', body);
  const text =
    "import * as df from 'durable-functions';\ndf.app.orchestration('o', function* ({ df: d }) {\n  d.continueAsNew(1);\n  yield d.callActivity('a');\n});\n";
  assert.equal(of('code-after-continue-as-new', lint(text)).length, 1);
});

test('code-after-continue-as-new: the finding is on the dropped statement and names the line of continueAsNew', () => {
  const [finding] = flagged(
    'code-after-continue-as-new',
    "context.df.continueAsNew(1);\nyield context.df.callActivity('report');",
  );
  assert.deepEqual(finding!.range.start, { line: 5, column: 1 });
  assert.match(
    finding!.message,
    /^`yield context\.df\.callActivity\('report'\);` runs after continueAsNew \(line 4\), so its task is never scheduled/,
  );
});

test('code-after-continue-as-new leaves alone plain code, returns and other paths', () => {
  const cases = [
    "yield context.df.callActivity('report');\ncontext.df.continueAsNew(1);",
    'context.df.continueAsNew(1);\nreturn;',
    "context.df.continueAsNew(1);\ncontext.df.setCustomStatus('restarting');\nreturn 'restarted';",
    "context.df.continueAsNew(1);\nif (!context.df.isReplaying) context.log('restarting');",
    // the yield is on the other path
    "const n = context.df.getInput();\nif (n < 10) {\n  context.df.continueAsNew(n + 1);\n  return;\n}\nyield context.df.callActivity('report', n);",
    "const n = context.df.getInput();\nif (n < 10) { context.df.continueAsNew(n + 1); } else { yield context.df.callActivity('report', n); }",
    // a conditional return between them: the condition may match the one around continueAsNew
    "const n = context.df.getInput();\nif (n < 10) context.df.continueAsNew(n + 1);\nif (n < 10) return;\nyield context.df.callActivity('report', n);",
    // a yield only on some path after it
    "const n = context.df.getInput();\nif (n < 10) context.df.continueAsNew(n + 1);\nif (n >= 10) yield context.df.callActivity('report', n);",
    "context.df.continueAsNew(1);\nconst r = context.df.isReplaying ? undefined : yield context.df.callActivity('x');",
    // loops end the path (the eternal loop restarts at its next yield, which is the intent)
    "while (true) {\n  yield context.df.callActivity('cleanup');\n  context.df.continueAsNew(1);\n}",
    // a continueAsNew in a callback, and a yielded continueAsNew (yield-non-task reports that one)
    "const later = () => context.df.continueAsNew(1);\nyield context.df.callActivity('a');",
    // a look-alike that is not the durable context
    "const other = { continueAsNew(x) { return x; } };\nother.continueAsNew(1);\nyield context.df.callActivity('a');",
  ];
  for (const body of cases) clean('code-after-continue-as-new', body);
});

test('code-after-continue-as-new quick fix: return on the continueAsNew path before the dropped work', () => {
  fixed(
    'code-after-continue-as-new',
    "  context.df.continueAsNew(1);\n  yield context.df.callActivity('report');",
    "  context.df.continueAsNew(1);\n  return;\n  yield context.df.callActivity('report');",
  );
  // plain code in between still runs
  fixed(
    'code-after-continue-as-new',
    "  context.df.continueAsNew(1);\n  context.df.setCustomStatus('x');\n  yield context.df.callActivity('report');",
    "  context.df.continueAsNew(1);\n  context.df.setCustomStatus('x');\n  return;\n  yield context.df.callActivity('report');",
  );
  // out of an if branch: at the end of the branch
  fixed(
    'code-after-continue-as-new',
    "  const n = context.df.getInput();\n  if (n < 10) {\n    context.df.continueAsNew(n + 1);\n  }\n  yield context.df.callActivity('report', n);",
    "  const n = context.df.getInput();\n  if (n < 10) {\n    context.df.continueAsNew(n + 1);\n    return;\n  }\n  yield context.df.callActivity('report', n);",
  );
  // a lone branch gets braces
  fixed(
    'code-after-continue-as-new',
    "  const n = context.df.getInput();\n  if (n < 10) context.df.continueAsNew(n + 1);\n  yield context.df.callActivity('report', n);",
    "  const n = context.df.getInput();\n  if (n < 10) { context.df.continueAsNew(n + 1); return; }\n  yield context.df.callActivity('report', n);",
  );
  // dropped signals have no fix (they belong before continueAsNew)
  noFix(
    'code-after-continue-as-new',
    "context.df.continueAsNew(1);\ncontext.df.signalEntity(new df.EntityId('c', 'k'), 'add', 1);",
  );
});

// ---------------------------------------------------------------- replay-unsafe-logging

const THEN = "\nyield context.df.callActivity('a');";

test('replay-unsafe-logging flags console and context logs the orchestrator may replay', () => {
  for (const call of [
    "console.log('x');",
    "console.info('x');",
    "console.warn('x');",
    "console.error('x');",
    "console.debug('x');",
    'globalThis.console;\nconsole.table([]);',
    "context.log('x');",
    "context.info('x');",
    "context.warn('x');",
    "context.error('x');",
    "context.debug('x');",
    "context.trace('x');",
  ]) {
    flagged('replay-unsafe-logging', call + THEN);
  }
  // inside a loop that yields, in a callback, before a yield in a later statement, after a yield in a loop
  flagged(
    'replay-unsafe-logging',
    "for (const x of [1, 2]) {\n  yield context.df.callActivity('a', x);\n  console.log(x);\n}",
  );
  flagged('replay-unsafe-logging', '[1, 2].forEach((x) => console.log(x));' + THEN);
  flagged('replay-unsafe-logging', "if (context.df.getInput()) { console.log('x'); }" + THEN);
  // an unrelated guard
  flagged('replay-unsafe-logging', "const verbose = true;\nif (verbose) console.log('x');" + THEN);
  // a yield later in the same statement, or in the branches of a condition that logs
  flagged('replay-unsafe-logging', "console.log('x'), yield context.df.callActivity('a');");
  flagged('replay-unsafe-logging', "if (console.log('x') === undefined) yield context.df.callActivity('a');");
  // another context name
  const text = `import * as df from 'durable-functions';\ndf.app.orchestration('o', function* (ctx) {\n  ctx.log('x');\n  yield ctx.df.callActivity('a');\n});\n`;
  assert.equal(of('replay-unsafe-logging', lint(text)).length, 1);
});

test('replay-unsafe-logging leaves alone guarded logs, last lines, other objects and code outside orchestrators', () => {
  const cases = [
    // guards
    "if (!context.df.isReplaying) console.log('x');",
    "if (!context.df.isReplaying) { context.log('x'); }",
    "if (context.df.isReplaying === false) context.log('x');",
    "if (context.df.isReplaying) { /* quiet */ } else { context.log('x'); }",
    "!context.df.isReplaying && context.log('x');",
    "context.df.isReplaying || context.log('x');",
    "const msg = context.df.isReplaying ? '' : (console.log('x'), 'x');",
    "const { isReplaying } = context.df;\nif (!isReplaying) console.log('x');",
    "const replaying = context.df.isReplaying;\nif (!replaying) console.log('x');",
    "const log = (m) => { if (context.df.isReplaying) return; console.log(m); };\nlog('x');",
    "if (!context.df.isReplaying && context.df.getInput()) console.log('x');",
    "if (shouldLog(context)) console.log('x');\nfunction shouldLog(c) { return !c.df.isReplaying; }",
    // nothing is yielded after it: it runs in the last execution only
  ].map((body) => body + THEN);
  cases.push(
    "yield context.df.callActivity('a');\nconsole.log('done');\nreturn 1;",
    "try {\n  yield context.df.callActivity('a');\n} catch (e) {\n  context.log('failed');\n}\nreturn 1;",
    "const r = yield context.df.callActivity('a');\nif (!r) { console.warn('no result'); return; }\nyield context.df.callActivity('b');",
    "const r = yield context.df.callActivity('a');\nif (r) { console.log('done'); } else { yield context.df.callActivity('b'); }\nreturn r;",
    // look-alikes: a local console, a logger object, another parameter's log, the activity context
    "const console = { log: (x) => x };\nconsole.log('x');" + THEN,
    "const logger = { info: (x) => x };\nlogger.info('x');" + THEN,
    "const f = (c) => c.log('x');" + THEN,
    "context.df.setCustomStatus('x');" + THEN,
  );
  for (const body of cases) clean('replay-unsafe-logging', body);
  const text = `import * as df from 'durable-functions';
df.app.activity('a', { handler: (input, context) => { context.log('activity'); console.log('x'); return 1; } });
df.app.entity('e', (context) => { console.log('entity'); });
export function helper() { console.log('not an orchestrator'); }
`;
  assert.deepEqual(lint(text), []);
});

test('replay-unsafe-logging quick fix: wrap the statement in if (!<df>.isReplaying)', () => {
  fixed(
    'replay-unsafe-logging',
    `  console.log('x');\n  yield context.df.callActivity('a');`,
    `  if (!context.df.isReplaying) {\n    console.log('x');\n  }\n  yield context.df.callActivity('a');`,
  );
  fixed(
    'replay-unsafe-logging',
    "  context.log(`a ${1}\nb`);\n  yield context.df.callActivity('a');",
    "  if (!context.df.isReplaying) {\n    context.log(`a ${1}\nb`);\n  }\n  yield context.df.callActivity('a');",
  );
  fixed(
    'replay-unsafe-logging',
    "  if (context.df.getInput()) console.log('x');\n  else yield context.df.callActivity('b');\n  yield context.df.callActivity('a');",
    "  if (context.df.getInput()) { if (!context.df.isReplaying) { console.log('x'); } }\n  else yield context.df.callActivity('b');\n  yield context.df.callActivity('a');",
  );
  const head = 'function* (ctx)';
  const text = orch("    ctx.log('x');\n    yield ctx.df.callActivity('a');", { head });
  const [finding] = of('replay-unsafe-logging', lint(text));
  assert.equal(
    applyFix(text, finding!.fixes[0]!),
    orch("    if (!ctx.df.isReplaying) {\n        ctx.log('x');\n    }\n    yield ctx.df.callActivity('a');", { head }),
  );
  noFix('replay-unsafe-logging', '[1].forEach((x) => console.log(x));' + THEN);
});

// ---------------------------------------------------------------- timer-out-of-range

test('timer-out-of-range flags due times that are certainly wrong', () => {
  const now = 'context.df.currentUtcDateTime';
  const cases = [
    'new Date(0)',
    "new Date('2020-01-01')",
    "new Date('2020-01-01T10:00:00Z')",
    'new Date(2020, 0, 1)',
    'new Date(Date.UTC(2019, 5, 1))',
    "new Date(Date.parse('2019-06-01'))",
    'new Date(1000)',
    `new Date(${now}.getTime() - 60_000)`,
    `new Date(${now}.valueOf() - 5 * 60 * 1000)`,
    `new Date(+${now} - 1)`,
    "new Date('garbage')",
    'new Date(NaN)',
    'new Date(Infinity)',
    "new Date('10000-01-01')",
    'new Date(8.64e15)',
    `new Date(${now}.getTime() + Number.MAX_SAFE_INTEGER)`.replace('Number.MAX_SAFE_INTEGER', '9_007_199_254_740_991'),
    '60_000',
    `${now}.getTime() + 60_000`,
    "'2030-01-01'",
  ];
  for (const arg of cases) flagged('timer-out-of-range', `yield context.df.createTimer(${arg});`);
  // through consts
  flagged('timer-out-of-range', 'const past = new Date(0);\nyield context.df.createTimer(past);');
  flagged('timer-out-of-range', `const ago = ${now}.getTime() - 1000;\nyield context.df.createTimer(new Date(ago));`);
  flagged(
    'timer-out-of-range',
    'const MINUTE = 60_000;\nyield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() - MINUTE));',
  );
});

test('timer-out-of-range: messages say what is wrong', () => {
  const message = (arg: string) => flagged('timer-out-of-range', `yield context.df.createTimer(${arg});`)[0]!.message;
  assert.match(message('new Date(0)'), /is in the past \(1970-01-01\), so the timer fires at once/);
  assert.match(message('new Date(context.df.currentUtcDateTime.getTime() - 1)'), /before the orchestration time/);
  assert.match(message("new Date('nope')"), /is an Invalid Date/);
  assert.match(message("new Date('10000-01-01')"), /after 9999-12-31/);
  assert.match(message('1000'), /passes a number, not a Date, so durable-functions throws a TypeError/);
});

test('timer-out-of-range leaves alone due times in the future or computed at run time', () => {
  const now = 'context.df.currentUtcDateTime';
  const cases = [
    `new Date(${now}.getTime() + 60_000)`,
    `new Date(${now})`,
    now,
    `new Date(${now}.getTime() + 365 * 24 * 3600 * 1000)`,
    "new Date('2999-01-01')",
    'new Date(9999, 11, 31)',
    'new Date(context.df.getInput().deadline)',
    `new Date(${now}.getTime() + context.df.getInput().delay)`,
    `new Date(${now}.getTime() - context.df.getInput().delay)`,
    'deadline',
    `moment.utc(${now}).add(1, 'h').toDate()`,
    `DateTime.fromJSDate(${now}).plus({ minutes: 2 }).toJSDate()`,
  ];
  const header = "declare const moment: any; declare const DateTime: any; const deadline = new Date('2999-01-01');";
  for (const arg of cases) clean('timer-out-of-range', `yield context.df.createTimer(${arg});`, header);
  // a const Date that is changed before use
  clean(
    'timer-out-of-range',
    'const d = new Date(0);\nd.setTime(Date.parse("2999-01-01"));\nyield context.df.createTimer(d);',
  );
  clean(
    'timer-out-of-range',
    'const d = new Date(0);\nbump(d);\nyield context.df.createTimer(d);\nfunction bump(x) { x.setFullYear(2999); }',
  );
  // a `let` may change
  clean('timer-out-of-range', 'let ms = 0;\nms = 4e12;\nyield context.df.createTimer(new Date(ms));');
  // shadowed Date and NaN, another createTimer
  clean('timer-out-of-range', 'const Date = (x) => x;\nyield context.df.createTimer(new Date(0));');
  clean('timer-out-of-range', 'const NaN = 4e12;\nyield context.df.createTimer(new Date(NaN));');
  clean(
    'timer-out-of-range',
    "const timers = { createTimer: (x) => x };\ntimers.createTimer(new Date(0));\nyield context.df.callActivity('a');",
  );
  // outside orchestrators
  assert.deepEqual(
    lint(
      "import * as df from 'durable-functions';\nexport function* g(context) { yield context.df.createTimer(new Date(0)); }\n",
    ),
    [],
  );
});
