/**
 * `Linter.orchestrations()`: the orchestrations a workspace registers and the activities each calls by a name known
 * statically (literal, constant, imported constant, constant object member), through callbacks and helpers;
 * computed names and names not given as literals are left out; `files` limits the search.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLinter } from '../../src/lint/linter.js';
import { abs } from './lint-harness.js';

function linterOver(files: Record<string, string>) {
  const map = new Map(Object.entries(files).map(([name, text]) => [abs(name), text]));
  return createLinter({ readFile: (file) => map.get(file), listFiles: () => [...map.keys()] });
}

const IMPORT = "import * as df from 'durable-functions';\n";

test('a literal and a constant name, in order of first call, without duplicates', () => {
  const linter = linterOver({
    'hello.ts': `${IMPORT}const activityName = 'sayHello';
df.app.orchestration('helloSequence', function* (context) {
  yield context.df.callActivity(activityName, 'Tokyo');
  yield context.df.callActivityWithRetry('audit', new df.RetryOptions(100, 2), null);
  yield context.df.callActivity(activityName, 'London');
});`,
  });
  assert.deepEqual(linter.orchestrations(), [
    {
      name: 'helloSequence',
      file: abs('hello.ts'),
      line: 3,
      handlerFile: abs('hello.ts'),
      activities: ['sayHello', 'audit'],
    },
  ]);
});

test('names computed at run time are skipped; callbacks, helpers and imported constants are followed', () => {
  const linter = linterOver({
    'names.ts':
      "export const NOTIFY = 'notify';\nexport const STEPS = { charge: 'chargeCard', ship: `shipOrder` } as const;\n",
    'steps.ts': `import { STEPS } from './names.js';
export function* payAndShip(context: any, order: unknown) {
  yield context.df.callActivity(STEPS.charge, order);
  yield context.df.callActivity(STEPS.ship, order);
}`,
    'order.ts': `${IMPORT}import { NOTIFY } from './names.js';
import { payAndShip } from './steps.js';
let mutable = 'notThis';
df.app.orchestration('order', function* ({ df: d }) {
  const input = d.getInput();
  yield d.callActivity(input.kind, 1);
  yield d.callActivity('prefix' + input.kind, 1);
  yield d.callActivity(mutable, 1);
  yield* payAndShip({ df: d }, input);
  yield d.Task.all(input.items.map((item: unknown) => d.callActivity('processItem', item)));
  yield d.callActivity(NOTIFY, input);
});`,
  });
  const [order] = linter.orchestrations();
  assert.equal(order?.name, 'order');
  assert.deepEqual(order.activities, ['chargeCard', 'shipOrder', 'processItem', 'notify']);

  // The helper's own context parameter is its first one used as `<param>.df`.
  const withContext = linterOver({
    'steps.ts': `export function* payAndShip(context: any) {\n  yield context.df.callActivity('chargeCard', 1);\n}`,
    'order.ts': `${IMPORT}import { payAndShip } from './steps.js';
df.app.orchestration('order', function* (context) {
  yield* payAndShip(context);
});`,
  });
  assert.deepEqual(withContext.orchestrations()[0]?.activities, ['chargeCard']);
});

test('registered in one file, written in another; a name that is not a literal is no orchestration to list', () => {
  const linter = linterOver({
    'register.js': `const df = require('durable-functions');
const { orchestrator } = require('./orchestrator');
df.app.orchestration('remote', { handler: orchestrator });
df.app.orchestration(process.env.NAME, orchestrator);`,
    'orchestrator.js': `exports.orchestrator = function* (context) {\n  return yield context.df.callActivity('work');\n};`,
    'other.ts': `${IMPORT}df.app.orchestration('alpha', function* () {});\ndf.app.activity('work', { handler: () => 1 });`,
  });
  assert.deepEqual(
    linter.orchestrations().map(({ name, file, handlerFile, activities }) => ({ name, file, handlerFile, activities })),
    [
      { name: 'alpha', file: abs('other.ts'), handlerFile: abs('other.ts'), activities: [] },
      { name: 'remote', file: abs('register.js'), handlerFile: abs('orchestrator.js'), activities: ['work'] },
    ],
  );
  // Only the files asked about.
  assert.deepEqual(
    linter.orchestrations([abs('other.ts')]).map((o) => o.name),
    ['alpha'],
  );
});

test('only the files given are read when the linter has not seen others', () => {
  const read: string[] = [];
  const files = new Map([
    [abs('a.ts'), `${IMPORT}df.app.orchestration('a', function* (context) { yield context.df.callActivity('x'); });`],
    [abs('b.ts'), `${IMPORT}df.app.orchestration('b', function* () {});`],
  ]);
  const linter = createLinter({
    readFile: (file) => {
      read.push(file);
      return files.get(file);
    },
    listFiles: () => [...files.keys()],
  });
  assert.deepEqual(linter.orchestrations([abs('a.ts')]), [
    { name: 'a', file: abs('a.ts'), line: 2, handlerFile: abs('a.ts'), activities: ['x'] },
  ]);
  assert.deepEqual([...new Set(read)], [abs('a.ts')]);
});
