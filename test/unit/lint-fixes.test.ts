/**
 * Every quick fix applied to real text: the result is checked verbatim, parses, and lints clean for the rule fixed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RuleId } from '../../src/lint/api.js';
import { applyFix, lint, orch, syntaxErrors } from './lint-harness.js';

/** Applies the first fix of the (only) finding of `rule`, checks the result and that the rule is then satisfied. */
function fixed(text: string, rule: RuleId, expected: string): void {
  const findings = lint(text).filter((f) => f.rule === rule);
  assert.equal(findings.length, 1, `one ${rule} finding in:\n${text}`);
  const fix = findings[0]!.fixes[0];
  assert.ok(fix, `a fix for ${rule} in:\n${text}`);
  const result = applyFix(text, fix);
  assert.equal(result, expected);
  assert.deepEqual(syntaxErrors(result), [], result);
  assert.deepEqual(
    lint(result).filter((f) => f.rule === rule),
    [],
    `still ${rule} after the fix:\n${result}`,
  );
}

function noFix(text: string, rule: RuleId): void {
  const findings = lint(text).filter((f) => f.rule === rule);
  assert.equal(findings.length, 1, `one ${rule} finding in:\n${text}`);
  assert.deepEqual(findings[0]!.fixes, []);
}

const body = (code: string, header = '', head?: string) => orch(`  ${code}`, { header, ...(head ? { head } : {}) });

test('no-current-time: Date.now(), new Date(), new Date, Date()', () => {
  fixed(body('const t = Date.now();'), 'no-current-time', body('const t = context.df.currentUtcDateTime.getTime();'));
  fixed(body('const d = new Date();'), 'no-current-time', body('const d = new Date(context.df.currentUtcDateTime);'));
  fixed(body('const d = new Date;'), 'no-current-time', body('const d = new Date(context.df.currentUtcDateTime);'));
  fixed(body('const s = Date();'), 'no-current-time', body('const s = context.df.currentUtcDateTime.toString();'));
  fixed(
    body('const t = Date.now();', '', 'function* (ctx)'),
    'no-current-time',
    body('const t = ctx.df.currentUtcDateTime.getTime();', '', 'function* (ctx)'),
  );
  fixed(
    body('const iso = new Date().toISOString();', '', 'function* ({ df })'),
    'no-current-time',
    body('const iso = new Date(df.currentUtcDateTime).toISOString();', '', 'function* ({ df })'),
  );
  noFix(body('const t = performance.now();'), 'no-current-time');
  noFix(body('const t = Date.now();', '', 'function* ()'), 'no-current-time');
});

test('no-random: randomUUID and uuid v4 become newGuid; Math.random has no fix', () => {
  const guid = 'context.df.newGuid(context.df.instanceId)';
  fixed(body('const id = crypto.randomUUID();'), 'no-random', body(`const id = ${guid};`));
  const uuid = "import { v4 as uuidv4 } from 'uuid';";
  fixed(body('const id = uuidv4();', uuid), 'no-random', body(`const id = ${guid};`, uuid));
  const node = "import { randomUUID } from 'node:crypto';";
  fixed(
    body('const id = `order-${randomUUID()}`;', node),
    'no-random',
    body(`const id = \`order-\${${guid}}\`;`, node),
  );
  noFix(body('const id = uuidv4({ random: [] });', uuid), 'no-random');
  noFix(body('const r = Math.random();'), 'no-random');
});

test('no-timers: awaited sleeps become durable timers; a bare setTimeout has no fix', () => {
  const timer = (ms: string) =>
    `yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + ${ms}));`;
  fixed(body('await new Promise((resolve) => setTimeout(resolve, 5000));'), 'no-timers', body(timer('5000')));
  fixed(
    body('await new Promise((r) => { setTimeout(r, ms); });', 'const ms = 10;'),
    'no-timers',
    body(timer('ms'), 'const ms = 10;'),
  );
  fixed(body('await new Promise((r) => setTimeout(() => r(), 2 * 1000));'), 'no-timers', body(timer('(2 * 1000)')));
  const promises = "import { setTimeout as sleep } from 'node:timers/promises';";
  fixed(body('await sleep(100);', promises), 'no-timers', body(timer('100'), promises));
  const delay = "import delay from 'delay';";
  fixed(body('yield delay(100);', delay), 'no-timers', body(timer('100'), delay));
  noFix(body('setTimeout(() => undefined, 10);'), 'no-timers');
});

test('no-await: await on a durable task becomes yield, with parentheses where precedence needs them', () => {
  const task = "context.df.callActivity('a')";
  fixed(body(`const r = await ${task};`), 'no-await', body(`const r = yield ${task};`));
  fixed(body(`await ${task};`), 'no-await', body(`yield ${task};`));
  fixed(body(`const r = 1 + await ${task};`), 'no-await', body(`const r = 1 + (yield ${task});`));
  fixed(body(`const r = (await ${task}).length;`), 'no-await', body(`const r = (yield ${task}).length;`));
  fixed(body(`return await ${task};`), 'no-await', body(`return yield ${task};`));
  fixed(body(`const t = ${task};\n  const r = await t;`), 'no-await', body(`const t = ${task};\n  const r = yield t;`));
  fixed(
    body(`const rs = await Promise.all([${task}, ${task}]);`),
    'no-await',
    body(`const rs = yield context.df.Task.all([${task}, ${task}]);`),
  );
  noFix(body('const r = await Promise.resolve(1);'), 'no-await');
  noFix(body(`const rs = [1].map(async () => await ${task});`), 'no-await');
});

