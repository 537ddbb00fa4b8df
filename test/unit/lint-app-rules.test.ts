/**
 * The rules that know the app: `unknown-function` (names called that the app never registers) and
 * `unknown-entity-operation` (operations an entity's code never handles), over in-memory workspaces.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding, LintOptions } from '../../src/lint/api.js';
import { createLinter } from '../../src/lint/linter.js';
import { abs, applyFix, lintFiles, syntaxErrors } from './lint-harness.js';

const IMPORT = "import * as df from 'durable-functions';\n";
const ACTIVITIES = `${IMPORT}df.app.activity('sayHello', { handler: (name: string) => 'Hello ' + name });
df.app.activity('chargeCard', { handler: async () => 1 });
`;

function orchestrator(body: string): string {
  return `${IMPORT}df.app.orchestration('o', function* (context) {\n${body}\n});\n`;
}

function findings(files: Record<string, string>, target = 'orch.ts', options: LintOptions = {}): Finding[] {
  return lintFiles(files, target, options).filter((f) => f.rule.startsWith('unknown-'));
}

function messages(files: Record<string, string>, target = 'orch.ts', options: LintOptions = {}): string[] {
  return findings(files, target, options).map((f) => `${f.rule}: ${f.message}`);
}

test('an unknown activity is reported at its name, with the closest registered name and a fix', () => {
  const text = orchestrator("  const greeting = yield context.df.callActivity('sayHelo', 'Tokyo');");
  const found = findings({ 'orch.ts': text, 'activities.ts': ACTIVITIES });
  assert.equal(found.length, 1);
  const [finding] = found;
  assert.equal(finding!.rule, 'unknown-function');
  assert.equal(finding!.severity, 'error');
  assert.equal(finding!.message, "Unknown activity 'sayHelo'; did you mean 'sayHello'?");
  assert.deepEqual(finding!.range, { start: { line: 3, column: 50 }, end: { line: 3, column: 59 } });
  assert.equal(finding!.fixes[0]!.title, "Change to 'sayHello'");
  const fixed = applyFix(text, finding!.fixes[0]!);
  assert.match(fixed, /callActivity\('sayHello', 'Tokyo'\)/);
  assert.deepEqual(syntaxErrors(fixed), []);
  assert.deepEqual(messages({ 'orch.ts': fixed, 'activities.ts': ACTIVITIES }), []);
});

test('a name nothing is close to lists what is registered, with no fix', () => {
  const found = findings({
    'orch.ts': orchestrator("  yield context.df.callActivity('shipOrder');"),
    'activities.ts': ACTIVITIES,
  });
  assert.equal(found.length, 1);
  assert.match(found[0]!.message, /Unknown activity 'shipOrder'.*Registered: 'chargeCard' and 'sayHello'\./);
  assert.deepEqual(found[0]!.fixes, []);
});

test('names written as constants, object members, enum members and imports are resolved', () => {
  const names = `export const SAY_HELLO = 'sayHelo';
export const NAMES = { hello: 'sayHello', typo: 'sayHelo' } as const;
export enum Activities { Hello = 'sayHello', Typo = 'sayHelo' }
`;
  const header = `${IMPORT}import { SAY_HELLO, NAMES, Activities } from './names';\n`;
  const orch = (body: string) => `${header}df.app.orchestration('o', function* (context) {\n${body}\n});\n`;
  const files = (body: string) => ({ 'orch.ts': orch(body), 'names.ts': names, 'activities.ts': ACTIVITIES });
  for (const bad of ['SAY_HELLO', 'NAMES.typo', 'Activities.Typo', 'NAMES["typo"]']) {
    const found = findings(files(`  yield context.df.callActivity(${bad});`));
    assert.deepEqual(
      found.map((f) => f.message),
      ["Unknown activity 'sayHelo'; did you mean 'sayHello'?"],
      bad,
    );
    // The fix rewrites the literal where it is spelt, in names.ts.
    assert.equal(found[0]!.fixes[0]!.edits[0]!.file, abs('names.ts'), bad);
  }
  for (const good of ['NAMES.hello', 'Activities.Hello', '`say${"Hello"}`']) {
    assert.deepEqual(messages(files(`  yield context.df.callActivity(${good});`)), [], good);
  }
  // A registration may use the constants too.
  assert.deepEqual(
    messages({
      'orch.ts': orchestrator("  yield context.df.callActivity('sayHello');"),
      'activities.ts': `${IMPORT}import { NAMES } from './names';\ndf.app.activity(NAMES.hello, { handler: () => 1 });\n`,
      'names.ts': names,
    }),
    [],
  );
});

test('names computed at run time, or matching but for case, are not reported', () => {
  const files = (body: string) => ({ 'orch.ts': orchestrator(body), 'activities.ts': ACTIVITIES });
  for (const body of [
    '  const input = context.df.getInput();\n  yield context.df.callActivity(input.step);',
    "  for (const name of ['a', 'b']) yield context.df.callActivity(name);",
    "  let name = 'sayHelo';\n  name = 'sayHello';\n  yield context.df.callActivity(name);",
    "  yield context.df.callActivity('SAYHELLO', 'x');",
    '  yield context.df.callActivity(`${context.df.instanceId}-step`);',
  ]) {
    assert.deepEqual(messages(files(body)), [], body);
  }
});

test('silent when the app registers nothing of that kind by a static name, or registers names at run time', () => {
  const call = orchestrator("  yield context.df.callActivity('sendEmail');");
  assert.deepEqual(messages({ 'orch.ts': call }), []);
  assert.deepEqual(
    messages({
      'orch.ts': call,
      'activities.ts': `${ACTIVITIES}for (const name of ['sendEmail', 'sendSms']) df.app.activity(name, { handler: () => 1 });\n`,
    }),
    [],
  );
});

test('names declared in the settings count as registered, and are suggested', () => {
  const files = {
    'orch.ts': orchestrator("  yield context.df.callActivity('sendEmail');"),
    'activities.ts': ACTIVITIES,
  };
  assert.equal(messages(files).length, 1);
  assert.deepEqual(messages(files, 'orch.ts', { knownFunctions: { activities: ['sendEmail'] } }), []);
  assert.deepEqual(
    findings({ ...files, 'orch.ts': orchestrator("  yield context.df.callActivity('sendEmial');") }, 'orch.ts', {
      knownFunctions: { activities: ['sendEmail'] },
    }).map((f) => f.message),
    ["Unknown activity 'sendEmial'; did you mean 'sendEmail'?"],
  );
});

test('sub-orchestrations, a client starting an orchestration, and entity ids are checked too', () => {
  const app = `${IMPORT}df.app.orchestration('processOrder', function* () {});\ndf.app.entity('counter', () => undefined);\n`;
  assert.deepEqual(
    messages({ 'orch.ts': orchestrator("  yield context.df.callSubOrchestrator('processOrdr', 1);"), 'app.ts': app }),
    ["unknown-function: Unknown orchestration 'processOrdr'; did you mean 'processOrder'?"],
  );
  const client = `${IMPORT}import { app } from '@azure/functions';
app.http('start', {
  extraInputs: [df.input.durableClient()],
  handler: async (request, context) => {
    const client = df.getClient(context);
    const id = await client.startNew('procesOrder', { input: 1 });
    await client.signalEntity(new df.EntityId('countr', 'k'), 'add');
    return client.createCheckStatusResponse(request, id);
  },
});
`;
  assert.deepEqual(messages({ 'client.ts': client, 'app.ts': app }, 'client.ts'), [
    "unknown-function: Unknown orchestration 'procesOrder'; did you mean 'processOrder'?",
    "unknown-function: Unknown entity 'countr'; did you mean 'counter'?",
  ]);
  // Something else's startNew is not a durable client's.
  const other = `const queue = makeQueue();\nqueue.startNew('whatever');\n`;
  assert.deepEqual(messages({ 'other.ts': other, 'app.ts': app }, 'other.ts'), []);
});

test('each Functions app (a folder with host.json) only knows what it registers', () => {
  const files = {
    'one/host.json': '{}',
    'one/orch.ts': orchestrator("  yield context.df.callActivity('sayHello');"),
    'one/activities.ts': `${IMPORT}df.app.activity('chargeCard', { handler: () => 1 });\n`,
    'two/host.json': '{}',
    'two/activities.ts': ACTIVITIES,
  };
  assert.deepEqual(
    findings(files, 'one/orch.ts').map((f) => f.message),
    [
      `Unknown activity 'sayHello': the workspace registers no activity of that name (df.app.activity). Registered: 'chargeCard'.`,
    ],
  );
  assert.deepEqual(messages({ ...files, 'two/orch.ts': files['one/orch.ts'] }, 'two/orch.ts'), []);
});

test('without the list of workspace files the index is partial, and names are not checked', () => {
  const map = new Map([
    [abs('orch.ts'), orchestrator("  yield context.df.callActivity('sayHelo');")],
    [abs('activities.ts'), ACTIVITIES],
  ]);
  const linter = createLinter({ readFile: (file) => map.get(file) });
  linter.lintFile(abs('activities.ts'));
  assert.deepEqual(
    linter.lintFile(abs('orch.ts')).filter((f) => f.rule === 'unknown-function'),
    [],
  );
});

test('a rename in another file updates the finding after invalidate', () => {
  const map = new Map([
    [abs('orch.ts'), orchestrator("  yield context.df.callActivity('sayHello');")],
    [abs('activities.ts'), ACTIVITIES],
  ]);
  const linter = createLinter({ readFile: (file) => map.get(file), listFiles: () => [...map.keys()] });
  const unknown = () => linter.lintFile(abs('orch.ts')).filter((f) => f.rule === 'unknown-function').length;
  assert.equal(unknown(), 0);
  map.set(abs('activities.ts'), ACTIVITIES.replace("'sayHello'", "'greet'"));
  linter.invalidate(abs('activities.ts'));
  assert.equal(unknown(), 1);
  map.set(abs('activities.ts'), ACTIVITIES);
  linter.invalidate(abs('activities.ts'));
  assert.equal(unknown(), 0);
});

test('a suppression comment silences the finding', () => {
  const text = orchestrator(
    "  // durable-lint-disable-next-line unknown-function -- registered by the shared package\n  yield context.df.callActivity('sendEmail');",
  );
  assert.deepEqual(messages({ 'orch.ts': text, 'activities.ts': ACTIVITIES }), []);
});

const COUNTER = `${IMPORT}df.app.entity('counter', (context) => {
  const value = context.df.getState(() => 0);
  switch (context.df.operationName) {
    case 'add':
      context.df.setState(value + context.df.getInput());
      break;
    case 'reset':
      context.df.setState(0);
      break;
    case 'get':
      context.df.return(value);
      break;
  }
});
`;

test('an operation the entity never handles is reported, with the closest one and a fix', () => {
  const text = orchestrator(
    "  const id = new df.EntityId('counter', 'c1');\n  context.df.signalEntity(id, 'ad', 1);\n  const n = yield context.df.callEntity(id, 'get');",
  );
  const found = findings({ 'orch.ts': text, 'counter.ts': COUNTER });
  assert.deepEqual(
    found.map((f) => f.message),
    [
      "Entity 'counter' never handles operation 'ad' (counter.ts:2: it handles 'add', 'get' and 'reset'); did you mean 'add'?",
    ],
  );
  assert.equal(found[0]!.rule, 'unknown-entity-operation');
  const fixed = applyFix(text, found[0]!.fixes[0]!);
  assert.match(fixed, /signalEntity\(id, 'add', 1\)/);
  assert.deepEqual(messages({ 'orch.ts': fixed, 'counter.ts': COUNTER }), []);
  // Names are compared exactly: 'Add' is not 'add'.
  assert.equal(
    messages({
      'orch.ts': orchestrator("  context.df.signalEntity(new df.EntityId('counter', 'c'), 'Add');"),
      'counter.ts': COUNTER,
    }).length,
    1,
  );
});

test('entities whose operations are not statically known are never reported', () => {
  const call = orchestrator("  context.df.signalEntity(new df.EntityId('e', 'k'), 'anything');");
  const entity = (body: string) => `${IMPORT}df.app.entity('e', (context) => {\n${body}\n});\n`;
  for (const body of [
    // A default that does work handles every name.
    "  switch (context.df.operationName) { case 'add': break; default: context.df.setState(1); }",
    // A lookup table.
    '  const handlers = { add: () => 1 };\n  handlers[context.df.operationName]();',
    // An if chain followed by code that runs for any name.
    "  if (context.df.operationName === 'reset') { context.df.setState(0); return; }\n  context.df.setState(context.df.getInput());",
    // A final else that does work.
    "  const op = context.df.operationName;\n  if (op === 'reset') context.df.setState(0);\n  else context.df.setState(1);",
    // The name passed on.
    '  log(context.df.operationName);\n  function log(x) {}',
    // A non-static case.
    '  const input = context.df.getInput();\n  switch (context.df.operationName) { case input.name: break; }',
  ]) {
    assert.deepEqual(messages({ 'orch.ts': call, 'e.ts': entity(body) }), [], body);
  }
  // Statically known: default that throws, a constant holding the name, an if chain that ends the function.
  for (const body of [
    "  switch (context.df.operationName) { case 'add': break; default: throw new Error('unknown'); }",
    "  const op = context.df.operationName;\n  switch (op) { case 'add': break; }",
    "  const op = context.df.operationName;\n  if (op === 'add') context.df.setState(1);\n  else if (op === 'reset') context.df.setState(0);\n  else throw new Error(op);",
  ]) {
    assert.equal(messages({ 'orch.ts': call, 'e.ts': entity(body) }).length, 1, body);
  }
});

test('entity ids that are not static, and entities registered twice, are not checked', () => {
  assert.deepEqual(
    messages({
      'orch.ts': orchestrator(
        "  const id = new df.EntityId(context.df.getInput(), 'k');\n  context.df.signalEntity(id, 'ad');",
      ),
      'counter.ts': COUNTER,
    }),
    [],
  );
  assert.deepEqual(
    messages({
      'orch.ts': orchestrator("  context.df.signalEntity(new df.EntityId('counter', 'k'), 'ad');"),
      'counter.ts': COUNTER,
      'counter2.ts': COUNTER,
    }),
    [],
  );
});