test('no-async-orchestrator: async functions, arrows and methods become generators with their awaits yielded', () => {
  const imp = "import * as df from 'durable-functions';\n";
  const task = "context.df.callActivity('a')";
  fixed(
    `${imp}df.app.orchestration('o', async function (context) {\n  const r = await ${task};\n  return r;\n});\n`,
    'no-async-orchestrator',
    `${imp}df.app.orchestration('o', function* (context) {\n  const r = yield ${task};\n  return r;\n});\n`,
  );
  fixed(
    `${imp}async function orch(context) {\n  return await ${task};\n}\ndf.app.orchestration('o', orch);\n`,
    'no-async-orchestrator',
    `${imp}function* orch(context) {\n  return yield ${task};\n}\ndf.app.orchestration('o', orch);\n`,
  );
  fixed(
    `${imp}df.app.orchestration('o', async (context: df.OrchestrationContext): Promise<string> => {\n  await ${task};\n  return 'done';\n});\n`,
    'no-async-orchestrator',
    `${imp}df.app.orchestration('o', function* (context: df.OrchestrationContext) {\n  yield ${task};\n  return 'done';\n});\n`,
  );
  fixed(
    `${imp}df.app.orchestration('o', async context => await ${task});\n`,
    'no-async-orchestrator',
    `${imp}df.app.orchestration('o', function* (context) { return (yield ${task}); });\n`,
  );
  fixed(
    `${imp}df.app.orchestration('o', { async handler(context) { await ${task}; } });\n`,
    'no-async-orchestrator',
    `${imp}df.app.orchestration('o', { *handler(context) { yield ${task}; } });\n`,
  );
  fixed(
    `${imp}df.app.orchestration('o', async function* (context) { yield ${task}; });\n`,
    'no-async-orchestrator',
    `${imp}df.app.orchestration('o', function* (context) { yield ${task}; });\n`,
  );
  noFix(`${imp}df.app.orchestration('o', async function (context) { await fetch('x'); });\n`, 'no-async-orchestrator');
});

test('unyielded-task: a task statement gets yield; a task variable has no fix', () => {
  fixed(body("context.df.callActivity('a');"), 'unyielded-task', body("yield context.df.callActivity('a');"));
  fixed(
    body("context.df.Task.all([context.df.callActivity('a')]);"),
    'unyielded-task',
    body("yield context.df.Task.all([context.df.callActivity('a')]);"),
  );
  noFix(body("const t = context.df.callActivity('a');"), 'unyielded-task');
  noFix(body("[1].forEach(() => { context.df.callActivity('a'); });"), 'unyielded-task');
});

test('no-promise-combinators: Promise.all and race/any over tasks become Task.all / Task.any', () => {
  const tasks = "[context.df.callActivity('a'), context.df.callActivity('b')]";
  fixed(
    body(`const r = yield Promise.all(${tasks});`),
    'no-promise-combinators',
    body(`const r = yield context.df.Task.all(${tasks});`),
  );
  fixed(
    body(`const r = yield Promise.race(${tasks});`),
    'no-promise-combinators',
    body(`const r = yield context.df.Task.any(${tasks});`),
  );
  fixed(
    body(`const r = yield Promise.any(${tasks});`),
    'no-promise-combinators',
    body(`const r = yield context.df.Task.any(${tasks});`),
  );
  const mapped = "const ts = [1, 2].map((n) => context.df.callActivity('a', n));\n  ";
  fixed(
    body(`${mapped}const r = yield Promise.all(ts);`),
    'no-promise-combinators',
    body(`${mapped}const r = yield context.df.Task.all(ts);`),
  );
  noFix(body(`const r = yield Promise.allSettled(${tasks});`), 'no-promise-combinators');
  noFix(body("const r = yield Promise.all([fetch('x')]);"), 'no-promise-combinators');
});

test('yield-non-task: an array of tasks becomes Task.all; a yielded fire-and-forget call loses its yield', () => {
  const tasks = "[context.df.callActivity('a'), context.df.callActivity('b')]";
  fixed(body(`const r = yield ${tasks};`), 'yield-non-task', body(`const r = yield context.df.Task.all(${tasks});`));
  const id = "new df.EntityId('counter', 'k')";
  fixed(
    body(`yield context.df.signalEntity(${id}, 'add', 1);`),
    'yield-non-task',
    body(`context.df.signalEntity(${id}, 'add', 1);`),
  );
  fixed(
    body('const g = yield context.df.newGuid(context.df.instanceId);'),
    'yield-non-task',
    body('const g = context.df.newGuid(context.df.instanceId);'),
  );
  noFix(body('yield 5;'), 'yield-non-task');
});

test('fixes of the whole example in the docs leave a clean orchestrator', () => {
  let text = orch(
    [
      '  const started = Date.now();',
      '  const id = crypto.randomUUID();',
      "  const r = await context.df.callActivity('a', id);",
      '  await new Promise((resolve) => setTimeout(resolve, 1000));',
      "  context.df.callActivity('b');",
      '  return { started, r };',
    ].join('\n'),
  );
  for (let round = 0; round < 10; round++) {
    const next = lint(text).find((f) => f.fixes.length > 0);
    if (!next) break;
    text = applyFix(text, next.fixes[0]!);
  }
  assert.deepEqual(lint(text), []);
  assert.deepEqual(syntaxErrors(text), []);
});
